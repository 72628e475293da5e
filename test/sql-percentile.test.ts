// percentile_approx (Spark's ApproximatePercentile over its QuantileSummaries): the cases of Spark's
// ApproximatePercentileQuerySuite and function docs with their exact answers, the rank error bound
// on a large random column merged across partitions, timestamps, nulls and empty groups, and a
// per-window percentile on a stream whose sketches survive a restart from the checkpoint.
import { afterEach, describe, expect, it } from 'vitest';
import { functions as F, schemaOf, type Row, type Value } from '../src/index.js';
import { CORES } from './support/harness.js';
import { cleanUp, session, StreamTest, tempDir } from './support/stream-test.js';

const { col, percentile_approx, window } = F;
afterEach(cleanUp);

const numbers = (flint: ReturnType<typeof session>, values: readonly (number | null)[], name = 'tab') => {
  const df = flint.createDataFrame(values.map((v) => ({ col: v })), schemaOf({ col: 'long' }));
  df.createOrReplaceTempView(name);
  return df;
};
const first = async (df: { collect(): Promise<unknown[]> }): Promise<Value[]> => Object.values(((await df.collect()) as Row[])[0]!);
const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe.each(CORES)('percentile_approx (%s core)', (core) => {
  it("Spark's docs: array(0.5, 0.4, 0.1) of (0), (1), (2), (10); 0.5 of (0), (6), (7), (9), (10)", async () => {
    const flint = session(core);
    numbers(flint, [0, 1, 2, 10]);
    expect(await first(flint.sql('SELECT percentile_approx(col, array(0.5, 0.4, 0.1), 100) FROM tab'))).toEqual([[1, 1, 0]]);
    numbers(flint, [0, 6, 7, 9, 10]);
    expect(await first(flint.sql('SELECT percentile_approx(col, 0.5, 100) FROM tab'))).toEqual([7]);
  });

  it('ApproximatePercentileQuerySuite: single percentile values and an array over 1 to 1000', async () => {
    const flint = session(core);
    numbers(flint, range(1, 1000));
    // Aliased: Flint's rows are objects, so percentile_approx(col, 0.0) and (col, 0) cannot share the name Flint gives both.
    const out = flint.sql(`SELECT percentile_approx(col, 0.25), percentile_approx(col, 0.5), percentile_approx(col, 0.75d),
      percentile_approx(col, 0.0) a, percentile_approx(col, 1.0) b, percentile_approx(col, 0) c, percentile_approx(col, 1) d FROM tab`);
    expect(await first(out)).toEqual([250, 500, 750, 1, 1000, 1, 1000]);
    expect(out.columns[0]).toBe('percentile_approx(col, 0.25, 10000)');
    expect(await first(flint.sql('SELECT percentile_approx(col, array(0.25, 0.5, 0.75D)) FROM tab'))).toEqual([[250, 500, 750]]);
  });

  it('ApproximatePercentileQuerySuite: the first element satisfies small percentages', async () => {
    const flint = session(core);
    numbers(flint, range(1, 10));
    expect(await first(flint.sql('SELECT percentile_approx(col, array(0.01, 0.1, 0.11)) FROM tab'))).toEqual([[1, 1, 2]]);
  });

  it('ApproximatePercentileQuerySuite: with different accuracies the error is within tableCount / accuracy', async () => {
    const flint = session(core);
    numbers(flint, range(1, 1000));
    for (const accuracy of [1, 10, 100, 1000, 10000]) {
      for (const expected of [100, 200, 250, 314, 777]) {
        const [got] = await first(flint.sql(`SELECT percentile_approx(col, ${expected}.0/1000, ${accuracy}) FROM tab`));
        expect(Math.abs((got as number) - expected)).toBeLessThanOrEqual(Math.floor(1000 / accuracy));
      }
    }
  });

  it('a large random column across partitions: each estimate within the rank error bound', async () => {
    const flint = session(core);
    let seed = 7;
    const random = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed);
    const values = Array.from({ length: 120_000 }, random);
    const df = numbers(flint, values);
    const sortedValues = [...values].sort((a, b) => a - b);
    const percentages = [0.001, 0.25, 0.5, 0.9, 0.99, 0.999];
    const [estimates] = await first(df.groupBy().agg(percentile_approx('col', percentages, 1000)));
    const n = values.length;
    percentages.forEach((p, i) => {
      const rank = sortedValues.indexOf((estimates as number[])[i]!) + 1;
      expect(rank).toBeGreaterThan(0);
      // GK's bound, doubled for the merge of partial sketches: |rank - p n| <= 2 n / accuracy.
      expect(Math.abs(rank - Math.ceil(p * n))).toBeLessThanOrEqual((2 * n) / 1000);
    });
  });

  it('nulls are skipped, an empty or all-null group is null, timestamps come back as timestamps', async () => {
    const flint = session(core);
    numbers(flint, [null, 3, null, 1, 2]);
    expect(await first(flint.sql('SELECT percentile_approx(col, 0.5) FROM tab'))).toEqual([2]);
    numbers(flint, [null, null]);
    expect(await first(flint.sql('SELECT percentile_approx(col, 0.5) FROM tab'))).toEqual([null]);
    const times = flint.createDataFrame([3, 1, 2].map((s) => ({ t: new Date(s * 1000) })), schemaOf({ t: 'timestamp' }));
    expect(await first(times.agg(percentile_approx('t', 0.5)))).toEqual([new Date(2000)]);
  });

  it('bad arguments name the problem', () => {
    const flint = session(core);
    numbers(flint, [1]);
    expect(() => percentile_approx('col', 1.5)).toThrow(/percentage must be between 0.0 and 1.0/);
    expect(() => percentile_approx('col', 0.5, 0)).toThrow(/accuracy must be a positive whole number/);
    expect(() => flint.sql('SELECT percentile_approx(col, col) FROM tab')).toThrow(/argument 2 must be a constant/);
    flint.createDataFrame([{ s: 'a' }]).createOrReplaceTempView('strings');
    expect(() => flint.sql('SELECT percentile_approx(s, 0.5) FROM strings')).toThrow(/the column must be numeric or a timestamp, it is string/);
  });

  it('per window on a stream, in update mode, with the sketches restored after a restart', async () => {
    const flint = session(core);
    const input = flint.memoryStream('latencies', schemaOf({ time: 'timestamp', ms: 'long' }));
    const p = input.toDF()
      .groupBy(window(col('time'), '10 seconds'))
      .agg(percentile_approx('ms', [0.5, 0.9]).as('p'), F.count('*').as('n'));
    const t = new StreamTest(flint, p, 'update', tempDir('flint-sql-pct-'));
    const at = (s: number, ms: number) => ({ time: new Date(s * 1000), ms });
    const rows = async () => ((await flint.table(t.name).collect()) as Row[]).map((r) => [(r.window as Row).start, r.p, r.n]);
    await t.start();
    input.addData(...range(1, 50).map((ms) => at(1, ms)));
    await t.query!.processAllAvailable();
    expect(await rows()).toEqual([[new Date(0), [25, 45], 50]]);
    await t.stop();
    // A new memory sink after the restart: it holds the rows written since, over the restored sketches.
    await t.start();
    input.addData(...range(51, 100).map((ms) => at(2, ms)), at(12, 7));
    await t.query!.processAllAvailable();
    expect(await rows()).toEqual([
      [new Date(0), [50, 90], 100],
      [new Date(10_000), [7, 7], 1],
    ]);
  });
});
