// updateStateByKey keeps its state as columns with a key index handed from batch to batch. An
// oracle recomputes every batch the way Spark's StateDStream does (a cogroup of the previous state
// with the new values, state first), and the stream must agree with it partition by partition on
// random input: keys that come and go, removals, duplicate initial keys, composite keys,
// non-numeric states, on both cores.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Batch } from '../src/batch/batch.js';
import { cogroupPartitions, partitionPairs } from '../src/batch/shuffle.js';
import type { CoreName } from '../src/core/core.js';
import { ManualClock, StreamingContext, runningSum } from '../src/index.js';
import { mulberry32, randomInt, type Rng } from './support/random-text.js';

/** An integer in [lo, hi]. */
const between = (rand: Rng, lo: number, hi: number): number => lo + randomInt(rand, hi - lo + 1);

type Update<K, S> = (values: number[], state: S | undefined, key: K, time: number) => S | undefined;

/** Spark's StateDStream.compute, batch by batch, on pair arrays. */
function oracle<K, S>(
  inputs: Batch<[K, number]>[],
  update: Update<K, S>,
  n: number,
  initial: [K, S][],
): [K, S][][][] {
  let previous: Batch<[K, S]> | undefined;
  const out: [K, S][][][] = [];
  inputs.forEach((values, b) => {
    const time = (b + 1) * 1000;
    const states = previous ?? Batch.of(initial);
    const grouped = cogroupPartitions<K>([states.partitions, values.partitions], n);
    const parts = grouped.map((partition) => {
      const next: [K, S][] = [];
      for (const [key, [keyStates, vs]] of partition as [K, [S[], number[]]][]) {
        const s = update(vs, keyStates[0], key, time);
        if (s !== undefined) next.push([key, s]);
      }
      return next;
    });
    previous = new Batch(parts, n);
    out.push(parts);
  });
  return out;
}

