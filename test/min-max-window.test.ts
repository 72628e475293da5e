// reduceByKeyAndWindow(min|max) without an inverse: the wasm core's two-stacks window
// (assembly/window.ts, src/core/wasm/sliding-window.ts) against naive recomputation, and both
// cores against a from-scratch recomputation of every window, partition by partition.
import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../bench/corpus.js';
import { partitionOf } from '../src/batch/keys.js';
import { blockOfLines, TextBatch } from '../src/batch/text-batch.js';
import { KIND, Kernels, OP, separatorTable } from '../src/core/wasm/kernel-instance.js';
import { PackedBatch } from '../src/core/wasm/packed-tables.js';
import { KernelSlidingWindow, leavingCount } from '../src/core/wasm/sliding-window.js';
import { Batch, DStream, ManualClock, StreamingContext, max, min, pair, words } from '../src/index.js';

type Name = 'min' | 'max';
type Pairs = [string, number][][];
const REDUCERS = { min, max } as const;
const VOCAB = ['a', 'b', 'the', 'of', 'flint', 'spark', 'été', '日本', 'x1', 'y22', 'zzz', 'window', 'pane', 'stack', 'lorem', 'ipsum'];
const VALUES = [3, -2.5, 17, 0.125, -40, 8, 1e9 + 0.5, 2, -1e9, 11];

/** Lines of 1 to 6 words, skewed towards the start of the vocabulary; sometimes none. */
function randomLines(rand: () => number, maxLines = 12): string[] {
  if (rand() < 0.1) return [];
  return Array.from({ length: 1 + Math.floor(rand() * maxLines) }, () =>
    Array.from({ length: 1 + Math.floor(rand() * 6) }, () => VOCAB[Math.floor(rand() ** 2 * VOCAB.length)]!).join(' '),
  );
}

/** Each window reduced from scratch: panes in time order, keys in first-seen order per partition. */
function reference(panes: readonly Pairs[], f: (a: number, b: number) => number, n: number): Pairs {
  const maps = Array.from({ length: n }, () => new Map<string, number>());
  for (const pane of panes) {
    pane.forEach((partition, p) => {
      for (const [k, v] of partition) maps[p]!.set(k, maps[p]!.has(k) ? f(maps[p]!.get(k)!, v) : v);
    });
  }
  return maps.map((m) => [...m]);
}

const decode = (packed: ArrayBuffer): Pairs => new PackedBatch(packed).glom().collect();

