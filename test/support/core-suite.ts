// The Core conformance suite (hono's `runTest({ make })` pattern): every engine core must give
// these hand-computed results, partition by partition. A core lists the cases it skips and why.
import { afterAll, describe, expect, it } from 'vitest';
import { Batch } from '../../src/batch/batch.js';
import type { Combiner } from '../../src/batch/shuffle.js';
import type { Core } from '../../src/core/core.js';
import { hashString, max, min, pair, split, sum, words } from '../../src/index.js';
import { textBatch } from './random-text.js';

/** Cases a core may skip, with the reason. */
export interface CoreSuiteSkips {
  /** `createSumWindow` (cores without a resident sum window). */
  sumWindow?: string;
  /** Work submitted after `close()` rejects instead of starting threads again. */
  rejectsAfterClose?: string;
}

type Pairs<V> = [string, V][];

/** Hand-listed pairs (keys in first-seen order) placed in the partition their key hashes to. */
function placed<V>(pairs: Pairs<V>, n: number): Pairs<V>[] {
  const out: Pairs<V>[] = Array.from({ length: n }, () => []);
  for (const p of pairs) out[n === 1 ? 0 : hashString(p[0]) % n]!.push(p);
  return out;
}

/** Checks a result's partitions exactly, and that it says it is hash-partitioned into `n`. */
function expectPartitions<V>(batch: Batch<[string, V]>, expected: Pairs<V>, n: number): void {
  expect(batch.numPartitions).toBe(n);
  expect(batch.hashPartitions).toBe(n);
  expect(batch.partitions).toStrictEqual(placed(expected, n));
}

/** `times` copies of `x`. */
const repeat = (x: string, times: number): string[] => Array.from({ length: times }, () => x);

/** Left fold of `times` copies of `v` with `+`, as JS adds a key's values one by one. */
function addedUp(v: number, times: number): number {
  let s = 0;
  for (let i = 0; i < times; i++) s = i === 0 ? v : s + v;
  return s;
}

const PARTITION_COUNTS = [1, 2, 3, 4, 5];

