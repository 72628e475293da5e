// Aggregate functions beyond count/sum/avg/min/max. approx_count_distinct as a HyperLogLog sketch:
// the estimate is within Spark's relative standard deviation over many cardinalities and kinds of
// values, a group's state has a fixed size whatever its distinct values, partial sketches merge
// to the sketch of the whole, and the estimate survives a restart from the checkpoint (the sketch
// is kept in the state store). collect_list and collect_set across batches and a restart.
import { afterEach, describe, expect, it } from 'vitest';
import { functions as F, schemaOf, type Row } from '../src/index.js';
import { encodeJson } from '../src/sql/state/value-codec.js';
import { addToSketch, estimate, mergeSketches, newSketch, precisionFor } from '../src/sql/expressions/hyper-log-log.js';
import { CORES } from './support/harness.js';
import { cleanUp, session, StreamTest, tempDir } from './support/stream-test.js';

const { col, approx_count_distinct, count } = F;
afterEach(cleanUp);

/** The sketch's estimate of `n` distinct values made by `value`. */
function estimateOf(n: number, value: (i: number) => string | number | Date, p = 9): number {
  const s = newSketch(p);
  for (let i = 0; i < n; i++) addToSketch(s, value(i));
  return estimate(s);
}

describe('HyperLogLog sketch', () => {
  it("uses Spark's register count for a relative standard deviation", () => {
    expect(precisionFor(0.05)).toBe(9);
    expect(precisionFor(0.01)).toBe(14);
    expect(() => precisionFor(0.5)).toThrow(/at most 0.39/);
    expect(() => precisionFor(0)).toThrow(/above 0/);
  });

  it('is exact for tiny sets and within 3 standard deviations from 100 to 1M distinct values', () => {
    for (const n of [0, 1, 2, 5, 10]) expect(estimateOf(n, (i) => `v${i}`)).toBe(n);
    const kinds: [string, (i: number) => string | number | Date][] = [
      ['strings', (i) => `user-${i}`],
      ['integers', (i) => i],
      ['doubles', (i) => i / 7],
      ['timestamps', (i) => new Date(1_700_000_000_000 + i * 1000)],
    ];
    const errors: number[] = [];
    for (const [, value] of kinds) {
      for (const n of [100, 1000, 5000, 10_000, 100_000, 1_000_000]) {
        const error = Math.abs(estimateOf(n, value) - n) / n;
        errors.push(error);
        expect(error).toBeLessThan(3 * 0.05);
      }
    }
    // Over many trials the typical error is about the relative standard deviation, not far below (a broken hash) or above.
    const rms = Math.sqrt(errors.reduce((a, e) => a + e * e, 0) / errors.length);
    expect(rms).toBeLessThan(0.06);
    // A smaller rsd means more registers and a closer estimate.
    expect(Math.abs(estimateOf(200_000, (i) => `k${i}`, precisionFor(0.01)) - 200_000) / 200_000).toBeLessThan(0.03);
  });

  it('merging partial sketches gives the sketch of the union; repeats change nothing', () => {
    const [a, b, whole] = [newSketch(9), newSketch(9), newSketch(9)];
    for (let i = 0; i < 30_000; i++) {
      addToSketch(i % 3 === 0 ? a : b, `x${i}`);
      addToSketch(whole, `x${i}`);
      addToSketch(whole, `x${i >> 1}`);
    }
    expect([...mergeSketches(a, b)]).toEqual([...whole]);
  });
});

describe.each(CORES)('approx_count_distinct in a streaming aggregation (%s core)', (core) => {
  it('estimates per group across batches and a restart, with state of a fixed size', async () => {
    const flint = session(core);
    const input = flint.memoryStream('visits', schemaOf({ page: 'string', user: 'string' }));
    const df = flint.readStream.format('memory').option('name', 'visits').load();
    const agg = df.groupBy(col('page')).agg(approx_count_distinct(col('user')).as('users'), count('*').as('visits'));
    const ckpt = tempDir();
    const t = new StreamTest(flint, agg, 'complete', ckpt);
    await t.start();
    const visits = (page: string, from: number, to: number): Row[] => Array.from({ length: to - from }, (_, i) => ({ page, user: `u${from + i}` }));
    input.addData(...visits('home', 0, 20_000), ...visits('tiny', 0, 3), ...visits('home', 0, 5000));
    await t.query!.processAllAvailable();
    await t.stop();
    // A restart reads the sketches back from the state store and adds to them.
    await t.start();
    input.addData(...visits('home', 20_000, 40_000), ...visits('tiny', 2, 4));
    await t.query!.processAllAvailable();
    const rows = await t.all();
    const home = rows.find((r) => r[0] === 'home')!;
    expect(home[2]).toBe(45_000);
    expect(Math.abs((home[1] as number) - 40_000) / 40_000).toBeLessThan(0.15);
    expect(rows.find((r) => r[0] === 'tiny')).toEqual(['tiny', 4, 5]);
    // Each group's buffer is the 512 registers, not its distinct values.
    expect(encodeJson(newSketch(9)).length).toBeLessThan(800);
  });
});