describe('two-stacks sliding window kernel', () => {
  const kernels = new Kernels();
  const seps = separatorTable(' ');

  function randomPane(rand: () => number, n: number, name: Name): ArrayBuffer {
    const c = kernels.combiner(n, KIND.f64, 'test-pane');
    const groups = Math.floor(rand() * 4);
    for (let g = 0; g < groups; g++) {
      const value = rand() < 0.5 ? VALUES[Math.floor(rand() * VALUES.length)]! : Math.floor(rand() * 100) - 50;
      kernels.addTokens(c, blockOfLines(randomLines(rand)).bytes, seps, value, KIND.f64, OP[name]);
    }
    return kernels.pack(c);
  }

  function naive(panes: readonly ArrayBuffer[], n: number, name: Name): ArrayBuffer {
    const c = kernels.combiner(n, KIND.f64, 'test-naive');
    for (const pane of panes) kernels.mergePacked(c, pane, OP[name]);
    return kernels.pack(c);
  }

  for (const name of ['min', 'max'] as const) {
    it(`${name}: every window equals a naive recomputation, bytes and key order included`, () => {
      const rand = mulberry32(name === 'min' ? 11 : 12);
      const n = 3;
      const w = kernels.slidingNew(n, OP[name]);
      const held: ArrayBuffer[] = [];
      let windows = 0;
      for (const length of [1, 2, 5, 20, 3, 7]) {
        for (let step = 0; step < 60; step++) {
          const push = 1 + Math.floor(rand() * 3);
          const evict = rand() < 0.03 ? held.length + 1 : Math.max(0, held.length + push - length);
          kernels.slidingEvict(w, evict);
          held.splice(0, evict);
          for (let i = 0; i < push; i++) {
            const pane = randomPane(rand, n, name);
            kernels.slidingPush(w, pane);
            held.push(pane);
          }
          expect(kernels.slidingSize(w)).toBe(held.length);
          const got = kernels.pack(kernels.slidingResult(w));
          expect(Buffer.from(got).equals(Buffer.from(naive(held, n, name)))).toBe(true);
          expect(decode(got)).toEqual(reference(held.map(decode), REDUCERS[name], n));
          windows++;
        }
      }
      kernels.slidingFree(w);
      expect(windows).toBe(360);
    });
  }

  it('rejects a pane with another number of partitions and keeps its panes', () => {
    const rand = mulberry32(5);
    const w = kernels.slidingNew(2, OP.min);
    const pane = randomPane(rand, 2, 'min');
    kernels.slidingPush(w, pane);
    expect(() => kernels.slidingPush(w, randomPane(rand, 3, 'min'))).toThrow(/different number of partitions/);
    expect(kernels.slidingSize(w)).toBe(1);
    expect(decode(kernels.pack(kernels.slidingResult(w)))).toEqual(decode(pane));
    kernels.slidingFree(w);
  });

  it('KernelSlidingWindow follows any sequence of windows, rebuilding when they do not slide', () => {
    const rand = mulberry32(7);
    const n = 2;
    const panes = Array.from({ length: 30 }, () => new PackedBatch(randomPane(rand, n, 'max')));
    const window = new KernelSlidingWindow(kernels, 'max', n);
    let from = 0;
    for (let step = 0; step < 200; step++) {
      const r = rand();
      // Mostly slides; sometimes a jump, a shrink, a reordering or a pane that is not packed.
      if (r < 0.7) from += Math.floor(rand() * 3);
      else if (r < 0.85) from = Math.floor(rand() * 25);
      const to = Math.min(panes.length, from + Math.floor(rand() * 8));
      let current: Batch<unknown>[] = panes.slice(Math.min(from, to), to);
      if (r > 0.95) current = [...current].reverse();
      if (r > 0.97 && current.length > 0) {
        current[0] = Batch.of([['a', 1]]);
        expect(window.slide(current)).toBeUndefined();
        continue;
      }
      const got = window.slide(current);
      expect(got).toBeInstanceOf(PackedBatch);
      const expected = reference(current.map((p) => (p as PackedBatch).glom().collect() as Pairs), max, n);
      expect(got!.glom().collect()).toEqual(expected);
      if (from >= 25) from = 0;
    }
    window.close();
  });

  it('leavingCount finds the panes that left a window that slid', () => {
    expect(leavingCount([1, 2, 3], [2, 3, 4])).toBe(1);
    expect(leavingCount([1, 2, 3], [3, 4, 5, 6])).toBe(2);
    expect(leavingCount([1, 2, 3], [1, 2, 3])).toBe(0);
    expect(leavingCount([1, 2, 3], [4, 5])).toBe(3);
    expect(leavingCount([1, 2, 3], [])).toBe(3);
    expect(leavingCount([], [1])).toBe(0);
    expect(leavingCount([1, 2, 3], [2, 4])).toBe(3);
    expect(leavingCount([1, 2, 3], [2])).toBe(3);
  });
});

const BATCH = 1000;

/** One windowed stream of a run: how its pairs get their values, its reducer and partitions. */
interface Case {
  value: (batchIndex: number) => number;
  name: Name;
  numPartitions: number;
}

/** Per batch of a varying value; different batches give different values. */
const varying = (i: number): number => VALUES[(i * 7) % VALUES.length]!;

const CASES: Case[] = [
  { value: varying, name: 'min', numPartitions: 2 },
  { value: varying, name: 'max', numPartitions: 3 },
  { value: () => -1.5, name: 'min', numPartitions: 2 },
];

interface Output {
  time: number;
  parts: Pairs;
  packed: boolean;
}