/** Runs the Core conformance suite on cores made by `make`. */
export function runCoreSuite(name: string, make: () => Core, skips: CoreSuiteSkips = {}): void {
  const skippable = (reason: string | undefined) => (reason === undefined ? it : it.skip);

  describe(`Core conformance: ${name}`, () => {
    // One core for the whole suite, closed at the end; close() has cases of its own.
    let shared: Core | undefined;
    const core = (): Core => (shared ??= make());
    afterAll(() => shared?.close());

    describe('reduceByKey on plain pair batches', () => {
      // Input partitions [b1 a2] | [c3 a4 b5] | []: first seen b, a, c.
      const input = (): Batch<[string, number]> => new Batch([[['b', 1], ['a', 2]], [['c', 3], ['a', 4], ['b', 5]], []]);

      it.each(PARTITION_COUNTS)('sums into %i hash partitions, keys in first-seen order', async (n) => {
        expectPartitions(await core().reduceByKey(input(), sum, n), [['b', 6], ['a', 6], ['c', 3]], n);
      });

      it.each(PARTITION_COUNTS)('min, max and f64 values into %i partitions', async (n) => {
        const floats = new Batch<[string, number]>([[['x', 2.5], ['y', -1]], [['x', 0.5], ['y', 7.25], ['x', 3]]]);
        expectPartitions(await core().reduceByKey(floats, min, n), [['x', 0.5], ['y', -1]], n);
        expectPartitions(await core().reduceByKey(floats, max, n), [['x', 3], ['y', 7.25]], n);
        expectPartitions(await core().reduceByKey(floats, sum, n), [['x', 2.5 + 0.5 + 3], ['y', -1 + 7.25]], n);
      });

      it.each(PARTITION_COUNTS)('an untagged lambda combines map-side, then in partition order (%i partitions)', async (n) => {
        // Concatenation is not commutative, so the order of both stages shows.
        const letters = new Batch<[string, string]>([[['k', 'a'], ['j', 'x'], ['k', 'b']], [['k', 'c']], [['j', 'y'], ['k', 'd']]]);
        expectPartitions(await core().reduceByKey(letters, (a, b) => a + b, n), [['k', 'abcd'], ['j', 'xy']], n);
      });

      it('keeps multi-byte and 10 KB keys apart and intact', async () => {
        const long = 'é'.repeat(5_120);
        const batch = new Batch<[string, number]>([[['日本', 1], ['😀', 2], [long, 3]], [['日本', 4], [long + 'x', 5], ['😀', 6]]]);
        expectPartitions(await core().reduceByKey(batch, sum, 3), [['日本', 5], ['😀', 8], [long, 3], [long + 'x', 5]], 3);
      });

      it('an empty batch (no partitions, or only empty ones) gives n empty partitions', async () => {
        for (const n of PARTITION_COUNTS) {
          expectPartitions(await core().reduceByKey(Batch.empty<[string, number]>(), sum, n), [], n);
          expectPartitions(await core().reduceByKey(Batch.empty<[string, number]>(4), max, n), [], n);
        }
      });
    });

    describe('reduceByKey on text (TextBatch -> flatMap(split) -> map(pair(v)))', () => {
      const lines = ['the cat sat', '', '  the\tmat  ', 'héllo ✓ 日本 😀 héllo', 'the'];
      const counted = (v: number): Pairs<number> => [
        ['the', addedUp(v, 3)], ['cat', v], ['sat', v], ['mat', v], ['héllo', addedUp(v, 2)], ['✓', v], ['日本', v], ['😀', v],
      ];
      const pairs = (v: number, inputPartitions: number) => textBatch(lines, inputPartitions).flatMap(words).map(pair(v));

      for (const inputPartitions of [1, 2, 3]) {
        it.each(PARTITION_COUNTS)(`counts words from ${inputPartitions} input partition(s) into %i partitions`, async (n) => {
          expectPartitions(await core().reduceByKey(pairs(1, inputPartitions), sum, n), counted(1), n);
        });
      }

      it.each(PARTITION_COUNTS)('f64 values add up as JS adds them, in order (%i partitions)', async (n) => {
        expectPartitions(await core().reduceByKey(pairs(2.5, 2), sum, n), counted(2.5), n);
        expectPartitions(await core().reduceByKey(pairs(0.1, 1), sum, n), counted(0.1), n);
      });

      it('min, max and an untagged lambda', async () => {
        expectPartitions(await core().reduceByKey(pairs(3, 2), min, 2), counted(3).map(([k]) => [k, 3]), 2);
        expectPartitions(await core().reduceByKey(pairs(-0.5, 2), max, 3), counted(-0.5).map(([k]) => [k, -0.5]), 3);
        expectPartitions(await core().reduceByKey(pairs(1, 3), (a, b) => a + b, 4), counted(1), 4);
      });

      it('split on other ASCII separators; runs of separators make no empty keys', async () => {
        const batch = textBatch(['a,b,,a', ',,', 'é,日本,é', ''], 2).flatMap(split(',')).map(pair(1));
        expectPartitions(await core().reduceByKey(batch, sum, 3), [['a', 2], ['b', 1], ['é', 2], ['日本', 1]], 3);
      });

      it('integer sums past 2^53 and -0 come out exactly as JS adds them', async () => {
        // 74 additions of this value in f64 round differently from one exact integer sum.
        const big = 123456789012345;
        const batch = textBatch([repeat('w', 74).join(' ')], 1).flatMap(words).map(pair(big));
        expectPartitions(await core().reduceByKey(batch, sum, 2), [['w', addedUp(big, 74)]], 2);
        const zeros = textBatch(['z z', 'z'], 2).flatMap(words).map(pair(-0));
        expectPartitions(await core().reduceByKey(zeros, sum, 2), [['z', -0]], 2);
        expectPartitions(await core().reduceByKey(zeros, min, 1), [['z', -0]], 1);
      });

      it('no lines, or fewer lines than partitions, gives empty partitions where nothing hashes', async () => {
        for (const n of PARTITION_COUNTS) {
          expectPartitions(await core().reduceByKey(textBatch([], 3).flatMap(words).map(pair(1)), sum, n), [], n);
          expectPartitions(await core().reduceByKey(textBatch(['', '  ', ''], 2).flatMap(words).map(pair(1)), sum, n), [], n);
          const oneLine = textBatch(['solo solo'], 5);
          expect(oneLine.blocks.filter((b) => b.length === 0).length).toBe(4);
          expectPartitions(await core().reduceByKey(oneLine.flatMap(words).map(pair(1)), sum, n), [['solo', 2]], n);
        }
      });
    });

    describe('combineByKey', () => {
      const mean: Combiner<number, [number, number]> = {
        createCombiner: (v) => [v, 1],
        mergeValue: ([s, c], v) => [s + v, c + 1],
        mergeCombiners: ([s1, c1], [s2, c2]) => [s1 + s2, c1 + c2],
      };

      it.each(PARTITION_COUNTS)('runs the three functions map-side, then merges in partition order (%i partitions)', async (n) => {
        const batch = new Batch<[string, number]>([[['a', 1], ['b', 10], ['a', 3]], [], [['a', 5], ['c', 0.5]]]);
        const result = await core().combineByKey(batch, mean, n);
        expectPartitions(result, [['a', [9, 3]], ['b', [10, 1]], ['c', [0.5, 1]]], n);
      });

      it('works on paired text and keeps values in arrival order', async () => {
        const lists: Combiner<number, number[]> = {
          createCombiner: (v) => [v],
          mergeValue: (c, v) => [...c, v],
          mergeCombiners: (a, b) => [...a, ...b],
        };
        const batch = textBatch(['x y x', 'y', 'x'], 3).flatMap(words).map(pair(2));
        expectPartitions(await core().combineByKey(batch, lists, 2), [['x', [2, 2, 2]], ['y', [2, 2]]], 2);
      });
    });

    describe('createSumWindow (resident reduceByKeyAndWindow(sum, subtract))', () => {
      const test = skippable(skips.sumWindow);
      const panes = async (n: number) => {
        const pane = (lines: string[], v = 1) => core().reduceByKey(textBatch(lines, 2).flatMap(words).map(pair(v)), sum, n);
        return { p1: await pane(['a b a', 'c']), p2: await pane(['a d']), p3: await pane(['b b']), f1: await pane(['x x x'], 0.1), f2: await pane(['x'], 0.1) };
      };

      test.each([1, 2, 3])('recompute and slide add entering panes, subtract leaving ones, drop keys at 0 (%i partitions)', async (n) => {
        const { p1, p2, p3 } = await panes(n);
        const window = core().createSumWindow!(n, true);
        const w1 = window.recompute(1000, [p1, p2])!;
        expectPartitions(w1, [['a', 3], ['b', 1], ['c', 1], ['d', 1]], n);
        const w2 = window.slide(2000, 1000, w1, [p1], [p3])!;
        expectPartitions(w2, [['a', 1], ['b', 2], ['d', 1]], n);
        expectPartitions(window.slide(3000, 2000, w2, [p2], [])!, [['b', 2]], n);
        // Several panes at once: keys the window held keep their place, new ones (d) come after.
        const w4 = window.recompute(4000, [p1])!;
        expectPartitions(window.slide(5000, 4000, w4, [p1], [p2, p3])!, [['a', 1], ['b', 2], ['d', 1]], n);
        window.close();
      });

      test.each([1, 2])('without dropZeros, keys back at 0 stay with value 0, as Spark keeps them (%i partitions)', async (n) => {
        const { p1, p2, p3 } = await panes(n);
        const window = core().createSumWindow!(n, false);
        const w1 = window.slide(1000, 0, undefined, [], [p1, p2])!;
        expectPartitions(w1, [['a', 3], ['b', 1], ['c', 1], ['d', 1]], n);
        const w2 = window.slide(2000, 1000, w1, [p1], [p3])!;
        expectPartitions(w2, [['a', 1], ['b', 2], ['c', 0], ['d', 1]], n);
        const w3 = window.slide(3000, 2000, w2, [p2, p3], [])!;
        expectPartitions(w3, [['a', 0], ['b', 0], ['c', 0], ['d', 0]], n);
        // Back from 0: the key keeps its place.
        expectPartitions(window.slide(4000, 3000, w3, [], [p2])!, [['a', 1], ['b', 0], ['c', 0], ['d', 1]], n);
        window.close();
      });

      test('rebuilds from the given previous window when it is not the one it last produced', async () => {
        const { p1, p2, p3 } = await panes(2);
        const window = core().createSumWindow!(2, true);
        const w1 = window.recompute(1000, [p1, p2])!;
        window.slide(2000, 1000, w1, [p1], [p3]);
        // Asked to slide from w1 again (at a time it did not produce): a - 2 + 1, b - 1, c - 1, d + 1.
        expectPartitions(window.slide(6000, 5000, w1, [p1], [p2])!, [['a', 2], ['d', 2]], 2);
        window.close();
      });

      test('takes over a previous window the js core computed, short and long keys alike', async () => {
        const long = 'k'.repeat(40);
        const entering = await core().reduceByKey(textBatch([`a ${long} é😀`, 'd'], 2).flatMap(words).map(pair(1)), sum, 2);
        const window = core().createSumWindow!(2, true);
        const fromJs = new Batch(placed<number>([['a', 2], [long, 0.5], ['é😀', 1.5], ['b', 4]], 2), 2);
        // Every key of the entering pane meets its entry from the js batch: none appears twice.
        expectPartitions(window.slide(2000, 1000, fromJs, [], [entering])!, [['a', 3], [long, 1.5], ['é😀', 2.5], ['b', 4], ['d', 1]], 2);
        window.close();
      });

      test.each([
        ['not hash-partitioned', Batch.of([['a', 1]])],
        ['a key UTF-8 would change (a lone surrogate)', new Batch(placed([['\uD800', 1]], 2), 2)],
        ['a value that is not a number', new Batch(placed([['a', '1']], 2), 2)],
        ['a key that is not a string', new Batch([[[7, 1]], []], 2)],
      ])('returns undefined for a previous window it cannot take over: %s', async (_, previous) => {
        const { p2 } = await panes(2);
        const window = core().createSumWindow!(2, true);
        expect(window.slide(2000, 1000, previous as Batch<[string, number]>, [], [p2])).toBeUndefined();
        window.close();
      });

      test('returns undefined for panes it does not hold, then rebuilds at the next slide', async () => {
        const { p1, p2 } = await panes(2);
        const window = core().createSumWindow!(2, true);
        const w1 = window.recompute(1000, [p1])!;
        expect(window.slide(2000, 1000, w1, [], [Batch.of([['a', 1]])])).toBeUndefined();
        expect(window.recompute(2000, [p1, Batch.of([['a', 1]])])).toBeUndefined();
        expectPartitions(window.slide(3000, 2000, w1, [p1], [p2])!, [['a', 1], ['d', 1]], 2);
        window.close();
      });

      test('f64 sums follow f(inv(prev, old), new) bit for bit', async () => {
        const { f1, f2 } = await panes(2);
        const window = core().createSumWindow!(2, true);
        const w1 = window.recompute(1000, [f1, f2])!;
        expectPartitions(w1, [['x', 0.1 + 0.1 + 0.1 + 0.1]], 2);
        // (0.1 + 0.1 + 0.1 + 0.1) - (0.1 + 0.1 + 0.1) is 0.09999999999999998, not 0.1.
        expectPartitions(window.slide(2000, 1000, w1, [f1], [])!, [['x', 0.1 + 0.1 + 0.1 + 0.1 - (0.1 + 0.1 + 0.1)]], 2);
        window.close();
      });
    });

    describe('close()', () => {
      it('releases the core; closing twice is fine', async () => {
        const fresh = make();
        const batch = textBatch(['a b a'], 2).flatMap(words).map(pair(1));
        expectPartitions(await fresh.reduceByKey(batch, sum, 2), [['a', 2], ['b', 1]], 2);
        await fresh.close();
        await fresh.close();
      });

      skippable(skips.rejectsAfterClose)('work submitted after close() rejects, even if the core was never used', async () => {
        for (const used of [true, false]) {
          const fresh = make();
          const batch = () => textBatch(['a b a'], 2).flatMap(words).map(pair(1));
          if (used) await fresh.reduceByKey(batch(), sum, 2);
          await fresh.close();
          await expect(fresh.reduceByKey(batch(), sum, 2)).rejects.toMatchObject({ code: 'CONTEXT_STOPPED' });
          await fresh.close();
        }
      });
    });
  });
}
