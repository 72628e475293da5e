// Spark's math, null-handling, array, string, digest and statistical functions, with the values of
// Spark's SQL function documentation; the statistical aggregates also on a stream, where partial
// buffers merge into the state batch after batch and survive a restart.
import { afterEach, describe, expect, it } from 'vitest';
import { functions as F, schemaOf, type Column, type Row, type Value } from '../src/index.js';
import { CORES } from './support/harness.js';
import { cleanUp, exprValue, session, StreamTest, tempDir } from './support/stream-test.js';

const { col } = F;
afterEach(cleanUp);

const value = (sql: string): Promise<Value> => exprValue(sql, { i: 1 }, schemaOf({ i: 'long' }));

describe("functions with Spark's documented values", () => {
  it.each([
    ['sqrt(4)', 2],
    ['exp(0)', 1],
    ['pow(2, 3)', 8],
    ['power(2, 3)', 8],
    ['ln(1)', 0],
    ['log(10, 100)', 2],
    ['log10(10)', 1],
    ['log2(2)', 1],
    ['log(0)', null],
    ['signum(40)', 1],
    ['greatest(10, 9, 2, 4, 3)', 10],
    ['least(10, 9, 2, 4, 3)', 2],
    ['greatest(NULL, 1)', 1],
    ["isnan(cast('NaN' as double))", true],
    ['isnan(NULL)', false],
    ["nanvl(cast('NaN' as double), 123)", 123],
    ["cast('-Infinity' AS DOUBLE)", -Infinity],
    ['nullif(2, 2)', null],
    ['nullif(2, 3)', 2],
    ["size(array('b', 'd', 'c', 'a'))", 4],
    ['size(NULL)', -1],
    ['array_contains(array(1, 2, 3), 2)', true],
    ['array_contains(array(1, NULL), 2)', null],
    ['element_at(array(1, 2, 3), 2)', 2],
    ['element_at(array(1, 2, 3), -1)', 3],
    ['element_at(array(1, 2, 3), 5)', null],
    ["sort_array(array('b', 'd', NULL, 'c', 'a'), true)", [null, 'a', 'b', 'c', 'd']],
    ["sort_array(array('b', 'd', NULL, 'c', 'a'), false)", ['d', 'c', 'b', 'a', null]],
    ['array_distinct(array(1, 2, 3, NULL, 3))', [1, 2, 3, null]],
    ["array_join(array('hello', 'world'), ' ')", 'hello world'],
    ["array_join(array('hello', NULL, 'world'), ' ', ',')", 'hello , world'],
    ["lpad('hi', 5, '??')", '???hi'],
    ["lpad('hi', 1, '??')", 'h'],
    ["rpad('hi', 5, '??')", 'hi???'],
    ["lpad('hi', 4)", '  hi'],
    ["repeat('123', 2)", '123123'],
    ["reverse('Spark SQL')", 'LQS krapS'],
    ["instr('SparkSQL', 'SQL')", 6],
    ["instr('SparkSQL', 'x')", 0],
    ["initcap('sPark sql')", 'Spark Sql'],
    ["translate('AaBbCc', 'abc', '123')", 'A1B2C3'],
    ["md5('Spark')", '8cde774d6f7333752ed72cacddb05126'],
    ["sha1('Spark')", '85f5955f4b27a9a4c2aab6ffe5d7189fc298b92c'],
    ["sha2('Spark', 256)", '529bc3b07127ecb7e53a4dcf1991d9152c24537d919178022b2c42657f79a26b'],
    ["base64('Spark SQL')", 'U3BhcmsgU1FM'],
    ["cast(unbase64('U3BhcmsgU1FM') AS STRING)", 'Spark SQL'],
    ['NULL <=> NULL', true],
    ['1 <=> NULL', false],
    ['2 <=> 2', true],
    ["'Spark' ILIKE '_PARK'", true],
    ["'Spark' NOT ILIKE 's%'", false],
  ])('%s', async (sql, expected) => {
    expect(await value(sql)).toEqual(expected);
  });

  it("has Spark's column names", () => {
    const df = session('js').createDataFrame([{ x: 4 }], schemaOf({ x: 'long' }));
    expect(df.select(F.sqrt('x'), F.pow('x', 2), F.log('x'), F.size(F.array('x'))).columns).toEqual(['SQRT(x)', 'POWER(x, 2)', 'ln(x)', 'size(array(x))']);
    expect(df.agg(F.stddev('x'), F.first('x'), F.var_pop('x')).columns).toEqual(['stddev(x)', 'first(x)', 'var_pop(x)']);
  });

  it('Column.getItem (0-based for arrays, a field for structs), isNaN, eqNullSafe, ilike', async () => {
    const df = session('js').createDataFrame([{ xs: [1, 2, 3], p: { a: 'x' }, d: NaN, n: null }], schemaOf({ xs: { type: 'array', elementType: 'long' }, p: { type: 'struct', fields: [{ name: 'a', dataType: 'string', nullable: true }] }, d: 'double', n: 'long' }));
    const [r] = (await df.select(col('xs').getItem(0).as('first'), col('xs').getItem(5).as('none'), col('p').getItem('a').as('a'), col('d').isNaN().as('nan'), col('n').isNaN().as('nullNan'), col('n').eqNullSafe(null).as('nulls'), col('xs').getItem(1).eqNullSafe(2).as('two'), F.lit('Flint').ilike('f%T').as('il')).collect()) as Row[];
    expect(r).toEqual({ first: 1, none: null, a: 'x', nan: true, nullNan: false, nulls: true, two: true, il: true });
  });

  it('explode_outer keeps a row for a null or empty array', async () => {
    const df = session('js').createDataFrame([{ k: 'a', xs: [1, 2] }, { k: 'b', xs: [] }, { k: 'c', xs: null }], schemaOf({ k: 'string', xs: { type: 'array', elementType: 'long' } }));
    const rows = (await df.select(col('k'), F.explode_outer(col('xs')).as('x')).collect()) as Row[];
    expect(rows.map((r) => [r.k, r.x])).toEqual([['a', 1], ['a', 2], ['b', null], ['c', null]]);
    expect(((await df.select(col('k'), F.explode(col('xs')).as('x')).collect()) as Row[]).length).toBe(2);
  });
});

