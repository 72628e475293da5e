// SQL expression text (Spark's `expr`, `selectExpr`, `filter("...")`): each form evaluated on a
// static DataFrame and compared with the same query built from Column methods, Spark's output
// names (a top-level CAST keeps the column's name), and parse errors that point at the problem.
import { afterEach, describe, expect, it } from 'vitest';
import { functions as F, schemaOf, type Row } from '../src/index.js';
import { CORES } from './support/harness.js';
import { cleanUp, session, StreamTest } from './support/stream-test.js';

const { col, expr, lit } = F;
afterEach(cleanUp);

const ROWS: Row[] = [
  { a: 1, b: 2.5, s: 'Hello World', t: new Date(1_000), n: null, flag: true },
  { a: -3, b: 0, s: "it's", t: new Date(61_000), n: 7, flag: false },
  { a: 10, b: -1.25, s: '', t: new Date(0), n: null, flag: null },
];
const SCHEMA = schemaOf({ a: 'long', b: 'double', s: 'string', t: 'timestamp', n: 'long', flag: 'boolean' });

describe.each(CORES)('expr and selectExpr (%s core)', (core) => {
  const df = () => session(core).createDataFrame(ROWS, SCHEMA);

  it.each([
    ['1 + 2 * 3 - a % 4', () => lit(1).plus(lit(2).multiply(3)).minus(col('a').mod(4))],
    ['(1 + 2) * -a / 2', () => lit(1).plus(2).multiply(lit(0).minus(col('a'))).divide(2)],
    ['a > 0 AND NOT flag OR n IS NOT NULL', () => col('a').gt(0).and(col('flag').not()).or(col('n').isNotNull())],
    ['a <> 1 and b >= 0 or s = \'\'', () => col('a').notEqual(1).and(col('b').geq(0)).or(col('s').equalTo(''))],
    ['n IS NULL', () => col('n').isNull()],
    ['lower(s) == "hello world"', () => F.lower(col('s')).equalTo('hello world')],
    ['upper(s)', () => F.upper(col('s'))],
    ['length(s) + 1', () => F.length(col('s')).plus(1)],
    ['split(s, \' \')', () => F.split(col('s'), ' ')],
    ['CAST(b AS BIGINT)', () => col('b').cast('long')],
    ['cast(a as string)', () => col('a').cast('string')],
    ['CAST(t AS DOUBLE) * 2', () => col('t').cast('double').multiply(2)],
    ['t + INTERVAL 1 MINUTE', () => col('t').plus(60_000)],
    ["t - interval '2 seconds'", () => col('t').minus(2_000)],
    ['TRUE AND flag', () => lit(true).and(col('flag'))],
    ['1.5e1 + 2L', () => lit(15).plus(2)],
    ['`a` + a', () => col('a').plus(col('a'))],
  ] as const)('%s', async (sql, built) => {
    const [viaSql, viaColumns] = await Promise.all([df().select(expr(sql).as('x')).collect(), df().select(built().as('x')).collect()]);
    expect(viaSql).toEqual(viaColumns);
    expect(viaSql.some((r) => (r as Row).x !== null)).toBe(true);
  });

  it('selectExpr: aliases with and without AS, *, and a top-level CAST named after its column, as Spark', async () => {
    const out = df().selectExpr('*', 'a * 2 AS twice', 'upper(s) loud', 'CAST(a AS STRING)', 'CAST(a AS DOUBLE) + 1');
    expect(out.schema?.fieldNames).toEqual(['a', 'b', 's', 't', 'n', 'flag', 'twice', 'loud', 'a', '(CAST(a AS DOUBLE) + 1)']);
    const byColumns = df().select(col('a').cast('string'));
    expect(byColumns.schema?.fieldNames).toEqual(['a']);
    expect(((await out.collect()) as Row[]).map((r) => r.twice)).toEqual([2, -6, 20]);
  });

  it('filter and where take SQL text', async () => {
    expect(((await df().filter('a > 0 AND b < 1').collect()) as Row[]).map((r) => r.a)).toEqual([10]);
    expect(((await df().where("s = 'it\\'s' AND s = \"it's\"").collect()) as Row[]).map((r) => r.a)).toEqual([-3]);
  });

  it('aggregates in expr: count(*), sum, avg and max on a grouped stream', async () => {
    const flint = session(core);
    const input = flint.memoryStream('words', schemaOf({ word: 'string', n: 'long' }));
    const counts = input.toDF().groupBy('word').agg(expr('count(*) AS c'), expr('sum(n)'), expr('avg(n) mean_n'), expr('max(n)'));
    const t = new StreamTest(flint, counts, 'complete');
    await t.start();
    input.addData({ word: 'a', n: 1 }, { word: 'b', n: 5 }, { word: 'a', n: 4 });
    await t.checkAnswer(['a', 2, 5, 2.5, 4], ['b', 1, 5, 5, 5]);
    expect(counts.schema?.fieldNames).toEqual(['word', 'c', 'sum(n)', 'mean_n', 'max(n)']);
  });

  it('selectExpr on a stream: the Kafka guide\'s CAST(key AS STRING), CAST(value AS STRING)', async () => {
    const flint = session(core);
    const input = flint.memoryStream('kafka', schemaOf({ key: 'binary', value: 'binary', offset: 'long' }));
    const df = input.toDF().selectExpr('CAST(key AS STRING)', 'CAST(value AS STRING)');
    const t = new StreamTest(flint, df, 'append');
    await t.start();
    input.addData({ key: Buffer.from('k1'), value: Buffer.from('héllo'), offset: 0 });
    await t.checkNewAnswer(['k1', 'héllo']);
    expect(df.schema?.fieldNames).toEqual(['key', 'value']);
  });
});

describe('expression parse errors', () => {
  it.each([
    ['a +', /cannot parse the expression "a \+": unexpected 'end of input' \(at position 3\)/],
    ['a b c', /unexpected 'c'/],
    ['foo(a)', /undefined function 'foo'; expr knows lower, upper/],
    ['CAST(a AS widget)', /unknown type 'widget' in CAST/],
    ["'open", /unterminated string/],
    ['a # b', /unexpected character '#'/],
    ['sum(*)', /'\*' is only allowed in count\(\*\)/],
    ['window(t)', /window: argument 2 is missing/],
    ['(a + 1', /expected '\)'/],
  ])('%s', (sql, message) => {
    expect(() => expr(sql)).toThrow(message);
  });
});
