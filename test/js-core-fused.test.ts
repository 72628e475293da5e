// The js core's fast paths against its own plain code: the fused word count against reduceByKey
// over the materialized pairs, and the resident sum window against the window recomputed from
// the previous one by cogroup (the js core with its resident window taken away). Both must give
// the same batches partition by partition, bit for bit.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Batch } from '../src/batch/batch.js';
import { reduceByKeyPartitions } from '../src/batch/shuffle.js';
import { TextBatch } from '../src/batch/text-batch.js';
import { JsCore } from '../src/core/js/js-core.js';
import { ManualClock, StreamingContext, max, min, pair, split, subtract, sum, words } from '../src/index.js';
import { LONG_KEYS, mulberry32, pick, randomInt, randomLines, textBatch, type Rng } from './support/random-text.js';

const TOKENIZERS: [string, (line: string) => string[]][] = [
  ['words', words],
  ['split(" ,")', split(' ,')],
  ['split(",;")', split(',;')],
  ["line.split(' ')", (line) => line.split(' ')],
  ["line.split(',')", (line) => line.split(',')],
  ["line.split('\\t')", (line) => line.split('\t')],
  ["line.split('\\n')", (line) => line.split('\n')],
];
const REDUCERS: [string, (a: number, b: number) => number][] = [
  ['sum', sum],
  ['spelled sum', (a, b) => a + b],
  ['min', min],
  ['max', max],
];
const VALUES = [1, -3, 2.5, 0.1, -0, 1e300, NaN, Infinity, 123456789012345];
const SEPARATORS = [' ', '  ', '\t', ',', ',,', ' , ', ';', '\v', '\f', '\r', ' \t '];

function randomText(rng: Rng): TextBatch {
  const lines = randomLines(rng, 60, { separators: SEPARATORS, longKeyChance: 0.02, emptyLineChance: 0.15 });
  return textBatch(lines, 1 + randomInt(rng, 4));
}

describe('the js core counts tokens of text in one pass', () => {
  it('as reduceByKey over the materialized pairs would, partition by partition, bit for bit', async () => {
    const core = new JsCore();
    const rng = mulberry32(2024);
    let checked = 0;
    for (let round = 0; round < 40; round++) {
      const text = randomText(rng);
      const n = 1 + randomInt(rng, 5);
      const value = pick(rng, VALUES);
      for (const [tokenizer, splitLine] of TOKENIZERS) {
        for (const [reducer, f] of REDUCERS) {
          const pairs = text.flatMap(splitLine).map(pair(value));
          const expected = reduceByKeyPartitions(pairs.partitions, f, n);
          const actual = await core.reduceByKey(pairs, f, n);
          expect(actual.hashPartitions).toBe(n);
          expect(actual.partitions, `${tokenizer}, ${reducer}, value ${value}, round ${round}`).toStrictEqual(expected);
          checked += expected.flat().length;
        }
      }
    }
    expect(checked).toBeGreaterThan(10_000);
  });

  it('counts the pairs of Spark spellings and countByValue the same way', async () => {
    const core = new JsCore();
    const text = textBatch(['a,b,,a', '', ',', 'é,😀,é'], 2);
    const pairs = text.flatMap((line) => line.split(',')).map((w) => [w, 1] as [string, number]);
    expect((await core.reduceByKey(pairs, (a, b) => a + b, 2)).partitions).toStrictEqual(reduceByKeyPartitions(pairs.partitions, sum, 2));
  });

  it('ignores text after the last line end, as decoding does', async () => {
    const core = new JsCore();
    const text = new TextBatch([[{ bytes: Buffer.from('a b\nc a'), lines: 1 }], [{ bytes: Buffer.from('x'), lines: 0 }]]);
    for (const [, splitLine] of TOKENIZERS) {
      const pairs = text.flatMap(splitLine).map(pair(1));
      expect((await core.reduceByKey(pairs, sum, 2)).partitions).toStrictEqual(reduceByKeyPartitions(pairs.partitions, sum, 2));
    }
  });

  it('keeps keys of 10 KB and a million distinct keys apart', async () => {
    const core = new JsCore();
    const keys = Array.from({ length: 200_000 }, (_, i) => 'k' + i.toString(36));
    const lines = [...LONG_KEYS, ...keys.map((k, i) => `${k} ${keys[(i * 7) % keys.length]}`)];
    const pairs = textBatch(lines, 3).flatMap(words).map(pair(1));
    const actual = await core.reduceByKey(pairs, sum, 4);
    expect(actual.partitions).toStrictEqual(reduceByKeyPartitions(pairs.partitions, sum, 4));
  });
});

describe('the js core keeps sum windows resident', () => {
  /** Per-batch values of both signs and fractions, so float sums and keys back at 0 both occur. */
  const VALUE_OF = [1, -1, 0.1, 2, -2.5, 0.3, 1, -0.7];
  const WINDOWS: [number, number][] = [[1, 1], [2, 1], [3, 1], [4, 2], [6, 3], [5, 5], [10, 1]];

  /** Each window's glom() per batch on the js core, with or without its resident window. */
  async function run(resident: boolean, input: (string[] | Batch<string>)[], spelled: boolean, [w, s]: [number, number]) {
    const clock = new ManualClock(0);
    const ssc = new StreamingContext({ batchInterval: 1000, master: 'local[3]', core: 'js', clock });
    if (!resident) (ssc.core as { createSumWindow?: unknown }).createSumWindow = undefined;
    const dir = mkdtempSync(join(tmpdir(), 'flint-js-window-'));
    ssc.checkpoint(dir);
    const pairs = ssc
      .queueStream([...input])
      .flatMap(words)
      .transform((b, time) => b.map(pair(VALUE_OF[(time / 1000) % VALUE_OF.length]!)));
    const windowed = spelled
      ? pairs.reduceByKeyAndWindow((a, b) => a + b, (a, b) => a - b, w * 1000, s * 1000)
      : pairs.reduceByKeyAndWindow(sum, subtract, w * 1000, s * 1000);
    const out: [string, number][][][] = [];
    windowed.foreachRDD((b) => void out.push(b.partitions.map((p) => [...p])));
    try {
      await ssc.start();
      await clock.advance(40 * 1000);
    } finally {
      await ssc.stop();
      rmSync(dir, { recursive: true, force: true });
    }
    return out;
  }

  it.each(WINDOWS)('equals the window computed from the previous one by cogroup (%i / %i)', async (w, s) => {
    const rng = mulberry32(w * 100 + s);
    const input = Array.from({ length: 34 }, (_, i) => {
      const lines = (i >= 12 && i < 22) || rng() < 0.1 ? [] : randomLines(rng, 10, { maxWords: 5 });
      // Some batches are plain arrays: the window falls back, then takes over again.
      return rng() < 0.2 ? lines : textBatch(lines, 1 + randomInt(rng, 3));
    });
    for (const spelled of [false, true]) {
      const expected = await run(false, input, spelled, [w, s]);
      expect(await run(true, input, spelled, [w, s]), spelled ? 'spelled' : 'tagged').toStrictEqual(expected);
      expect(expected.flat(2).length).toBeGreaterThan(50);
    }
  });
});
