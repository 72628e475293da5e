// The Kafka source of Structured Streaming (Spark's KafkaSource / KafkaMicroBatchStream): an
// offset is `{"topic":{"partition":offset}}`, each batch reads exactly the records between two
// offsets, and the offsets a new query starts from are kept in `sources/<i>/0`, so a restart
// re-reads a logged batch's ranges exactly and goes on where the last committed batch ended.
import { randomUUID } from 'node:crypto';
import { Batch } from '../../../batch/batch.js';
import { FlintError } from '../../../errors.js';
import { kafkaClient, type KafkaAdmin, type KafkaClient, type KafkaMessage } from '../../../io/kafka/client.js';
import { MetadataLog } from '../../checkpoint/metadata-log.js';
import { schemaOf, type DataType, type Row, type StructType } from '../../schema.js';
import type { Offset, Source, SourceEnv } from '../source.js';
import { fetchBounds, forEachOffset, initialOffsets, rateLimit, resolveTopics, sortedOffsets, type PartitionBounds } from './kafka-offsets.js';
import { KafkaRangeReader, type TopicPartitionRange } from './kafka-range-reader.js';
import type { KafkaSourceOptions, PartitionOffsets } from './kafka-source-options.js';
import { connectionFix } from '../../../io/kafka/security.js';

/** Spark's Kafka source schema; `key` and `value` are Buffers (or null), `timestampType` 0 is CreateTime. */
export const KAFKA_SCHEMA = schemaOf({
  key: 'binary',
  value: 'binary',
  topic: 'string',
  partition: 'long',
  offset: 'long',
  timestamp: 'timestamp',
  timestampType: 'long',
});

/** Spark's type of the `headers` column: `array<struct<key:string,value:binary>>`. */
export const KAFKA_HEADERS_TYPE: DataType = {
  type: 'array',
  elementType: {
    type: 'struct',
    fields: [
      { name: 'key', dataType: 'string', nullable: false },
      { name: 'value', dataType: 'binary', nullable: true },
    ],
  },
};

/** The Kafka source's schema: Spark's, with the `headers` column when `includeHeaders`. */
export function kafkaSchema(includeHeaders: boolean): StructType {
  return includeHeaders ? KAFKA_SCHEMA.add('headers', KAFKA_HEADERS_TYPE) : KAFKA_SCHEMA;
}

/** `kafka`: records of subscribed topics or assigned partitions. */
export class KafkaSource implements Source {
  readonly schema: StructType;
  readonly description: string;
  private readonly reader: KafkaRangeReader;
  private admin: KafkaAdmin | undefined;
  private topics: string[] = [];
  private initial: PartitionOffsets = {};
  private lastClientError = '';
  /** Trigger.AvailableNow: the latest offsets when the query started; batches never pass them. */
  private availableNowEnd: PartitionOffsets | undefined;

  constructor(
    private readonly options: KafkaSourceOptions,
    private readonly client?: KafkaClient,
  ) {
    const s = options.strategy;
    const what = s.kind === 'subscribe' ? `Subscribe[${s.topics.join(',')}]` : s.kind === 'subscribePattern' ? `SubscribePattern[${s.pattern.source}]` : `Assign[${JSON.stringify(s.partitions)}]`;
    this.description = `KafkaV2[${what}]`;
    this.reader = new KafkaRangeReader(this.description, options.fetchTimeoutMs);
    this.schema = kafkaSchema(options.includeHeaders);
  }

  /** Connects, checks the topics exist, fixes the starting offsets (or reads them back) and joins a group of its own. */
  async attach(env: Pick<SourceEnv, 'metadataPath'>): Promise<void> {
    try {
      const client = await kafkaClient('kafka source', { brokers: this.options.brokers, client: this.client, ...this.options.security }, (m) => (this.lastClientError = m));
      this.admin = client.admin();
      await this.admin.connect();
      this.topics = await resolveTopics(this.admin, this.options.strategy, this.description);
      this.initial = await this.startingOffsets(env.metadataPath);
      await this.reader.start(client, this.options.groupId ?? `flint-kafka-source-${randomUUID()}`, this.topics);
    } catch (error) {
      if (error instanceof FlintError) throw error;
      throw new FlintError(
        'SOURCE_ERROR',
        `${this.description}: cannot reach Kafka at ${this.options.brokers.join(',')}: ${(error as Error).message}${this.lastClientError ? ` (${this.lastClientError})` : ''}; ${connectionFix(error, "option 'kafka.bootstrap.servers'")}`,
        { cause: error },
      );
    }
  }

  /** The offsets the first batch starts from (startingOffsets, resolved when attached, or read back). */
  get startOffsets(): PartitionOffsets {
    return this.initial;
  }

