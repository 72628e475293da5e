// Differential tests: random pipelines over random text give identical batches on the js and the
// wasm core, partition by partition (glom), and probes check that the wasm core really ran its
// kernels where it should, so agreement cannot come from a silent fallback to the js core.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Batch } from '../src/batch/batch.js';
import type { CoreName } from '../src/core/core.js';
import { PackedBatch } from '../src/core/wasm/packed-tables.js';
import { WasmCore } from '../src/core/wasm/wasm-core.js';
import { JsCore } from '../src/core/js/js-core.js';
import type { TextBatch } from '../src/batch/text-batch.js';
import { DStream, ManualClock, StreamingContext, max, min, pair, split, subtract, sum, words } from '../src/index.js';
import { mulberry32, pick, randomInt, randomLines, textBatch, type Rng } from './support/random-text.js';

type Pairs = DStream<[string, number]>;
type Partitions = [string, number][][];

/** One random pipeline: lines -> [pre] -> tokenize -> op -> [post]. */
interface Spec {
  pre: 'none' | 'filter' | 'lower';
  tokenize: 'words' | 'commas' | 'fields' | 'csvFields' | 'lambda';
  op:
    | { kind: 'reduce'; pairWith: PairWith; reducer: 'sum' | 'min' | 'max' | 'spelled' | 'lambda' }
    | { kind: 'countByValue' }
    | { kind: 'countByValueAndWindow'; w: number; s: number }
    | { kind: 'sumWindow'; pairWith: PairWith; w: number; s: number }
    | { kind: 'spelledWindow'; pairWith: PairWith; w: number; s: number }
    | { kind: 'lambdaWindow'; w: number; s: number };
  post: 'none' | 'mapValues';
}
type PairWith = 'one' | 'spelled' | 'twoAndHalf' | 'signed' | 'length';

/** Per-batch values of both signs (and 0), so window sums cancel while their panes remain. */
const SIGNED = [1, -1, 0, 2, -2, 1, -1];

const PRE = {
  none: (s: DStream<string>) => s,
  filter: (s: DStream<string>) => s.filter((line) => !line.includes('cat')),
  lower: (s: DStream<string>) => s.map((line) => line.toLowerCase()),
};
const TOKENIZE = {
  words: (s: DStream<string>) => s.flatMap(words),
  commas: (s: DStream<string>) => s.flatMap(split(' ,')),
  // Spark's spelling, JS's split: empty fields are tokens too (the SIMD scan and the bytewise one).
  fields: (s: DStream<string>) => s.flatMap((line) => line.split(' ')),
  csvFields: (s: DStream<string>) => s.flatMap((line) => line.split(',')),
  lambda: (s: DStream<string>) => s.flatMap((line) => line.split(/[\s,]+/).filter((w) => w !== '')),
};
const PAIR = {
  one: (s: DStream<string>): Pairs => s.map(pair(1)),
  spelled: (s: DStream<string>): Pairs => s.map((w) => [w, 1] as [string, number]),
  twoAndHalf: (s: DStream<string>): Pairs => s.map(pair(2.5)),
  signed: (s: DStream<string>): Pairs => s.transform((b, time) => b.map(pair(SIGNED[(time / 1000) % SIGNED.length]!))),
  length: (s: DStream<string>): Pairs => s.map((w) => [w, w.length] as [string, number]),
};
// Spark's spellings of sum and subtract run as kernels; the same sums written any other way run
// as the lambdas they are.
const REDUCERS = { sum, min, max, spelled: (a: number, b: number) => a + b, lambda: add };
function add(a: number, b: number): number {
  const total = a + b;
  return total;
}
function difference(a: number, b: number): number {
  const rest = a - b;
  return rest;
}
const WINDOWS: readonly [number, number][] = [[1, 1], [2, 1], [3, 1], [4, 2], [6, 3], [3, 2], [5, 5]];

