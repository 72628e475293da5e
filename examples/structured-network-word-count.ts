// StructuredNetworkWordCount, as in Spark's Structured Streaming examples: a running word count
// of the lines a TCP server sends, printed in complete mode after every batch. Start a server and
// type lines into it:
//
//   nc -lk 9999
//
// then: npm run example:structured-network (or node dist/examples/structured-network-word-count.js
// <host> <port>). Ctrl-C stops.
import { fileURLToPath } from 'node:url';
import { FlintSession, functions, type DataFrame } from '../src/index.js';

const { col, explode, split } = functions;

/** Spark's query: split the lines into words, count each word. */
export function wordCounts(lines: DataFrame): DataFrame {
  const words = lines.select(explode(split(col('value'), ' ')).as('word'));
  return words.groupBy('word').count();
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [host, port] = process.argv.slice(2);
  if (host === undefined || port === undefined || !/^\d+$/.test(port)) {
    console.error('Usage: structured-network-word-count <hostname> <port>   e.g. localhost 9999 (after: nc -lk 9999)');
    process.exit(2);
  }
  const flint = new FlintSession({ appName: 'StructuredNetworkWordCount' });
  const lines = flint.readStream.format('socket').option('host', host).option('port', Number(port)).load();
  const query = await wordCounts(lines).writeStream.outputMode('complete').format('console').start();
  process.once('SIGINT', () => void query.stop());
  await query.awaitTermination();
}
