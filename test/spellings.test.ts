// Spark's spellings of the building blocks: which functions the cores may run as `sum`,
// `subtract`, `pair(v)` and JS's `line.split(sep)`, and (more important) which they must not.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CoreName } from '../src/core/core.js';
import { PackedBatch } from '../src/core/wasm/packed-tables.js';
import { kernelFormOf } from '../src/functions/spellings.js';
import { type DStream, ManualClock, max, pair, StreamingContext, subtract, sum, words } from '../src/index.js';
import { textBatch } from './support/random-text.js';

/** A function with exactly this source, as a program (or its compiled output) would define it. */
// eslint-disable-next-line @typescript-eslint/no-implied-eval
const fn = (source: string): unknown => new Function(`return (\n${source}\n);`)();

describe('kernelFormOf', () => {
  it("returns Flint's own tags unchanged", () => {
    expect(kernelFormOf(sum)).toEqual({ kind: 'sum', param: undefined });
    expect(kernelFormOf(subtract)?.kind).toBe('subtract');
    expect(kernelFormOf(max)?.kind).toBe('max');
    expect(kernelFormOf(pair(3))).toEqual({ kind: 'pair', param: 3 });
    expect(kernelFormOf(words)?.kind).toBe('split');
  });

  it.each([
    '(a, b) => a + b',
    '(a,b)=>a+b',
    '(x, y) => y + x',
    '(acc, v) => (acc + v)',
    '(a, b) => ((a + b))',
    '(a, b) => { return a + b; }',
    '(a, b) => {return(a+b)}',
    'function (a, b) { return a + b; }',
    'function add(a, b) {\n  return a + b\n}',
    '($1, _b) => $1 + _b',
  ])('recognises %j as sum', (source) => {
    expect(kernelFormOf(fn(source))).toEqual({ kind: 'sum' });
  });

  it.each(['(a, b) => a - b', '(x, y) => { return x - y; }', 'function (a, b) { return a - b; }'])('recognises %j as subtract', (source) => {
    expect(kernelFormOf(fn(source))).toEqual({ kind: 'subtract' });
  });

  it.each([
    ['(w) => [w, 1]', 1],
    ['w => [w, 1]', 1],
    ['(word) => ([word, 2.5])', 2.5],
    ['w => [w, -3]', -3],
    ['w => [w, 1e3]', 1000],
    ['w => [w, .5]', 0.5],
    ['w => [w, 1_000]', 1000],
    ['function (w) { return [w, 7]; }', 7],
  ])('recognises %j as pair(%d)', (source, value) => {
    expect(kernelFormOf(fn(source))).toEqual({ kind: 'pair', param: value });
  });

  it.each([
    ['(line) => line.split(" ")', ' '],
    ["l => l.split(' ')", ' '],
    ['l=>l.split(",")', ','],
    ['(s) => s.split(`;`)', ';'],
    ["(s) => s.split('\\t')", '\t'],
    ["(s) => s.split('\\\\')", '\\'],
    ['(s) => s.split("\'")', "'"],
    ["(line) => (line.split(' '))", ' '],
    ["(line) => line . split ( ' ' )", ' '],
    ["function (line) { return line.split(' '); }", ' '],
  ])('recognises %j as JS split into fields on %j', (source, separator) => {
    expect(kernelFormOf(fn(source))).toEqual({ kind: 'fields', param: separator });
  });

  it.each([
    // Not the building block's computation.
    '(a, b) => b - a',
    '(a, b) => a * b',
    '(a, b) => a + b + 1',
    '(a, a2) => a + a',
    '(a, b) => a + c',
    '(a, b, c) => a + b',
    '(a) => a + a',
    '(a, b) => { const s = a + b; return s; }',
    '(a, b) => Math.max(a, b)',
    '(w) => [w, 1, 2]',
    '(w) => [1, w]',
    '(w) => [v, 1]',
    "(w) => [w, '1']",
    '(w) => [w, 1n]',
    '(w) => [w, 0x10]',
    '(w) => [w, Infinity]',
    '(w) => [w.toLowerCase(), 1]',
    '(w) => { [w, 1] }',
    "(l) => l.split(' ', 2)",
    "(l) => l.split('  ')",
    "(l) => l.split('')",
    "(l) => l.split('é')",
    "(l) => l.split('\\u0020')",
    '(l) => l.split(/ /)',
    '(l) => l.split(sep)',
    "(l) => m.split(' ')",
    "(l) => l.trim().split(' ')",
    "(l) => l.split(' ').filter(Boolean)",
    "(l) => l.split(' ' + '')",
    "(l, m) => l.split(' ')",
    // Not a plain function of its parameters.
    'async (a, b) => a + b',
    'async function (a, b) { return a + b; }',
    'function* (a, b) { return a + b; }',
    '(a, b = 1) => a + b',
    '(...a) => a + a',
    '([a, b]) => a + b',
    // A comment could hide anything; such functions are left alone.
    '(a, b) => a + // adds\n b',
    '(a, b) => /* sum */ a + b',
  ])('does not recognise %j', (source) => {
    expect(kernelFormOf(fn(source))).toBeUndefined();
  });

  it('does not look through bound functions, proxies or a toString override', () => {
    const add = (a: number, b: number) => a + b;
    expect(kernelFormOf(add.bind(null))).toBeUndefined();
    expect(kernelFormOf(new Proxy(add, {}))).toBeUndefined();
    const disguised = Object.assign((a: number, b: number) => a * b, { toString: () => '(a, b) => a + b' });
    expect(kernelFormOf(disguised)).toBeUndefined();
    expect(kernelFormOf('(a, b) => a + b')).toBeUndefined();
    expect(kernelFormOf(undefined)).toBeUndefined();
  });

  it('recognises the same function object once and remembers the answer', () => {
    const add = fn('(a, b) => a + b') as object;
    expect(kernelFormOf(add)).toBe(kernelFormOf(add));
  });
});

