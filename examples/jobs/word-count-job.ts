// A job for `flint serve`: counts the words of a few batches of text and prints each batch's
// counts, then ends (state `success`). Its settings come from the batch's `conf`:
//   core     js or wasm (default wasm)
//   batches  how many batches of text to count (default 5)
// and each argument is a line of text to count, in every batch (default: a line of Hamlet).
//
//   npm run build:ts
//   node dist/src/cli/main.js serve --jobs-dir dist/examples/jobs &
//   node dist/src/cli/main.js submit word-count-job.js -- "to be or not to be"
//   node dist/src/cli/main.js status 0
import { jobServerEnv, pair, StreamingContext, sum, words, type CoreName } from '../../src/index.js';

const env = jobServerEnv();
const conf = env?.conf ?? {};
const lines = process.argv.length > 2 ? process.argv.slice(2) : ['to be or not to be that is the question'];
const batches = Number(conf.batches ?? 5);

const ssc = new StreamingContext({
  batchInterval: 200,
  master: 'local[2]',
  core: (conf.core ?? 'wasm') as CoreName,
  appName: env?.appName ?? 'WordCountJob',
  // DELETE /batches/{id} sends SIGTERM: finish the batches received, then exit.
  stopGracefullyOnShutdown: true,
});
const queue = Array.from({ length: batches }, () => lines);
ssc.queueStream(queue).flatMap(words).map(pair(1)).reduceByKey(sum).print();

let completed = 0;
ssc.addStreamingListener({
  onBatchCompleted: () => {
    if (++completed === batches) void ssc.stop({ graceful: true });
  },
});
await ssc.start();
console.error(`${ssc.appName}: counting ${batches} batches on the ${conf.core ?? 'wasm'} core (batch ${env?.batchId ?? '-'})`);
await ssc.awaitTermination();
