// Hash shuffles for pair batches: map-side combine per input partition, then a merge per output
// partition in input-partition order, as Spark's combineByKey does. Output keys keep the order in
// which they were first seen, which is what both cores reproduce.
import { KeyMap, partitionOf } from './keys.js';

/** Partitions as batches hold them. */
export type Partitions<T> = readonly (readonly T[])[];

/** The three functions of Spark's `combineByKey`. */
export interface Combiner<V, C> {
  createCombiner: (v: V) => C;
  mergeValue: (c: C, v: V) => C;
  mergeCombiners: (a: C, b: C) => C;
}

/**
 * Hash-partitions `partitions` of pairs into `n` partitions, combining values per key. The
 * map-side combine keeps one table per input partition, so a key is hashed once per input
 * partition rather than once per record.
 */
export function combineByKeyPartitions<K, V, C>(
  partitions: Partitions<readonly [K, V]>,
  combiner: Combiner<V, C>,
  n: number,
): [K, C][][] {
  const merged = Array.from({ length: n }, () => new KeyMap<K, C>());
  for (const partition of partitions) {
    const local = new KeyMap<K, C>();
    for (const [k, v] of partition) {
      const entry = local.getEntry(k);
      if (entry) entry[1] = combiner.mergeValue(entry[1], v);
      else local.set(k, combiner.createCombiner(v));
    }
    for (const [k, c] of local.entries()) {
      const target = merged[partitionOf(k, n)]!;
      const entry = target.getEntry(k);
      if (entry) entry[1] = combiner.mergeCombiners(entry[1], c);
      else target.set(k, c);
    }
  }
  return merged.map((table) => [...table.entries()]);
}

/** Hash-partitions pairs into `n` partitions without combining (Spark's `partitionBy`). */
export function partitionPairs<K, V>(partitions: Partitions<readonly [K, V]>, n: number): [K, V][][] {
  const out: [K, V][][] = Array.from({ length: n }, () => []);
  for (const partition of partitions) {
    for (const pair of partition) out[partitionOf(pair[0], n)]!.push(pair as [K, V]);
  }
  return out;
}

/** Reduces values per key with `f` into `n` hash partitions. */
export function reduceByKeyPartitions<K, V>(
  partitions: Partitions<readonly [K, V]>,
  f: (a: V, b: V) => V,
  n: number,
): [K, V][][] {
  return combineByKeyPartitions(partitions, { createCombiner: (v) => v, mergeValue: f, mergeCombiners: f }, n);
}

/**
 * Groups several pair collections by key into `n` hash partitions: each output element is
 * `[key, [valuesOfInput0, valuesOfInput1, ...]]` (Spark's `cogroup`).
 */
export function cogroupPartitions<K>(
  inputs: readonly Partitions<readonly [K, unknown]>[],
  n: number,
): [K, unknown[][]][][] {
  const tables = Array.from({ length: n }, () => new KeyMap<K, unknown[][]>());
  inputs.forEach((partitions, side) => {
    for (const partition of partitions) {
      for (const [k, v] of partition) {
        const table = tables[partitionOf(k, n)]!;
        let groups = table.get(k);
        if (!groups) {
          groups = inputs.map(() => []);
          table.set(k, groups);
        }
        groups[side]!.push(v);
      }
    }
  });
  return tables.map((table) => [...table.entries()]);
}
