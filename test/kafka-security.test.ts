// TLS and SASL to Kafka: Spark's kafka.* security options mapped to the client's settings (with
// the errors for what Flint cannot read), and end to end against a fake broker that checks the
// client certificate and records the SASL handshake: Structured Streaming's kafka source and sink,
// ssc.kafkaStream and KafkaSink. A wrong CA fails the handshake before any Kafka request.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Batch, FlintSession, KafkaSink, ManualClock, schemaOf, StreamingContext, type KafkaClient } from '../src/index.js';
import { securityFromSparkOptions } from '../src/io/kafka/security.js';
import { startFakeBroker, type FakeBroker } from './kafka/fake-broker.js';
import { cleanUp, track } from './support/stream-test.js';
import { waitFor } from './support/sources-helpers.js';

const TLS_DIR = join(import.meta.dirname, 'kafka', 'tls');
const pem = (name: string): string => readFileSync(join(TLS_DIR, name), 'utf8');
const JAAS = 'org.apache.kafka.common.security.plain.PlainLoginModule required username="alice" password="s3cr\\"et";';

let broker: FakeBroker | undefined;
afterEach(async () => {
  await cleanUp();
  await broker?.close();
  broker = undefined;
});

/** A TLS fake broker that requires a client certificate signed by the test CA. */
const tlsBroker = () => startFakeBroker({ key: pem('server-key.pem'), cert: pem('server.pem'), ca: pem('ca.pem'), requestCert: true, rejectUnauthorized: false });

const options = (entries: Record<string, string>) => new Map(Object.entries(entries).map(([k, v]) => [k.toLowerCase(), v]));

