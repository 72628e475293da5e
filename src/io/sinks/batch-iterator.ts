// BatchIterator: a DStream as an async iterable of [time, batch], for `for await`. Iterating is an
// output operation that hands each batch to the loop through a small bounded queue: when the loop
// is slow the output waits, and with it the job, so memory does not grow with the backlog.
import type { Batch } from '../../batch/batch.js';
import type { StreamEnv } from '../../dstream/operator.js';
import { FlintError } from '../../errors.js';

/** Options of `DStream.iterator`. */
export interface BatchIteratorOptions {
  /**
   * Most batches handed to the loop and not finished by it (default 1); the loop finishes a batch
   * when it asks for the next one. Beyond that, the batch's output operation waits for the loop,
   * and so does the job. With 0, a batch's output lasts until the loop body for it has run, as a
   * `foreachRDD` doing the same work would.
   */
  highWaterMark?: number;
}

/**
 * The batches of one stream, in time order, as `[time, batch]`. The iteration ends once the
 * context has stopped and the batches already handed over have been read. Ending the loop early
 * (`break`, `return()`) detaches it: later batches are dropped for this output, and the job no
 * longer waits. Once `stop()` begins, the output no longer waits for the loop either (so the
 * loop may call `stop()`): the batches the stop still runs are queued for it.
 */
export class BatchIterator<T> implements AsyncIterableIterator<[number, Batch<T>]> {
  /** See {@link BatchIteratorOptions.highWaterMark}. */
  readonly highWaterMark: number;
  private readonly queue: [number, Batch<T>][] = [];
  /** The loop holds the last batch next() gave it, and has not asked for another yet. */
  private holding = false;
  /** The context stopped: no batch comes any more. */
  private closed = false;
  /** The loop ended: batches are dropped and nothing waits. */
  private detached = false;
  private contextStopping = false;
  private pulling: Promise<unknown> = Promise.resolve();
  private wakeLoop: (() => void) | undefined;
  private wakeOutput: (() => void) | undefined;

  constructor(options: BatchIteratorOptions = {}) {
    const { highWaterMark = 1 } = options;
    if (!Number.isInteger(highWaterMark) || highWaterMark < 0) {
      throw new FlintError('INVALID_ARGUMENT', `iterator() options.highWaterMark must be a whole number of batches >= 0, got ${String(highWaterMark)}`);
    }
    this.highWaterMark = highWaterMark;
  }

  /** Batches handed over and not finished by the loop. */
  get unfinished(): number {
    return this.queue.length + (this.holding ? 1 : 0);
  }

  /** The output operation: hands `batch` to the loop, then waits while too many are unfinished. */
  async offer(time: number, batch: Batch<T>): Promise<void> {
    if (this.detached) return;
    this.queue.push([time, batch]);
    this.wake();
    while (this.unfinished > this.highWaterMark && !this.detached && !this.contextStopping) {
      await new Promise<void>((resolve) => (this.wakeOutput = resolve));
    }
  }

  /** The context began to stop: the output no longer waits for the loop. */
  stopping(): void {
    this.contextStopping = true;
    this.wake();
  }

  /** The context has stopped: the loop ends after the batches already handed over. */
  async close(): Promise<void> {
    this.closed = true;
    this.wake();
  }

  /** The next batch; calls are served one after another, in order. */
  next(): Promise<IteratorResult<[number, Batch<T>], undefined>> {
    const result = this.pulling.then(() => this.pull());
    this.pulling = result.catch(() => undefined);
    return result;
  }

  /** Ends the iteration (what `break` calls): the output drops later batches and no longer waits. */
  async return(): Promise<IteratorResult<[number, Batch<T>], undefined>> {
    this.detach();
    return { value: undefined, done: true };
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  private async pull(): Promise<IteratorResult<[number, Batch<T>], undefined>> {
    this.holding = false;
    this.wake();
    while (!this.detached) {
      const entry = this.queue.shift();
      if (entry) {
        this.holding = true;
        return { value: entry, done: false };
      }
      if (this.closed) break;
      await new Promise<void>((resolve) => (this.wakeLoop = resolve));
    }
    this.detach();
    return { value: undefined, done: true };
  }

  private detach(): void {
    this.detached = true;
    this.holding = false;
    this.queue.length = 0;
    this.wake();
  }

  // Whoever waits re-checks its condition, so waking both is always safe.
  private wake(): void {
    const loop = this.wakeLoop;
    const output = this.wakeOutput;
    this.wakeLoop = this.wakeOutput = undefined;
    loop?.();
    output?.();
  }
}

/** Throws when `env` can no longer take an output, saying how to iterate a stream. */
export function checkCanIterate(env: StreamEnv, stream: string): void {
  try {
    env.assertGraphMutable(`iterate ${stream}`);
  } catch (error) {
    if ((error as FlintError).code !== 'CONTEXT_STARTED') throw error;
    throw new FlintError(
      'CONTEXT_STARTED',
      `cannot iterate ${stream} after the StreamingContext has started: iterating a stream is an output operation, and outputs are fixed at start(); ` +
        'create the iterator before start(), e.g. const batches = stream.iterator(); await ssc.start(); for await (const [time, batch] of batches) ...',
    );
  }
}
