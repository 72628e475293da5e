// TLS and SASL for the connections to Kafka: KafkaJS's `ssl` and `sasl` settings, given directly
// (kafkaStream, KafkaSink) or from Spark's `kafka.*` client options (Structured Streaming's kafka
// source and sink: security.protocol, sasl.mechanism, sasl.jaas.config and the PEM ssl.* ones).
import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import { FlintError } from '../../errors.js';

/** SASL mechanisms Flint's client speaks (KafkaJS's names). */
export type SaslMechanism = 'plain' | 'scram-sha-256' | 'scram-sha-512';

/** SASL credentials (KafkaJS's `sasl`). */
export interface KafkaSasl {
  readonly mechanism: SaslMechanism;
  readonly username: string;
  readonly password: string;
}

/** How Flint's client secures its connections to Kafka (KafkaJS's `ssl` and `sasl`). */
export interface KafkaSecurity {
  /** TLS: `true` for the system's trusted CAs, or Node's TLS options (`ca`, `cert`, `key`, `passphrase`, ...). */
  readonly ssl?: boolean | ConnectionOptions;
  /** SASL authentication; with `ssl` it is Kafka's SASL_SSL, without it SASL_PLAINTEXT. */
  readonly sasl?: KafkaSasl;
}

const MECHANISMS: readonly SaslMechanism[] = ['plain', 'scram-sha-256', 'scram-sha-512'];

/** Checks `ssl` and `sasl` options of `what` (kafkaStream, KafkaSink); they cannot go with a client of the program's own. */
export function checkSecurity(what: string, options: KafkaSecurity & { client?: unknown }): void {
  const { ssl, sasl } = options;
  if ((ssl !== undefined || sasl !== undefined) && options.client !== undefined) {
    throw invalid(`${what}: ssl and sasl apply to the client Flint makes; with options.client, set them on that client (new Kafka({ brokers, ssl, sasl }))`);
  }
  if (ssl !== undefined && typeof ssl !== 'boolean' && (typeof ssl !== 'object' || ssl === null)) throw invalid(`${what}: options.ssl must be true or Node TLS options ({ ca, cert, key })`);
  if (sasl === undefined) return;
  if (typeof sasl !== 'object' || sasl === null || !MECHANISMS.includes(sasl.mechanism)) {
    throw invalid(`${what}: options.sasl.mechanism must be one of ${MECHANISMS.join(', ')}, got ${JSON.stringify((sasl as Partial<KafkaSasl> | null)?.mechanism)}`);
  }
  if (typeof sasl.username !== 'string' || typeof sasl.password !== 'string') throw invalid(`${what}: options.sasl needs a username and a password (strings)`);
}

/**
 * The security of Spark's `kafka.*` options (keys lower-cased): `kafka.security.protocol`
 * (PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL), `kafka.sasl.mechanism` with the credentials of
 * `kafka.sasl.jaas.config`, and PEM trust and key stores (`kafka.ssl.truststore.location` or
 * `.certificates`, `kafka.ssl.keystore.location` or `.key` and `.certificate.chain`,
 * `kafka.ssl.key.password`); `kafka.ssl.endpoint.identification.algorithm` empty skips the host
 * name check, as in Kafka.
 */
export function securityFromSparkOptions(o: ReadonlyMap<string, string>, what: string): KafkaSecurity {
  const protocol = (o.get('kafka.security.protocol') ?? 'PLAINTEXT').toUpperCase();
  if (!['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL'].includes(protocol)) {
    throw invalid(`${what}: kafka.security.protocol "${o.get('kafka.security.protocol')}" is unknown; use PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL`);
  }
  const usesSsl = protocol === 'SSL' || protocol === 'SASL_SSL';
  const usesSasl = protocol.startsWith('SASL_');
  const sslKeys = [...o.keys()].filter((k) => k.startsWith('kafka.ssl.'));
  if (!usesSsl && sslKeys.length > 0) throw invalid(`${what}: ${sslKeys.join(', ')} set, but kafka.security.protocol is ${protocol}; set it to SSL or SASL_SSL`);
  if (!usesSasl && o.has('kafka.sasl.jaas.config')) throw invalid(`${what}: kafka.sasl.jaas.config set, but kafka.security.protocol is ${protocol}; set it to SASL_SSL or SASL_PLAINTEXT`);
  return {
    ...(usesSsl ? { ssl: tlsOptions(o, what) } : {}),
    ...(usesSasl ? { sasl: saslOptions(o, what) } : {}),
  };
}