describe.each<CoreName>(['js', 'wasm'])("a program in Spark's spellings (%s core)", (core) => {
  /** Each batch's sorted pairs, and whether the wasm core produced it from kernels. */
  async function run(build: (lines: DStream<string>) => DStream<[string, number]>, input: string[][]) {
    const clock = new ManualClock(0);
    const ssc = new StreamingContext({ batchInterval: 1000, master: 'local[2]', core, clock });
    const dir = mkdtempSync(join(tmpdir(), 'flint-spellings-'));
    ssc.checkpoint(dir);
    const out: { pairs: [string, number][]; packed: boolean }[] = [];
    build(ssc.queueStream(input.map((lines) => textBatch(lines, 2)))).foreachRDD((b) => {
      out.push({ pairs: b.collect().sort(([a], [b]) => a.localeCompare(b)), packed: b instanceof PackedBatch });
    });
    try {
      await ssc.start();
      await clock.advance(input.length * 1000);
    } finally {
      await ssc.stop();
      rmSync(dir, { recursive: true, force: true });
    }
    return out;
  }
  const input = [['a b a'], ['a'], [], []];

  it('counts words per batch, in kernels on the wasm core', async () => {
    const out = await run((lines) => lines.flatMap(words).map((w) => [w, 1] as [string, number]).reduceByKey((x, y) => x + y), input);
    expect(out.map((b) => b.pairs)).toStrictEqual([[['a', 2], ['b', 1]], [['a', 1]], [], []]);
    expect(out.every((b) => b.packed)).toBe(core === 'wasm');
  });

  it("keeps keys back at 0 in an inverse window, as Spark does (Flint's tags drop them)", async () => {
    const spelled = await run(
      (lines) => lines.flatMap(words).map((w) => [w, 1] as [string, number]).reduceByKeyAndWindow((x, y) => x + y, (x, y) => x - y, 2000, 1000),
      input,
    );
    expect(spelled.map((b) => b.pairs)).toStrictEqual([[['a', 2], ['b', 1]], [['a', 3], ['b', 1]], [['a', 1], ['b', 0]], [['a', 0], ['b', 0]]]);
    expect(spelled.every((b) => b.packed)).toBe(core === 'wasm');
    const tagged = await run((lines) => lines.flatMap(words).map(pair(1)).reduceByKeyAndWindow(sum, subtract, 2000, 1000), input);
    expect(tagged.map((b) => b.pairs)).toStrictEqual([[['a', 2], ['b', 1]], [['a', 3], ['b', 1]], [['a', 1]], []]);
  });

  it("runs Spark's NetworkWordCount as written, empty fields included, in kernels on the wasm core", async () => {
    const out = await run(
      (lines) => lines.flatMap((line) => line.split(' ')).map((w) => [w, 1] as [string, number]).reduceByKey((x, y) => x + y),
      // ' a  b' splits into '', 'a', '', 'b'; the empty line into ''; 'b\tc ' into 'b\tc', ''.
      [[' a  b', '', 'b\tc '], ['日本 語 日本']],
    );
    expect(out.map((b) => b.pairs)).toStrictEqual([
      [['', 4], ['a', 1], ['b', 1], ['b\tc', 1]],
      [['日本', 2], ['語', 1]],
    ]);
    expect(out.every((b) => b.packed)).toBe(core === 'wasm');
  });
});
