// UnionDStream: the same-time batches of several same-slide streams, as one batch.
import { unionBatches, type Batch } from '../batch/batch.js';
import type { DStream } from './dstream.js';
import { TransformedDStream } from './transformed.js';

/**
 * Spark's `UnionDStream`: every batch is the union of the parents' batches at that time (see
 * {@link unionBatches} for the partition layout). As in Spark, a parent without a batch at a
 * time fails the batch instead of yielding a partial union.
 */
export function unionOperator<T>(parents: readonly DStream<T>[]): TransformedDStream<T> {
  return new TransformedDStream<T>('UnionDStream', parents, (batches) => unionBatches(batches as Batch<T>[]), 'fail');
}
