// Kafka pieces that need no broker: a batch's records and values as text, offset ranges, the
// per-partition caps of maxRatePerPartition and backpressure, the fetch buffer.
import { describe, expect, it } from 'vitest';
import { KafkaBatch, OffsetRange } from '../src/index.js';
import { TextBatch } from '../src/batch/text-batch.js';
import { FetchBuffer } from '../src/io/sources/kafka/fetch-buffer.js';
import { maxMessagesPerPartition } from '../src/io/sources/kafka/rate-caps.js';
import type { KafkaMessage } from '../src/io/kafka/client.js';

const msg = (offset: number, value: string | Buffer | null, key: string | null = null): KafkaMessage => ({
  offset: String(offset),
  key: key === null ? null : Buffer.from(key),
  value: typeof value === 'string' ? Buffer.from(value) : value,
  timestamp: String(1_700_000_000_000 + offset),
});

describe('KafkaBatch', () => {
  const ranges = [new OffsetRange('t', 0, 5, 8), new OffsetRange('t', 1, 0, 0), new OffsetRange('u', 0, 2, 4)];
  const batch = new KafkaBatch(ranges, [
    [msg(5, 'to be'), msg(6, 'or\r\nnot\rto'), msg(7, null)],
    [],
    [msg(2, Buffer.from([0x62, 0xe9, 0x21])), msg(3, 'be', 'k')],
  ]);

  it('has one partition per range, records with their topic, partition, offset and timestamp', () => {
    expect(batch.numPartitions).toBe(3);
    expect(batch.count()).toBe(5);
    expect(batch.offsetRanges().map(String)).toEqual([
      "OffsetRange(topic: 't', partition: 0, range: [5 -> 8])",
      "OffsetRange(topic: 't', partition: 1, range: [0 -> 0])",
      "OffsetRange(topic: 'u', partition: 0, range: [2 -> 4])",
    ]);
    const last = batch.partitions[2]![1]!;
    expect({ ...last, key: last.key?.toString(), value: last.value?.toString() }).toEqual({
      topic: 'u', partition: 0, offset: 3, timestamp: 1_700_000_000_003, key: 'k', value: 'be', headers: {},
    });
  });

  it('values as lines kept as bytes: line breaks split a value, null is an empty line, bad UTF-8 is U+FFFD and reported', () => {
    const reported: number[] = [];
    const text = batch.valueLines((n) => reported.push(n));
    expect(text).toBeInstanceOf(TextBatch);
    expect(text.partitions).toEqual([['to be', 'or', 'not', 'to', ''], [], ['b\uFFFD!', 'be']]);
    expect(text.count()).toBe(7);
    expect(reported).toEqual([1]);
  });
});

describe('maxMessagesPerPartition (Spark DirectKafkaInputDStream)', () => {
  const lags = new Map([['a:0', 900], ['a:1', 100]]);
  it('is unlimited without a rate, maxRatePerPartition x interval with one', () => {
    expect(maxMessagesPerPartition(lags, { maxRatePerPartition: Infinity, estimatedRate: undefined, batchInterval: 1000 })).toBeUndefined();
    expect(maxMessagesPerPartition(lags, { maxRatePerPartition: 50, estimatedRate: undefined, batchInterval: 200 })).toEqual(new Map([['a:0', 10], ['a:1', 10]]));
  });
  it('shares the backpressure estimate by lag, capped by maxRatePerPartition, at least 1 per partition', () => {
    expect(maxMessagesPerPartition(lags, { maxRatePerPartition: Infinity, estimatedRate: 1000, batchInterval: 1000 })).toEqual(new Map([['a:0', 900], ['a:1', 100]]));
    expect(maxMessagesPerPartition(lags, { maxRatePerPartition: 500, estimatedRate: 1000, batchInterval: 1000 })).toEqual(new Map([['a:0', 500], ['a:1', 100]]));
    expect(maxMessagesPerPartition(new Map([['a:0', 0], ['a:1', 0]]), { maxRatePerPartition: Infinity, estimatedRate: 1, batchInterval: 100 })).toEqual(new Map([['a:0', 1], ['a:1', 1]]));
  });
});

describe('FetchBuffer', () => {
  const fetched = (partition: number, offsets: number[], last = offsets.at(-1)!) => ({
    topic: 't', partition, messages: offsets.map((o) => msg(o, `v${o}`)), lastOffset: () => String(last),
  });
  it('keeps fetches from the reset offset on, waits for a range, and takes exactly it', async () => {
    const buffer = new FetchBuffer();
    buffer.reset('t:0', 3);
    buffer.add(fetched(0, [1, 2, 3, 4])); // read before the seek took effect: 1 and 2 are left out
    buffer.add(fetched(1, [0])); // not a partition of this buffer
    const range = new OffsetRange('t', 0, 3, 7);
    expect(buffer.covers(range)).toBe(false);
    expect(await buffer.waitFor([range], 20)).toBe(false);
    const waiting = buffer.waitFor([range], 5000);
    buffer.add(fetched(0, [5], 6)); // offset 6 was a gap (a transaction marker)
    expect(await waiting).toBe(true);
    expect(buffer.take(range).map((m) => m.offset)).toEqual(['3', '4', '5']);
    expect(buffer.bytes('t:0')).toBe(0);
  });

  it('refuses a fetch asked for beyond its position (sent before a seek back), so no offset is skipped', () => {
    const buffer = new FetchBuffer();
    buffer.reset('t:0', 0);
    // A new member's first fetch starts at the latest offset, 231, before the seek to 0 arrives.
    expect(buffer.add({ ...fetched(0, [231, 232]), fetchedOffset: '231' })).toBe(false);
    expect(buffer.fetchedUntil('t:0')).toBe(0);
    expect(buffer.add({ ...fetched(0, [0, 1, 2]), fetchedOffset: '0' })).toBe(true);
    expect(buffer.add({ ...fetched(0, [2, 3]), fetchedOffset: '2' })).toBe(true); // overlapping: 2 kept once
    expect(buffer.take(new OffsetRange('t', 0, 0, 4)).map((m) => m.offset)).toEqual(['0', '1', '2', '3']);
  });
});
