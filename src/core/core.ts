// The Core interface: the hot paths an engine implements. `js` is the readable reference;
// `wasm` (AssemblyScript kernels on a worker pool) implements the same contract.
import type { Batch } from '../batch/batch.js';
import type { Combiner } from '../batch/shuffle.js';

/** Names of the available cores. */
export type CoreName = 'js' | 'wasm';

/** What an engine core computes. Results must be identical across cores, partition by partition. */
export interface Core {
  /** Which core this is. */
  readonly name: CoreName;
  /** Merges values per key with `f` into `numPartitions` hash partitions (map-side combine first). */
  reduceByKey<K, V>(batch: Batch<[K, V]>, f: (a: V, b: V) => V, numPartitions: number): Promise<Batch<[K, V]>>;
  /** Spark's `combineByKey` into `numPartitions` hash partitions. */
  combineByKey<K, V, C>(batch: Batch<[K, V]>, combiner: Combiner<V, C>, numPartitions: number): Promise<Batch<[K, C]>>;
  /** Releases threads and memory; the core is unusable afterwards. */
  close(): Promise<void>;
}
