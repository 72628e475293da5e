// ssc.kafkaStream against librdkafka's mock cluster: exact offset ranges per batch, values() as
// bytes on both cores, maxRatePerPartition, commitAsync, and bad input reported, not skipped.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Batch, FlintError, KafkaSink, OffsetRange, StreamingContext, pair, sum, words, type KafkaBatch } from '../src/index.js';
import { waitFor } from './support/sources-helpers.js';
import { CORES } from './support/harness.js';
import { describeKafka, startMockCluster, type MockCluster } from './kafka/mock-cluster.js';
import { kafkaContext, produce, testClient } from './kafka/kafka-helpers.js';

let cluster: MockCluster;
const contexts: StreamingContext[] = [];

describeKafka('kafkaStream (mock Kafka cluster)', () => {
  beforeAll(async () => {
    cluster = await startMockCluster({ 'words-js': 3, 'words-wasm': 3, 'capped-js': 1, 'capped-wasm': 1, late: 1, gone: 1 });
  });
  afterAll(async () => {
    for (const ssc of contexts) await ssc.stop();
    await cluster?.stop();
  });

  it.each(CORES)('batches take exact offset ranges; values() counts words as bytes; rate cap; commitAsync (%s core)', async (core) => {
    const brokers = cluster.brokers;
    const topic = `words-${core}`;
    // Partition 0: a value with CRLF; 1: a value that is not UTF-8; 2: a null value (tombstone).
    await produce(brokers, topic, ['a b', Buffer.from([0x61, 0xff, 0x20, 0x62]), null, 'b c\r\nd', 'c'], [0, 1, 2, 0, 2]);
    await produce(brokers, `capped-${core}`, Array.from({ length: 25 }, (_, i) => `m${i}`));
    const { ssc, errors, nextBatch } = kafkaContext(core);
    contexts.push(ssc);
    const stream = ssc.kafkaStream({ brokers, topics: [topic], groupId: `g-${core}`, startingOffsets: 'earliest', sessionTimeout: 6000 });
    const batches: { ranges: string[]; records: string[] }[] = [];
    const commits: OffsetRange[][] = [];
    stream.foreachRDD((batch) => {
      const ranges = (batch as KafkaBatch).offsetRanges();
      batches.push({
        ranges: ranges.map((r) => `${r.partition}:${r.fromOffset}-${r.untilOffset}`),
        records: batch.collect().map((r) => `${r.partition}@${r.offset}=${r.value === null ? 'null' : r.value.toString('latin1')}`),
      });
      stream.commitAsync(ranges, (error, committed) => void (error ?? commits.push([...committed])));
    });
    const counts: Record<string, number>[] = [];
    stream.values().flatMap(words).map(pair(1)).reduceByKey(sum).foreachRDD((b) => void counts.push(Object.fromEntries(b.collect())));
    const capped = ssc.kafkaStream({ brokers, topics: [`capped-${core}`], groupId: `c-${core}`, startingOffsets: 'earliest', maxRatePerPartition: 10, sessionTimeout: 6000 });
    const cappedSizes: number[] = [];
    capped.foreachRDD((b) => void cappedSizes.push(b.count()));
    await ssc.start();

    await nextBatch();
    expect(batches[0]).toEqual({
      ranges: ['0:0-2', '1:0-1', '2:0-2'],
      records: ['0@0=a b', '0@1=b c\r\nd', '1@0=a\xff b', '2@0=null', '2@1=c'],
    });
    expect(counts[0]).toEqual({ a: 1, b: 3, c: 2, d: 1, 'a\uFFFD': 1 });
    expect(errors.some((e) => e.lastErrorMessage.includes('1 values were not valid UTF-8'))).toBe(true);

    await produce(brokers, topic, ['d d', 'e'], [0, 2]);
    await nextBatch();
    expect(batches[1]!.ranges).toEqual(['0:2-3', '1:1-1', '2:2-3']);
    expect(counts[1]).toEqual({ d: 2, e: 1 });
    await nextBatch();
    expect(batches[2]!.ranges).toEqual(['0:3-3', '1:1-1', '2:3-3']);
    expect(cappedSizes).toEqual([10, 10, 5]);

    // commitAsync: the group's committed offsets follow the batches' ends.
    await expect.poll(() => commits.length, { timeout: 5000 }).toBeGreaterThanOrEqual(3);
    const admin = testClient(brokers).admin();
    await admin.connect();
    const [committed] = await admin.fetchOffsets({ groupId: `g-${core}`, topics: [topic] });
    await admin.disconnect();
    expect(committed!.partitions.map((p) => `${p.partition}:${p.offset}`).sort()).toEqual(['0:3', '1:1', '2:3']);
  });

  it('fails start() clearly for unreachable brokers and a topic that does not exist; checks options at the call', async () => {
    const { ssc } = kafkaContext();
    expect(() => ssc.kafkaStream({ brokers: cluster.brokers, topics: ['late'], groupId: '' })).toThrow(/options.groupId must be a non-empty string/);
    expect(() => ssc.kafkaStream({ brokers: ['nohost'], topics: ['late'], groupId: 'g' })).toThrow(/"host:port"/);
    expect(() => ssc.kafkaStream({ brokers: cluster.brokers, topics: ['late'], topicPattern: /l/, groupId: 'g' })).toThrow(/exactly one of options.topics/);
    expect(() => ssc.kafkaStream({ brokers: cluster.brokers, topics: ['late'], groupId: 'g', maxRatePerPartition: 0 })).toThrow(/maxRatePerPartition must be a positive number/);
    ssc.kafkaStream({ brokers: ['127.0.0.1:1'], topics: ['late'], groupId: 'g' }).print();
    await expect(ssc.start()).rejects.toThrow(/cannot reach the Kafka brokers \(127.0.0.1:1\)/);
    const second = kafkaContext().ssc;
    second.kafkaStream({ brokers: cluster.brokers, topics: ['no-such-topic'], groupId: 'g' }).print();
    const error = await second.start().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FlintError);
    expect((error as FlintError).message).toMatch(/topic "no-such-topic" does not exist .*create it first/);
  });

  it('an offset Kafka does not have fails the batch (autoOffsetReset none) or is reported and skipped; a broker outage gives empty batches, then the data', async () => {
    const brokers = cluster.brokers;
    await produce(brokers, 'gone', ['x', 'y', 'z']);
    await produce(brokers, 'late', ['p', 'q']);
    const failing = kafkaContext();
    failing.ssc.kafkaStream({ brokers, topics: ['gone'], groupId: 'none', startingOffsets: { gone: { 0: 50 } }, sessionTimeout: 6000 }).print();
    const resetting = kafkaContext();
    contexts.push(failing.ssc, resetting.ssc);
    const values: string[][] = [];
    resetting.ssc
      .kafkaStream({ brokers, topics: ['late'], groupId: 'reset', startingOffsets: { late: { 0: 40 } }, autoOffsetReset: 'earliest', sessionTimeout: 6000, pollTimeout: 2000 })
      .values()
      .foreachRDD((b) => void values.push(b.collect()));
    await Promise.all([failing.ssc.start(), resetting.ssc.start()]);

    // The manual clock's advance, like awaitTermination, rejects with the batch's error.
    await expect(failing.clock.advance(1000)).rejects.toThrow(/out of range/);
    const outcome = await failing.ssc.awaitTerminationOrTimeout(10_000).catch((e: unknown) => e);
    expect(outcome).toBeInstanceOf(FlintError);
    expect((outcome as FlintError).code).toBe('KAFKA_OFFSET_OUT_OF_RANGE');
    expect((outcome as FlintError).message).toMatch(/offset 50 of gone:0 is out of range \(Kafka has 0 to 3\); set options.autoOffsetReset/);

    await resetting.nextBatch();
    expect(values).toEqual([['p', 'q']]);
    expect(resetting.errors.map((e) => e.lastErrorMessage)).toContainEqual(expect.stringMatching(/offset 40 of late:0 is out of range .* goes on from 0, skipping 40 offsets/));

    await cluster.setBroker(1, false);
    await resetting.nextBatch();
    expect(values[1]).toEqual([]);
    expect(resetting.errors.at(-1)!.lastErrorMessage).toMatch(/cannot list the latest offsets|Kafka client/);
    await cluster.setBroker(1, true);
    await produce(brokers, 'late', ['r']);
    // The consumer crashed with the broker and rejoins its group; 'r' comes once it has.
    for (let i = 0; i < 20 && !values.flat().includes('r'); i++) await resetting.nextBatch();
    expect(values.flat()).toEqual(['p', 'q', 'r']);
  });
});

