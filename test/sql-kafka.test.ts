// Structured Streaming's Kafka source and sink against librdkafka's mock cluster: Spark's row
// schema, word counts in update and complete mode, startingOffsets, maxOffsetsPerTrigger,
// restarts from the offset log without loss or double counting, the sink's round trip, and bad
// input reported at start. Both cores.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FlintError, FlintSession, functions as F, schemaOf, Trigger, type Row } from '../src/index.js';
import { MetadataLog } from '../src/sql/checkpoint/metadata-log.js';
import { formatFile } from '../src/sql/sources/file-formats.js';
import { OffsetSeqLog } from '../src/sql/checkpoint/offset-seq-log.js';
import { startStructuredKafkaWordCount } from '../examples/structured-kafka-word-count.js';
import { CORES } from './support/harness.js';
import { cleanUp, session, track, sorted, StreamTest, tempDir } from './support/stream-test.js';
import { describeKafka, startMockCluster, type MockCluster } from './kafka/mock-cluster.js';
import { produce, testClient } from './kafka/kafka-helpers.js';

const { col, explode, split } = F;
let cluster: MockCluster;
afterEach(cleanUp);

function kafka(flint: FlintSession, options: Record<string, string | number>) {
  return flint.readStream.format('kafka').option('kafka.bootstrap.servers', cluster.bootstrap).optionsFrom(options).load();
}

const wordCounts = (lines: ReturnType<typeof kafka>) => lines.select(explode(split(col('value').cast('string'), ' ')).as('word')).groupBy('word').count();

/** Reads `n` records of `topic` from the beginning with a kafkajs consumer. */
async function readBack(topic: string, n: number): Promise<{ key: string | null; value: string; partition: number }[]> {
  const consumer = testClient(cluster.brokers).consumer({ groupId: `read-${topic}-${Date.now()}` });
  const out: { key: string | null; value: string; partition: number }[] = [];
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  let done!: () => void;
  const all = new Promise<void>((resolve) => (done = resolve));
  await consumer.run({
    eachMessage: async ({ message, partition }) => {
      out.push({ key: message.key?.toString() ?? null, value: message.value!.toString(), partition });
      if (out.length >= n) done();
    },
  });
  await all;
  await consumer.disconnect();
  return out;
}

