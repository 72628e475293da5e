// DataFrame methods Spark programs use that map onto projections and filters: df.na (fill, drop,
// replace; PySpark's fillna, dropna), unionByName, unionAll, withColumns, dtypes and transform, on
// static tables and on streams, with Spark's rules (NaN is missing in double columns, a fill value
// only fills columns of its kind, cast to the column's type).
import { afterEach, describe, expect, it } from 'vitest';
import { functions as F, schemaOf, type DataFrame, type Row } from '../src/index.js';
import { CORES } from './support/harness.js';
import { cleanUp, session, sorted, StreamTest, tuple } from './support/stream-test.js';

const { col, lit } = F;
afterEach(cleanUp);

const SCHEMA = schemaOf({ id: 'long', n: 'long', x: 'double', s: 'string', b: 'boolean' });
const ROWS: Row[] = [
  { id: 1, n: null, x: NaN, s: null, b: null },
  { id: 2, n: 5, x: null, s: 'a', b: true },
  { id: 3, n: null, x: null, s: null, b: null },
];
const tuples = async (df: DataFrame) => ((await df.orderBy('id').collect()) as Row[]).map(tuple);

describe.each(CORES)('df.na and friends on static tables (%s core)', (core) => {
  const table = () => session(core).createDataFrame(ROWS, SCHEMA);

  it('na.fill: a number fills long and double columns (NaN too), cast to the column type; text and booleans fill their own', async () => {
    expect(await tuples(table().na.fill(7.9))).toEqual([[1, 7, 7.9, null, null], [2, 5, 7.9, 'a', true], [3, 7, 7.9, null, null]]);
    expect(await tuples(table().na.fill('z'))).toEqual([[1, null, NaN, 'z', null], [2, 5, null, 'a', true], [3, null, null, 'z', null]]);
    expect(await tuples(table().na.fill(false))).toEqual([[1, null, NaN, null, false], [2, 5, null, 'a', true], [3, null, null, null, false]]);
    expect(await tuples(table().na.fill(0, ['x', 's']))).toEqual([[1, null, 0, null, null], [2, 5, 0, 'a', true], [3, null, 0, null, null]]);
    expect(await tuples(table().fillna({ n: -1, s: '?' }))).toEqual([[1, -1, NaN, '?', null], [2, 5, null, 'a', true], [3, -1, null, '?', null]]);
    expect(table().na.fill(1).columns).toEqual(['id', 'n', 'x', 's', 'b']);
    expect(() => table().na.fill({ s: 1 })).toThrow(/na.fill: column "s" is string; a number cannot fill it/);
    expect(() => table().na.fill(0, ['nope'])).toThrow(/cannot resolve column "nope"/);
  });

  it('na.drop: any (the default), all, a minimum of present values, a subset; NaN is missing', async () => {
    expect((await tuples(table().na.drop())).map(([id]) => id)).toEqual([]);
    expect((await tuples(table().na.drop('any', ['n']))).map(([id]) => id)).toEqual([2]);
    expect((await tuples(table().na.drop('all', ['n', 'x', 's']))).map(([id]) => id)).toEqual([2]);
    expect((await tuples(table().na.drop(2))).map(([id]) => id)).toEqual([2]);
    expect((await tuples(table().dropna('any', 1, ['x', 's']))).map(([id]) => id)).toEqual([2]);
    expect((await tuples(table().dropna('all', undefined, ['x']))).map(([id]) => id)).toEqual([]);
  });

  it('na.replace: strings in named columns or all string columns; numbers through a Map', async () => {
    expect(await tuples(table().na.replace('*', { a: 'A' }))).toEqual([[1, null, NaN, null, null], [2, 5, null, 'A', true], [3, null, null, null, null]]);
    expect(await tuples(table().na.replace(['n', 'id'], new Map([[5, 50], [3, 30]])))).toEqual([[1, null, NaN, null, null], [2, 50, null, 'a', true], [30, null, null, null, null]].sort((a, b) => (a[0] as number) - (b[0] as number)));
    expect(() => table().na.replace('*', new Map<unknown, unknown>([[1, 2], ['a', 'b']]) as Map<number, number>)).toThrow(/keys must be all numbers, all strings or all booleans/);
  });

  it('unionByName matches columns by name; a missing one fails unless allowMissingColumns', async () => {
    const flint = session(core);
    const a = flint.createDataFrame([{ k: 'x', v: 1 }], schemaOf({ k: 'string', v: 'long' }));
    const b = flint.createDataFrame([{ v: 2, k: 'y' }], schemaOf({ v: 'long', k: 'string' }));
    const c = flint.createDataFrame([{ k: 'z', w: true }], schemaOf({ k: 'string', w: 'boolean' }));
    expect(sorted(((await a.unionByName(b).collect()) as Row[]).map(tuple))).toEqual([['x', 1], ['y', 2]]);
    expect(sorted(((await a.unionAll(a).collect()) as Row[]).map(tuple))).toEqual([['x', 1], ['x', 1]]);
    expect(() => a.unionByName(c)).toThrow(/unionByName: cannot resolve column name "v" among \(k, w\); pass allowMissingColumns = true/);
    const both = a.unionByName(c, true);
    expect(both.columns).toEqual(['k', 'v', 'w']);
    expect(sorted(((await both.collect()) as Row[]).map(tuple))).toEqual([['x', 1, null], ['z', null, true]]);
  });

  it('intersect, intersectAll, except, exceptAll (nulls equal), crossJoin; and in SQL: INTERSECT, EXCEPT, MINUS', async () => {
    const flint = session(core);
    const schema = schemaOf({ k: 'string', v: 'long' });
    const a = flint.createDataFrame([{ k: 'x', v: 1 }, { k: 'x', v: 1 }, { k: 'y', v: null }, { k: 'z', v: 3 }], schema);
    const b = flint.createDataFrame([{ k: 'x', v: 1 }, { k: 'y', v: null }, { k: 'w', v: 9 }], schema);
    const rows = async (df: DataFrame) => sorted(((await df.collect()) as Row[]).map(tuple));
    expect(await rows(a.intersect(b))).toEqual(sorted([['x', 1], ['y', null]]));
    expect(await rows(a.intersectAll(b))).toEqual(sorted([['x', 1], ['y', null]]));
    expect(await rows(a.except(b))).toEqual([['z', 3]]);
    expect(await rows(a.exceptAll(b))).toEqual(sorted([['x', 1], ['z', 3]]));
    const c = flint.createDataFrame([{ n: 1 }, { n: 2 }], schemaOf({ n: 'long' }));
    expect(await rows(b.select('k').crossJoin(c))).toEqual(sorted([['x', 1], ['x', 2], ['y', 1], ['y', 2], ['w', 1], ['w', 2]]));
    a.createOrReplaceTempView('a');
    b.createOrReplaceTempView('b');
    expect(await rows(flint.sql('SELECT k FROM a INTERSECT SELECT k FROM b'))).toEqual([['x'], ['y']]);
    expect(await rows(flint.sql('SELECT k, v FROM a EXCEPT ALL SELECT k, v FROM b'))).toEqual(sorted([['x', 1], ['z', 3]]));
    expect(await rows(flint.sql('SELECT k FROM a MINUS SELECT k FROM b'))).toEqual([['z']]);
    const stream = flint.memoryStream('s', schema).toDF();
    expect(() => stream.intersect(b)).toThrow(/Intersect between two streaming DataFrames\/Datasets or on a stream is not supported/);
  });

  it('withColumns computes every column from the input; dtypes; transform', async () => {
    const flint = session(core);
    const df = flint.createDataFrame([{ a: 1, b: 10 }], schemaOf({ a: 'long', b: 'long' }));
    const out = df.withColumns({ a: col('a').plus(100), c: col('a').multiply(2) });
    expect(out.columns).toEqual(['a', 'b', 'c']);
    // c is 2 * the original a (1), not of the replaced a (101): Spark's withColumns.
    expect(((await out.collect()) as Row[]).map(tuple)).toEqual([[101, 10, 2]]);
    expect(out.dtypes).toEqual([['a', 'bigint'], ['b', 'bigint'], ['c', 'bigint']]);
    const withTotal = (d: DataFrame) => d.withColumn('total', col('a').plus(col('b')));
    expect(((await df.transform(withTotal).collect()) as Row[]).map(tuple)).toEqual([[1, 10, 11]]);
  });
});

describe.each(CORES)('df.na and unionByName on streams (%s core)', (core) => {
  it('fills, drops and unions a stream by name, batch by batch', async () => {
    const flint = session(core);
    const left = flint.memoryStream('left', schemaOf({ word: 'string', n: 'long' }));
    const right = flint.memoryStream('right', schemaOf({ n: 'long', word: 'string' }));
    const df = left.toDF().na.fill('?').unionByName(right.toDF().na.drop()).withColumns({ one: lit(1) });
    expect(df.isStreaming).toBe(true);
    const t = new StreamTest(flint, df, 'append');
    await t.start();
    left.addData({ word: null, n: 1 }, { word: 'a', n: 2 });
    right.addData({ n: 3, word: 'b' }, { n: null, word: 'gone' });
    await t.checkNewAnswer(['?', 1, 1], ['a', 2, 1], ['b', 3, 1]);
  });
});