describe("Spark's kafka.* security options", () => {
  it('PLAINTEXT by default: no TLS, no SASL', () => {
    expect(securityFromSparkOptions(options({}), 'kafka source')).toEqual({});
  });

  it('SASL_SSL with PEM stores: the CA, the key and certificate, the credentials from the JAAS config', () => {
    const security = securityFromSparkOptions(
      options({
        'kafka.security.protocol': 'SASL_SSL',
        'kafka.sasl.mechanism': 'SCRAM-SHA-512',
        'kafka.sasl.jaas.config': JAAS.replace('plain.PlainLoginModule', 'scram.ScramLoginModule'),
        'kafka.ssl.truststore.type': 'PEM',
        'kafka.ssl.truststore.location': join(TLS_DIR, 'ca.pem'),
        'kafka.ssl.keystore.type': 'PEM',
        'kafka.ssl.keystore.location': join(TLS_DIR, 'client-keystore.pem'),
      }),
      'kafka source',
    );
    expect(security.sasl).toEqual({ mechanism: 'scram-sha-512', username: 'alice', password: 's3cr"et' });
    expect(security.ssl).toMatchObject({ ca: pem('ca.pem'), key: pem('client-keystore.pem'), cert: pem('client-keystore.pem') });
  });

  it('SSL with the system CAs, PEM text options, and the host name check turned off', () => {
    expect(securityFromSparkOptions(options({ 'kafka.security.protocol': 'ssl' }), 'k')).toEqual({ ssl: true });
    const ssl = securityFromSparkOptions(
      options({
        'kafka.security.protocol': 'SSL',
        'kafka.ssl.truststore.type': 'PEM',
        'kafka.ssl.truststore.certificates': pem('ca.pem'),
        'kafka.ssl.keystore.type': 'PEM',
        'kafka.ssl.keystore.key': pem('client-key.pem'),
        'kafka.ssl.keystore.certificate.chain': pem('client.pem'),
        'kafka.ssl.key.password': 'pw',
        'kafka.ssl.endpoint.identification.algorithm': '',
      }),
      'k',
    ).ssl as Record<string, unknown>;
    expect(ssl).toMatchObject({ ca: pem('ca.pem'), key: pem('client-key.pem'), cert: pem('client.pem'), passphrase: 'pw' });
    expect((ssl.checkServerIdentity as () => unknown)()).toBeUndefined();
  });

  it.each([
    [{ 'kafka.security.protocol': 'TLS' }, /kafka.security.protocol "TLS" is unknown; use PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL/],
    [{ 'kafka.security.protocol': 'SASL_SSL', 'kafka.sasl.jaas.config': JAAS }, /kafka.sasl.mechanism GSSAPI is not supported \(Kafka's default, Kerberos\); use PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512/],
    [{ 'kafka.security.protocol': 'SASL_PLAINTEXT', 'kafka.sasl.mechanism': 'PLAIN' }, /kafka.sasl.jaas.config must hold the credentials, e.g. 'org.apache.kafka.common.security.plain.PlainLoginModule required/],
    [{ 'kafka.security.protocol': 'SASL_PLAINTEXT', 'kafka.sasl.mechanism': 'PLAIN', 'kafka.sasl.jaas.config': 'x required username="a";' }, /needs username="..." and password="..."/],
    [{ 'kafka.security.protocol': 'SSL', 'kafka.ssl.truststore.location': '/x.jks' }, /kafka.ssl.truststore.type JKS is not supported: Flint reads PEM truststores; convert it/],
    [{ 'kafka.security.protocol': 'SSL', 'kafka.ssl.truststore.type': 'PEM', 'kafka.ssl.truststore.location': '/no/such.pem' }, /cannot read kafka.ssl.truststore.location "\/no\/such.pem"/],
    [{ 'kafka.ssl.truststore.type': 'PEM' }, /kafka.ssl.truststore.type set, but kafka.security.protocol is PLAINTEXT; set it to SSL or SASL_SSL/],
    [{ 'kafka.security.protocol': 'SSL', 'kafka.ssl.keystore.key': 'k' }, /set both kafka.ssl.keystore.key and kafka.ssl.keystore.certificate.chain/],
  ])('%j fails', (entries, message) => {
    expect(() => securityFromSparkOptions(options(entries), 'kafka source')).toThrow(message);
  });

  it('the reader checks them when load() is called', () => {
    const flint = track(new FlintSession({ master: 'local[1]', core: 'js' }));
    const reader = flint.readStream.format('kafka').option('kafka.bootstrap.servers', '127.0.0.1:1').option('subscribe', 't').option('kafka.security.protocol', 'SASL_SSL');
    expect(() => reader.load()).toThrow(/kafka source: kafka.sasl.mechanism GSSAPI is not supported/);
  });
});

describe('TLS and SASL end to end (a fake broker)', () => {
  it('the Structured Streaming kafka source connects with the client certificate and sends the SASL PLAIN credentials', async () => {
    broker = await tlsBroker();
    const flint = track(new FlintSession({ master: 'local[1]', core: 'js' }));
    const df = flint.readStream
      .format('kafka')
      .option('kafka.bootstrap.servers', broker.address)
      .option('subscribe', 'events')
      .option('kafka.security.protocol', 'SASL_SSL')
      .option('kafka.sasl.mechanism', 'PLAIN')
      .option('kafka.sasl.jaas.config', JAAS)
      .option('kafka.ssl.truststore.type', 'PEM')
      .option('kafka.ssl.truststore.location', join(TLS_DIR, 'ca.pem'))
      .option('kafka.ssl.keystore.type', 'PEM')
      .option('kafka.ssl.keystore.location', join(TLS_DIR, 'client-keystore.pem'))
      .load();
    await expect(df.writeStream.format('memory').queryName('secure').start()).rejects.toThrow(/cannot reach Kafka at 127\.0\.0\.1:\d+.*; check the SASL credentials/);
    expect(broker.log.authorized[0]).toBe(true);
    expect(broker.log.clientNames[0]).toBe('flint-client');
    expect(broker.log.requests.slice(0, 3)).toEqual([18, 17, 36]);
    expect(broker.log.mechanisms[0]).toBe('PLAIN');
    expect(broker.log.authBytes[0]).toBe('\u0000alice\u0000s3cr"et');
  });

  it('a CA that did not sign the broker certificate: the TLS handshake fails, no request is sent', async () => {
    broker = await tlsBroker();
    const flint = track(new FlintSession({ master: 'local[1]', core: 'js' }));
    const df = flint.readStream
      .format('kafka')
      .option('kafka.bootstrap.servers', broker.address)
      .option('subscribe', 'events')
      .option('kafka.security.protocol', 'SSL')
      .option('kafka.ssl.truststore.type', 'PEM')
      .option('kafka.ssl.truststore.certificates', pem('other-ca.pem'))
      .load();
    await expect(df.writeStream.format('memory').queryName('untrusted').start()).rejects.toThrow(/(self[- ]signed|unable to (get|verify)|certificate).*; check the trust store \(kafka.ssl.truststore.\*, or ssl.ca\)/i);
    expect(broker.log.requests).toEqual([]);
  });

  it('the Structured Streaming kafka sink uses them too', async () => {
    broker = await startFakeBroker();
    const flint = track(new FlintSession({ master: 'local[1]', core: 'js' }));
    const input = flint.memoryStream<{ value: string }>('out', schemaOf({ value: 'string' }));
    const start = input
      .toDF()
      .writeStream.format('kafka')
      .option('kafka.bootstrap.servers', broker.address)
      .option('topic', 'out')
      .option('kafka.security.protocol', 'SASL_PLAINTEXT')
      .option('kafka.sasl.mechanism', 'PLAIN')
      .option('kafka.sasl.jaas.config', JAAS)
      .start();
    await expect(start).rejects.toThrow(/kafka sink: cannot reach Kafka at .*SASL PLAIN authentication failed.*; check the SASL credentials \(kafka.sasl.jaas.config, or sasl\) and kafka.sasl.mechanism/);
    expect(broker.log.authBytes).toContain('\u0000alice\u0000s3cr"et');
  });

  it('ssc.kafkaStream with ssl and sasl options', async () => {
    broker = await tlsBroker();
    const ssc = new StreamingContext({ batchInterval: 1000, master: 'local[1]', clock: new ManualClock(0), core: 'js' });
    try {
      ssc.kafkaStream({
        brokers: [broker.address],
        topics: ['events'],
        groupId: 'g',
        ssl: { ca: pem('ca.pem'), key: pem('client-key.pem'), cert: pem('client.pem') },
        sasl: { mechanism: 'plain', username: 'bob', password: 'pw' },
      }).foreachRDD(() => undefined);
      await ssc.start().catch(() => undefined);
      await waitFor(() => broker!.log.authBytes.length > 0, 'the SASL handshake', 15_000);
      expect(broker.log.authorized[0]).toBe(true);
      expect(broker.log.authBytes[0]).toBe('\u0000bob\u0000pw');
    } finally {
      await ssc.stop();
    }
  });

  it('KafkaSink with ssl and sasl options; they cannot go with a client of your own', async () => {
    broker = await tlsBroker();
    const sink = new KafkaSink<string>({ brokers: [broker.address], topic: 'out', ssl: { ca: pem('ca.pem'), key: pem('client-key.pem'), cert: pem('client.pem') }, sasl: { mechanism: 'plain', username: 'carol', password: 'pw' } });
    await expect(sink.write(Batch.of(['a'], 1))).rejects.toThrow();
    await sink.close();
    expect(broker.log.authBytes[0]).toBe('\u0000carol\u0000pw');
    const ownClient = { admin: () => undefined } as unknown as KafkaClient;
    expect(() => new KafkaSink({ client: ownClient, topic: 'out', sasl: { mechanism: 'plain', username: 'a', password: 'b' } })).toThrow(/KafkaSink: ssl and sasl apply to the client Flint makes; with options.client, set them on that client/);
    expect(() => new KafkaSink({ brokers: ['h:1'], topic: 'out', sasl: { mechanism: 'gssapi' as never, username: 'a', password: 'b' } })).toThrow(/options.sasl.mechanism must be one of plain, scram-sha-256, scram-sha-512/);
  });
});