describe.each(CORES)('collect_list and collect_set (%s core)', (core) => {
  it("gather a group's values in arrival order across batches and a restart, nulls skipped", async () => {
    const flint = session(core);
    const input = flint.memoryStream('tags', schemaOf({ user: 'string', tag: 'string' }));
    const df = flint.readStream.format('memory').option('name', 'tags').load();
    const agg = df.groupBy(col('user')).agg(F.collect_list(col('tag')).as('all'), F.collect_set('tag').as('distinct'));
    expect(agg.schema?.field('all')?.dataType).toEqual({ type: 'array', elementType: 'string' });
    const t = new StreamTest(flint, agg, 'update', tempDir());
    await t.start();
    input.addData({ user: 'ann', tag: 'a' }, { user: 'ann', tag: 'b' }, { user: 'ann', tag: 'a' }, { user: 'bo', tag: null as unknown as string });
    await t.checkNewAnswer(['ann', ['a', 'b', 'a'], ['a', 'b']], ['bo', [], []]);
    await t.stop();
    await t.start();
    input.addData({ user: 'ann', tag: 'c' }, { user: 'ann', tag: 'b' });
    await t.checkNewAnswer(['ann', ['a', 'b', 'a', 'c', 'b'], ['a', 'b', 'c']]);
  });
});

describe.each(CORES)('columns computed over aggregates (%s core)', (core) => {
  it('agg(max - min, sum / count, a grouping column in an expression) in complete mode, across a restart', async () => {
    const flint = session(core);
    const input = flint.memoryStream('readings', schemaOf({ sensor: 'string', v: 'long' }));
    const { max, min, sum, expr, upper } = F;
    const stats = input
      .toDF()
      .groupBy('sensor')
      .agg(max('v').minus(min('v')).as('spread'), expr('sum(v) / count(*) AS mean'), count('*'), upper(col('sensor')).as('loud'), sum('v'));
    expect(stats.schema?.fieldNames).toEqual(['sensor', 'spread', 'mean', 'count(1)', 'loud', 'sum(v)']);
    const t = new StreamTest(flint, stats, 'complete', tempDir());
    await t.start();
    input.addData({ sensor: 'a', v: 3 }, { sensor: 'b', v: 10 }, { sensor: 'a', v: 9 });
    await t.checkAnswer(['a', 6, 6, 2, 'A', 12], ['b', 0, 10, 1, 'B', 10]);
    await t.stop();
    await t.start();
    input.addData({ sensor: 'a', v: 0 });
    await t.checkAnswer(['a', 9, 4, 3, 'A', 12], ['b', 0, 10, 1, 'B', 10]);
  });

  it('a windowed expression of aggregates in append mode comes out once, when the watermark passes the window', async () => {
    const flint = session(core);
    const input = flint.memoryStream('events', schemaOf({ t: 'long', v: 'double' }));
    const df = input
      .toDF()
      .select(F.timestamp_seconds(col('t')).as('ts'), col('v'))
      .withWatermark('ts', '10 seconds')
      .groupBy(F.window(col('ts'), '10 seconds'))
      .agg(F.max('v').minus(F.min('v')).as('range'))
      .select(col('window').getField('start').cast('long'), col('range'));
    const t = new StreamTest(flint, df, 'append');
    await t.start();
    input.addData({ t: 1, v: 2 }, { t: 5, v: 7.5 }, { t: 12, v: 1 });
    await t.checkNewAnswer();
    input.addData({ t: 25, v: 0 }); // watermark 15: the window [0, 10) is final
    await t.checkNewAnswer([0, 5.5]);
  });

  it('select() of an expression over aggregates aggregates the whole table; a column outside an aggregate is refused', async () => {
    const flint = session(core);
    const df = flint.createDataFrame([{ k: 'x', v: 4 }, { k: 'y', v: 10 }]);
    expect(await df.select(F.max('v').minus(F.min('v')).as('spread')).collect()).toEqual([{ spread: 6 }]);
    expect(() => df.groupBy('k').agg(F.max('v').minus(col('v')))).toThrow(/reads column "v" outside an aggregate function; group by it, or aggregate it/);
    expect(await df.groupBy('k').agg(F.lit(1).as('one')).orderBy('k').collect()).toEqual([{ k: 'x', one: 1 }, { k: 'y', one: 1 }]);
  });
});
