// Oracle tests: over long random runs, every incrementally computed window equals the same
// window recomputed from scratch, here in the test, from the raw input lines. Keys of Flint's
// tagged sum/subtract windows leave at 0; untagged inverse windows keep them, as Spark does
// (DESIGN.md section 1).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DStream, ManualClock, StreamingContext, max, min, pair, subtract, sum, words } from '../src/index.js';
import { CORES, type TestCore } from './support/harness.js';
import { mulberry32, pick, randomInt, randomLines, textBatch, type Rng } from './support/random-text.js';

type Pairs = DStream<[string, number]>;
type Expected = Map<string, number>;

const SECOND = 1000;
// Thousands of batches, each logged and checkpointed as the harness's checkpoint directory asks:
// on a shared 2-core host these runs take tens of seconds.
const LONG_RUN = 90_000;
const VOCABULARY = ['a', 'b', 'cat', 'the', 'é', '日本', '😀', 'x✓', 'long-' + 'k'.repeat(300)];

/** Whitespace tokenization done independently of Flint's `words`. */
const tokensOf = (lines: readonly string[]): string[] => lines.flatMap((l) => l.split(/[ \t]+/).filter((w) => w !== ''));

/** Random batches of lines; quiet stretches longer than every window let all keys leave. */
function randomBatches(rng: Rng, count: number): string[][] {
  return Array.from({ length: count }, (_, i) => {
    const quiet = (i >= 60 && i < 100) || (i >= 180 && i < 185) || rng() < 0.1;
    return quiet ? [] : randomLines(rng, 5, { vocabulary: VOCABULARY, separators: [' ', '  ', '\t'], maxWords: 6 });
  });
}

/** The input of one run and the per-batch values the streams attach to words. */
class Input {
  readonly tokens: string[][];
  readonly signs: number[];
  readonly values: number[];

  constructor(readonly lines: string[][], rng: Rng) {
    this.tokens = lines.map(tokensOf);
    this.signs = lines.map(() => pick(rng, [1, -1, 2, -2]));
    this.values = lines.map(() => pick(rng, [3, -2.5, 0.125, 17, -40, 1e9 + 0.5]));
  }

  /** 0-based indices of the batches in the window of width `w` batches ending at batch `k` (1-based). */
  window(k: number, w: number): number[] {
    return Array.from({ length: Math.min(w, k) }, (_, j) => k - 1 - j).reverse();
  }

  /** True when some batch up to `k` (1-based) has an element (a line, or a token). */
  seen(k: number, of: 'lines' | 'tokens'): boolean {
    return this[of].slice(0, k).some((b) => b.length > 0);
  }

  /** Folds `value(batch, token)` per key over the window with `f`. */
  fold(k: number, w: number, value: (i: number, token: string) => number, f: (a: number, b: number) => number): Expected {
    const out: Expected = new Map();
    for (const i of this.window(k, w)) {
      for (const t of this.tokens[i]!) out.set(t, out.has(t) ? f(out.get(t)!, value(i, t)) : value(i, t));
    }
    return out;
  }
}

/** Batch index (1-based) of a batch time: the first batch is at 1 s. */
const batchOf = (time: number) => time / SECOND;
/** A per-batch function of the batch time, for `transform`. */
const atBatch = <T>(table: readonly T[], time: number): T => table[batchOf(time) - 1]!;
const add = (a: number, b: number) => a + b;
const withoutZeros = (m: Expected): Expected => new Map([...m].filter(([, v]) => v !== 0));

/** One windowed stream and the from-scratch recomputation of its windows. */
interface Check {
  name: string;
  stream: (lines: DStream<string>, input: Input, w: number, s: number) => Pairs;
  oracle: (input: Input, k: number, w: number) => Expected;
}

const CHECKS: Check[] = [
  {
    name: 'countByValueAndWindow',
    stream: (lines, _, w, s) => lines.flatMap(words).countByValueAndWindow(w * SECOND, s * SECOND),
    oracle: (input, k, w) => input.fold(k, w, () => 1, add),
  },
  {
    name: 'reduceByKeyAndWindow(sum, subtract), values of both signs (keys at 0 leave)',
    stream: (lines, input, w, s) =>
      lines
        .flatMap(words)
        .transform((b, t) => b.map(pair(atBatch(input.signs, t))))
        .reduceByKeyAndWindow(sum, subtract, w * SECOND, s * SECOND),
    oracle: (input, k, w) => withoutZeros(input.fold(k, w, (i) => input.signs[i]!, add)),
  },
  {
    name: 'reduceByKeyAndWindow with untagged inverse (keys at 0 stay)',
    stream: (lines, input, w, s) =>
      lines
        .flatMap(words)
        .transform((b, t) => b.map(pair(atBatch(input.signs, t))))
        .reduceByKeyAndWindow(add, (a, b) => a - b, w * SECOND, s * SECOND),
    oracle: (input, k, w) => {
      const everSeen = input.fold(k, k, () => 0, add);
      return new Map([...everSeen, ...input.fold(k, w, (i) => input.signs[i]!, add)]);
    },
  },
  {
    name: 'countByWindow',
    stream: (lines, _, w, s) => lines.countByWindow(w * SECOND, s * SECOND).map((n) => ['lines', n] as [string, number]),
    oracle: (input, k, w) => {
      const n = input.window(k, w).reduce((acc, i) => acc + input.lines[i]!.length, 0);
      return new Map(input.seen(k, 'lines') ? [['lines', n]] : []);
    },
  },
  {
    name: 'reduceByWindow with inverse (word lengths)',
    stream: (lines, _, w, s) =>
      lines
        .flatMap(words)
        .map((t) => t.length)
        .reduceByWindow(add, (a, b) => a - b, w * SECOND, s * SECOND)
        .map((n) => ['length', n] as [string, number]),
    oracle: (input, k, w) => {
      const n = input.window(k, w).reduce((acc, i) => acc + input.tokens[i]!.reduce((a, t) => a + t.length, 0), 0);
      return new Map(input.seen(k, 'tokens') ? [['length', n]] : []);
    },
  },
  ...(['min', 'max'] as const).map(
    (name): Check => ({
      name: `reduceByKeyAndWindow(${name}) on pair(v) per batch`,
      stream: (lines, input, w, s) =>
        lines
          .flatMap(words)
          .transform((b, t) => b.map(pair(atBatch(input.values, t))))
          .reduceByKeyAndWindow({ min, max }[name], w * SECOND, s * SECOND),
      oracle: (input, k, w) => input.fold(k, w, (i) => input.values[i]!, name === 'min' ? Math.min : Math.max),
    }),
  ),
  {
    name: 'reduceByKeyAndWindow(untagged max) on untagged pairs (recomputed, as Spark does)',
    stream: (lines, _, w, s) =>
      lines
        .flatMap(words)
        .transform((b, t) => b.map((token) => [token, untaggedValue(batchOf(t) - 1, token)] as [string, number]))
        .reduceByKeyAndWindow((x, y) => (y > x ? y : x), w * SECOND, s * SECOND),
    oracle: (input, k, w) => input.fold(k, w, untaggedValue, Math.max),
  },
];