describe('statistical and positional aggregates', () => {
  const agg = async (values: (number | null)[], ...cols: Column[]) => {
    const df = session('js').createDataFrame(values.map((v) => ({ v })), schemaOf({ v: 'long' }));
    return ((await df.agg(...cols).collect()) as Row[])[0]!;
  };

  it("stddev, variance and their population forms, as Spark's docs give them", async () => {
    const r = await agg([1, 2, 3], F.stddev('v').as('s'), F.stddev_samp('v').as('ss'), F.stddev_pop('v').as('sp'), F.variance('v').as('va'), F.var_samp('v').as('vs'), F.var_pop('v').as('vp'));
    expect(r).toEqual({ s: 1, ss: 1, sp: 0.816496580927726, va: 1, vs: 1, vp: 0.6666666666666666 });
    // One value: the sample forms are null (Spark 3's default), the population ones 0; no value: null.
    expect(await agg([5, null], F.stddev('v').as('s'), F.var_pop('v').as('p'))).toEqual({ s: null, p: 0 });
    expect(await agg([null], F.stddev_pop('v').as('p'))).toEqual({ p: null });
  });

  it('first and last in arrival order, nulls kept unless ignoreNulls', async () => {
    expect(await agg([10, 5, 20], F.first('v').as('f'), F.last('v').as('l'))).toEqual({ f: 10, l: 20 });
    expect(await agg([null, 5, 20], F.first('v').as('f'), F.first('v', true).as('fi'))).toEqual({ f: null, fi: 5 });
    expect(await agg([10, 5, null], F.last('v').as('l'), F.last('v', true).as('li'))).toEqual({ l: null, li: 5 });
    expect(await value('first(i)')).toBe(1);
  });
});

describe.each(CORES)('statistical aggregates on a stream (%s core)', (core) => {
  it('merge batch after batch into the state, across a restart, as one pass would give', async () => {
    const flint = session(core);
    const input = flint.memoryStream('m', schemaOf({ k: 'string', v: 'double' }));
    const df = input.toDF().groupBy('k').agg(F.stddev('v').as('s'), F.var_pop('v').as('p'), F.first('v').as('f'), F.last('v').as('l'), F.count('*').as('n'));
    const dir = tempDir();
    const t = new StreamTest(flint, df, 'complete', dir);
    const rows = (...vs: number[]) => vs.map((v) => ({ k: 'a', v }));
    await t.start();
    input.addData(...rows(2, 4, 4));
    await t.checkAnswer(['a', Math.sqrt(4 / 3), 8 / 9, 2, 4, 3]);
    await t.stop();
    await t.start();
    input.addData(...rows(4, 5, 5, 7, 9));
    // The eight values 2 4 4 4 5 5 7 9: mean 5, population variance 4, sample stddev sqrt(32 / 7).
    await t.query!.processAllAvailable();
    const [, s, p, f, l, n] = (await t.all()).at(-1)!;
    expect([f, l, n]).toEqual([2, 9, 8]);
    expect(p as number).toBeCloseTo(4, 12);
    expect(s as number).toBeCloseTo(Math.sqrt(32 / 7), 12);
  });
});
