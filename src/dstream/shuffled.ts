// ShuffledDStream: per-batch hash shuffles (reduceByKey, combineByKey), run by the engine core.
import type { Batch } from '../batch/batch.js';
import type { Combiner } from '../batch/shuffle.js';
import type { DStream } from './dstream.js';
import type { Operator } from './operator.js';

/** Spark's `ShuffledDStream`: combines each batch by key into hash partitions. */
export class ShuffledDStream<K, V, C> implements Operator<[K, C]> {
  readonly name = 'ShuffledDStream';
  readonly dependencies: readonly DStream<[K, V]>[];

  private constructor(
    private readonly parent: DStream<[K, V]>,
    readonly numPartitions: number,
    private readonly run: (batch: Batch<[K, V]>) => Promise<Batch<[K, C]>>,
  ) {
    this.dependencies = [parent];
  }

  /** reduceByKey: the core may run `f` as a kernel when it is a tagged reducer. */
  static reduce<K, V>(parent: DStream<[K, V]>, f: (a: V, b: V) => V, numPartitions: number): ShuffledDStream<K, V, V> {
    return new ShuffledDStream(parent, numPartitions, (b) => parent.ssc.core.reduceByKey(b, f, numPartitions));
  }

  /** combineByKey with Spark's three functions. */
  static combine<K, V, C>(parent: DStream<[K, V]>, combiner: Combiner<V, C>, numPartitions: number): ShuffledDStream<K, V, C> {
    return new ShuffledDStream(parent, numPartitions, (b) => parent.ssc.core.combineByKey(b, combiner, numPartitions));
  }

  get slideDuration(): number {
    return this.parent.slideDuration;
  }

  async compute(time: number): Promise<Batch<[K, C]> | undefined> {
    const batch = await this.parent.getOrCompute(time);
    return batch && this.run(batch);
  }
}