async function run<K, S>(
  core: CoreName,
  inputs: Batch<[K, number]>[],
  update: Update<K, S>,
  n: number,
  initial: [K, S][],
): Promise<[K, S][][][]> {
  const dir = mkdtempSync(join(tmpdir(), 'flint-state-columns-'));
  const clock = new ManualClock(0);
  const ssc = new StreamingContext({ batchInterval: 1000, master: 'local[2]', core, clock });
  try {
    ssc.checkpoint(dir);
    const out: [K, S][][][] = [];
    ssc
      .queueStream<[K, number]>([...inputs])
      .updateStateByKey(update, { numPartitions: n, initialState: initial })
      .foreachRDD((batch) => void out.push(batch.partitions.map((p) => [...p])));
    await ssc.start();
    for (let i = 0; i < inputs.length; i++) await clock.advance(1000);
    return out;
  } finally {
    await ssc.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

function randomBatches<K>(rand: Rng, keyOf: (i: number) => K, batches: number): Batch<[K, number]>[] {
  return Array.from({ length: batches }, () => {
    const pairs = Array.from({ length: between(rand, 0, 30) }, (): [K, number] => [keyOf(between(rand, 0, 25)), between(rand, -2, 5)]);
    return Batch.of(pairs, between(rand, 1, 3));
  });
}

// A running sum that drops keys whose total is 0 after a batch without values.
const sumOrDrop: Update<unknown, number> = (vs, s) => {
  const total = vs.reduce((a, b) => a + b, s ?? 0);
  return vs.length === 0 && total === 0 ? undefined : total;
};
// A non-numeric state: the values seen, and the times of the calls without any.
const history: Update<unknown, { seen: number[]; idle: number[] }> = (vs, s, _k, time) => {
  const state = s ?? { seen: [], idle: [] };
  if (vs.length === 0 && state.idle.length >= 2) return undefined;
  return { seen: [...state.seen, ...vs], idle: vs.length === 0 ? [...state.idle, time] : state.idle };
};

describe.each(['js', 'wasm'] as CoreName[])('updateStateByKey as columns (%s core)', (core) => {
  for (let seed = 1; seed <= 6; seed++) {
    it(`agrees with a cogroup oracle, seed ${seed}`, async () => {
      const rand = mulberry32(seed);
      const n = between(rand, 1, 4);
      const composite = seed % 3 === 0;
      const keyOf = (i: number): unknown => (composite ? ['k', i % 7, { x: i }] : `w${i}`);
      // Odd seeds: values already hash-partitioned like the state (a reduceByKey's output).
      const inputs = randomBatches(rand, keyOf, 8).map((b) => (seed % 2 ? new Batch(partitionPairs(b.partitions, n), n) : b));
      // Duplicate initial keys: the first state counts, as in a cogroup.
      const initial = Array.from({ length: 12 }, (): [unknown, number] => [keyOf(between(rand, 0, 30)), between(rand, 0, 3)]);
      const expected = oracle(inputs, sumOrDrop, n, initial);
      const actual = await run(core, inputs, sumOrDrop, n, initial);
      expect(actual).toEqual(expected);
      expect(expected.flat(2).length).toBeGreaterThan(0);
    });
  }

  it('agrees with the oracle on object states that expire', async () => {
    const rand = mulberry32(42);
    const inputs = randomBatches(rand, (i) => `k${i % 9}`, 9);
    const expected = oracle(inputs, history, 3, []);
    expect(await run(core, inputs, history, 3, [])).toEqual(expected);
  });

  it('agrees with the oracle when numeric states turn into other values and keys are not all strings', async () => {
    const rand = mulberry32(7);
    const inputs = randomBatches<unknown>(rand, (i) => (i % 3 === 0 ? i : `s${i}`), 8);
    const mixed: Update<unknown, unknown> = (vs, s, key, time) => {
      const total = vs.reduce((a, b) => a + b, typeof s === 'number' ? s : 0);
      if (time >= 5000 && key === 3) return `three:${total}`;
      return time >= 7000 && vs.length === 0 ? undefined : total;
    };
    const expected = oracle(inputs, mixed, 2, [['s1', 10], [6, 1]]);
    expect(expected.at(-2)!.flat().some(([, s]) => typeof s === 'string')).toBe(true);
    expect(await run(core, inputs, mixed, 2, [['s1', 10], [6, 1]])).toEqual(expected);
  });

  it('runningSum skips keys without values and still agrees with the oracle, which calls it for each', async () => {
    for (const seed of [11, 12]) {
      const rand = mulberry32(seed);
      const inputs = randomBatches(rand, (i) => `r${i}`, 8).map((b) => (seed === 11 ? new Batch(partitionPairs(b.partitions, 2), 2) : b));
      const initial: [string, number][] = [['r1', 0.1], ['r30', -0], ['r2', NaN]];
      const expected = oracle(inputs, runningSum, 2, initial);
      expect(await run(core, inputs, runningSum, 2, initial)).toEqual(expected);
    }
  });

  it('runningSum over states that are not numbers runs key by key, as written', async () => {
    const inputs = [Batch.of<[string, number]>([['a', 1], ['b', 2]]), Batch.of<[string, number]>([['a', 3]])];
    const initial = [['a', 'x'], ['c', undefined]] as unknown as [string, number][];
    const expected = oracle(inputs, runningSum, 1, initial);
    expect(expected[1]).toEqual([[['a', 'x13'], ['c', 0], ['b', 2]]]);
    expect(await run(core, inputs, runningSum, 1, initial)).toEqual(expected);
  });

  it('calls the function for every key in state, with an empty array when it has no new values', async () => {
    const calls: [string, number[]][] = [];
    const spy: Update<string, number> = (vs, s, key) => {
      calls.push([key, [...vs]]);
      return (s ?? 0) + vs.length;
    };
    const inputs = [Batch.of<[string, number]>([['a', 1]]), Batch.of<[string, number]>([['b', 2]])];
    await run(core, inputs, spy, 1, [['z', 5]]);
    expect(calls).toEqual([['z', []], ['a', [1]], ['z', []], ['a', []], ['b', [2]]]);
  });
});