/**
 * Runs every case over `lines` (batch i at time i * BATCH) on `core`: batches in `plainAt` are
 * plain arrays, the others TextBatches of 2 partitions.
 */
async function run(core: 'js' | 'wasm', lines: string[][], plainAt: ReadonlySet<number>, W: number, S: number): Promise<Output[][]> {
  const clock = new ManualClock(0);
  const ssc = new StreamingContext({ batchInterval: BATCH, master: 'local[2]', core, clock });
  const queue = lines.map((l, i) => (plainAt.has(i + 1) ? l : TextBatch.fromBlocks([blockOfLines(l)], 2)));
  const tokens = ssc.queueStream<string>(queue).flatMap(words);
  const outputs = CASES.map(({ value, name, numPartitions }) => {
    const out: Output[] = [];
    const pairs: DStream<[string, number]> =
      value === varying ? tokens.transform((b, t) => b.map(pair(value(t / BATCH)))) : tokens.map(pair(value(0)));
    pairs
      .reduceByKeyAndWindow(REDUCERS[name], W * BATCH, S * BATCH, numPartitions)
      .foreachRDD((b, time) => void out.push({ time, parts: b.glom().collect(), packed: b instanceof PackedBatch }));
    return out;
  });
  try {
    await ssc.start();
    await clock.advance(lines.length * BATCH);
    await ssc.awaitTerminationOrTimeout(0);
  } finally {
    await ssc.stop();
  }
  return outputs;
}

/** The window at `time`, recomputed from the input lines. */
function oracle(lines: string[][], c: Case, time: number, W: number): Pairs {
  const panes: Pairs[] = [];
  for (let i = Math.max(1, time / BATCH - W + 1); i <= time / BATCH; i++) {
    const v = c.value(i);
    const pane: Pairs = Array.from({ length: c.numPartitions }, () => []);
    for (const w of lines[i - 1]!.flatMap(words)) pane[partitionOf(w, c.numPartitions)]!.push([w, v]);
    panes.push(pane);
  }
  return reference(panes, REDUCERS[c.name], c.numPartitions);
}

async function checkRun(W: number, S: number, seed: number, numBatches: number, plainAt: ReadonlySet<number> = new Set()): Promise<void> {
  const rand = mulberry32(seed);
  const lines = Array.from({ length: numBatches }, () => randomLines(rand));
  const js = await run('js', lines, plainAt, W, S);
  const wasm = await run('wasm', lines, plainAt, W, S);
  CASES.forEach((c, k) => {
    expect(js[k]!.length).toBe(Math.floor(numBatches / S));
    expect(wasm[k]!.map((o) => [o.time, o.parts])).toEqual(js[k]!.map((o) => [o.time, o.parts]));
    for (const o of js[k]!) expect(o.parts, `window at ${o.time}`).toEqual(oracle(lines, c, o.time, W));
    for (const o of wasm[k]!) {
      const first = Math.max(1, o.time / BATCH - W + 1);
      const plainInside = [...plainAt].some((i) => i >= first && i <= o.time / BATCH);
      // Packed panes only: the two-stacks window answered; otherwise Spark's recomputation.
      expect(o.packed, `window at ${o.time}`).toBe(!plainInside);
    }
    expect(js[k]!.every((o) => !o.packed)).toBe(true);
  });
}

describe('reduceByKeyAndWindow(min|max): js and wasm cores against recomputation', () => {
  const shapes: [number, number][] = [
    [1, 1],
    [2, 1],
    [5, 1],
    [20, 1],
    [4, 2],
    [5, 2],
    [10, 5],
    [40, 2],
  ];
  for (const [W, S] of shapes) {
    it(`window ${W} batches, slide ${S}: identical glom() output, equal to recomputation`, async () => {
      await checkRun(W, S, 100 * W + S, 80);
    });
  }

  it('falls back to recomputation while a window holds a pane not in packed form, then resumes', async () => {
    await checkRun(5, 1, 99, 50, new Set([10, 11, 30]));
    await checkRun(6, 3, 98, 45, new Set([1, 20]));
  });
});