/** A value that varies with the batch and the token, from a plain (untagged) map. */
function untaggedValue(i: number, token: string): number {
  return ((i * 31 + token.length * 7) % 23) - 11.5;
}

/** Window and slide, in batches: W/S of 1, 3, 10 and 37, and slides over several batches. */
const SHAPES: readonly [number, number][] = [[1, 1], [3, 1], [10, 1], [37, 1], [6, 2], [30, 3], [5, 2]];

/** Sorted entries of a batch's pairs; fails on a key that appears twice. */
function entries(pairs: readonly [string, number][]): [string, number][] {
  expect(new Set(pairs.map(([k]) => k)).size, 'a key appears twice in one window').toBe(pairs.length);
  return [...pairs].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** A started context on `core` over `input`, with a checkpoint directory removed at stop. */
async function withContext(core: TestCore, input: readonly string[][], rng: Rng, build: (lines: DStream<string>) => void, batches: number): Promise<void> {
  const clock = new ManualClock(0);
  const ssc = new StreamingContext({ batchInterval: SECOND, master: 'local[2]', core, clock });
  const dir = mkdtempSync(join(tmpdir(), 'flint-oracle-'));
  ssc.checkpoint(dir);
  build(ssc.queueStream(input.map((lines) => textBatch(lines, 1 + randomInt(rng, 3)))));
  try {
    await ssc.start();
    await clock.advance(batches * SECOND);
    expect(await ssc.awaitTerminationOrTimeout(0)).toBe(false);
  } finally {
    await ssc.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

describe.each(CORES)('incremental windows equal recomputation (%s core)', (core) => {
  it('over 240 random batches, for every check and window shape', async () => {
    const rng = mulberry32(core === 'js' ? 101 : 202);
    const input = new Input(randomBatches(rng, 240), rng);
    const outputs = new Map<string, { time: number; pairs: [string, number][] }[]>();
    await withContext(core, input.lines, rng, (lines) => {
      for (const check of CHECKS) {
        for (const [w, s] of SHAPES) {
          const got: { time: number; pairs: [string, number][] }[] = [];
          outputs.set(`${check.name} W=${w} S=${s}`, got);
          check.stream(lines, input, w, s).foreachRDD((b, time) => void got.push({ time, pairs: b.collect() }));
        }
      }
    }, 240);
    for (const check of CHECKS) {
      for (const [w, s] of SHAPES) {
        const name = `${check.name} W=${w} S=${s}`;
        const got = outputs.get(name)!;
        expect(got.length, name).toBe(Math.floor(240 / s));
        for (const { time, pairs } of got) {
          const expected = [...check.oracle(input, batchOf(time), w)].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
          expect(entries(pairs), `${name} at ${time} ms`).toStrictEqual(expected);
        }
      }
    }
  }, LONG_RUN);

  it('keeps f64 sum/subtract windows within 1e-12 of the exact sums over 2000 slides', async () => {
    const rng = mulberry32(core === 'js' ? 7 : 8);
    const input = new Input(randomBatches(rng, 2000), rng);
    const got: { time: number; pairs: [string, number][] }[] = [];
    await withContext(core, input.lines, rng, (lines) => {
      lines
        .flatMap(words)
        .map(pair(0.1))
        .reduceByKeyAndWindow(sum, subtract, 37 * SECOND, SECOND)
        .foreachRDD((b, time) => void got.push({ time, pairs: b.collect() }));
    }, 2000);
    expect(got.length).toBe(2000);
    let worst = 0;
    for (const { time, pairs } of got) {
      // Count * 0.1 is the exact window sum rounded once.
      const exact = input.fold(batchOf(time), 37, () => 1, add);
      const actual = new Map(entries(pairs));
      for (const [key, count] of exact) {
        expect(actual.has(key), `${key} missing at ${time} ms`).toBe(true);
        worst = Math.max(worst, Math.abs(actual.get(key)! - count * 0.1));
      }
      // A key whose panes all left may linger with a rounding residue until the next rebuild.
      for (const [key, value] of actual) if (!exact.has(key)) worst = Math.max(worst, Math.abs(value));
    }
    expect(worst).toBeLessThan(1e-12);
  }, LONG_RUN);
});
