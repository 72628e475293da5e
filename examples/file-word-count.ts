// Word count over new files in a directory, as Spark's HdfsWordCount: every 2 seconds, counts the
// words of the text files that appeared in the directory since the last batch.
//
//   npm run example:files            # watches $TMPDIR/flint-input (created if missing)
//   node dist/examples/file-word-count.js <directory>
//
// Write each file under a name Flint ignores (a dotfile) and rename it when complete, so it is never
// read half-written:
//   echo "to be or not to be" > /tmp/flint-input/.note && mv /tmp/flint-input/.note /tmp/flint-input/note.txt
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pair, Seconds, StreamingContext, sum, words } from '../src/index.js';

const directory = process.argv[2] ?? join(tmpdir(), 'flint-input');
await mkdir(directory, { recursive: true });

const ssc = new StreamingContext({ batchInterval: Seconds(2), appName: 'FileWordCount' });
ssc
  .textFileStream(directory)
  .flatMap(words)
  .map(pair(1))
  .reduceByKey(sum)
  .print();

await ssc.start();
const file = join(directory, 'note.txt');
const hidden = join(directory, '.note');
console.error(`Watching ${directory}; move complete text files into it, e.g.\n` +
  `  echo "to be or not to be" > ${hidden} && mv ${hidden} ${file}\nCtrl-C stops.`);
process.once('SIGINT', () => void ssc.stop({ graceful: true }));
await ssc.awaitTermination();
