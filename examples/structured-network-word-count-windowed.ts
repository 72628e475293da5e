// StructuredNetworkWordCountWindowed, as in Spark's examples: word counts per event-time window of
// the lines a TCP server sends, each line stamped with the time it arrived (`includeTimestamp`).
//
//   nc -lk 9999
//   node dist/examples/structured-network-word-count-windowed.js localhost 9999 10 5
//
// counts words in 10-second windows sliding every 5 seconds (the last two arguments; the slide
// defaults to the window). Ctrl-C stops.
import { fileURLToPath } from 'node:url';
import { FlintSession, functions, schemaOf, type DataFrame } from '../src/index.js';

const { col, window } = functions;

/** Spark's query: (word, timestamp) rows, counted per sliding window and word, ordered by window. */
export function windowedCounts(lines: DataFrame, windowDuration: string, slideDuration: string): DataFrame {
  const words = lines
    .as<{ value: string; timestamp: Date }>()
    .flatMap((line) => line.value.split(' ').map((word) => ({ word, timestamp: line.timestamp })), schemaOf({ word: 'string', timestamp: 'timestamp' }))
    .toDF('word', 'timestamp');
  return words.groupBy(window(col('timestamp'), windowDuration, slideDuration), col('word')).count().orderBy('window');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [host, port, windowSeconds, slideSeconds = windowSeconds] = process.argv.slice(2);
  if (host === undefined || port === undefined || windowSeconds === undefined || !/^\d+$/.test(port)) {
    console.error('Usage: structured-network-word-count-windowed <hostname> <port> <window duration in seconds> [<slide duration in seconds>]');
    process.exit(2);
  }
  if (Number(slideSeconds) > Number(windowSeconds)) {
    console.error('<slide duration> must be less than or equal to <window duration>');
    process.exit(2);
  }
  const flint = new FlintSession({ appName: 'StructuredNetworkWordCountWindowed' });
  const lines = flint.readStream.format('socket').option('host', host).option('port', Number(port)).option('includeTimestamp', true).load();
  const query = await windowedCounts(lines, `${windowSeconds} seconds`, `${slideSeconds} seconds`)
    .writeStream.outputMode('complete')
    .format('console')
    .option('truncate', 'false')
    .start();
  process.once('SIGINT', () => void query.stop());
  await query.awaitTermination();
}
