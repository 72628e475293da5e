// Spark's scalar functions and SQL forms (CASE WHEN, IN, LIKE, RLIKE, string and math functions):
// values from Spark's function documentation, through expr/selectExpr and through the Column API,
// Spark's result names, and its null semantics (IN over a list with a null, concat with a null).
import { afterEach, describe, expect, it } from 'vitest';
import { functions as F, schemaOf, type Row, type Value } from '../src/index.js';
import { cleanUp, session } from './support/stream-test.js';

const { col, expr, lit } = F;
afterEach(cleanUp);

const one = () => session('js').createDataFrame([{ s: 'Spark SQL', n: null, x: -2.5, a: 3 }], schemaOf({ s: 'string', n: 'string', x: 'double', a: 'long' }));
const value = async (sql: string): Promise<Value> => (((await one().select(expr(sql).as('v')).collect()) as Row[])[0]!.v ?? null);

describe('SQL scalar functions, with values from Spark\'s documentation', () => {
  it.each([
    ["substring('Spark SQL', 5)", 'k SQL'],
    ["substring('Spark SQL', -3)", 'SQL'],
    ["substring('Spark SQL', 5, 1)", 'k'],
    ["substr(s, 0, 2)", 'Sp'],
    ["substring(s, -12, 5)", 'Sp'],
    ["concat('Spark', 'SQL')", 'SparkSQL'],
    ['concat(s, n)', null],
    ["concat_ws(' ', 'Spark', n, 'SQL')", 'Spark SQL'],
    ["trim('    SparkSQL   ')", 'SparkSQL'],
    ["ltrim('  x ')", 'x '],
    ["rtrim('  x ')", '  x'],
    ["regexp_replace('100-200', '(\\\\d+)', 'num')", 'num-num'],
    ["regexp_replace('a-b', '(\\\\w)-(\\\\w)', '$2-$1')", 'b-a'],
    ["regexp_extract('100-200', '(\\\\d+)-(\\\\d+)', 1)", '100'],
    ["regexp_extract('100-200', '(\\\\d+)-(\\\\d+)', 0)", '100-200'],
    ["regexp_extract('x', '(\\\\d+)', 1)", ''],
    ['round(2.5, 0)', 3],
    ['round(x)', -3],
    ['round(1.005, 2)', 1.01],
    ['round(1234.5, -2)', 1200],
    ['floor(-0.1)', -1],
    ['ceil(-0.1)', 0],
    ['ceiling(5.4)', 6],
    ['abs(x)', 2.5],
    ['coalesce(NULL, 1, NULL)', 1],
    ["nvl(n, 'none')", 'none'],
    ["if(1 < 2, 'a', 'b')", 'a'],
    ['isnull(n)', true],
    ["contains(s, 'SQL')", true],
    ["startswith(s, 'Spark')", true],
    ["endswith(s, 'Spark')", false],
    ['CASE WHEN 1 > 0 THEN 1 WHEN 2 > 0 THEN 2.0 ELSE 1.2 END', 1],
    ['CASE WHEN 1 < 0 THEN 1 WHEN 2 < 0 THEN 2.0 END', null],
    ["CASE a WHEN 1 THEN 'one' WHEN 3 THEN 'three' ELSE 'many' END", 'three'],
    ['1 IN (1, 2, 3)', true],
    ['1 IN (2, 3, 4)', false],
    ['1 IN (2, 3, NULL)', null],
    ['1 IN (1, NULL)', true],
    ['n IN (1, 2)', null],
    ['a NOT IN (1, 2)', true],
    ["'Spark' LIKE '_park'", true],
    ["'Spark' LIKE 'S%k'", true],
    ["'Spark' LIKE 's%'", false],
    ["'%SystemDrive%\\\\Users\\\\John' LIKE '\\\\%SystemDrive\\\\%\\\\\\\\Users%'", true],
    ["'a.b' LIKE 'a_b'", true],
    ["'a(b' NOT LIKE 'a(%'", false],
    ["s RLIKE 'k S'", true],
    ["'abc' REGEXP '^b'", false],
    ['n LIKE \'%\'', null],
  ] as const)('%s = %j', async (sql, expected) => {
    expect(await value(sql)).toEqual(expected);
  });

  it('the Column API gives the same values and Spark\'s column names', async () => {
    const df = one().select(
      col('s').substr(1, 5),
      F.concat(col('s'), lit('!')),
      F.when(col('a').gt(2), 'big').when(col('a').gt(0), 'small').otherwise('none'),
      col('a').isin(1, 3),
      col('s').like('Spark%'),
      col('s').rlike('Q+L$'),
      col('s').contains('rk'),
      F.coalesce(col('n'), lit('z')),
      F.round(col('x')),
      col('a').between(1, 3),
    );
    expect(df.columns).toEqual([
      'substring(s, 1, 5)',
      'concat(s, !)',
      'CASE WHEN (a > 2) THEN big WHEN (a > 0) THEN small ELSE none END',
      '(a IN (1, 3))',
      's LIKE Spark%',
      'RLIKE(s, Q+L$)',
      'contains(s, rk)',
      'coalesce(n, z)',
      'round(x, 0)',
      '((a >= 1) AND (a <= 3))',
    ]);
    expect(Object.values(((await df.collect()) as Row[])[0]!)).toEqual(['Spark', 'Spark SQL!', 'big', true, true, true, true, 'z', -3, true]);
  });

  it('filters with IN, LIKE and CASE in SQL text on a stream-shaped query', async () => {
    const flint = session('js');
    const logs = flint.createDataFrame(
      ['GET /a 200', 'POST /b 500', 'GET /c 404', 'GET /a 503'].map((line) => ({ line })),
      schemaOf({ line: 'string' }),
    );
    logs.createOrReplaceTempView('logs');
    const out = flint.sql(`
      SELECT regexp_extract(line, '^(\\\\w+)', 1) AS method,
             CASE WHEN line LIKE '% 5__' THEN 'error' WHEN line RLIKE ' 4\\\\d\\\\d$' THEN 'client' ELSE 'ok' END AS kind,
             count(*) AS n
      FROM logs WHERE substring(line, 1, 3) IN ('GET', 'POS')
      GROUP BY regexp_extract(line, '^(\\\\w+)', 1), CASE WHEN line LIKE '% 5__' THEN 'error' WHEN line RLIKE ' 4\\\\d\\\\d$' THEN 'client' ELSE 'ok' END
      ORDER BY method, kind`);
    expect(((await out.collect()) as Row[]).map((r) => Object.values(r))).toEqual([
      ['GET', 'client', 1],
      ['GET', 'error', 1],
      ['GET', 'ok', 1],
      ['POST', 'error', 1],
    ]);
  });

  it.each([
    ["s LIKE 'a\\\\'", /like: the pattern "a\\" ends with the escape character/],
    ["s RLIKE '('", /rlike: "\(" is not a valid regular expression/],
    ['s LIKE a', /LIKE needs a quoted pattern/],
    ['CASE WHEN a THEN 1', /expected END to close CASE/],
    ['CASE END', /expected WHEN after CASE/],
    ['a NOT 3', /expected BETWEEN, IN, LIKE or RLIKE after NOT/],
  ])('%s fails: %s', (sql, message) => {
    expect(() => expr(sql)).toThrow(message);
  });

  it('otherwise() and when() only on a when(...) column', () => {
    expect(() => col('a').otherwise(1)).toThrow(/otherwise\(\) can only be applied on a Column previously generated by when\(\)/);
    expect(() => F.when(col('a').gt(1), 1).otherwise(2).when(col('a').gt(0), 3)).toThrow(/when\(\) cannot be applied once otherwise\(\) is applied/);
  });
});