function tlsOptions(o: ReadonlyMap<string, string>, what: string): boolean | ConnectionOptions {
  const tls: { -readonly [K in keyof ConnectionOptions]: ConnectionOptions[K] } = {};
  if (o.has('kafka.ssl.truststore.location') || o.has('kafka.ssl.truststore.certificates')) {
    pemOnly(o, 'truststore', what);
    tls.ca = o.get('kafka.ssl.truststore.certificates') ?? readPem(o.get('kafka.ssl.truststore.location')!, 'kafka.ssl.truststore.location', what);
  }
  if (o.has('kafka.ssl.keystore.location')) {
    pemOnly(o, 'keystore', what);
    const pem = readPem(o.get('kafka.ssl.keystore.location')!, 'kafka.ssl.keystore.location', what);
    // One PEM file holds the private key and the certificate chain; Node picks each block out.
    tls.key = pem;
    tls.cert = pem;
  } else if (o.has('kafka.ssl.keystore.key') || o.has('kafka.ssl.keystore.certificate.chain')) {
    if (!o.has('kafka.ssl.keystore.key') || !o.has('kafka.ssl.keystore.certificate.chain')) {
      throw invalid(`${what}: set both kafka.ssl.keystore.key and kafka.ssl.keystore.certificate.chain (PEM text), or kafka.ssl.keystore.location`);
    }
    tls.key = o.get('kafka.ssl.keystore.key');
    tls.cert = o.get('kafka.ssl.keystore.certificate.chain');
  }
  const passphrase = o.get('kafka.ssl.key.password') ?? o.get('kafka.ssl.keystore.password');
  if (passphrase !== undefined && tls.key !== undefined) tls.passphrase = passphrase;
  if (o.get('kafka.ssl.endpoint.identification.algorithm') === '') tls.checkServerIdentity = () => undefined;
  return Object.keys(tls).length === 0 ? true : tls;
}

function saslOptions(o: ReadonlyMap<string, string>, what: string): KafkaSasl {
  const given = o.get('kafka.sasl.mechanism') ?? 'GSSAPI';
  const mechanism = given.toLowerCase() as SaslMechanism;
  if (!MECHANISMS.includes(mechanism)) {
    throw invalid(`${what}: kafka.sasl.mechanism ${given} is not supported${o.has('kafka.sasl.mechanism') ? '' : " (Kafka's default, Kerberos)"}; use PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512`);
  }
  const jaas = o.get('kafka.sasl.jaas.config');
  if (!jaas) {
    throw invalid(`${what}: kafka.sasl.jaas.config must hold the credentials, e.g. 'org.apache.kafka.common.security.${mechanism === 'plain' ? 'plain.PlainLoginModule' : 'scram.ScramLoginModule'} required username="u" password="p";'`);
  }
  const username = jaasValue(jaas, 'username');
  const password = jaasValue(jaas, 'password');
  if (username === undefined || password === undefined) throw invalid(`${what}: kafka.sasl.jaas.config needs username="..." and password="..."`);
  return { mechanism, username, password };
}

// A quoted value of a JAAS option (`name="value"`, backslash escapes).
function jaasValue(jaas: string, name: string): string | undefined {
  const m = new RegExp(`(?:^|\\s)${name}\\s*=\\s*"((?:[^"\\\\]|\\\\.)*)"`).exec(jaas);
  return m ? m[1]!.replace(/\\(.)/g, '$1') : undefined;
}

function pemOnly(o: ReadonlyMap<string, string>, store: 'truststore' | 'keystore', what: string): void {
  const type = (o.get(`kafka.ssl.${store}.type`) ?? 'JKS').toUpperCase();
  if (type !== 'PEM') {
    throw invalid(
      `${what}: kafka.ssl.${store}.type ${type} is not supported: Flint reads PEM ${store}s; convert it (e.g. keytool -importkeystore to PKCS12, then openssl pkcs12 -nodes) and set option('kafka.ssl.${store}.type', 'PEM')`,
    );
  }
}

function readPem(path: string, option: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw invalid(`${what}: cannot read ${option} "${path}": ${(error as Error).message}`);
  }
}

/**
 * What to check after a failed connection, by the kind of failure: the credentials after a SASL
 * refusal, the trust store after a certificate error, else the servers option (`serversOption`).
 */
export function connectionFix(error: unknown, serversOption: string): string {
  const e = error as { name?: string; code?: string; message?: string } | null;
  if (e?.name === 'KafkaJSSASLAuthenticationError') return 'check the SASL credentials (kafka.sasl.jaas.config, or sasl) and kafka.sasl.mechanism';
  if (/CERT|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)|ERR_TLS/.test(e?.code ?? '') || /certificate/i.test(e?.message ?? '')) {
    return 'check the trust store (kafka.ssl.truststore.*, or ssl.ca): it must hold the CA that signed the brokers\' certificates';
  }
  return `check ${serversOption} and that the brokers are up`;
}

function invalid(message: string): FlintError {
  return new FlintError('INVALID_ARGUMENT', message);
}
