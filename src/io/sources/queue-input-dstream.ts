// QueueInputDStream: batches taken from an array the program controls, for tests and demos.
import { Batch } from '../../batch/batch.js';
import type { DStream } from '../../dstream/dstream.js';
import type { InputOperator, RecoverableInput } from '../../dstream/operator.js';
import { FlintError } from '../../errors.js';

/** Options of `queueStream`. */
export interface QueueStreamOptions<T> {
  /** Take one queued entry per batch time (default), or everything queued, as one batch. */
  oneAtATime?: boolean;
  /** Partitions of each batch made from an array (default 2). */
  numPartitions?: number;
  /** The batch when the queue is empty (default: a batch with no elements). */
  defaultBatch?: readonly T[] | Batch<T>;
}

/**
 * Spark's `QueueInputDStream`. The queue is live: arrays pushed onto it later are picked up, and
 * consumed entries are removed from it, as with Spark's mutable queue. With `oneAtATime: false`
 * every queued entry is taken at once and their partitions are concatenated (Spark's union).
 */
export class QueueInputDStream<T> implements InputOperator<T> {
  readonly name = 'QueueInputDStream';
  readonly dependencies: readonly DStream<unknown>[] = [];
  private readonly oneAtATime: boolean;
  readonly numPartitions: number;
  private readonly defaultBatch: Batch<T>;
  /** Entries taken so far, over the whole life of the stream (restored after a restart). */
  private consumed = 0;
  /** Entries the latest batch took (its record is taken right after it is computed). */
  private lastTaken = { time: NaN, count: 0 };
  /** After a restart: how many entries each re-run batch takes. */
  private replays: ReadonlyMap<number, unknown> = new Map();

  /**
   * The queue's position is a count of entries taken. A restarted program rebuilds its queue with
   * the same entries, so recovery drops the ones already processed and gives each re-run batch
   * as many entries as it took before.
   */
  readonly recovery: RecoverableInput = {
    batchRecord: (time) => (this.lastTaken.time === time ? this.lastTaken.count : 0),
    position: () => this.consumed,
    restore: (position, replays) => {
      this.consumed = Number(position);
      this.queue.splice(0, this.consumed);
      this.replays = replays;
    },
  };

  /** Checks the options at the call, so a bad one fails before start(). */
  constructor(
    private readonly queue: (readonly T[] | Batch<T>)[],
    readonly slideDuration: number,
    options: QueueStreamOptions<T>,
  ) {
    const { oneAtATime = true, numPartitions = 2, defaultBatch = [] } = options;
    if (typeof oneAtATime !== 'boolean') {
      throw new FlintError('INVALID_ARGUMENT', `queueStream options.oneAtATime must be true or false, got ${String(oneAtATime)}`);
    }
    if (!Number.isInteger(numPartitions) || numPartitions < 1) {
      throw new FlintError('INVALID_ARGUMENT', `queueStream options.numPartitions must be a positive integer, got ${String(numPartitions)}`);
    }
    this.oneAtATime = oneAtATime;
    this.numPartitions = numPartitions;
    this.defaultBatch = this.toBatch(defaultBatch, 'queueStream options.defaultBatch');
  }

  /** Nothing to start: the queue is read at each batch. */
  async start(): Promise<void> {}

  /** Nothing to release. */
  async stop(): Promise<void> {}

  /** True while the queue holds entries (graceful stop drains them). */
  hasPendingData(): boolean {
    return this.queue.length > 0;
  }

  /** The next queued entry (or all of them), or the default batch when the queue is empty. */
  async compute(time: number): Promise<Batch<T>> {
    const replay = this.replays.get(time);
    const wanted = replay !== undefined ? Number(replay) : this.oneAtATime ? 1 : this.queue.length;
    const taken = this.queue.splice(0, wanted);
    this.lastTaken = { time, count: taken.length };
    this.consumed += taken.length;
    if (taken.length === 0) return this.defaultBatch;
    const batches = taken.map((entry) => this.toBatch(entry, 'queueStream: each queued entry'));
    return batches.length === 1 ? batches[0]! : batches[0]!.union(...batches.slice(1));
  }

  private toBatch(entry: readonly T[] | Batch<T>, what: string): Batch<T> {
    if (entry instanceof Batch) return entry;
    if (!Array.isArray(entry)) {
      throw new FlintError('INVALID_ARGUMENT', `${what} must be an array or a Batch, got ${typeof entry}`);
    }
    return Batch.of(entry, this.numPartitions);
  }
}
