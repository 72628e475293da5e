// updateStateByKey(runningSum) without a call per key: a key with no new values keeps its state
// (runningSum of no values is the state), so only the keys with new values are visited. The
// result is what the calls would give, sums taken in the same order.
import type { StateColumns } from './state-columns.js';

/**
 * The new columns of a partition under `runningSum`, or `undefined` when a state or a value is
 * not a number (then the function runs key by key, as written). `lists[j]` are the new values of
 * the key at index `touched[j]`; keys past the old ones are `newKeys`.
 */
export function sumPartition<K>(
  old: StateColumns<K, unknown>,
  newKeys: readonly K[],
  touched: readonly number[],
  lists: readonly (readonly unknown[])[],
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
  for (let j = 0; j < touched.length; j++) {
    const i = touched[j]!;
    let total = states[i]!;
    for (const v of lists[j]!) {
      if (typeof v !== 'number') return undefined;
      total += v;
    }
    states[i] = total;
  }
  const keys = newKeys.length > 0 ? old.keys.concat(newKeys) : old.keys;
  return { keys, states: states as ArrayLike<number> };
}