describeKafka('kafkaStream with messages larger than its buffers (mock Kafka cluster)', () => {
  let bigCluster: MockCluster;
  beforeAll(async () => {
    bigCluster = await startMockCluster({ big: 1, lag: 1 });
  });
  afterAll(async () => bigCluster?.stop());

  it('a message larger than the fetch-ahead bound and than kafkajs\'s fetch size comes whole, without a batch waiting out pollTimeout', async () => {
    const sizes = [100, 3 * 1024 * 1024, 200, 1024 * 1024 + 5, 10];
    // One request each: a record batch each, which the consumer fetches one at a time.
    for (const [i, n] of sizes.entries()) await produce(bigCluster.brokers, 'big', [Buffer.alloc(n, 97 + i)]);
    // A real clock: the first batch comes before the consumer has fetched, as in a running job.
    const ssc = new StreamingContext({ batchInterval: 200, master: 'local[2]', core: 'wasm' });
    contexts.push(ssc);
    const errors: string[] = [];
    ssc.addStreamingListener({ onReceiverError: ({ receiverInfo }) => void errors.push(receiverInfo.lastErrorMessage) });
    const stream = ssc.kafkaStream({ brokers: bigCluster.brokers, topics: ['big'], groupId: 'big', startingOffsets: 'earliest', sessionTimeout: 6000, maxBufferedBytesPerPartition: 64 * 1024 });
    const got: string[] = [];
    stream.foreachRDD((b) => void got.push(...b.collect().map((r) => `${r.value!.length}${r.value!.toString('latin1', 0, 1)}`)));
    const lengths: number[] = [];
    stream.values().map((line) => line.length).foreachRDD((b) => void lengths.push(...b.collect()));
    await ssc.start();
    await waitFor(() => got.length === sizes.length || errors.length > 0, 'the five messages, or an error', 30_000);
    // No batch gave up on its range after pollTimeout (10 s).
    expect(errors).toEqual([]);
    expect(got).toEqual(sizes.map((n, i) => `${n}${String.fromCharCode(97 + i)}`));
    await ssc.stop();
    expect(lengths).toEqual(sizes);
  });
  it('a lag far beyond maxBufferedBytesPerPartition is read in batches of about that many bytes, every record once, in order', async () => {
    const value = (i: number) => `${String(i).padStart(6, '0')}${'x'.repeat(10_000)}`;
    for (let i = 0; i < 300; i += 50) await produce(bigCluster.brokers, 'lag', Array.from({ length: 50 }, (_, k) => value(i + k)));
    const ssc = new StreamingContext({ batchInterval: 200, master: 'local[2]', core: 'js' });
    contexts.push(ssc);
    const errors: string[] = [];
    ssc.addStreamingListener({ onReceiverError: ({ receiverInfo }) => void errors.push(receiverInfo.lastErrorMessage) });
    const bound = 256 * 1024;
    const stream = ssc.kafkaStream({ brokers: bigCluster.brokers, topics: ['lag'], groupId: 'lag', startingOffsets: 'earliest', sessionTimeout: 6000, maxBufferedBytesPerPartition: bound });
    const batchBytes: number[] = [];
    const seen: number[] = [];
    stream.foreachRDD((b) => {
      const records = b.collect();
      if (records.length === 0) return;
      batchBytes.push(records.reduce((n, r) => n + r.value!.length, 0));
      seen.push(...records.map((r) => Number(r.value!.toString('latin1', 0, 6))));
    });
    await ssc.start();
    await waitFor(() => seen.length >= 300 || errors.length > 0, 'the 300 records, or an error', 30_000);
    expect(errors).toEqual([]);
    expect(seen).toEqual(Array.from({ length: 300 }, (_, i) => i));
    // At most the bound plus what one fetch brings (kafkajs's maxBytesPerPartition, 1 MiB).
    expect(batchBytes.length).toBeGreaterThan(1);
    expect(Math.max(...batchBytes)).toBeLessThanOrEqual(bound + 1024 * 1024 + 10_006);
  });
});