  latestOffset(start: Offset | undefined): Promise<Offset | undefined> {
    return this.kafka('fetching the latest offsets', async () => {
      const base = (start ?? this.initial) as PartitionOffsets;
      const bounds = await fetchBounds(this.admin!, this.topics, this.options.strategy);
      const from = (t: string, p: string): number => base[t]?.[p] ?? bounds[t]![p]!.low;
      let until: PartitionOffsets = {};
      forEachOffset(base, (t, p, o) => ((until[t] ??= {})[p] = o)); // partitions gone stay, for getBatch to report
      for (const [t, parts] of Object.entries(bounds)) for (const [p, { high }] of Object.entries(parts)) (until[t] ??= {})[p] = Math.min(high, this.availableNowEnd?.[t]?.[p] ?? high);
      if (this.options.maxOffsetsPerTrigger !== undefined) until = rateLimit(this.options.maxOffsetsPerTrigger, from, until);
      const end = sortedOffsets(until);
      return start === undefined && JSON.stringify(end) === JSON.stringify(this.initial) ? undefined : end;
    });
  }

  getBatch(start: Offset | undefined, end: Offset): Promise<Batch<Row>> {
    return this.kafka('reading a batch', async () => {
      const ranges = this.ranges((start ?? this.initial) as PartitionOffsets, end as PartitionOffsets, await fetchBounds(this.admin!, this.topics, this.options.strategy));
      const messages = await this.reader.read(ranges);
      const partitions = messages.map((ms, i) => ms.map((m) => toRow(ranges[i]!, m, this.options.includeHeaders)));
      return new Batch(partitions.length > 0 ? partitions : [[]]);
    });
  }

  async prepareForTriggerAvailableNow(): Promise<void> {
    const bounds = await this.kafka('fetching the latest offsets', () => fetchBounds(this.admin!, this.topics, this.options.strategy));
    const end: PartitionOffsets = {};
    for (const [t, parts] of Object.entries(bounds)) for (const [p, { high }] of Object.entries(parts)) (end[t] ??= {})[p] = high;
    this.availableNowEnd = end;
  }

  async stop(): Promise<void> {
    await this.reader.stop();
    await this.admin?.disconnect().catch(() => undefined);
    this.admin = undefined;
  }

  // Spark's getBatch checks: a partition that went away, or offsets Kafka no longer has, are
  // data loss, which fails the query unless failOnDataLoss is false (then what is there is read).
  private ranges(from: PartitionOffsets, until: PartitionOffsets, bounds: PartitionBounds): TopicPartitionRange[] {
    const ranges: TopicPartitionRange[] = [];
    forEachOffset(until, (topic, p, untilOffset) => {
      const bound = bounds[topic]?.[p];
      if (!bound) return this.dataLoss(`partition ${topic}-${p} is gone from Kafka`);
      let fromOffset = from[topic]?.[p] ?? bound.low;
      if (fromOffset < bound.low) {
        this.dataLoss(`offsets ${fromOffset} to ${bound.low} of ${topic}-${p} are no longer in Kafka (retention or a recreated topic)`);
        fromOffset = bound.low;
      }
      if (untilOffset < fromOffset) return this.dataLoss(`${topic}-${p}'s offset went back from ${fromOffset} to ${untilOffset}`);
      ranges.push({ topic, partition: Number(p), fromOffset, untilOffset });
    });
    return ranges;
  }

  private dataLoss(what: string): void {
    if (this.options.failOnDataLoss) {
      throw new FlintError('KAFKA_OFFSET_OUT_OF_RANGE', `${this.description}: ${what}; some data may have been lost. Set option failOnDataLoss to false to go on with the records that remain`);
    }
  }

  // Spark's initialPartitionOffsets: fixed when the query first starts and kept in the checkpoint.
  private async startingOffsets(metadataPath: string | undefined): Promise<PartitionOffsets> {
    const log = metadataPath === undefined ? undefined : new MetadataLog<PartitionOffsets>(metadataPath);
    const stored = log?.get(0);
    if (stored) return stored;
    const offsets = sortedOffsets(initialOffsets(this.options.startingOffsets, await fetchBounds(this.admin!, this.topics, this.options.strategy), this.description));
    await log?.add(0, offsets);
    return offsets;
  }

  private async kafka<T>(what: string, f: () => Promise<T>): Promise<T> {
    try {
      return await f();
    } catch (error) {
      if (error instanceof FlintError) throw error;
      throw new FlintError('SOURCE_ERROR', `${this.description}: ${what} failed: ${(error as Error).message}${this.lastClientError ? ` (${this.lastClientError})` : ''}`, { cause: error });
    }
  }
}

function toRow(range: TopicPartitionRange, m: KafkaMessage, includeHeaders: boolean): Row {
  const row: Row = {
    key: m.key,
    value: m.value,
    topic: range.topic,
    partition: range.partition,
    offset: Number(m.offset),
    timestamp: new Date(Number(m.timestamp)),
    timestampType: 0,
  };
  return includeHeaders ? { ...row, headers: headerRows(m.headers) } : row;
}

// Spark's headers column: one { key, value } per header, null when the record has none. KafkaJS
// gives headers as an object, a repeated key as an array of its values in order.
function headerRows(headers: KafkaMessage['headers']): Row[] | null {
  const out: Row[] = [];
  for (const [key, v] of Object.entries(headers ?? {})) {
    for (const value of Array.isArray(v) ? v : [v]) out.push({ key, value: value === undefined ? null : typeof value === 'string' ? Buffer.from(value) : value });
  }
  return out.length > 0 ? out : null;
}
