// Reads exact offset ranges with one KafkaJS consumer, in a group of its own: every partition is
// paused except those a read wants, each seeks to the start of its range, and records at or past
// the range's end are dropped, so memory holds one batch's records and at most one fetch more.
import { FlintError } from '../../../errors.js';
import type { KafkaClient, KafkaConsumer, KafkaFetchBatch, KafkaMessage } from '../../../io/kafka/client.js';
import { WakeSignal } from '../../../io/sources/kafka/wake-signal.js';

/** Records of one topic-partition from `fromOffset` (inclusive) to `untilOffset` (exclusive). */
export interface TopicPartitionRange {
  readonly topic: string;
  readonly partition: number;
  readonly fromOffset: number;
  readonly untilOffset: number;
}

interface PendingRead {
  readonly range: TopicPartitionRange;
  /** Every offset below `next` has been read (or was a gap in the log). */
  next: number;
  readonly messages: KafkaMessage[];
}

/** One consumer that reads the ranges each batch asks for. */
export class KafkaRangeReader {
  private consumer: KafkaConsumer | undefined;
  private readonly pending = new Map<string, PendingRead>();
  private readonly fetched = new WakeSignal();
  private topics: readonly string[] = [];

  constructor(
    private readonly description: string,
    private readonly fetchTimeoutMs: number,
  ) {}

  /** Joins group `groupId` on `topics` and pauses them all until a read. */
  async start(client: KafkaClient, groupId: string, topics: readonly string[]): Promise<void> {
    this.topics = topics;
    const consumer = client.consumer({ groupId, allowAutoTopicCreation: false, maxWaitTimeInMs: 200, sessionTimeout: 30_000 });
    this.consumer = consumer;
    await consumer.connect();
    await consumer.subscribe({ topics: [...topics] });
    // A (re)join moves every partition to the group's position; reads in progress seek again.
    consumer.on(consumer.events.GROUP_JOIN, () => this.seekPending());
    await consumer.run({ autoCommit: false, eachBatch: async ({ batch }) => this.onFetched(batch) });
    this.pauseAll();
  }

  /** The messages of each range, in the order of `ranges`; fails after `fetchTimeoutMs` of real time. */
  async read(ranges: readonly TopicPartitionRange[]): Promise<KafkaMessage[][]> {
    const consumer = this.consumer!;
    const reads = ranges.map((range) => ({ range, next: range.fromOffset, messages: [] as KafkaMessage[] }));
    for (const r of reads) {
      if (r.range.fromOffset >= r.range.untilOffset) continue;
      this.pending.set(key(r.range.topic, r.range.partition), r);
      consumer.seek({ topic: r.range.topic, partition: r.range.partition, offset: String(r.range.fromOffset) });
      consumer.resume([{ topic: r.range.topic, partitions: [r.range.partition] }]);
    }
    try {
      const done = await this.fetched.until(() => reads.every((r) => r.next >= r.range.untilOffset), this.fetchTimeoutMs);
      if (!done) {
        const missing = reads.filter((r) => r.next < r.range.untilOffset).map((r) => `${r.range.topic}-${r.range.partition} [${r.next}, ${r.range.untilOffset})`);
        throw new FlintError('SOURCE_ERROR', `${this.description}: the records of ${missing.join(', ')} did not arrive within ${this.fetchTimeoutMs} ms; check that the brokers are up (option fetchTimeoutMs waits longer)`);
      }
    } finally {
      this.pending.clear();
      this.pauseAll();
    }
    return reads.map((r) => r.messages);
  }

  /** Leaves the group and closes the connection. */
  async stop(): Promise<void> {
    const consumer = this.consumer;
    this.consumer = undefined;
    await consumer?.disconnect().catch(() => undefined);
  }

  private onFetched(batch: KafkaFetchBatch): void {
    const read = this.pending.get(key(batch.topic, batch.partition));
    if (!read) return;
    // A fetch asked for beyond what the read has seen was sent before its seek: taking it would
    // skip the offsets between, so it is dropped and the seek made again.
    if (batch.fetchedOffset !== undefined && Number(batch.fetchedOffset) > read.next) {
      this.consumer?.seek({ topic: batch.topic, partition: batch.partition, offset: String(read.next) });
      return;
    }
    const until = read.range.untilOffset;
    for (const m of batch.messages) {
      const offset = Number(m.offset);
      if (offset < read.next) continue;
      if (offset >= until) break;
      read.messages.push(m);
      read.next = offset + 1;
    }
    // Offsets up to the fetch's last one are all seen: gaps (compaction, transaction markers) included.
    read.next = Math.max(read.next, Math.min(until, Number(batch.lastOffset()) + 1));
    this.fetched.wake();
  }

  private seekPending(): void {
    for (const r of this.pending.values()) {
      this.consumer?.seek({ topic: r.range.topic, partition: r.range.partition, offset: String(r.next) });
    }
  }

  // Whole topics: pausing single partitions would resume the others (KafkaJS's pauseAll flag).
  private pauseAll(): void {
    this.consumer?.pause(this.topics.map((topic) => ({ topic })));
  }
}

function key(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`;
}