/** True when the wasm core must run this spec's reduce (or window) as kernels on text input. */
function usesKernels({ pre, tokenize, op }: Spec): boolean {
  if (pre !== 'none' || tokenize === 'lambda') return false;
  if (op.kind === 'reduce') return op.pairWith !== 'length' && op.reducer !== 'lambda';
  if (op.kind === 'sumWindow' || op.kind === 'spelledWindow') return op.pairWith !== 'length';
  return op.kind !== 'lambdaWindow';
}

/**
 * Batches (and the index of their output) at which the wasm core must give a window spec's result
 * from its resident window: every pane it reads is a text batch. A window of the tagged
 * sum/subtract is rebuilt from all its panes once per window length; otherwise a slide reads the
 * panes that leave and enter, and a previous window the js core computed is packed and taken over.
 */
function kernelWindowTimes(spec: Spec, text: (batch: number) => boolean, batches: number): [number, number][] {
  const { op } = spec;
  if (op.kind !== 'sumWindow' && op.kind !== 'spelledWindow' && op.kind !== 'countByValueAndWindow') return [];
  const { w, s } = op;
  const range = (from: number, to: number) => Array.from({ length: Math.max(0, to - from + 1) }, (_, k) => from + k);
  const times: [number, number][] = [];
  for (let t = s; t <= batches; t += s) {
    const rebuilt = op.kind !== 'spelledWindow' && (t / s) % (w / s) === 0;
    const read = rebuilt ? range(t - w + 1, t) : [...range(t - s - w + 1, t - w), ...range(t - s + 1, t)];
    if (read.every(text)) times.push([t, t / s - 1]);
  }
  return times;
}

/** The spec's stream; `probe` sees the kernel stage (the reduce, or the window). */
function build(spec: Spec, lines: DStream<string>, probe: (s: Pairs) => void): Pairs {
  const tokens = TOKENIZE[spec.tokenize](PRE[spec.pre](lines));
  const { op } = spec;
  const second = (n: number) => n * 1000;
  let out: Pairs;
  if (op.kind === 'reduce') out = PAIR[op.pairWith](tokens).reduceByKey(REDUCERS[op.reducer]);
  else if (op.kind === 'countByValue') out = tokens.countByValue();
  else if (op.kind === 'countByValueAndWindow') out = tokens.countByValueAndWindow(second(op.w), second(op.s));
  else if (op.kind === 'sumWindow') out = PAIR[op.pairWith](tokens).reduceByKeyAndWindow(sum, subtract, second(op.w), second(op.s));
  else if (op.kind === 'spelledWindow') out = PAIR[op.pairWith](tokens).reduceByKeyAndWindow((a, b) => a + b, (a, b) => a - b, second(op.w), second(op.s));
  else out = PAIR.one(tokens).reduceByKeyAndWindow(add, difference, second(op.w), second(op.s));
  probe(out);
  return spec.post === 'mapValues' ? out.mapValues((v) => v * 3 - 1) : out;
}

function randomSpec(rng: Rng): Spec {
  const pairWith = pick<PairWith>(rng, ['one', 'spelled', 'twoAndHalf', 'signed', 'length']);
  const [w, s] = pick(rng, WINDOWS);
  const op = pick<Spec['op']>(rng, [
    { kind: 'reduce', pairWith, reducer: pick(rng, ['sum', 'min', 'max', 'spelled', 'lambda'] as const) },
    { kind: 'countByValue' },
    { kind: 'countByValueAndWindow', w, s },
    { kind: 'sumWindow', pairWith, w, s },
    { kind: 'spelledWindow', pairWith, w, s },
    { kind: 'lambdaWindow', w, s },
  ]);
  const pre = rng() < 0.7 ? 'none' : pick(rng, ['filter', 'lower'] as const);
  const tokenize = rng() < 0.8 ? pick(rng, ['words', 'commas', 'fields', 'csvFields'] as const) : 'lambda';
  return { pre, tokenize, op, post: rng() < 0.25 ? 'mapValues' : 'none' };
}

