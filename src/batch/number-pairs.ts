// Pairs of a string key and a number kept as two columns per partition: what the js core's word
// counts and resident windows produce. A pair becomes a `[key, value]` array only when the
// partitions are read, so a window that is only counted, checkpointed or slid again never
// allocates one per key.
import { Batch } from './batch.js';

/** One partition's keys and, at the same indices, their values. */
export interface PairColumns {
  readonly keys: readonly string[];
  readonly values: Float64Array;
}

/** A hash-partitioned batch of `[string, number]` pairs held as columns. */
export class NumberPairsBatch extends Batch<[string, number]> {
  /** The columns of each partition (never written after creation). */
  readonly columns: readonly PairColumns[];

  constructor(columns: readonly PairColumns[]) {
    super({ numPartitions: columns.length, materialize: () => columns.map(toPairs) }, columns.length);
    this.columns = columns;
  }

  /** The first `n` pairs in partition order; only they are built. */
  override take(n: number): [string, number][] {
    const out: [string, number][] = [];
    for (const { keys, values } of this.columns) {
      for (let i = 0; i < keys.length && out.length < n; i++) out.push([keys[i]!, values[i]!]);
    }
    return out;
  }

  /** Every pair, partitions in order, each built as the loop reaches it. */
  override *toLocalIterator(): IterableIterator<[string, number]> {
    for (const { keys, values } of this.columns) for (let i = 0; i < keys.length; i++) yield [keys[i]!, values[i]!];
  }

  /** Number of pairs, without building them. */
  override count(): number {
    let n = 0;
    for (const c of this.columns) n += c.keys.length;
    return n;
  }

  /** True when there is no pair. */
  override isEmpty(): boolean {
    return this.count() === 0;
  }
}

function toPairs({ keys, values }: PairColumns): [string, number][] {
  const out = new Array<[string, number]>(keys.length);
  for (let i = 0; i < keys.length; i++) out[i] = [keys[i]!, values[i]!];
  return out;
}
