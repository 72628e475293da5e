// Flint with Node's own conventions: lines from any Readable (here standard input), each batch's
// word counts through `for await`, every [word, count] record into a node:stream pipeline as
// JSON lines, and the run bound to AbortSignals (Ctrl-C, the end of the input) and `await using`.
//
//   cat README.md | npm run example:node       (or: node dist/examples/node-streams.js < FILE)
//
// JSON lines go to stdout (pipe them on, e.g. into `jq`); one line per batch goes to stderr.
import type { Readable, Writable } from 'node:stream';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { pathToFileURL } from 'node:url';
import { pair, Seconds, StreamingContext, sum, words, type Batch } from '../src/index.js';

/** Where the job reads and writes. */
export interface NodeStreamsIo {
  /** The text to count. */
  input: Readable;
  /** Receives one JSON line per [word, count] of every batch. */
  out: Writable;
  /** Leave `out` open at the end (true for process.stdout). */
  keepOutOpen?: boolean;
  /** Receives one line per batch. */
  log(line: string): void;
}

/**
 * Counts the words of `io.input` per batch on `ssc` until `signal` aborts or the input ends, then
 * stops the context gracefully; resolves once every batch has been logged and written.
 */
export async function countToJsonLines(ssc: StreamingContext, io: NodeStreamsIo, signal?: AbortSignal): Promise<void> {
  const inputEnded = new AbortController();
  const counts = ssc
    .readableStream(io.input, { name: 'input', onEnd: () => inputEnded.abort() })
    .flatMap(words)
    .map(pair(1))
    .reduceByKey(sum);
  // Both are output operations, so both are set up before start().
  const batches = counts.iterator();
  const written = pipeline(counts.toReadable(), jsonLines(), io.out, { end: !io.keepOutOpen });
  await ssc.start({ signal: signal ? AbortSignal.any([signal, inputEnded.signal]) : inputEnded.signal });
  for await (const [time, batch] of batches) io.log(summary(time, batch));
  await written;
}

/** `batch 12:00:01: 812 words, 305 distinct; top: the 41, of 23, to 19`. */
export function summary(time: number, batch: Batch<[string, number]>): string {
  const counts = batch.collect();
  const total = counts.reduce((n, [, c]) => n + c, 0);
  const top = [...counts].sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1)).slice(0, 3);
  const clock = new Date(time).toISOString().slice(11, 19);
  return `batch ${clock}: ${total} words, ${counts.length} distinct${top.length ? '; top: ' + top.map(([w, n]) => `${w} ${n}`).join(', ') : ''}`;
}

function jsonLines(): Transform {
  return new Transform({ writableObjectMode: true, transform: (record, _, done) => done(null, JSON.stringify(record) + '\n') });
}

async function main(): Promise<void> {
  const interrupted = new AbortController();
  process.once('SIGINT', () => interrupted.abort());
  await using ssc = new StreamingContext({ batchInterval: Seconds(1), appName: 'NodeStreams' });
  const io = { input: process.stdin, out: process.stdout, keepOutOpen: true, log: (line: string) => console.error(line) };
  await countToJsonLines(ssc, io, interrupted.signal);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