/** Every reducer, pair and window shape on the kernel path, then random ones. */
function specs(rng: Rng, random: number): Spec[] {
  const fixed: Spec[] = [
    ...(['sum', 'min', 'max'] as const).map((reducer): Spec => ({ pre: 'none', tokenize: 'words', op: { kind: 'reduce', pairWith: 'one', reducer }, post: 'none' })),
    { pre: 'none', tokenize: 'commas', op: { kind: 'reduce', pairWith: 'twoAndHalf', reducer: 'sum' }, post: 'mapValues' },
    { pre: 'none', tokenize: 'words', op: { kind: 'countByValue' }, post: 'none' },
    ...WINDOWS.map(([w, s]): Spec => ({ pre: 'none', tokenize: 'words', op: { kind: 'countByValueAndWindow', w, s }, post: 'none' })),
    { pre: 'none', tokenize: 'commas', op: { kind: 'sumWindow', pairWith: 'twoAndHalf', w: 4, s: 2 }, post: 'none' },
    { pre: 'none', tokenize: 'words', op: { kind: 'reduce', pairWith: 'signed', reducer: 'sum' }, post: 'none' },
    ...WINDOWS.map(([w, s]): Spec => ({ pre: 'none', tokenize: 'words', op: { kind: 'sumWindow', pairWith: 'signed', w, s }, post: 'none' })),
    { pre: 'none', tokenize: 'words', op: { kind: 'reduce', pairWith: 'spelled', reducer: 'spelled' }, post: 'none' },
    ...WINDOWS.map(([w, s]): Spec => ({ pre: 'none', tokenize: 'words', op: { kind: 'spelledWindow', pairWith: 'signed', w, s }, post: 'none' })),
    { pre: 'none', tokenize: 'commas', op: { kind: 'spelledWindow', pairWith: 'twoAndHalf', w: 4, s: 2 }, post: 'none' },
    { pre: 'none', tokenize: 'words', op: { kind: 'spelledWindow', pairWith: 'spelled', w: 6, s: 3 }, post: 'none' },
    { pre: 'none', tokenize: 'fields', op: { kind: 'reduce', pairWith: 'spelled', reducer: 'spelled' }, post: 'none' },
    { pre: 'none', tokenize: 'csvFields', op: { kind: 'reduce', pairWith: 'twoAndHalf', reducer: 'max' }, post: 'none' },
    { pre: 'none', tokenize: 'fields', op: { kind: 'spelledWindow', pairWith: 'spelled', w: 6, s: 3 }, post: 'none' },
    { pre: 'none', tokenize: 'csvFields', op: { kind: 'countByValueAndWindow', w: 4, s: 2 }, post: 'none' },
  ];
  return [...fixed, ...Array.from({ length: random }, () => randomSpec(rng))];
}

/** One batch of input: its lines, the partitions of its TextBatch, or a plain array of lines. */
interface InputBatch {
  lines: string[];
  partitions: number;
  plain: boolean;
}

function randomInput(rng: Rng, batches: number, plainChance: number): InputBatch[] {
  return Array.from({ length: batches }, (_, i) => {
    // A stretch of empty batches lets every key leave the windows.
    const empty = (i >= 8 && i < 14) || rng() < 0.15;
    const lines = empty ? [] : randomLines(rng, 8, { longKeyChance: 0.03 });
    return { lines, partitions: 1 + randomInt(rng, 4), plain: rng() < plainChance };
  });
}

interface Run {
  outputs: Partitions[][];
  packed: boolean[][];
}

