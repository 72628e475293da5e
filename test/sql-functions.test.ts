// Columns, functions and the table text: Spark's names for result columns, null semantics,
// window arithmetic, the group-key encoding, and Dataset.showString's exact layout.
import { describe, expect, it } from 'vitest';
import { FlintSession, functions as F, schemaOf, StructType } from '../src/index.js';
import { windowsOf } from '../src/sql/expressions/time-window.js';
import { javaDouble, showString, timestampString } from '../src/sql/show-string.js';
import { keyString } from '../src/sql/state/value-codec.js';

const { col, lit, split, explode, lower, count, sum, avg, window, timestamp_seconds } = F;
const flint = new FlintSession({ master: 'local[1]', core: 'js' });

describe('Spark column names', () => {
  it('names result columns as Spark does', () => {
    const df = flint.createDataFrame([{ value: 'A b', n: 1 }], schemaOf({ value: 'string', n: 'long' }));
    expect(df.select(lower(col('value')), split(col('value'), ' '), col('n').plus(1), lit(3), col('n').gt(0)).columns).toEqual([
      'lower(value)',
      'split(value,  , -1)',
      '(n + 1)',
      '3',
      '(n > 0)',
    ]);
    expect(df.select(explode(split(col('value'), ' '))).columns).toEqual(['col']);
    expect(df.agg(count('*'), count(col('n')), sum('n'), avg('n')).columns).toEqual(['count(1)', 'count(n)', 'sum(n)', 'avg(n)']);
    expect(df.groupBy('value').count().columns).toEqual(['value', 'count']);
    expect(df.withColumn('t', timestamp_seconds(col('n'))).groupBy(window(col('t'), '1 minute')).count().columns).toEqual(['window', 'count']);
  });

  it('printSchema prints the tree', () => {
    const df = flint.createDataFrame([], schemaOf({ word: 'string', at: 'timestamp' }));
    expect(df.groupBy(window(col('at'), '1 minute'), col('word')).count().printSchema()).toBe(
      'root\n |-- window: struct (nullable = true)\n |    |-- start: timestamp (nullable = true)\n |    |-- end: timestamp (nullable = true)\n |-- word: string (nullable = true)\n |-- count: bigint (nullable = true)\n',
    );
  });
});

describe('static DataFrames', () => {
  it('evaluate with null semantics and Java split limits', async () => {
    const df = flint.createDataFrame([{ s: 'a,b,c', n: 4 }, { s: null, n: null }], schemaOf({ s: 'string', n: 'long' }));
    const rows = await df.select(split(col('s'), ',', 2).as('parts'), col('n').divide(0).as('q'), col('n').isNull().as('missing'), col('n').cast('string').as('text')).collect();
    expect(rows).toEqual([
      { parts: ['a', 'b,c'], q: null, missing: false, text: '4' },
      { parts: null, q: null, missing: true, text: null },
    ]);
  });

  it('show() prints the table as Spark', async () => {
    let out = '';
    const s = new FlintSession({ core: 'js', out: { write: (t: string) => void (out += t) } });
    await s.createDataFrame([{ a: 'x', n: 1.5 }, { a: 'a much longer value than twenty', n: 2 }], schemaOf({ a: 'string', n: 'double' })).show(1);
    expect(out).toBe('+---+---+\n|  a|  n|\n+---+---+\n|  x|1.5|\n+---+---+\nonly showing top 1 row\n\n');
  });
});

describe('Dataset.showString', () => {
  const schema = new StructType().add('word', 'string').add('count', 'long');
  it('right-aligns when truncating, cuts at 20 with ..., and lists hidden rows', () => {
    const rows = [{ word: 'abcdefghijklmnopqrstuvwxyz', count: 3 }, { word: null, count: 10 }, { word: 'c', count: 1 }];
    expect(showString(rows, schema, 2, 20)).toBe(
      '+--------------------+-----+\n' +
        '|                word|count|\n' +
        '+--------------------+-----+\n' +
        '|abcdefghijklmnopq...|    3|\n' +
        '|                null|   10|\n' +
        '+--------------------+-----+\n' +
        'only showing top 2 rows\n',
    );
  });
  it('left-aligns and keeps whole cells without truncation; columns at least 3 wide', () => {
    expect(showString([{ a: 'xy' }], new StructType().add('a', 'string'), 20, 0)).toBe('+---+\n|a  |\n+---+\n|xy |\n+---+\n');
  });
  it("writes doubles as Java and timestamps as Spark's UTC text", () => {
    expect([1, 0.5, 1e7, 1e-4, -2.25].map(javaDouble)).toEqual(['1.0', '0.5', '1.0E7', '1.0E-4', '-2.25']);
    expect(timestampString(new Date(Date.UTC(2024, 0, 2, 3, 4, 5)))).toBe('2024-01-02 03:04:05');
    expect(timestampString(new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 120)))).toBe('2024-01-02 03:04:05.12');
  });
});

describe('event-time windows', () => {
  it('puts a time into every sliding window that holds it, end exclusive', () => {
    expect(windowsOf(12, 10, 5, 0)).toEqual([[10, 20], [5, 15]]);
    expect(windowsOf(10, 10, 5, 0)).toEqual([[10, 20], [5, 15]]);
    expect(windowsOf(9, 10, 10, 0)).toEqual([[0, 10]]);
    expect(windowsOf(-3, 10, 10, 0)).toEqual([[-10, 0]]);
    expect(windowsOf(12, 10, 10, 3)).toEqual([[3, 13]]);
  });
  it('refuses a slide longer than the window', () => {
    expect(() => window(col('t'), '5 seconds', '10 seconds')).toThrow('must be less than or equal to the window duration');
    expect(() => window(col('t'), 'ten seconds')).toThrow(/is not an interval/);
  });
});

describe('group keys', () => {
  it('are equal for equal tuples and differ for different ones, whatever the strings hold', () => {
    const tuples = [['a', 1], ['a1', null], ['a', '1'], ['s1:a', 1], ['', 'a'], ['a', ''], [new Date(5)], [5], [{ start: new Date(0), end: new Date(1) }], [true], ['true']];
    const keys = tuples.map((t) => keyString(t as never));
    expect(new Set(keys).size).toBe(tuples.length);
    expect(keyString(['a', 1])).toBe(keyString(['a', 1]));
  });
});
