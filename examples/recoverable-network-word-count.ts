// RecoverableNetworkWordCount, as in Spark's examples: running word counts of the lines a TCP
// server sends, kept across restarts. Kill it (even with kill -9) and start it again with the same
// checkpoint directory: the counts go on from where they were. Start a server first:
//
//   nc -lk 9999
//
// then: node dist/examples/recoverable-network-word-count.js localhost 9999 /tmp/flint-ckpt /tmp/flint-out
//
// Each batch's totals are written to <output dir>/counts-<time>/ (saveAsTextFiles replaces a
// re-run batch's directory, so the files are exact after a restart). The write-ahead log keeps
// what the socket delivered; lines still in flight on the network when the process dies are the
// sender's to send again.
import { pair, Seconds, StreamingContext, sum, words } from '../src/index.js';

const [host, port, checkpointDir, outputDir] = process.argv.slice(2);
if (host === undefined || port === undefined || !/^\d+$/.test(port) || checkpointDir === undefined || outputDir === undefined) {
  console.error('Usage: recoverable-network-word-count <hostname> <port> <checkpoint dir> <output dir>');
  process.exit(2);
}

// Spark's createContext: runs on a fresh start, and on a restart too, to rebuild the streams the
// checkpoint's state goes back into.
function createContext(): StreamingContext {
  console.error(`Creating new context (a checkpoint in ${checkpointDir} is restored into it, if there is one)`);
  const ssc = new StreamingContext({
    batchInterval: Seconds(1),
    appName: 'RecoverableNetworkWordCount',
    writeAheadLog: true,
    stopGracefullyOnShutdown: true,
  });
  ssc.checkpoint(checkpointDir!);
  ssc
    .socketTextStream(host!, Number(port))
    .flatMap(words)
    .map(pair(1))
    .reduceByKey(sum)
    .updateStateByKey((counts: number[], total?: number) => counts.reduce((a, b) => a + b, total ?? 0))
    .saveAsTextFiles(`${outputDir}/counts`);
  ssc.addStreamingListener({ onReceiverError: ({ receiverInfo }) => console.error(receiverInfo.lastErrorMessage) });
  return ssc;
}

const ssc = StreamingContext.getOrCreate(checkpointDir, createContext);
await ssc.start();
await ssc.awaitTermination();
