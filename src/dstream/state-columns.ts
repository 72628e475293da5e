// updateStateByKey's state as columns: per partition, the keys in order and, at the same indices,
// their states, plus a Map from key identity to index. A batch of millions of keys then costs two
// arrays and one Map entry per key instead of a `[k, v]` pair, a cogroup entry and two value
// arrays, and the Map is handed from one batch to the next instead of being rebuilt: only the keys
// of the new values are looked up. States that are all numbers under string keys are kept as a
// NumberPairsBatch, which checkpoints as two columns.
import { Batch } from '../batch/batch.js';
import { keyId, partitionOf, type KeyId } from '../batch/keys.js';
import { NumberPairsBatch } from '../batch/number-pairs.js';

/** One partition's keys and, at the same indices, their states (never written after creation). */
export interface StateColumns<K, S> {
  readonly keys: readonly K[];
  readonly states: ArrayLike<S>;
}

/** A hash-partitioned batch of `[key, state]` pairs held as columns. */
export class StateColumnsBatch<K, S> extends Batch<[K, S]> {
  constructor(readonly columns: readonly StateColumns<K, S>[]) {
    super({ numPartitions: columns.length, materialize: () => columns.map(toPairs) }, columns.length);
  }

  /** Every pair, partitions in order, each built as the loop reaches it. */
  override *toLocalIterator(): IterableIterator<[K, S]> {
    for (const { keys, states } of this.columns) for (let i = 0; i < keys.length; i++) yield [keys[i]!, states[i]!];
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

function toPairs<K, S>({ keys, states }: StateColumns<K, S>): [K, S][] {
  const out = new Array<[K, S]>(keys.length);
  for (let i = 0; i < keys.length; i++) out[i] = [keys[i]!, states[i]!];
  return out;
}

/** Index of each key of a partition's columns. */
export type KeyIndex = Map<KeyId, number>;

/** A state batch read as columns, and the index of their keys when reading built it. */
export interface StateTable<K, S> {
  columns: StateColumns<K, S>[];
  indexes?: KeyIndex[];
}

/**
 * The columns of each of the `n` partitions of a state batch: its own when it holds columns
 * partitioned the same way, else its pairs. Pairs not partitioned that way (the initial state) are
 * hash-partitioned in order, each key's first state kept, as a cogroup keeps it first.
 */
export function stateColumnsOf<K, S>(batch: Batch<[K, S]>, n: number): StateTable<K, S> {
  if (batch.hashPartitions === n) {
    if (batch instanceof StateColumnsBatch) return { columns: batch.columns as StateColumns<K, S>[] };
    if (batch instanceof NumberPairsBatch) {
      return { columns: batch.columns.map((c) => ({ keys: c.keys, states: c.values })) as unknown as StateColumns<K, S>[] };
    }
    // A state batch's own pairs (read back from a checkpoint) hold each key once.
    return { columns: batch.partitions.map((p) => ({ keys: p.map((e) => e[0]), states: p.map((e) => e[1]) })) };
  }
  const keys = Array.from({ length: n }, () => [] as K[]);
  const states = Array.from({ length: n }, () => [] as S[]);
  const indexes = Array.from({ length: n }, (): KeyIndex => new Map());
  for (const partition of batch.partitions) {
    for (const [k, s] of partition) {
      const target = partitionOf(k, n);
      const id = keyId(k);
      if (indexes[target]!.has(id)) continue;
      indexes[target]!.set(id, keys[target]!.length);
      keys[target]!.push(k);
      states[target]!.push(s);
    }
  }
  return { columns: keys.map((ks, i) => ({ keys: ks, states: states[i]! })), indexes };
}

/** The index of `columns`' keys. */
export function indexKeys<K>(keys: readonly K[]): KeyIndex {
  const index: KeyIndex = new Map();
  for (let i = 0; i < keys.length; i++) index.set(keyId(keys[i]), i);
  return index;
}

/**
 * Builds the batch for new state columns: a NumberPairsBatch when every key is a string and every
 * state a number, else a StateColumnsBatch.
 */
export function stateBatch<K, S>(columns: StateColumns<K, S>[]): Batch<[K, S]> {
  if (!columns.every(isNumberPairs)) return new StateColumnsBatch(columns);
  const numeric = columns.map(({ keys, states }) => ({ keys: keys as unknown as string[], values: states instanceof Float64Array ? states : Float64Array.from(states as ArrayLike<number>) }));
  return new NumberPairsBatch(numeric) as unknown as Batch<[K, S]>;
}

function isNumberPairs<K, S>({ keys, states }: StateColumns<K, S>): boolean {
  if (states instanceof Float64Array) return keys.every((k) => typeof k === 'string');
  for (let i = 0; i < keys.length; i++) {
    if (typeof keys[i] !== 'string' || typeof states[i] !== 'number') return false;
  }
  return true;
}
