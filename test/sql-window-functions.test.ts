// Window functions over static tables (Spark's Window / WindowSpec and WindowExec): ranking,
// ntile, lag / lead and aggregates over default and explicit frames, in the DataFrame API and in
// SQL (OVER); the latest-row-per-key pattern of foreachBatch; and Spark's refusal on streams.
import { afterEach, describe, expect, it } from 'vitest';
import { functions as F, schemaOf, Window, type DataFrame, type Row } from '../src/index.js';
import { CORES } from './support/harness.js';
import { cleanUp, session, tempDir } from './support/stream-test.js';

const { col } = F;
afterEach(cleanUp);

const ROWS: Row[] = [
  { k: 'a', t: 1, v: 10 },
  { k: 'a', t: 2, v: 20 },
  { k: 'a', t: 2, v: 30 },
  { k: 'a', t: 3, v: null },
  { k: 'b', t: 1, v: 5 },
  { k: 'b', t: 2, v: 7 },
];
const SCHEMA = schemaOf({ k: 'string', t: 'long', v: 'long' });

async function column(df: DataFrame, name: string): Promise<unknown[]> {
  return ((await df.collect()) as Row[]).map((r) => r[name]);
}

describe.each(CORES)('window functions (%s core)', (core) => {
  const table = () => session(core).createDataFrame(ROWS, SCHEMA);
  const w = Window.partitionBy('k').orderBy('t');

  it('row_number, rank, dense_rank, percent_rank, cume_dist, ntile over a partition in order, ties kept in input order', async () => {
    const df = table().select(
      col('k'),
      col('v'),
      F.row_number().over(w).as('rn'),
      F.rank().over(w).as('rk'),
      F.dense_rank().over(w).as('dr'),
      F.percent_rank().over(w).as('pr'),
      F.cume_dist().over(w).as('cd'),
      F.ntile(3).over(w).as('nt'),
    );
    expect(((await df.collect()) as Row[]).map((r) => [r.k, r.v, r.rn, r.rk, r.dr, r.pr, r.cd, r.nt])).toEqual([
      ['a', 10, 1, 1, 1, 0, 0.25, 1],
      ['a', 20, 2, 2, 2, 1 / 3, 0.75, 1],
      ['a', 30, 3, 2, 2, 1 / 3, 0.75, 2],
      ['a', null, 4, 4, 3, 1, 1, 3],
      ['b', 5, 1, 1, 1, 0, 0.5, 1],
      ['b', 7, 2, 2, 2, 1, 1, 2],
    ]);
  });

  it('lag and lead with offsets and defaults', async () => {
    const df = table().select(F.lag('v').over(w).as('prev'), F.lead('v').over(w).as('next'), F.lag('v', 1, 0).over(w).as('prev0'), F.lead('v', 2).over(w).as('next2'));
    expect(((await df.collect()) as Row[]).map((r) => [r.prev, r.next, r.prev0, r.next2])).toEqual([
      [null, 20, 0, 30],
      [10, 30, 10, null],
      [20, null, 20, null],
      [30, null, 30, null],
      [null, 7, 0, null],
      [5, null, 5, null],
    ]);
  });

  it('aggregates: to the current row and its peers when ordered, the whole partition without order, row frames', async () => {
    const df = table().select(
      F.sum('v').over(w).as('running'),
      F.sum('v').over(Window.partitionBy('k')).as('total'),
      F.sum('v').over(w.rowsBetween(-1, Window.currentRow)).as('pair'),
      F.count('v').over(w.rowsBetween(Window.unboundedPreceding, Window.currentRow)).as('seen'),
      F.max('v').over(w.rangeBetween(Window.currentRow, Window.unboundedFollowing)).as('maxAhead'),
    );
    expect(((await df.collect()) as Row[]).map((r) => [r.running, r.total, r.pair, r.seen, r.maxAhead])).toEqual([
      [10, 60, 10, 1, 30],
      [60, 60, 30, 2, 30],
      [60, 60, 50, 3, 30],
      [60, 60, 30, 3, null],
      [5, 12, 5, 1, 7],
      [12, 12, 12, 2, 7],
    ]);
  });

  it("names a window column as Spark does, default frame included", () => {
    const df = table();
    expect(df.select(F.row_number().over(w)).columns).toEqual(['row_number() OVER (PARTITION BY k ORDER BY t ASC NULLS FIRST ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)']);
    expect(df.select(F.sum('v').over(Window.partitionBy('k'))).columns).toEqual(['sum(v) OVER (PARTITION BY k ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)']);
    expect(() => F.row_number().over(Window.partitionBy('k'))).toThrow(/Window function row_number\(\) requires window to be ordered, please add ORDER BY clause/);
  });

  it('in SQL: OVER (PARTITION BY ... ORDER BY ... DESC), the latest row per key; a frame', async () => {
    const flint = session(core);
    flint.createDataFrame(ROWS, SCHEMA).createOrReplaceTempView('events');
    const latest = flint.sql('SELECT k, v FROM (SELECT k, v, row_number() OVER (PARTITION BY k ORDER BY t DESC, v DESC) AS rn FROM events) WHERE rn = 1 ORDER BY k');
    expect(((await latest.collect()) as Row[]).map((r) => [r.k, r.v])).toEqual([['a', null], ['b', 7]]);
    const moving = flint.sql('SELECT k, t, avg(v) OVER (PARTITION BY k ORDER BY t ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING) AS m FROM events');
    expect(await column(moving, 'm')).toEqual([15, 20, 25, 30, 6, 6]);
  });

  it('runs on the micro-batch DataFrame of foreachBatch; a stream itself is refused as Spark refuses it', async () => {
    const flint = session(core);
    const input = flint.memoryStream('updates', SCHEMA);
    const latestPerKey = Window.partitionBy('k').orderBy(col('t').desc());
    const seen: unknown[][] = [];
    const query = await input
      .toDF()
      .writeStream.option('checkpointLocation', tempDir())
      .foreachBatch(async (batch: DataFrame) => {
        const rows = (await batch.withColumn('rn', F.row_number().over(latestPerKey)).filter(col('rn').equalTo(1)).orderBy('k').collect()) as Row[];
        seen.push(rows.map((r) => [r.k, r.t]));
      })
      .start();
    input.addData(...ROWS);
    await query.processAllAvailable();
    await query.stop();
    expect(seen).toEqual([[['a', 3], ['b', 2]]]);
    const stream = input.toDF().withColumn('rn', F.row_number().over(latestPerKey));
    await expect(stream.writeStream.format('memory').queryName('refused').option('checkpointLocation', tempDir()).start()).rejects.toThrow(/Non-time-based windows are not supported on streaming DataFrames\/Datasets/);
  });
});
