// NetworkWordCount, as in Spark's examples: every second, counts the words of the lines a TCP
// server sent. Start a server in one terminal and type lines into it:
//
//   nc -lk 9999
//
// then, in another terminal: npm run example:network
// (or: node dist/examples/network-word-count.js <host> <port>). Ctrl-C stops.
//
// The pipeline is written as Spark's example writes it. Flint recognises these spellings and runs
// them as kernels, like `words`, `pair(1)` and `sum` (see the README); `split(' ')` keeps JS's
// empty fields, so a double space counts an empty word, where `words` would drop it.
import { Seconds, StreamingContext } from '../src/index.js';

const [host, port] = process.argv.slice(2);
if (host === undefined || port === undefined || !/^\d+$/.test(port)) {
  console.error('Usage: network-word-count <hostname> <port>   e.g. localhost 9999 (after: nc -lk 9999)');
  process.exit(2);
}

const ssc = new StreamingContext({ batchInterval: Seconds(1), appName: 'NetworkWordCount' });
ssc
  .socketTextStream(host, Number(port))
  .flatMap((line) => line.split(' '))
  .map((word) => [word, 1])
  .reduceByKey((a, b) => a + b)
  .print();
// The receiver reconnects on its own; say why nothing arrives (e.g. nc is not running yet).
ssc.addStreamingListener({ onReceiverError: ({ receiverInfo }) => console.error(receiverInfo.lastErrorMessage) });

await ssc.start();
process.once('SIGINT', () => void ssc.stop({ graceful: true }));
await ssc.awaitTermination();
