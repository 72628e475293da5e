// StructuredKafkaWordCount, as in Spark's Structured Streaming examples: a running word count of
// the values of Kafka records, printed in complete mode after every batch.
//
//   node dist/examples/structured-kafka-word-count.js <bootstrap-servers> <subscribe-type> <topics> [<checkpoint-location>]
//
// <subscribe-type> is `assign`, `subscribe` or `subscribePattern` (Spark's option names), e.g.
// `localhost:9092 subscribe topic1,topic2`. Needs `npm install kafkajs`. Ctrl-C stops.
import { fileURLToPath } from 'node:url';
import { FlintSession, functions, type StreamingQuery } from '../src/index.js';

const { col, explode, split } = functions;

/** Spark's query: the values as strings, split into words, each word counted; started on the console sink. */
export function startStructuredKafkaWordCount(flint: FlintSession, args: readonly string[]): Promise<StreamingQuery> {
  const [bootstrapServers, subscribeType, topics, checkpointLocation] = args;
  const lines = flint.readStream
    .format('kafka')
    .option('kafka.bootstrap.servers', bootstrapServers!)
    .option(subscribeType!, topics!)
    .load()
    .select(col('value').cast('string').as('value'));
  const wordCounts = lines.select(explode(split(col('value'), ' ')).as('word')).groupBy('word').count();
  const writer = wordCounts.writeStream.outputMode('complete').format('console');
  return (checkpointLocation ? writer.option('checkpointLocation', checkpointLocation) : writer).start();
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  if (args.length < 3 || !['assign', 'subscribe', 'subscribePattern'].includes(args[1]!)) {
    console.error('Usage: structured-kafka-word-count <bootstrap-servers> <subscribe-type> <topics> [<checkpoint-location>]\n  <subscribe-type>: assign, subscribe or subscribePattern, e.g. localhost:9092 subscribe topic1,topic2');
    process.exit(2);
  }
  const flint = new FlintSession({ appName: 'StructuredKafkaWordCount' });
  const query = await startStructuredKafkaWordCount(flint, args);
  process.once('SIGINT', () => void query.stop());
  await query.awaitTermination();
}
