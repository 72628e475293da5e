// Top-k of word counts: Batch.top / takeOrdered (Spark's RDD methods) and sortBy(...).take(k).
// On a batch the wasm kernels still hold (PackedBatch), orderings by value select from the value
// column and decode only the keys kept; results must equal the generic path's, ties included.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PackedBatch } from '../src/core/wasm/packed-tables.js';
import { valueComparatorDirection, valueKeyDirection } from '../src/functions/orderings.js';
import { Batch, byValue, type CoreName, ManualClock, pair, StreamingContext, sum, words } from '../src/index.js';
import { mulberry32, randomInt, randomLines, textBatch, type Rng } from './support/random-text.js';

type Pair = [string, number];

afterEach(() => vi.restoreAllMocks());

/** Word counts of `batches` of lines on `core`, each handed to `check` while the batch is current. */
async function withCounts(core: CoreName, batches: string[][], check: (counts: Batch<Pair>) => void): Promise<void> {
  const clock = new ManualClock(0);
  const ssc = new StreamingContext({ batchInterval: 1000, master: 'local[2]', core, clock, out: { write: () => true } });
  const queue = batches.map((lines, i) => textBatch(lines, 1 + (i % 3)));
  ssc.queueStream(queue).flatMap(words).map(pair(1)).reduceByKey(sum, 3).foreachRDD(check);
  try {
    await ssc.start();
    await clock.advance(batches.length * 1000);
  } finally {
    await ssc.stop();
  }
}

/** The same pairs in the same partitions, as a plain batch: the generic path. */
const generic = (b: Batch<Pair>): Batch<Pair> => new Batch(b.partitions.map((p) => [...p]), b.hashPartitions);

// Key functions and comparators by value, as programs write them (recognised), and two that are not.
const SORTS: [string, (p: Pair) => unknown, boolean][] = [
  ['[-n, w] ascending', ([w, n]) => [-n, w], true],
  ['[-n, w] descending', ([w, n]) => [-n, w], false],
  ['[n, w] ascending', ([w, n]) => [n, w], true],
  ['n descending', ([, n]) => n, false],
  ['n ascending', ([, n]) => n, true],
  ['-n ascending', ([, n]) => -n, true],
  ['p[1] descending', (p) => p[1], false],
  ['[-p[1], p[0]]', (p) => [-p[1], p[0]], true],
  ['by key (generic)', ([w]) => w, true],
];
const ORDERINGS: [string, (a: Pair, b: Pair) => number][] = [
  ['byValue', byValue],
  ['(a, b) => a[1] - b[1]', (a, b) => a[1] - b[1]],
  ['([, x], [, y]) => y - x', ([, x], [, y]) => y - x],
  ['default (by key, generic)', undefined as unknown as (a: Pair, b: Pair) => number],
];

function ks(count: number, rng: Rng): number[] {
  return [0, 1, 2, 3, 10, 2.5, count - 1, count, count + 3, randomInt(rng, count + 1)].filter((k) => k >= 0);
}

describe('orderings by value are recognised', () => {
  it('sortBy key functions', () => {
    expect(valueKeyDirection(([w, n]: Pair) => [-n, w])).toBe(-1);
    expect(valueKeyDirection(([, n]: Pair) => n)).toBe(1);
    expect(valueKeyDirection((p: Pair) => p[1])).toBe(1);
    expect(valueKeyDirection((p: Pair) => [-p[1], p[0]])).toBe(-1);
    expect(valueKeyDirection(([w]: Pair) => w)).toBeUndefined();
    expect(valueKeyDirection(([w, n]: Pair) => [w, n])).toBeUndefined();
    expect(valueKeyDirection(([, n]: Pair) => n * 2)).toBeUndefined();
    expect(valueKeyDirection(([w, n]: Pair) => [-n, w.length])).toBeUndefined();
  });

  it('comparators', () => {
    expect(valueComparatorDirection(byValue)).toBe(1);
    expect(valueComparatorDirection((a: Pair, b: Pair) => a[1] - b[1])).toBe(1);
    expect(valueComparatorDirection(([, x]: Pair, [, y]: Pair) => y - x)).toBe(-1);
    expect(valueComparatorDirection((a: Pair, b: Pair) => a[0].length - b[0].length)).toBeUndefined();
    expect(valueComparatorDirection(undefined)).toBeUndefined();
  });
});

