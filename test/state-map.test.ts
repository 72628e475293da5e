// mapWithState's delta-chained StateMap against a KeyMap copied whole every batch (what the state
// table was before): random sets and deletes over many generations, past the compaction
// threshold, must give the same entries in the same order, and every older generation must stay
// as it was when its batch ended.
import { describe, expect, it } from 'vitest';
import { KeyMap } from '../src/batch/keys.js';
import { DELTA_CHAIN_THRESHOLD, StateMap } from '../src/dstream/state-map.js';
import { mulberry32, randomInt } from './support/random-text.js';

function copyOf<K, V>(m: KeyMap<K, V>): KeyMap<K, V> {
  const c = new KeyMap<K, V>();
  for (const [k, v] of m.entries()) c.set(k, v);
  return c;
}

describe('StateMap', () => {
  it.each([1, 2, 3])('matches a KeyMap copied every generation (seed %i)', (seed) => {
    const rng = mulberry32(seed);
    // Composite keys too: they compare by value, and the first-seen original is kept.
    const keyOf = (n: number): unknown => (n % 4 === 0 ? ['k', n] : `k${n}`);
    let state = StateMap.empty<unknown, number>();
    let oracle = new KeyMap<unknown, number>();
    const history: [StateMap<unknown, number>, [unknown, number][]][] = [];
    for (let generation = 0; generation < 3 * DELTA_CHAIN_THRESHOLD; generation++) {
      if (generation > 0) {
        state = state.copy();
        oracle = copyOf(oracle);
      }
      for (let op = 0; op < 30; op++) {
        const key = keyOf(randomInt(rng, 25));
        const r = rng();
        if (r < 0.35) {
          expect(state.delete(key)).toBe(oracle.delete(key));
        } else if (r < 0.45) {
          expect(state.get(key)).toBe(oracle.get(key));
          expect(state.has(key)).toBe(oracle.has(key));
        } else {
          const value = randomInt(rng, 1000);
          state.set(key, value);
          oracle.set(key, value);
        }
      }
      expect([...state.entries()], `generation ${generation}`).toEqual([...oracle.entries()]);
      expect(state.size).toBe(oracle.size);
      history.push([state, [...oracle.entries()]]);
    }
    for (const [i, [old, entries]] of history.entries()) expect([...old.entries()], `generation ${i} afterwards`).toEqual(entries);
  });

  it('keeps the first-seen original of a composite key', () => {
    const first = ['a', 1];
    const m = StateMap.empty<unknown[], string>();
    m.set(first, 'x');
    const next = m.copy();
    next.set(['a', 1], 'y');
    const [[key, value]] = [...next.entries()];
    expect(key).toBe(first);
    expect(value).toBe('y');
  });
});