describeKafka('Structured Streaming kafka source and sink (mock Kafka cluster)', () => {
  beforeAll(async () => {
    const topics: Record<string, number> = {};
    for (const core of CORES) Object.assign(topics, { [`wc-${core}`]: 2, [`start-${core}`]: 2, [`limit-${core}`]: 2, [`restart-${core}`]: 2, [`out-${core}`]: 2, [`other-${core}`]: 1 });
    topics.example = 1;
    topics['headers-in'] = 1;
    topics['batch-read'] = 2;
    topics['headers-out'] = 1;
    cluster = await startMockCluster(topics);
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  // Each query joins a consumer group of its own: about 3 s on the mock (group.initial.rebalance.delay.ms).
  it.each(CORES)("rows have Spark's schema; word count in update and complete mode (%s core)", async (core) => {
    const topic = `wc-${core}`;
    await produce(cluster.brokers, topic, ['a b', 'b c', null, 'c c'], [0, 1]);
    const flint = session(core);
    const lines = kafka(flint, { subscribe: topic, startingOffsets: 'earliest' });
    expect(lines.schema!.simpleString()).toBe('struct<key:binary,value:binary,topic:string,partition:bigint,offset:bigint,timestamp:timestamp,timestampType:bigint>');

    const raw = new StreamTest(flint, lines, 'append');
    await raw.start();
    await raw.query!.processAllAvailable();
    const rows = (await flint.table(raw.name).collect()) as Row[];
    expect(rows.map((r) => [r.partition, r.offset, r.topic, r.key, r.timestampType]).sort()).toEqual([
      [0, 0, topic, null, 0],
      [0, 1, topic, null, 0],
      [1, 0, topic, null, 0],
      [1, 1, topic, null, 0],
    ]);
    expect(rows.every((r) => r.value === null || Buffer.isBuffer(r.value))).toBe(true);
    expect(rows.every((r) => r.timestamp instanceof Date && Math.abs(r.timestamp.getTime() - Date.now()) < 600_000)).toBe(true);
    await raw.stop();

    const complete = new StreamTest(flint, wordCounts(kafka(flint, { subscribe: topic, startingOffsets: 'earliest' })), 'complete');
    const update = new StreamTest(flint, wordCounts(kafka(flint, { subscribe: topic, startingOffsets: 'earliest' })), 'update');
    await Promise.all([complete.start(), update.start()]);
    // The null value (a tombstone) splits to no words, as Spark's split of null.
    await complete.checkAnswer(['a', 1], ['b', 2], ['c', 3]);
    await update.checkNewAnswer(['a', 1], ['b', 2], ['c', 3]);
    await produce(cluster.brokers, topic, ['c d'], [1]);
    await complete.checkAnswer(['a', 1], ['b', 2], ['c', 4], ['d', 1]);
    await update.checkNewAnswer(['c', 4], ['d', 1]);
    await complete.stop();
    await update.stop();
  }, 60_000);

  it.each(CORES)('startingOffsets: latest, earliest, JSON with -2 and -1; assign; subscribePattern (%s core)', async (core) => {
    const topic = `start-${core}`;
    await produce(cluster.brokers, topic, ['p0a', 'p1a', 'p0b', 'p1b'], [0, 1]);
    const flint = session(core);
    const values = (options: Record<string, string>) => kafka(flint, options).select(col('value').cast('string').as('value'), col('partition'));
    const latest = new StreamTest(flint, values({ subscribe: topic }));
    const json = new StreamTest(flint, values({ subscribe: topic, startingOffsets: JSON.stringify({ [topic]: { 0: 1, 1: -1 } }) }));
    const earliest = new StreamTest(flint, values({ subscribePattern: `start-${core}|nothing.*`, startingOffsets: 'earliest' }));
    const assign = new StreamTest(flint, values({ assign: JSON.stringify({ [topic]: [1] }), startingOffsets: JSON.stringify({ [topic]: { 1: -2 } }) }));
    await Promise.all([latest, json, earliest, assign].map((t) => t.start()));
    await latest.checkNewAnswer();
    await json.checkNewAnswer(['p0b', 0]);
    await earliest.checkNewAnswer(['p0a', 0], ['p0b', 0], ['p1a', 1], ['p1b', 1]);
    await assign.checkNewAnswer(['p1a', 1], ['p1b', 1]);
    await produce(cluster.brokers, topic, ['p0c', 'p1c'], [0, 1]);
    await latest.checkNewAnswer(['p0c', 0], ['p1c', 1]);
    await json.checkNewAnswer(['p0c', 0], ['p1c', 1]);
    await earliest.checkNewAnswer(['p0c', 0], ['p1c', 1]);
    await assign.checkNewAnswer(['p1c', 1]);
    for (const t of [latest, json, earliest, assign]) await t.stop();

    const missing = values({ subscribe: topic, startingOffsets: JSON.stringify({ [topic]: { 0: 0 } }) }).writeStream.format('memory').queryName(`missing_${core}`).start();
    await expect(missing).rejects.toThrow(/startingOffsets names specific offsets, so it must name every partition read; start-\w+-1 is missing/);
  }, 60_000);

  it.each(CORES)('maxOffsetsPerTrigger splits the backlog into batches, shared by lag (%s core)', async (core) => {
    const topic = `limit-${core}`;
    await produce(cluster.brokers, topic, Array.from({ length: 12 }, (_, i) => `m${i}`), [0, 0, 1]); // 8 on partition 0, 4 on 1
    const flint = session(core);
    const t = new StreamTest(flint, kafka(flint, { subscribe: topic, startingOffsets: 'earliest', maxOffsetsPerTrigger: 6 }).select(col('value').cast('string')), 'append');
    await t.start();
    await t.query!.processAllAvailable();
    const batches = t.query!.recentProgress.filter((p) => p.numInputRows > 0);
    expect(batches.map((p) => p.numInputRows)).toEqual([6, 6]);
    // Spark's rateLimit: 6 shared 8:4 is 4 and 2, then the rest.
    expect(batches.map((p) => p.sources[0]!.endOffset)).toEqual([{ [topic]: { 0: 4, 1: 2 } }, { [topic]: { 0: 8, 1: 4 } }]);
    expect((await t.all()).length).toBe(12);
    await t.stop();

    // Trigger.AvailableNow: what is there at start, in capped batches, then the query stops.
    await produce(cluster.brokers, topic, ['m12', 'm13', 'm14'], [1]);
    const once = await kafka(flint, { subscribe: topic, startingOffsets: 'earliest', maxOffsetsPerTrigger: 6 })
      .writeStream.format('memory').queryName(`available_now_${core}`).trigger(Trigger.AvailableNow()).start();
    await once.awaitTermination();
    // 8 and 7 behind: floor(6 * 8/15) + floor(6 * 7/15) = 3 + 2, then 3 + 3 of the 5 and 5 left, then 2 + 2.
    expect(once.recentProgress.filter((p) => p.numInputRows > 0).map((p) => p.numInputRows)).toEqual([5, 6, 4]);
    expect(((await flint.table(`available_now_${core}`).collect()) as Row[]).length).toBe(15);
  }, 60_000);

  it.each(CORES)('a restart on the same checkpoint resumes from the offset log: nothing lost, nothing counted twice (%s core)', async (core) => {
    const topic = `restart-${core}`;
    await produce(cluster.brokers, topic, ['a b', 'a'], [0, 1]);
    const dir = tempDir();
    const first = session(core);
    const t1 = new StreamTest(first, wordCounts(kafka(first, { subscribe: topic, startingOffsets: 'earliest' })), 'complete', dir);
    await t1.start();
    await t1.checkAnswer(['a', 2], ['b', 1]);
    await t1.stop();

    // Produced while no query runs: a new query on the checkpoint (startingOffsets is ignored now) reads it once.
    await produce(cluster.brokers, topic, ['b c', 'c'], [0, 1]);
    const second = session(core);
    const t2 = new StreamTest(second, wordCounts(kafka(second, { subscribe: topic, startingOffsets: 'latest' })), 'complete', dir);
    await t2.start();
    await t2.checkAnswer(['a', 2], ['b', 2], ['c', 2]);
    await produce(cluster.brokers, topic, ['d'], [0]);
    await t2.checkAnswer(['a', 2], ['b', 2], ['c', 2], ['d', 1]);
    await t2.stop();
    const lastBatch = t2.query!.lastProgress!.batchId;
    // Spark's offsets: the next offset of each partition, in offsets/N; the start in sources/0/0.
    expect(new OffsetSeqLog(dir).get(lastBatch)!.offsets).toEqual([{ [topic]: { 0: 3, 1: 2 } }]);
    expect(new MetadataLog(join(dir, 'sources', '0')).get(0)).toEqual({ [topic]: { 0: 0, 1: 0 } });

    // As if the process died after the last batch's output but before its commit and state:
    // the batch runs again with exactly its logged ranges, then newer records come in the next one.
    rmSync(join(dir, 'commits', String(lastBatch)));
    rmSync(join(dir, 'state', '0', '0', `${lastBatch + 1}.delta`));
    await produce(cluster.brokers, topic, ['d e'], [1]);
    const third = session(core);
    const t3 = new StreamTest(third, wordCounts(kafka(third, { subscribe: topic })), 'complete', dir);
    await t3.start();
    await t3.checkAnswer(['a', 2], ['b', 2], ['c', 2], ['d', 2], ['e', 1]);
    expect(t3.query!.recentProgress.filter((p) => p.numInputRows > 0).map((p) => [p.batchId, p.numInputRows])).toEqual([
      [lastBatch, 1],
      [lastBatch + 1, 1],
    ]);
    await t3.stop();
  }, 60_000);

  it('includeHeaders: a headers column of { key, value } per header, null without; the sink writes a headers column', async () => {
    const producer = testClient(cluster.brokers).producer();
    await producer.connect();
    await producer.send({ topic: 'headers-in', acks: -1, messages: [{ value: 'one', headers: { trace: 'abc', tag: ['x', 'y'] } }, { value: 'two' }] });
    await producer.disconnect();
    const flint = session('js');
    const lines = kafka(flint, { subscribe: 'headers-in', startingOffsets: 'earliest', includeHeaders: 'true' });
    expect(lines.schema!.simpleString()).toBe('struct<key:binary,value:binary,topic:string,partition:bigint,offset:bigint,timestamp:timestamp,timestampType:bigint,headers:array<struct<key:string,value:binary>>>');
    expect(kafka(flint, { subscribe: 'headers-in' }).columns).not.toContain('headers');
    // Through the sink: the value upper-cased, the headers kept, one header added.
    const out = lines.select(F.upper(col('value').cast('string')).as('value'), col('headers'));
    const query = await out.writeStream.format('kafka').option('kafka.bootstrap.servers', cluster.bootstrap).option('topic', 'headers-out').option('checkpointLocation', tempDir()).start();
    await query.processAllAvailable();
    await query.stop();
    const back = new StreamTest(flint, kafka(flint, { subscribe: 'headers-out', startingOffsets: 'earliest', includeHeaders: 'true' }).select(col('value').cast('string').as('value'), col('headers')));
    await back.start();
    await back.query!.processAllAvailable();
    const rows = ((await flint.table(back.name).collect()) as Row[]).map((r) => [r.value, (r.headers as Row[] | null)?.map((h) => `${h.key}=${(h.value as Buffer).toString()}`) ?? null]);
    expect(rows).toEqual([
      ['ONE', ['trace=abc', 'tag=x', 'tag=y']],
      ['TWO', null],
    ]);
    await back.stop();
    // A headers column of another type is refused at start, as Spark's KafkaWriter refuses it.
    const wrong = lines.select(col('value'), col('topic').as('headers')).writeStream.format('kafka').option('kafka.bootstrap.servers', cluster.bootstrap).option('topic', 'headers-out');
    await expect(wrong.option('checkpointLocation', tempDir()).start()).rejects.toThrow(/headers attribute unsupported type string; it must be array<struct<key:string,value:binary>>/);
  }, 60_000);

  it('batch reads (flint.read.format("kafka")): earliest to latest by default, JSON bounds, read again by each action', async () => {
    await produce(cluster.brokers, 'batch-read', ['a0', 'b0', 'a1', 'b1', 'a2'], [0, 1]);
    const flint = session('js');
    const read = (options: Record<string, string>) => flint.read.format('kafka').option('kafka.bootstrap.servers', cluster.bootstrap).optionsFrom({ subscribe: 'batch-read', ...options }).load();
    const values = async (df: ReturnType<typeof read>) => ((await df.select(col('value').cast('string').as('v'), col('partition'), col('offset')).collect()) as Row[]).map((r) => [r.v, r.partition, r.offset]);
    const all = read({});
    expect(all.isStreaming).toBe(false);
    expect(all.schema!.simpleString()).toBe('struct<key:binary,value:binary,topic:string,partition:bigint,offset:bigint,timestamp:timestamp,timestampType:bigint>');
    expect(await values(all)).toEqual([['a0', 0, 0], ['a1', 0, 1], ['a2', 0, 2], ['b0', 1, 0], ['b1', 1, 1]]);
    const bounded = read({ startingOffsets: '{"batch-read":{"0":1,"1":-2}}', endingOffsets: '{"batch-read":{"0":2,"1":-1}}' });
    expect(await values(bounded)).toEqual([['a1', 0, 1], ['b0', 1, 0], ['b1', 1, 1]]);
    // Each action reads again, as Spark's KafkaRelation does: records produced since are there.
    await produce(cluster.brokers, 'batch-read', ['b2'], [1]);
    all.createOrReplaceTempView('batch_read');
    expect(((await flint.sql('SELECT partition, count(*) AS n FROM batch_read GROUP BY partition ORDER BY partition').collect()) as Row[]).map((r) => [r.partition, r.n])).toEqual([[0, 3], [1, 3]]);
    expect(await values(bounded)).toEqual([['a1', 0, 1], ['b0', 1, 0], ['b1', 1, 1], ['b2', 1, 2]]);
  }, 60_000);

  it("batch reads refuse the bounds Spark refuses; streams refuse endingOffsets", () => {
    const flint = session('js');
    const read = (options: Record<string, string>) => () => flint.read.format('kafka').option('kafka.bootstrap.servers', '127.0.0.1:9').optionsFrom({ subscribe: 't', ...options }).load();
    expect(read({ startingOffsets: 'latest' })).toThrow(/starting offset can't be latest for batch queries on Kafka/);
    expect(read({ endingOffsets: 'earliest' })).toThrow(/ending offset can't be earliest for batch queries on Kafka/);
    expect(read({ startingOffsets: '{"t":{"0":-1}}' })).toThrow(/startingOffsets for t-0 can't be latest for batch queries on Kafka/);
    expect(read({ endingOffsets: '{"t":{"0":-2}}' })).toThrow(/endingOffsets for t-0 can't be earliest for batch queries on Kafka/);
    expect(() => kafka(flint, { subscribe: 't', endingOffsets: 'latest' })).toThrow(/ending offset not valid in streaming queries/);
  });

  it("examples/structured-kafka-word-count prints Spark's console batches", async () => {
    await produce(cluster.brokers, 'example', ['to be or', 'not to be']);
    let text = '';
    const flint = new FlintSession({ master: 'local[2]', core: 'js', out: { write: (s: string) => void (text += s) } });
    track(flint);
    // A topic with records already there: 'latest' (Spark's default) starts after them, so produce again once started.
    const query = await startStructuredKafkaWordCount(flint, [cluster.bootstrap, 'subscribe', 'example']);
    await query.processAllAvailable();
    expect(text).toBe('');
    await produce(cluster.brokers, 'example', ['to be or', 'not to be']);
    await query.processAllAvailable();
    expect(text).toContain('Batch: 0');
    expect(text).toContain('|word|count|');
    const counts = Object.fromEntries([...text.matchAll(/^\|\s*(\w+)\|\s*(\d+)\|$/gm)].map((m) => [m[1], Number(m[2])]));
    expect(counts).toEqual({ to: 2, be: 2, or: 1, not: 1 });
    await query.stop();
  }, 60_000);

  it.each(CORES)('the kafka sink writes value, key and the topic column; read back with kafkajs (%s core)', async (core) => {
    const flint = session(core);
    const input = flint.memoryStream(`sink-${core}`, schemaOf({ word: 'string', n: 'long' }));
    const out = input
      .toDF()
      .select(col('word').as('key'), col('n').cast('string').as('value'));
    const q = await out.writeStream.format('kafka').option('kafka.bootstrap.servers', cluster.bootstrap).option('topic', `out-${core}`).option('checkpointLocation', tempDir()).start();
    input.addData({ word: 'a', n: 1 }, { word: 'b', n: 2 }, { word: 'a', n: 3 });
    await q.processAllAvailable();
    const routed = input.toDF().select(col('word').as('topic'), col('n').cast('string').cast('binary').as('value'));
    const q2 = await routed.writeStream.format('kafka').option('kafka.bootstrap.servers', cluster.bootstrap).start();
    input.addData({ word: `other-${core}`, n: 7 });
    await q2.processAllAvailable();
    await q.processAllAvailable();
    const records = await readBack(`out-${core}`, 4);
    expect(sorted(records.map((r) => [r.key, r.value]))).toEqual(sorted([['a', '1'], ['b', '2'], ['a', '3'], [`other-${core}`, '7']]));
    // Records with one key go to one partition (the producer's key hash).
    const byKey = new Map<string | null, Set<number>>();
    for (const r of records) byKey.set(r.key, (byKey.get(r.key) ?? new Set()).add(r.partition));
    expect(byKey.get('a')!.size).toBe(1);
    expect((await readBack(`other-${core}`, 1)).map((r) => [r.key, r.value])).toEqual([[null, '7']]);
    await q.stop();
    await q2.stop();
  }, 60_000);
});

describeKafka('kafka source and sink: bad input', () => {
  beforeAll(async () => {
    cluster = await startMockCluster({ exists: 1 });
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  it('a missing topic or unreachable brokers fail the start with a FlintError', async () => {
    const flint = session('js');
    const missing = kafka(flint, { subscribe: 'exists,nope' }).writeStream.format('memory').queryName('bad_topic').start();
    await expect(missing).rejects.toThrow(FlintError);
    await expect(missing).rejects.toThrow('KafkaV2[Subscribe[exists,nope]]: topic "nope" does not exist on the brokers; create it first (Flint does not create topics)');
    const nowhere = flint.readStream.format('kafka').option('kafka.bootstrap.servers', '127.0.0.1:1').option('subscribe', 'exists').load();
    const unreachable = nowhere.writeStream.format('memory').queryName('bad_brokers').start();
    await expect(unreachable).rejects.toThrow(/cannot reach Kafka at 127\.0\.0\.1:1: .*check option 'kafka.bootstrap.servers'/);
    const sink = flint.memoryStream('words', schemaOf({ value: 'string' })).toDF().writeStream.format('kafka').option('kafka.bootstrap.servers', '127.0.0.1:1').option('topic', 'exists').start();
    await expect(sink).rejects.toThrow(/kafka sink: cannot reach Kafka at 127\.0\.0\.1:1/);
  }, 60_000);

  it('offsets Kafka does not have are data loss: the query fails, or with failOnDataLoss false goes on', async () => {
    await produce(cluster.brokers, 'exists', ['x', 'y']);
    const flint = session('js');
    const ahead = (failOnDataLoss: string) => kafka(flint, { subscribe: 'exists', startingOffsets: '{"exists":{"0":100}}', failOnDataLoss });
    const failing = await ahead('true').writeStream.format('memory').queryName('loss_fails').start();
    await expect(failing.awaitTermination()).rejects.toThrow("KafkaV2[Subscribe[exists]]: exists-0's offset went back from 100 to 2; some data may have been lost. Set option failOnDataLoss to false");
    expect(failing.exception?.code).toBe('QUERY_FAILED');
    const going = await ahead('false').select(col('value').cast('string')).writeStream.format('memory').queryName('loss_goes_on').start();
    await going.processAllAvailable();
    await produce(cluster.brokers, 'exists', ['z']);
    await going.processAllAvailable();
    expect(((await flint.table('loss_goes_on').collect()) as Row[]).map((r) => r.value)).toEqual(['z']);
    await going.stop();
  }, 60_000);

  it('options are checked at load() and start()', () => {
    const flint = session('js');
    const reader = () => flint.readStream.format('kafka').option('kafka.bootstrap.servers', cluster.bootstrap);
    expect(() => flint.readStream.format('kafka').option('subscribe', 't').load()).toThrow("option 'kafka.bootstrap.servers' must be specified");
    expect(() => reader().load()).toThrow("exactly one of the options 'subscribe', 'subscribePattern' or 'assign' must be specified (got none)");
    expect(() => reader().option('subscribe', 't').option('assign', '{"t":[0]}').load()).toThrow('(got subscribe, assign)');
    expect(() => reader().option('assign', '[0]').load()).toThrow(`option 'assign' must be JSON like`);
    expect(() => reader().option('subscribe', 't').option('startingOffsets', '{"t":{"0":"x"}}').load()).toThrow('startingOffsets has a bad entry');
    expect(() => reader().option('subscribe', 't').option('maxOffsetsPerTrigger', 0).load()).toThrow("option 'maxOffsetsPerTrigger' must be a positive integer");
    expect(() => reader().option('subscribe', 't').schema({ value: 'string' }).load()).toThrow('does not support user-specified schema');
    const numbers = flint.memoryStream('n', schemaOf({ value: 'long' })).toDF();
    const sink = () => numbers.writeStream.format('kafka').option('kafka.bootstrap.servers', cluster.bootstrap);
    return Promise.all([
      expect(sink().start()).rejects.toThrow("topic option required when no 'topic' attribute is present"),
      expect(sink().option('topic', 't').start()).rejects.toThrow("value attribute type must be a string or binary, got bigint; cast it, e.g. col('value').cast('string')"),
    ]);
  });
});

// Binary columns (Kafka's key and value) without a cluster: casts, grouping, state and show().
describe.each(CORES)('binary values (%s core)', (core) => {
  it('cast to string decodes UTF-8, cast to binary encodes it; binary keys group by bytes; show() prints hex', async () => {
    const flint = session(core);
    const input = flint.memoryStream(`bytes_${core}`, schemaOf({ value: 'binary' }));
    const counts = input.toDF().groupBy('value').count();
    const t = new StreamTest(flint, counts.select(col('value').cast('string').as('text'), col('count')), 'complete');
    await t.start();
    input.addData({ value: Buffer.from('héllo') }, { value: Buffer.from('hi') }, { value: Buffer.from('héllo') }, { value: null });
    await t.checkAnswer(['héllo', 2], ['hi', 1], [null, 1]);
    // The state store keeps binary keys exactly across batches.
    input.addData({ value: new Uint8Array([0x68, 0x69]) });
    await t.checkAnswer(['héllo', 2], ['hi', 2], [null, 1]);
    await t.stop();
    const df = flint.createDataFrame([{ s: 'hi' }], schemaOf({ s: 'string' })).select(col('s').cast('binary').as('b'));
    const [row] = (await df.collect()) as Row[];
    expect(Buffer.isBuffer(row!.b) && row!.b.toString()).toBe('hi');
    expect(df.schema!.simpleString()).toBe('struct<b:binary>');
    expect(await df.showString()).toContain('|[68 69]|');
    // The file sinks write binary as base64, as Spark's JSON writer.
    const schema = schemaOf({ b: 'binary' });
    expect(formatFile([{ b: Buffer.from('hi') }], 'json', schema, { sep: ',', header: false })).toBe('{"b":"aGk="}\n');
    expect(formatFile([{ b: Buffer.from('hi') }], 'csv', schema, { sep: ',', header: false })).toBe('aGk=\n');
  });
});
