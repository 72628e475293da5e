// The Kafka sink of Structured Streaming (Spark's KafkaSink / KafkaWriter): each result row is a
// record, `value` its value, `key` its key if the column is there, `topic` its topic, else the
// `topic` option; a `headers` column (array<struct<key, value>>) gives its headers. A batch is done when Kafka acknowledged every record (acks=all). A batch that
// is re-run after a restart is written again: at-least-once, as in Spark.
import { FlintError } from '../../errors.js';
import { kafkaClient, type KafkaClient, type KafkaOutgoingMessage, type KafkaProducer } from '../../io/kafka/client.js';
import { connectionFix, type KafkaSecurity } from '../../io/kafka/security.js';
import { typeName, type DataType, type Row, type StructType, type Value } from '../schema.js';
import { KAFKA_HEADERS_TYPE } from '../sources/kafka/kafka-source.js';
import type { Sink } from './sink.js';

/** Options of the `kafka` sink. */
export interface KafkaStreamSinkOptions {
  readonly brokers: readonly string[];
  /** Spark's option `topic`: every row goes there, overriding a `topic` column, as in Spark. */
  readonly topic: string | undefined;
  /** A KafkaJS-compatible client instead of a new `kafkajs` one. */
  readonly client?: KafkaClient;
  /** TLS and SASL of the client Flint makes. */
  readonly security?: KafkaSecurity;
}

/** Writes each batch's rows to Kafka. */
export class KafkaStreamSink implements Sink {
  readonly description: string;
  private producer: KafkaProducer | undefined;

  constructor(private readonly options: KafkaStreamSinkOptions) {
    this.description = `KafkaSink[${options.topic ?? 'topic column'}]`;
  }

  /** Checks the query's columns as Spark's KafkaWriter.validateQuery does. */
  static validate(schema: StructType | undefined, topicOption: string | undefined): void {
    if (!schema || schema.fields.length === 0) return;
    const type = (name: string) => schema.field(name)?.dataType;
    const bytes = (t: unknown) => t === 'string' || t === 'binary';
    if (topicOption === undefined && type('topic') === undefined) {
      throw invalid("topic option required when no 'topic' attribute is present; set option('topic', ...) or select a topic column");
    }
    if (type('topic') !== undefined && type('topic') !== 'string') throw invalid(`Topic type must be a string, got ${typeName(type('topic')!)}`);
    if (type('value') === undefined) throw invalid(`Required attribute 'value' not found in [${schema.fieldNames.join(', ')}]; select a value column, e.g. col('count').cast('string').as('value')`);
    if (!bytes(type('value'))) throw invalid(`value attribute type must be a string or binary, got ${typeName(type('value')!)}; cast it, e.g. col('value').cast('string')`);
    if (type('key') !== undefined && !bytes(type('key'))) throw invalid(`key attribute type must be a string or binary, got ${typeName(type('key')!)}`);
    const headers = type('headers');
    if (headers !== undefined && !isHeadersType(headers)) throw invalid(`headers attribute unsupported type ${typeName(headers)}; it must be ${typeName(KAFKA_HEADERS_TYPE)}, as the source's includeHeaders column is`);
  }

  async open(): Promise<void> {
    try {
      const client = await kafkaClient('kafka sink', { ...this.options, ...this.options.security }, () => undefined);
      const producer = client.producer({ allowAutoTopicCreation: false, idempotent: false });
      await producer.connect();
      this.producer = producer;
    } catch (error) {
      if (error instanceof FlintError) throw error;
      throw new FlintError('SOURCE_ERROR', `kafka sink: cannot reach Kafka at ${this.options.brokers.join(',')}: ${(error as Error).message}; ${connectionFix(error, "option 'kafka.bootstrap.servers'")}`, { cause: error });
    }
  }

  async addBatch(batchId: number, rows: readonly Row[]): Promise<void> {
    const byTopic = new Map<string, KafkaOutgoingMessage[]>();
    for (const row of rows) {
      const topic = this.options.topic ?? row.topic;
      if (typeof topic !== 'string') throw invalid(`batch ${batchId}: a row has no topic (null 'topic' column and no topic option)`);
      let messages = byTopic.get(topic);
      if (!messages) byTopic.set(topic, (messages = []));
      const headers = recordHeaders(row.headers);
      messages.push(headers ? { key: bytes(row.key), value: bytes(row.value), headers } : { key: bytes(row.key), value: bytes(row.value) });
    }
    try {
      await Promise.all([...byTopic].map(([topic, messages]) => this.producer!.send({ topic, acks: -1, messages })));
    } catch (error) {
      throw new FlintError('SOURCE_ERROR', `kafka sink: writing batch ${batchId} to ${[...byTopic.keys()].join(', ')} failed: ${(error as Error).message}`, { cause: error });
    }
  }

  async close(): Promise<void> {
    const producer = this.producer;
    this.producer = undefined;
    await producer?.disconnect().catch(() => undefined);
  }
}

function bytes(v: Value | undefined): Buffer | string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') return v;
  if (v instanceof Uint8Array) return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
  return String(v);
}

// array<struct<key: string, value: binary or string>>.
function isHeadersType(t: DataType): boolean {
  if (typeof t !== 'object' || t.type !== 'array' || typeof t.elementType !== 'object' || t.elementType.type !== 'struct') return false;
  const fields = t.elementType.fields;
  const of = (name: string) => fields.find((f) => f.name === name)?.dataType;
  return fields.length === 2 && of('key') === 'string' && (of('value') === 'binary' || of('value') === 'string');
}

// A headers column as KafkaJS's headers object: a key given more than once gets its values in order.
function recordHeaders(v: Value | undefined): Record<string, Buffer | string | (Buffer | string)[]> | undefined {
  if (!Array.isArray(v) || v.length === 0) return undefined;
  const out: Record<string, Buffer | string | (Buffer | string)[]> = {};
  for (const h of v as Row[]) {
    if (h === null || typeof h.key !== 'string') continue;
    const value = bytes(h.value) ?? Buffer.alloc(0);
    const seen = out[h.key];
    out[h.key] = seen === undefined ? value : Array.isArray(seen) ? [...seen, value] : [seen, value];
  }
  return out;
}

function invalid(message: string): FlintError {
  return new FlintError('INVALID_ARGUMENT', `kafka sink: ${message}`);
}