/** Runs every spec on one context of `core`; returns each spec's glom() output, batch by batch. */
async function run(core: CoreName, master: string, input: InputBatch[], numBatches: number, all: Spec[]): Promise<Run> {
  const clock = new ManualClock(0);
  const ssc = new StreamingContext({ batchInterval: 1000, master, core, clock });
  const dir = mkdtempSync(join(tmpdir(), 'flint-differential-'));
  ssc.checkpoint(dir);
  const queue = input.map((b): string[] | Batch<string> => (b.plain ? [...b.lines] : textBatch(b.lines, b.partitions)));
  const lines = ssc.queueStream(queue);
  const result: Run = { outputs: all.map(() => []), packed: all.map(() => []) };
  all.forEach((spec, i) => {
    const stream = build(spec, lines, (s) => s.foreachRDD((b) => void result.packed[i]!.push(b instanceof PackedBatch)));
    stream.glom().foreachRDD((b) => void result.outputs[i]!.push(b.collect()));
  });
  try {
    await ssc.start();
    await clock.advance(numBatches * 1000);
    expect(await ssc.awaitTerminationOrTimeout(0)).toBe(false);
  } finally {
    await ssc.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  return result;
}

const label = (spec: Spec) => JSON.stringify(spec);

describe.each(['local[1]', 'local[2]', 'local[3]'])('js and wasm cores agree partition by partition (%s)', (master) => {
  const seed = master === 'local[2]' ? 11 : 29;
  const all = specs(mulberry32(seed), 20);

  it('on text batches (kernels on every batch, including empty ones)', async () => {
    const input = randomInput(mulberry32(seed + 1), 26, 0);
    const js = await run('js', master, input, input.length, all);
    const wasm = await run('wasm', master, input, input.length, all);
    all.forEach((spec, i) => {
      expect(wasm.outputs[i], label(spec)).toStrictEqual(js.outputs[i]);
      expect(js.packed[i]!.some(Boolean), label(spec)).toBe(false);
      if (usesKernels(spec)) {
        expect(wasm.packed[i]!.length, label(spec)).toBeGreaterThan(0);
        expect(wasm.packed[i]!.every(Boolean), `${label(spec)} fell back to the js core`).toBe(true);
      }
    });
    expect(js.outputs.flat(3).length).toBeGreaterThan(100);
  });

  it('mixing text and plain batches, and running past the queue (fallbacks and back)', async () => {
    const input = randomInput(mulberry32(seed + 2), 22, 0.25);
    const js = await run('js', master, input, 30, all);
    const wasm = await run('wasm', master, input, 30, all);
    const text = (batch: number) => batch < 1 || (batch <= input.length && !input[batch - 1]!.plain);
    let windowsChecked = 0;
    all.forEach((spec, i) => {
      expect(wasm.outputs[i], label(spec)).toStrictEqual(js.outputs[i]);
      if (!usesKernels(spec)) return;
      if (!('w' in spec.op)) expect(wasm.packed[i]!.some(Boolean), label(spec)).toBe(true);
      for (const [t, output] of kernelWindowTimes(spec, text, 30)) {
        expect(wasm.packed[i]![output], `${label(spec)} at batch ${t}`).toBe(true);
        windowsChecked++;
      }
    });
    expect(windowsChecked).toBeGreaterThan(20);
  });
});

describe('a batch of 1M distinct keys', () => {
  /** Exact equality of big outputs without a deep-equality walk over a million tuples. */
  function expectSame(actual: Partitions[], expected: Partitions[]): void {
    expect(actual.map((b) => b.map((p) => p.length))).toEqual(expected.map((b) => b.map((p) => p.length)));
    actual.forEach((batch, b) =>
      batch.forEach((part, p) => {
        const other = expected[b]![p]!;
        const at = part.findIndex(([k, v], i) => k !== other[i]![0] || !Object.is(v, other[i]![1]));
        if (at >= 0) expect(part[at], `batch ${b} partition ${p} entry ${at}`).toStrictEqual(other[at]);
      }),
    );
  }

  it('counts identically on both cores, partition by partition', async () => {
    const keys = Array.from({ length: 1_000_000 }, (_, i) => 'k' + i.toString(36));
    const lines: string[] = [];
    for (let i = 0; i < keys.length; i += 10) lines.push(keys.slice(i, i + 10).join(' '));
    lines.push('k0 k1 k2', '', 'k0');
    const input: InputBatch[] = [{ lines, partitions: 3, plain: false }];
    const spec: Spec = { pre: 'none', tokenize: 'words', op: { kind: 'reduce', pairWith: 'one', reducer: 'sum' }, post: 'none' };
    const js = await run('js', 'local[2]', input, 1, [spec]);
    const wasm = await run('wasm', 'local[2]', input, 1, [spec]);
    expect(wasm.packed[0]).toEqual([true]);
    expect(js.outputs[0]![0]!.flat().length).toBe(1_000_000);
    expectSame(wasm.outputs[0]!, js.outputs[0]!);
    // A million keys through both cores: tens of seconds on a loaded 2-core host.
  }, 90_000);
});

describe('text cut into many pieces for the workers', () => {
  // Small pieces make every batch many pieces per worker: one table filled piece by piece per
  // segment, and on several threads segments split by work stealing (it happens here over a
  // hundred times per test). Results must not change.
  const REDUCE: [string, (b: TextBatch) => Batch<[string, number]>, (a: number, b: number) => number][] = [
    ['count', (b) => b.flatMap(words).map(pair(1)), sum],
    ['float sum', (b) => b.flatMap(words).map(pair(2.5)), sum],
    ['tiny float sum', (b) => b.flatMap(split(' ,')).map(pair(0.1)), sum],
    ['min', (b) => b.flatMap(words).map(pair(-3)), min],
    ['max', (b) => b.flatMap(words).map(pair(7.5)), max],
    ['fields count', (b) => b.flatMap((line) => line.split(' ')).map(pair(1)), sum],
    ['csv fields float sum', (b) => b.flatMap((line) => line.split(',')).map(pair(0.1)), sum],
  ];

  it('a batch of one piece is counted in the main thread, as the workers would count it', async () => {
    const js = new JsCore();
    const inPlace = new WasmCore(2);
    const pooled = new WasmCore(2, { pieceBytes: 256 });
    try {
      const rng = mulberry32(99);
      for (let round = 0; round < 6; round++) {
        const text = textBatch(randomLines(rng, 400), 1 + randomInt(rng, 3));
        const numPartitions = 1 + randomInt(rng, 4);
        for (const [name, pairs, f] of REDUCE) {
          const expected = (await js.reduceByKey(pairs(text), f, numPartitions)).glom().collect();
          const here = await inPlace.reduceByKey(pairs(text), f, numPartitions);
          expect(here, name).toBeInstanceOf(PackedBatch);
          expect(here.glom().collect(), `${name}, round ${round}`).toEqual(expected);
          expect((await pooled.reduceByKey(pairs(text), f, numPartitions)).glom().collect(), `${name}, round ${round}, pool`).toEqual(expected);
        }
      }
      // The small batches never reached a worker; cut into pieces of 256 bytes they all did.
      expect(inPlace.poolStats().tasksCompleted).toBe(0);
      expect(pooled.poolStats().tasksCompleted).toBeGreaterThan(0);
    } finally {
      await inPlace.close();
      await pooled.close();
      await js.close();
    }
  });

  // flushBytes 512: workers send their tables back every few pieces, so a segment arrives as many
  // partials (exact results only), merged in order on the main thread.
  it.each([
    [1, undefined],
    [2, undefined],
    [3, undefined],
    [1, 512],
    [2, 512],
    [3, 512],
  ])('gives the js core\'s batches partition by partition (%i threads, flushBytes %s)', async (threads, flushBytes) => {
    const js = new JsCore();
    const wasm = new WasmCore(threads, { pieceBytes: 256, ...(flushBytes ? { flushBytes } : {}) });
    try {
      const rng = mulberry32(7 + threads);
      for (let round = 0; round < 12; round++) {
        const text = textBatch(randomLines(rng, 400), 1 + randomInt(rng, 4));
        const numPartitions = 1 + randomInt(rng, 4);
        for (const [name, pairs, f] of REDUCE) {
          const fromJs = await js.reduceByKey(pairs(text), f, numPartitions);
          const expected = fromJs.glom().collect();
          const actual = await wasm.reduceByKey(pairs(text), f, numPartitions);
          expect(actual, name).toBeInstanceOf(PackedBatch);
          expect(actual.glom().collect(), `${name}, round ${round}`).toEqual(expected);
          const n = randomInt(rng, 40);
          expect(actual.take(n), `${name}, take(${n})`).toEqual(expected.flat().slice(0, n));
          expect(fromJs.take(n), `${name}, js take(${n})`).toEqual(expected.flat().slice(0, n));
        }
      }
    } finally {
      await wasm.close();
      await js.close();
    }
  });
});
