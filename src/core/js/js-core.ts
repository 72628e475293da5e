// The pure-TypeScript core: the reference every other core is checked against.
import { Batch } from '../../batch/batch.js';
import { combineByKeyPartitions, reduceByKeyPartitions, type Combiner } from '../../batch/shuffle.js';
import { PairedTokenBatch } from '../../batch/text-batch.js';
import type { CompositeKeyTable, Core, SumWindowState, WindowAggregateKind, WindowAggregation } from '../core.js';
import { JsCompositeKeyTable } from './composite-key-table.js';
import { JsWindowAggregation } from './window-aggregation.js';
import { countTokens, tokenReducerOf } from './count-tokens.js';
import { JsSumWindow } from './sum-window.js';
import { warmUpTokens } from '../warm-up.js';

/** Distinct keys of the warm-up text: enough to optimize the scanner, few enough to keep start() short. */
const WARM_UP_KEYS = 1 << 14;

/** Runs every operation on the calling thread with plain JS data structures. */
export class JsCore implements Core {
  readonly name = 'js' as const;

  /**
   * Hash-partitioned reduce with map-side combine, keys in first-seen order. Tokens of text paired
   * with a number and reduced with sum, min or max are counted in one pass over the text's bytes
   * (see countTokens), with the same result.
   */
  async reduceByKey<K, V>(batch: Batch<[K, V]>, f: (a: V, b: V) => V, numPartitions: number): Promise<Batch<[K, V]>> {
    const reducer = tokenReducerOf(f);
    if (reducer !== undefined && batch instanceof PairedTokenBatch && typeof batch.value === 'number') {
      return countTokens(batch as PairedTokenBatch<number>, reducer, numPartitions) as unknown as Batch<[K, V]>;
    }
    return new Batch(reduceByKeyPartitions(batch.partitions, f, numPartitions), numPartitions);
  }

  /** Hash-partitioned combineByKey, keys in first-seen order. */
  async combineByKey<K, V, C>(batch: Batch<[K, V]>, combiner: Combiner<V, C>, numPartitions: number): Promise<Batch<[K, C]>> {
    return new Batch(combineByKeyPartitions(batch.partitions, combiner, numPartitions), numPartitions);
  }

  /** A window kept in one Map per partition, updated by the panes that leave and enter. */
  createSumWindow(numPartitions: number, dropZeros: boolean): SumWindowState {
    return new JsSumWindow(numPartitions, dropZeros);
  }

  /** An open-addressing table over Float64Arrays. */
  createCompositeKeyTable(width: number): CompositeKeyTable {
    return new JsCompositeKeyTable(width);
  }

  /** The table and Float64Array buffers, updated a chunk at a time. */
  createWindowAggregation(width: number, kinds: readonly WindowAggregateKind[]): WindowAggregation {
    return new JsWindowAggregation(width, kinds);
  }

  /** Counts the warm-up text once, so the scanner and table code are optimized before the first batch. */
  async warmUp(): Promise<void> {
    countTokens(warmUpTokens(WARM_UP_KEYS, 1), 'sum', 1);
  }

  /** Nothing to release. */
  async close(): Promise<void> {}
}
