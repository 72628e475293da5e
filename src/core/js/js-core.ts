// The pure-TypeScript core: the reference every other core is checked against.
import { Batch } from '../../batch/batch.js';
import { combineByKeyPartitions, reduceByKeyPartitions, type Combiner } from '../../batch/shuffle.js';
import type { Core } from '../core.js';

/** Runs every operation on the calling thread with plain JS data structures. */
export class JsCore implements Core {
  readonly name = 'js' as const;

  /** Hash-partitioned reduce with map-side combine, keys in first-seen order. */
  async reduceByKey<K, V>(batch: Batch<[K, V]>, f: (a: V, b: V) => V, numPartitions: number): Promise<Batch<[K, V]>> {
    return new Batch(reduceByKeyPartitions(batch.partitions, f, numPartitions), numPartitions);
  }

  /** Hash-partitioned combineByKey, keys in first-seen order. */
  async combineByKey<K, V, C>(batch: Batch<[K, V]>, combiner: Combiner<V, C>, numPartitions: number): Promise<Batch<[K, C]>> {
    return new Batch(combineByKeyPartitions(batch.partitions, combiner, numPartitions), numPartitions);
  }

  /** Nothing to release. */
  async close(): Promise<void> {}
}
