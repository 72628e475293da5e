// `flint wordcount`: the word-count job. It takes its clock, input and outputs from the caller,
// so tests run it in-process with a ManualClock and the CLI runs it on the real process.
import { createReadStream, fstatSync } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import type { DStream } from '../dstream/dstream.js';
import type { TextOutput } from '../dstream/operator.js';
import { pair, subtract, sum, words } from '../functions/building-blocks.js';
import type { Clock } from '../streaming/clock.js';
import { StreamingContext } from '../streaming/context.js';
import { DEFAULT_UI_PORT } from '../ui/ui-options.js';
import { UsageError, type InputSpec, type WordCountConfig } from './args.js';
import { DemoReceiver } from './demo-source.js';
import { firstThrottleNotice, formatSummary, formatUnprocessed, RunStats, StatusLine, type RunSummary } from './status.js';

/** What the job reads from and writes to. */
export interface WordCountEnv {
  /** Where the counts are printed (the CLI passes stdout). */
  out: TextOutput;
  /** Where the status line, receiver errors and the summary go (the CLI passes stderr). */
  err: TextOutput;
  /** Draw a live status line on `err` (the CLI does when stderr is a terminal). */
  statusLine?: boolean;
  /** Source of time (default: the system clock). */
  clock?: Clock;
  /** What `--stdin` reads (default `process.stdin`). */
  stdin?: Readable;
  /**
   * Serve the web UI on port 4040 unless the config says otherwise (`--ui-port`, `--no-ui`); the
   * `flint` command does, in-process runs (tests) need not.
   */
  ui?: boolean;
}

/** A started word-count job. */
export interface WordCountJob {
  readonly ssc: StreamingContext;
  /**
   * Resolves when a finite input (stdin) has ended, rejects when reading it failed; never
   * settles for live sources.
   */
  readonly inputEnded: Promise<void>;
  /**
   * Stops the context (once), removes a temporary checkpoint directory, returns the totals. A
   * graceful stop (the default) waits at most `gracefulTimeout` ms (default: the config's).
   */
  stop(graceful?: boolean, gracefulTimeout?: number): Promise<RunSummary>;
}

/**
 * The word counts of `lines`: per batch, or with `window` over the last `duration` ms every
 * `slide` ms. The window is incremental with Flint's tagged `sum`/`subtract`, so words whose
 * count returns to 0 leave it. `perBatch` is what the window adds up, for totals.
 */
export function countWords(
  lines: DStream<string>,
  window?: { duration: number; slide: number },
): { perBatch: DStream<[string, number]>; counts: DStream<[string, number]> } {
  const perBatch = lines.flatMap(words).map(pair(1)).reduceByKey(sum);
  const counts = window ? perBatch.reduceByKeyAndWindow(sum, subtract, window.duration, window.slide) : perBatch;
  return { perBatch, counts };
}

/** Sorts each batch of counts by count, descending, then by word, for printing the top words. */
export function byCountDescending(counts: DStream<[string, number]>): DStream<[string, number]> {
  return counts.transform((batch) => batch.sortBy(([word, n]) => [-n, word]));
}

/** Creates the context, the input and the outputs of `config`, and starts it. */
export async function startWordCount(config: WordCountConfig, env: WordCountEnv): Promise<WordCountJob> {
  await checkInput(config.input);
  const status = env.statusLine ? new StatusLine(env.err, config.batch) : undefined;
  // Counts and messages share the terminal with the status line, so they erase it first.
  const write = (stream: TextOutput) => (text: string) => (status?.clear(), stream.write(text));
  const err = { write: write(env.err) };
  let endInput!: (error?: Error) => void;
  const inputEnded = new Promise<void>((resolve, reject) => {
    endInput = (error) => (error ? reject(new Error(`cannot read standard input: ${error.message}`, { cause: error })) : resolve());
  });
  // Handled by runWordCount; a job started only for its batches must not crash on it.
  inputEnded.catch(() => undefined);
  const stats = new RunStats();
  const checkpoint = await checkpointDirectory(config);
  // With --checkpoint, a job restarted on the same directory goes on from its last checkpoint.
  const create = (): StreamingContext => {
    const ssc = new StreamingContext({
      batchInterval: config.batch,
      appName: 'flint wordcount',
      clock: env.clock,
      out: { write: write(env.out) },
      core: config.core,
      ...(config.master !== undefined && { master: config.master }),
      ...(config.maxRate !== undefined && { receiverMaxRate: config.maxRate }),
      ...(config.backpressure && { backpressure: true }),
      ...(config.maxBuffered !== undefined && { maxBufferedBytes: config.maxBuffered }),
      ui: config.ui ?? (env.ui === true && { port: DEFAULT_UI_PORT }),
    });
    if (checkpoint.path !== undefined) ssc.checkpoint(checkpoint.path);
    const { perBatch, counts } = countWords(openInput(ssc, config, env, endInput), config.window);
    byCountDescending(counts).print(config.top);
    perBatch.foreachRDD((batch) => {
      for (const partition of batch.partitions) for (const [, n] of partition) stats.words += n;
    });
    return ssc;
  };
  const ssc = config.checkpoint !== undefined ? StreamingContext.getOrCreate(config.checkpoint, create) : create();
  ssc.addStreamingListener(stats);
  ssc.addStreamingListener({ onReceiverError: ({ receiverInfo }) => void err.write(`flint: ${receiverInfo.lastErrorMessage}\n`) });
  ssc.addStreamingListener({ onCheckpointFallback: ({ problem }) => void err.write(`flint: checkpoint recovery: ${problem.message}\n`) });
  ssc.addStreamingListener(firstThrottleNotice(err));
  if (status) ssc.addStreamingListener(status);
  try {
    await ssc.start();
  } catch (error) {
    await ssc.stop();
    await checkpoint.removeTemporary();
    throw error;
  }
  const startedAt = ssc.clock.now();
  const stop = async (graceful: boolean, gracefulTimeout: number): Promise<RunSummary> => {
    await ssc.stop({ graceful, gracefulTimeout });
    await checkpoint.removeTemporary();
    status?.clear();
    if (graceful && stats.unprocessed > 0) err.write(formatUnprocessed(stats.unprocessed, gracefulTimeout));
    return { batches: stats.batches, records: stats.records, words: stats.words, elapsedMs: ssc.clock.now() - startedAt };
  };
  let stopping: Promise<RunSummary> | undefined;
  return {
    ssc,
    inputEnded,
    stop: (graceful = true, gracefulTimeout = config.gracefulTimeout) => (stopping ??= stop(graceful, gracefulTimeout)),
  };
}

