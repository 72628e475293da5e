// KafkaSink: writes batches to a Kafka topic (saveToKafka, or by hand in foreachRDD). A batch is
// written when Kafka has acknowledged every record with acks=all; at-least-once (see README).
import type { Batch } from '../../batch/batch.js';
import { FlintError } from '../../errors.js';
import type { ConnectionOptions } from 'node:tls';
import { checkBrokers, kafkaClient, type KafkaClient, type KafkaOutgoingMessage, type KafkaProducer } from '../kafka/client.js';
import { checkSecurity, type KafkaSasl } from '../kafka/security.js';
import { formatRecord } from './print.js';

/** What a record becomes in a Kafka message's key or value. */
export type KafkaBytes = Buffer | string | null;

/** Options of `saveToKafka` and {@link KafkaSink}. */
export interface KafkaSinkOptions<T> {
  /** Bootstrap brokers, e.g. `['localhost:9092']` (needed unless `client` is given). */
  brokers?: readonly string[];
  /** A KafkaJS-compatible client to use instead of a new `kafkajs` one. */
  client?: KafkaClient;
  /** TLS to the brokers: `true` for the system's CAs, or Node TLS options (`ca`, `cert`, `key`) (KafkaJS's `ssl`). */
  ssl?: boolean | ConnectionOptions;
  /** SASL credentials: `{ mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512', username, password }` (KafkaJS's `sasl`). */
  sasl?: KafkaSasl;
  /** The topic to write to; it must exist (Flint never creates topics). */
  topic: string;
  /** The message key of a record (default none: Kafka spreads records over partitions). */
  key?: (record: T) => KafkaBytes;
  /** The message value of a record (default: strings and Buffers as they are, other records as `print` writes them). */
  value?: (record: T) => KafkaBytes;
  /** Records per produce request (default 10000). */
  maxBatchRecords?: number;
}

/**
 * A producer for one topic. `write(batch)` sends every record of the batch, in partition order,
 * in produce requests of up to `maxBatchRecords` with acks=all, and resolves once all are
 * acknowledged; it rejects when any is not, and the batch's output fails. A batch re-run after
 * a restart, or retried after an error, is written again: at-least-once. (Exactly-once needs the
 * idempotent, transactional producer, which neither the tested client against Flint's test
 * broker nor this sink uses; make consumers idempotent, e.g. by key.)
 */
export class KafkaSink<T> {
  private readonly key: ((record: T) => KafkaBytes) | undefined;
  private readonly value: (record: T) => KafkaBytes;
  private readonly maxBatchRecords: number;
  private producer: Promise<KafkaProducer> | undefined;

  /** Checks the options; the connection is opened by the first write. */
  constructor(private readonly options: KafkaSinkOptions<T>) {
    if (!options || typeof options !== 'object') throw invalid('needs options, e.g. { brokers: ["localhost:9092"], topic: "counts" }');
    checkBrokers('KafkaSink', options.brokers, options.client);
    checkSecurity('KafkaSink', options);
    if (typeof options.topic !== 'string' || !/^[A-Za-z0-9._-]+$/.test(options.topic)) {
      throw invalid(`options.topic must be a topic name (letters, digits, '.', '_', '-'), got ${JSON.stringify(options.topic)}`);
    }
    for (const f of ['key', 'value'] as const) {
      if (options[f] !== undefined && typeof options[f] !== 'function') throw invalid(`options.${f} must be a function of the record`);
    }
    const { maxBatchRecords = 10_000 } = options;
    if (!Number.isInteger(maxBatchRecords) || maxBatchRecords < 1) throw invalid(`options.maxBatchRecords must be a positive integer, got ${String(maxBatchRecords)}`);
    this.key = options.key;
    this.value = options.value ?? defaultValue;
    this.maxBatchRecords = maxBatchRecords;
  }

  /** Sends every record of `batch`; resolves once Kafka acknowledged all of them (acks=all). */
  async write(batch: Batch<T>): Promise<void> {
    const records = batch.collect();
    if (records.length === 0) return;
    try {
      const producer = await this.connect();
      const sends: Promise<unknown>[] = [];
      for (let i = 0; i < records.length; i += this.maxBatchRecords) {
        const messages: KafkaOutgoingMessage[] = records.slice(i, i + this.maxBatchRecords).map((r) => ({ key: this.key?.(r) ?? null, value: this.value(r) }));
        sends.push(producer.send({ topic: this.options.topic, acks: -1, messages }));
      }
      await Promise.all(sends);
    } catch (error) {
      throw new FlintError('SOURCE_ERROR', `KafkaSink: writing to topic "${this.options.topic}" failed: ${(error as Error).message}; the batch's output fails`, { cause: error });
    }
  }

  /** Closes the connection (saveToKafka's sink is closed when the context stops). */
  async close(): Promise<void> {
    const producer = this.producer;
    this.producer = undefined;
    await (await producer?.catch(() => undefined))?.disconnect();
  }

  private connect(): Promise<KafkaProducer> {
    this.producer ??= (async () => {
      const client = await kafkaClient('KafkaSink', this.options, () => undefined);
      const producer = client.producer({ allowAutoTopicCreation: false, idempotent: false });
      await producer.connect();
      return producer;
    })();
    // A failed connection is tried again by the next write.
    this.producer.catch(() => (this.producer = undefined));
    return this.producer;
  }
}

function defaultValue(record: unknown): KafkaBytes {
  return typeof record === 'string' || Buffer.isBuffer(record) ? record : formatRecord(record);
}

function invalid(message: string): FlintError {
  return new FlintError('INVALID_ARGUMENT', `KafkaSink ${message}`);
}
