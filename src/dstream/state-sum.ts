// updateStateByKey(runningSum) without a call per key: a key with no new values keeps its state
// (runningSum of no values is the state), so only the keys with new values are visited. The
// result is what the calls would give, sums taken in the same order.
import type { StateColumns } from './state-columns.js';

/**
 * The new columns of a partition under `runningSum`, or `undefined` when a state or a value is
 * not a number (then the function runs key by key, as written). `values` maps a key's index to
 * its new values; keys past the old ones are `newKeys`.
 */
export function sumPartition<K>(
  old: StateColumns<K, unknown>,
  newKeys: readonly K[],
  values: ReadonlyMap<number, readonly unknown[]>,
): StateColumns<K, number> | undefined {
  const oldLength = old.keys.length;
  const states = new Float64Array(oldLength + newKeys.length);
  if (old.states instanceof Float64Array) states.set(old.states);
  else {
    for (let i = 0; i < oldLength; i++) {
      const s = old.states[i];
      if (typeof s !== 'number') return undefined;
      states[i] = s;
    }
  }
  for (const [i, vs] of values) {
    let total = states[i]!;
    for (const v of vs) {
      if (typeof v !== 'number') return undefined;
      total += v;
    }
    states[i] = total;
  }
  const keys = newKeys.length > 0 ? old.keys.concat(newKeys) : old.keys;
  return { keys, states: states as ArrayLike<number> };
}