// The window needs a checkpoint directory; without --checkpoint, a temporary one that is removed.
async function checkpointDirectory(config: WordCountConfig): Promise<{ path?: string; removeTemporary(): Promise<void> }> {
  if (!config.window || config.checkpoint !== undefined) return { path: config.checkpoint, removeTemporary: async () => {} };
  const path = await mkdtemp(join(tmpdir(), 'flint-wordcount-'));
  return { path, removeTemporary: () => rm(path, { recursive: true, force: true }) };
}

// Checked before the context exists, so a typo in --dir costs no cleanup.
async function checkInput(input: InputSpec): Promise<void> {
  if (input.kind !== 'dir') return;
  const info = await stat(input.directory).catch(() => undefined);
  if (!info?.isDirectory()) {
    throw new UsageError(`--dir "${input.directory}" is not a directory; create it (mkdir -p ${input.directory}), then move files into it`);
  }
}

function openInput(ssc: StreamingContext, config: WordCountConfig, env: WordCountEnv, onEnd: (error?: Error) => void): DStream<string> {
  const { input, maxLineBytes } = config;
  switch (input.kind) {
    case 'socket':
      return ssc.socketTextStream(input.host, input.port, { maxLineBytes });
    case 'dir':
      return ssc.textFileStream(input.directory, { maxLineBytes });
    case 'stdin':
      return ssc.readableStream(env.stdin ?? standardInput(), { onEnd, maxLineBytes, name: 'stdin' });
    case 'demo':
      return ssc.receiverStream(new DemoReceiver({ rate: input.rate, seed: input.seed }), `DemoReceiver(seed ${input.seed})`);
  }
}

// Node gives a process whose standard input is a directory an empty stream, as if the input had
// ended; reading the descriptor itself fails with EISDIR, which is what the user must see.
function standardInput(): Readable {
  let isDirectory = false;
  try {
    isDirectory = fstatSync(0).isDirectory();
  } catch {
    // No descriptor 0 at all: process.stdin copes with that itself.
  }
  return isDirectory ? createReadStream('', { fd: 0, autoClose: false }) : process.stdin;
}

/**
 * Runs the job until `config.duration` has passed (0: no limit), `signal` aborts, the input ends
 * or a batch fails; then stops, gracefully unless something failed, and writes the summary. The
 * graceful stop waits at most `config.gracefulTimeout`, except at the end of a finite input,
 * whose every line is counted, however long that takes. Reading the input failing, or `signal`
 * aborted with an Error as its reason (the CLI does so when stdout fails), counts as a failure.
 * Returns the exit status.
 */
export async function runWordCount(config: WordCountConfig, env: WordCountEnv, signal?: AbortSignal): Promise<number> {
  const job = await startWordCount(config, env);
  const aborted = new Promise<void>((resolve, reject) => {
    const onAbort = (): void => (isFailure(signal?.reason) ? reject(signal!.reason) : resolve());
    signal?.addEventListener('abort', onAbort, { once: true });
    if (signal?.aborted) onAbort();
  });
  let failure: unknown;
  let inputEnded = false;
  try {
    const terminated = config.duration > 0 ? job.ssc.awaitTerminationOrTimeout(config.duration) : job.ssc.awaitTermination();
    await Promise.race([terminated, aborted, job.inputEnded.then(() => (inputEnded = true))]);
  } catch (error) {
    failure = error;
  }
  const summary = await job.stop(failure === undefined, inputEnded ? Number.POSITIVE_INFINITY : config.gracefulTimeout);
  // Stdout may also fail while the stop prints the last batches; a stream reports a failed write
  // on a later tick, so let those reports arrive before deciding the outcome.
  await new Promise((resolve) => setImmediate(resolve));
  if (failure === undefined && isFailure(signal?.reason)) failure = signal.reason;
  env.err.write(formatSummary(summary));
  if (failure === undefined) return 0;
  env.err.write(`flint: the job failed: ${(failure as Error)?.message ?? String(failure)}\n`);
  return 1;
}

// An AbortSignal's default reason is an AbortError: a plain request to stop.
function isFailure(reason: unknown): reason is Error {
  return reason instanceof Error && reason.name !== 'AbortError';
}
