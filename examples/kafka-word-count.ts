// DirectKafkaWordCount, as in Spark's examples, with checkpointed offsets: every second, counts
// the words of the values of new records in Kafka topics, keeps running totals, and commits the
// offsets back to the group after each batch so Kafka's tools show the lag. Killed and started
// again on the same checkpoint directory, it goes on exactly where its last batches stopped.
//
//   node dist/examples/kafka-word-count.js <brokers> <group> <topics> [checkpoint dir]
//   e.g. node dist/examples/kafka-word-count.js localhost:9092 wordcount words
//
// Needs `npm install kafkajs` (Flint's optional Kafka client). Produce lines with, for example,
// `kcat -P -b localhost:9092 -t words`. Ctrl-C stops gracefully.
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pair, Seconds, StreamingContext, sum, words, type KafkaBatch } from '../src/index.js';

const [brokers, groupId, topics, checkpoint = join(tmpdir(), 'flint-kafka-word-count')] = process.argv.slice(2);
if (brokers === undefined || groupId === undefined || topics === undefined) {
  console.error('Usage: kafka-word-count <brokers> <group> <topics> [checkpoint dir]   e.g. localhost:9092 wordcount words');
  process.exit(2);
}

function createContext(): StreamingContext {
  const ssc = new StreamingContext({ batchInterval: Seconds(1), appName: 'DirectKafkaWordCount', stopGracefullyOnShutdown: true });
  ssc.checkpoint(checkpoint);
  const stream = ssc.kafkaStream({ brokers: brokers!.split(','), topics: topics!.split(','), groupId: groupId!, startingOffsets: 'earliest' });
  stream
    .values()
    .flatMap(words)
    .map(pair(1))
    .reduceByKey(sum)
    .updateStateByKey((counts: number[], total?: number) => counts.reduce((a, b) => a + b, total ?? 0))
    .print();
  // After the outputs of each batch, tell the group how far it got (Spark's CanCommitOffsets).
  stream.foreachRDD((batch) => stream.commitAsync((batch as KafkaBatch).offsetRanges()));
  // Unreachable brokers, offsets Kafka no longer has, values that are not UTF-8: said here.
  ssc.addStreamingListener({ onReceiverError: ({ receiverInfo }) => console.error(receiverInfo.lastErrorMessage) });
  return ssc;
}

const ssc = StreamingContext.getOrCreate(checkpoint, createContext);
await ssc.start();
await ssc.awaitTermination();
