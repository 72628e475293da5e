// One process of the Kafka benchmark: word count from a topic, in a consumer group or alone.
// Prints a JSON line once it has joined its group (`joined: true`) and one per batch (`{ t,
// records }`, t = Date.now() at the batch's end), so the parent can time it.
//   node dist/bench/kafka/worker.js flint <brokers> <topic> <group> <js|wasm> [partitions, e.g. 0,1]
//   node dist/bench/kafka/worker.js kafkajs <brokers> <topic> <group>
import kafkajs from 'kafkajs';
import { pair, StreamingContext, sum, words, type KafkaBatch } from '../../src/index.js';

const [kind, brokers, topic, groupId, core = 'wasm', partitionList] = process.argv.slice(2) as [string, string, string, string, string?, string?];
const say = (line: object): void => void process.stdout.write(JSON.stringify(line) + '\n');

if (kind === 'flint') {
  const ssc = new StreamingContext({ batchInterval: 250, master: 'local[1]', core: core as 'js' | 'wasm', maxBufferedBytes: 256 << 20 });
  const read = partitionList ? { assign: { [topic]: partitionList.split(',').map(Number) } } : { topics: [topic] };
  const stream = ssc.kafkaStream({ brokers: brokers.split(','), ...read, groupId, startingOffsets: 'earliest', sessionTimeout: 6000 });
  let processingMs = 0;
  ssc.addStreamingListener({
    onBatchCompleted: ({ batchInfo }) => {
      processingMs += batchInfo.processingDelay ?? 0;
      if (batchInfo.numRecords > 0) say({ t: Date.now(), records, partitions, processingMs, words: counts.size });
    },
  });
  const counts = new Map<string, number>();
  let partitions: number[] = [];
  let records = 0;
  stream.foreachRDD((b) => {
    partitions = (b as KafkaBatch).offsetRanges().map((r) => r.partition);
    records += b.count();
  });
  stream.values().flatMap(words).map(pair(1)).reduceByKey(sum).foreachRDD((b) => {
    for (const [w, n] of b.collect()) counts.set(w, (counts.get(w) ?? 0) + n);
  });
  await ssc.start();
  say({ t: Date.now(), records, partitions: [], joined: true });
  process.once('SIGTERM', () => void ssc.stop().then(() => process.exit(0)));
} else {
  const consumer = new kafkajs.Kafka({ brokers: brokers.split(','), logLevel: kafkajs.logLevel.NOTHING }).consumer({ groupId, sessionTimeout: 6000 });
  const counts = new Map<string, number>();
  let records = 0;
  let partitions: number[] = [];
  consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
    partitions = payload.memberAssignment[topic] ?? [];
    say({ t: Date.now(), records, partitions, joined: true });
  });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  await consumer.run({
    eachBatch: async ({ batch }) => {
      for (const m of batch.messages) {
        for (const w of m.value!.toString().split(' ')) counts.set(w, (counts.get(w) ?? 0) + 1);
      }
      records += batch.messages.length;
      say({ t: Date.now(), records, partitions });
    },
  });
  process.once('SIGTERM', () => void consumer.disconnect().then(() => process.exit(0)));
}
