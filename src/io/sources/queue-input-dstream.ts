// QueueInputDStream: batches taken from an array the program controls, for tests and demos.
import { Batch } from '../../batch/batch.js';
import type { DStream } from '../../dstream/dstream.js';
import type { InputOperator } from '../../dstream/operator.js';

/** Options of `queueStream`. */
export interface QueueStreamOptions<T> {
  /** Take one queued batch per batch time (default), or everything queued. */
  oneAtATime?: boolean;
  /** Partitions of each batch made from an array (default 2). */
  numPartitions?: number;
  /** What a batch is when the queue is empty (default: no elements). */
  defaultBatch?: readonly T[] | Batch<T>;
}

/**
 * Spark's `QueueInputDStream`. The queue is live: arrays pushed onto it later are picked up, and
 * consumed entries are removed from it, as with Spark's mutable queue.
 */
export class QueueInputDStream<T> implements InputOperator<T> {
  readonly name = 'QueueInputDStream';
  readonly dependencies: readonly DStream<unknown>[] = [];
  private readonly oneAtATime: boolean;
  private readonly numPartitions: number;
  private readonly defaultBatch: readonly T[] | Batch<T>;

  constructor(
    private readonly queue: (readonly T[] | Batch<T>)[],
    readonly slideDuration: number,
    options: QueueStreamOptions<T>,
  ) {
    this.oneAtATime = options.oneAtATime ?? true;
    this.numPartitions = options.numPartitions ?? 2;
    this.defaultBatch = options.defaultBatch ?? [];
  }

  async start(): Promise<void> {}

  async stop(): Promise<void> {}

  hasPendingData(): boolean {
    return this.queue.length > 0;
  }

  async compute(): Promise<Batch<T>> {
    if (this.queue.length === 0) return this.toBatch(this.defaultBatch);
    const taken = this.oneAtATime ? [this.queue.shift()!] : this.queue.splice(0);
    const batches = taken.map((b) => this.toBatch(b));
    return batches.length === 1 ? batches[0]! : batches[0]!.union(...batches.slice(1));
  }

  private toBatch(items: readonly T[] | Batch<T>): Batch<T> {
    return items instanceof Batch ? items : Batch.of(items, this.numPartitions);
  }
}
