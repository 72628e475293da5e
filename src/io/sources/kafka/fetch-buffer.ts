// FetchBuffer: messages the consumer has fetched ahead of the batches, per topic-partition, until
// a batch takes its offset range. Batches wait here for the messages their ranges name.
import type { KafkaFetchBatch, KafkaMessage } from '../../kafka/client.js';
import type { OffsetRange } from './offset-range.js';
import { tpKey } from './offset-range.js';
import { WakeSignal } from './wake-signal.js';

interface PartitionFetch {
  messages: KafkaMessage[];
  /** Index of the first message not yet taken. */
  head: number;
  /** Offset the next fetch starts at: every offset below it has been seen (or was a gap). */
  fetched: number;
  bytes: number;
}

/** Fetched messages by topic-partition; only partitions that were {@link FetchBuffer.reset} are kept. */
export class FetchBuffer {
  private readonly parts = new Map<string, PartitionFetch>();
  private readonly fetched = new WakeSignal();

  /** The consumer reads `key` from `offset` on (after a seek): what was fetched before is dropped. */
  reset(key: string, offset: number): void {
    this.parts.set(key, { messages: [], head: 0, fetched: offset, bytes: 0 });
    this.wake();
  }

  /** The partition is no longer read here. */
  drop(key: string): void {
    this.parts.delete(key);
  }

  /**
   * Takes one fetch; messages below the partition's fetch position (read before a seek) are left
   * out. Returns false, keeping nothing, when the fetch asked for an offset beyond that position:
   * it was sent before a seek back (a new member starts at the latest offset until Flint's seek
   * reaches the consumer), and taking it would skip the offsets between. The caller seeks again.
   */
  add(batch: KafkaFetchBatch): boolean {
    const p = this.parts.get(tpKey(batch.topic, batch.partition));
    if (!p) return true;
    if (batch.fetchedOffset !== undefined && Number(batch.fetchedOffset) > p.fetched) return false;
    for (const m of batch.messages) {
      if (Number(m.offset) < p.fetched) continue;
      p.messages.push(m);
      p.bytes += (m.value?.length ?? 0) + (m.key?.length ?? 0);
    }
    p.fetched = Math.max(p.fetched, Number(batch.lastOffset()) + 1);
    this.wake();
    return true;
  }

  /** Bytes fetched and not yet taken for `key`. */
  bytes(key: string): number {
    return this.parts.get(key)?.bytes ?? 0;
  }

  /** True when every offset below `range.untilOffset` has been fetched. */
  covers(range: OffsetRange): boolean {
    const p = this.parts.get(tpKey(range.topic, range.partition));
    return p !== undefined && p.fetched >= range.untilOffset;
  }

  /** Offset the partition has been fetched up to (exclusive), if it is read here. */
  fetchedUntil(key: string): number | undefined {
    return this.parts.get(key)?.fetched;
  }

  /** Removes and returns the messages of `range` (and any below it). */
  take(range: OffsetRange): KafkaMessage[] {
    const p = this.parts.get(tpKey(range.topic, range.partition));
    if (!p) return [];
    const out: KafkaMessage[] = [];
    while (p.head < p.messages.length) {
      const m = p.messages[p.head]!;
      const offset = Number(m.offset);
      if (offset >= range.untilOffset) break;
      p.head++;
      p.bytes -= (m.value?.length ?? 0) + (m.key?.length ?? 0);
      if (offset >= range.fromOffset) out.push(m);
    }
    if (p.head > 1024 && p.head * 2 > p.messages.length) {
      p.messages = p.messages.slice(p.head);
      p.head = 0;
    }
    return out;
  }

  /**
   * Resolves true once every range is fetched or `enough` for it, or false after `timeoutMs` of
   * real time.
   */
  waitFor(ranges: readonly OffsetRange[], timeoutMs: number, enough: (range: OffsetRange) => boolean = () => false): Promise<boolean> {
    return this.fetched.until(() => ranges.every((r) => this.covers(r) || enough(r)), timeoutMs);
  }

  private wake(): void {
    this.fetched.wake();
  }
}