describeKafka('saveToKafka and KafkaSink (mock Kafka cluster)', () => {
  let sinkCluster: MockCluster;
  beforeAll(async () => {
    sinkCluster = await startMockCluster({ counts: 2 });
  });
  afterAll(async () => sinkCluster?.stop());

  it('writes every batch with acks=all, key and value as asked; a write Kafka does not acknowledge fails, not silently', async () => {
    const brokers = sinkCluster.brokers;
    expect(() => new KafkaSink({ brokers, topic: 'no spaces' })).toThrow(/options.topic must be a topic name/);
    expect(() => new KafkaSink({ brokers, topic: 'counts', maxBatchRecords: 0 })).toThrow(/maxBatchRecords must be a positive integer/);
    const { ssc, nextBatch } = kafkaContext();
    contexts.push(ssc);
    const pairs: [string, number][][] = [[['a', 1], ['b', 2]], [['c', 3]]];
    ssc.queueStream(pairs).saveToKafka({ brokers, topic: 'counts', key: ([k]) => k, value: ([, n]) => String(n), maxBatchRecords: 1 });
    ssc.queueStream<string>([['x'], []]).saveToKafka({ brokers, topic: 'counts' });
    // Read back in the same context: a batch sees what earlier batches' outputs wrote.
    const read: string[] = [];
    ssc
      .kafkaStream({ brokers, topics: ['counts'], groupId: 'reader', startingOffsets: 'earliest', sessionTimeout: 6000 })
      .foreachRDD((b) => void read.push(...b.collect().map((r) => `${r.key?.toString() ?? '-'}=${r.value!.toString()}`)));
    await ssc.start();
    for (let i = 0; i < 3; i++) await nextBatch();
    expect(read.sort()).toEqual(['-=x', 'a=1', 'b=2', 'c=3']);

    // Kafka down: the write fails with a FlintError (saveToKafka's batch output fails with it).
    const sink = new KafkaSink<string>({ brokers, topic: 'counts' });
    await sinkCluster.setBroker(1, false);
    await expect(sink.write(Batch.of(['y']))).rejects.toThrow(/KafkaSink: writing to topic "counts" failed/);
    await sinkCluster.setBroker(1, true);
    await sink.write(Batch.of(['y']));
    await sink.close();
  });
});