describe('Batch.top and takeOrdered (generic)', () => {
  const b = Batch.of<Pair>([['a', 2], ['b', 5], ['c', 2], ['d', 9], ['e', 5]], 2);

  it('take the largest or smallest, equal elements in batch order', () => {
    expect(b.top(3, byValue)).toEqual([['d', 9], ['b', 5], ['e', 5]]);
    expect(b.takeOrdered(3, byValue)).toEqual([['a', 2], ['c', 2], ['b', 5]]);
    expect(b.top(2)).toEqual([['e', 5], ['d', 9]]);
    expect(b.takeOrdered(0, byValue)).toEqual([]);
    expect(b.top(10, byValue)).toHaveLength(5);
  });

  it('reject a count that is not a whole number >= 0', () => {
    expect(() => b.top(-1)).toThrow(/top\(num\) needs a whole number >= 0/);
    expect(() => b.takeOrdered(1.5)).toThrow(/takeOrdered\(num\)/);
  });
});

describe.each(['js', 'wasm'] as const)('top-k of word counts equals the generic path (%s core)', (core) => {
  it('on random text, for every k, ordering and tie', async () => {
    const rng = mulberry32(core === 'js' ? 11 : 12);
    const input = Array.from({ length: 6 }, () => randomLines(rng, 300));
    let packed = 0;
    await withCounts(core, input, (counts) => {
      if (counts instanceof PackedBatch) packed++;
      const oracle = generic(counts);
      const n = counts.count();
      for (const k of ks(n, rng)) {
        for (const [name, key, ascending] of SORTS) {
          expect(counts.sortBy(key, ascending).take(k), `${name} take(${k})`).toEqual(oracle.sortBy(key, ascending).take(k));
        }
        if (!Number.isInteger(k)) continue;
        for (const [name, ordering] of ORDERINGS) {
          expect(counts.top(k, ordering), `top(${k}, ${name})`).toEqual(oracle.top(k, ordering));
          expect(counts.takeOrdered(k, ordering), `takeOrdered(${k}, ${name})`).toEqual(oracle.takeOrdered(k, ordering));
        }
      }
      const sorted = counts.sortBy(([w, c]) => [-c, w]);
      expect(sorted.count()).toBe(n);
      if (n > 0) expect(sorted.first()).toEqual(oracle.sortBy(([w, c]) => [-c, w]).first());
      expect(sorted.glom().collect()).toEqual(oracle.sortBy(([w, c]) => [-c, w]).glom().collect());
    });
    // The wasm core's counts of text are packed, so the selection above ran; the js core's are not.
    expect(packed > 0).toBe(core === 'wasm');
  });

  it('decodes only the keys it keeps when the top values are distinct', async () => {
    // 2000 words with counts 1 to 3 (many ties), and five with distinct large counts.
    const lines: string[] = [];
    for (let i = 0; i < 2000; i++) lines.push(Array.from({ length: 1 + (i % 3) }, () => `w${i}`).join(' '));
    for (let i = 0; i < 5; i++) lines.push(Array.from({ length: 10 + i }, () => `top${i}`).join(' '));
    await withCounts(core, [lines], (counts) => {
      const decode = vi.spyOn(Buffer.prototype, 'toString');
      const top = counts.sortBy(([w, n]) => [-n, w]).take(3);
      const byTop = counts.top(2, byValue);
      const decoded = decode.mock.calls.length;
      decode.mockRestore();
      expect(top).toEqual([['top4', 14], ['top3', 13], ['top2', 12]]);
      expect(byTop).toEqual([['top4', 14], ['top3', 13]]);
      if (counts instanceof PackedBatch) expect(decoded).toBe(5);
    });
  });
});
