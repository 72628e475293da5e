// UnionDStream: the partitions of several same-slide streams' batches, concatenated in order.
import { Batch } from '../batch/batch.js';
import type { DStream } from './dstream.js';
import { TransformedDStream } from './transformed.js';

/** Spark's `UnionDStream`: every batch is the union of the parents' batches at that time. */
export function unionOperator<T>(parents: readonly DStream<T>[]): TransformedDStream<T> {
  return new TransformedDStream<T>('UnionDStream', parents, (batches) =>
    new Batch(batches.flatMap((b) => b.partitions as T[][])),
  );
}
