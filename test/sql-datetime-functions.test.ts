// Spark's date and time functions in UTC (Flint's default session time zone): the examples of
// Spark's function documentation (its unix_timestamp/from_unixtime examples are in
// America/Los_Angeles there; here the same instants in UTC), datetime patterns both ways, nulls for
// text that does not match, and an hourly count of log lines by date_trunc on a stream.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { functions as F, schemaOf, type Row, type Value } from '../src/index.js';
import { cleanUp, exprValue, session, StreamTest, tempDir } from './support/stream-test.js';

const { col, expr } = F;
afterEach(cleanUp);

const value = (sql: string): Promise<Value> => exprValue(sql, { ts: new Date('2015-03-05T09:32:05.359Z') }, schemaOf({ ts: 'timestamp' }));

describe("date and time functions, with Spark's documented values", () => {
  it.each([
    ["year('2016-07-30')", 2016],
    ["month('2016-07-30')", 7],
    ["dayofmonth('2009-07-30')", 30],
    ["day('2009-07-30')", 30],
    ["dayofweek('2009-07-30')", 5],
    ["hour('2009-07-30 12:58:59')", 12],
    ["minute('2009-07-30 12:58:59')", 58],
    ["second('2009-07-30 12:58:59')", 59],
    ['hour(ts)', 9],
    ["date_trunc('YEAR', '2015-03-05T09:32:05.359')", new Date('2015-01-01T00:00:00Z')],
    ["date_trunc('MM', '2015-03-05T09:32:05.359')", new Date('2015-03-01T00:00:00Z')],
    ["date_trunc('DD', '2015-03-05T09:32:05.359')", new Date('2015-03-05T00:00:00Z')],
    ["date_trunc('HOUR', '2015-03-05T09:32:05.359')", new Date('2015-03-05T09:00:00Z')],
    ["date_trunc('MILLISECOND', '2015-03-05T09:32:05.123456')", new Date('2015-03-05T09:32:05.123Z')],
    ["date_trunc('week', ts)", new Date('2015-03-02T00:00:00Z')],
    ["date_trunc('quarter', ts)", new Date('2015-01-01T00:00:00Z')],
    ["date_format('2016-04-08', 'y')", '2016'],
    ["date_format(ts, 'yyyy-MM-dd HH:mm:ss.SSS')", '2015-03-05 09:32:05.359'],
    ["date_format(ts, 'EEE, d MMM yy hh:mm a')", 'Thu, 5 Mar 15 09:32 AM'],
    [`date_format(ts, "EEEE MMMM dd 'at' HH")`, 'Thursday March 05 at 09'],
    ["to_timestamp('2016-12-31 00:12:00')", new Date('2016-12-31T00:12:00Z')],
    ["to_timestamp('2016-12-31', 'yyyy-MM-dd')", new Date('2016-12-31T00:00:00Z')],
    ["to_timestamp('05/Mar/2015:09:32:05 +0100', 'dd/MMM/yyyy:HH:mm:ss Z')", new Date('2015-03-05T08:32:05Z')],
    ["to_timestamp('2016-02-30', 'yyyy-MM-dd')", null],
    ["to_timestamp('not a date', 'yyyy-MM-dd')", null],
    ["unix_timestamp('2016-04-08', 'yyyy-MM-dd')", 1460073600],
    ["unix_timestamp('2016-04-08 10:00:00')", 1460109600],
    ['unix_timestamp(ts)', 1425547925],
    ["from_unixtime(0, 'yyyy-MM-dd HH:mm:ss')", '1970-01-01 00:00:00'],
    ['from_unixtime(1460109600)', '2016-04-08 10:00:00'],
  ] as const)('%s = %j', async (sql, expected) => {
    expect(await value(sql)).toEqual(expected);
  });

  it('round trip: date_format then to_timestamp with the same pattern', async () => {
    const flint = session('js');
    const times = [0, 1_425_547_925_359, 1_700_000_000_000, 951_782_400_000].map((ms) => ({ ts: new Date(ms) }));
    const df = flint.createDataFrame(times, schemaOf({ ts: 'timestamp' })).select(col('ts'), F.to_timestamp(F.date_format(col('ts'), "yyyy-MM-dd'T'HH:mm:ss.SSSXXX"), "yyyy-MM-dd'T'HH:mm:ss.SSSXXX").as('back'));
    for (const r of (await df.collect()) as Row[]) expect(r.back).toEqual(r.ts);
  });

  it("Spark's column names", () => {
    const df = session('js').createDataFrame([{ ts: new Date(0) }], schemaOf({ ts: 'timestamp' }));
    expect(df.select(F.hour('ts'), F.date_trunc('hour', col('ts')), F.date_format('ts', 'HH'), F.unix_timestamp(col('ts'))).columns).toEqual([
      'hour(ts)',
      'date_trunc(hour, ts)',
      'date_format(ts, HH)',
      'unix_timestamp(ts, yyyy-MM-dd HH:mm:ss)',
    ]);
  });

  it('bad patterns and units say what Flint knows', () => {
    expect(() => F.date_format('ts', 'yyyy-QQ')).toThrow(/the pattern letter 'Q' in "yyyy-QQ" is not supported; Flint knows y M d H h m s S a E X Z/);
    expect(() => F.date_format('ts', "yyyy 'open")).toThrow(/unclosed quote/);
    expect(() => F.date_trunc('fortnight', 'ts')).toThrow(/date_trunc: unknown unit 'fortnight'; use one of YEAR, YYYY/);
  });

  it('counts log lines per hour on a stream, parsed from their text', async () => {
    const flint = session('wasm');
    const input = flint.memoryStream('logs', schemaOf({ line: 'string' }));
    input.toDF().createOrReplaceTempView('logs');
    const hourly = flint.sql(`
      SELECT date_format(date_trunc('hour', to_timestamp(substring(line, 1, 19), 'yyyy-MM-dd HH:mm:ss')), 'yyyy-MM-dd HH:00') AS hour, count(*) AS n
      FROM logs GROUP BY date_format(date_trunc('hour', to_timestamp(substring(line, 1, 19), 'yyyy-MM-dd HH:mm:ss')), 'yyyy-MM-dd HH:00')`);
    const t = new StreamTest(flint, hourly, 'complete');
    await t.start();
    input.addData({ line: '2024-05-01 10:15:00 GET /a' }, { line: '2024-05-01 10:59:59 GET /b' }, { line: '2024-05-01 11:00:00 GET /c' }, { line: 'garbage' });
    await t.checkAnswer(['2024-05-01 10:00', 2], ['2024-05-01 11:00', 1], [null, 1]);
  });
});

describe('in the session time zone (spark.sql.session.timeZone)', () => {
  const la = async (sql: string): Promise<Value> => {
    const flint = session('js', { conf: { 'spark.sql.session.timeZone': 'America/Los_Angeles' } });
    const df = flint.createDataFrame([{ ts: new Date('2015-03-05T09:32:05.359Z') }], schemaOf({ ts: 'timestamp' }));
    return ((await df.select(expr(sql).as('v')).collect()) as Row[])[0]!.v ?? null;
  };

  it.each([
    // Spark's documented from_unixtime value, which its docs computed in America/Los_Angeles.
    ["from_unixtime(0, 'yyyy-MM-dd HH:mm:ss')", '1969-12-31 16:00:00'],
    ["unix_timestamp('2016-04-08', 'yyyy-MM-dd')", 1460098800],
    ["hour('2009-07-30 12:58:59')", 12],
    ['hour(ts)', 1],
    ["date_trunc('DD', ts)", new Date('2015-03-05T08:00:00Z')],
    ["date_trunc('MONTH', '2015-03-05 00:30:00')", new Date('2015-03-01T08:00:00Z')],
    ["date_format(ts, 'yyyy-MM-dd HH:mm XXX')", '2015-03-05 01:32 -08:00'],
    ["date_format('2015-07-01 12:00:00', 'HH:mm Z')", '12:00 -0700'],
    ['CAST(ts AS STRING)', '2015-03-05 01:32:05.359'],
    ["CAST('2016-04-08 00:00:00' AS TIMESTAMP)", new Date('2016-04-08T07:00:00Z')],
    ["CAST('2016-04-08T00:00:00Z' AS TIMESTAMP)", new Date('2016-04-08T00:00:00Z')],
    ["to_timestamp('2016-12-31 23:59', 'yyyy-MM-dd HH:mm')", new Date('2017-01-01T07:59:00Z')],
  ] as const)('%s = %j', async (sql, expected) => {
    expect(await la(sql)).toEqual(expected);
  });

  it("Spark's documented unix_timestamp('2016-04-08', 'yyyy-MM-dd') = 1460041200, computed at +09:00", async () => {
    const flint = session('js', { conf: { 'spark.sql.session.timeZone': 'Asia/Seoul' } });
    const df = flint.createDataFrame([{ x: 1 }]).select(expr("unix_timestamp('2016-04-08', 'yyyy-MM-dd')").as('v'));
    expect(((await df.collect()) as Row[])[0]!.v).toBe(1460041200);
  });

  it('a timestamp cast to text in UTC: seconds always, the fraction only when there is one', async () => {
    const flint = session('js');
    const df = flint.createDataFrame([0, 100, 1_500].map((ms) => ({ ts: new Date(Date.UTC(2024, 0, 1, 10) + ms) })), schemaOf({ ts: 'timestamp' }));
    expect(((await df.select(col('ts').cast('string').as('s')).collect()) as Row[]).map((r) => r.s)).toEqual(['2024-01-01 10:00:00', '2024-01-01 10:00:00.1', '2024-01-01 10:00:01.5']);
  });

  it('a streaming query computes in the zone the session had when it started', async () => {
    const flint = session('js', { conf: { 'spark.sql.session.timeZone': '+05:30' } });
    const input = flint.memoryStream('t', schemaOf({ ts: 'timestamp' }));
    const t = new StreamTest(flint, input.toDF().select(F.date_format('ts', 'HH:mm'), F.hour('ts')), 'append');
    await t.start();
    input.addData({ ts: new Date('2024-01-01T00:00:00Z') });
    await t.checkNewAnswer(['05:30', 5]);
  });
});

describe('timestamps without an offset in files and JSON, read in the session time zone', () => {
  const zone = { conf: { 'spark.sql.session.timeZone': '+02:00' } };

  it.each(['js', 'wasm'] as const)('the csv file source (%s core), through a windowed count on the columnar path', async (core) => {
    const flint = session(core, zone);
    const dir = tempDir();
    writeFileSync(join(dir, 'a.csv'), '2024-01-01 10:05:00,a\n2024-01-01T10:06:00Z,b\n');
    const counts = flint.readStream.schema('t TIMESTAMP, word STRING').csv(dir).withWatermark('t', '0 seconds').groupBy(F.window(col('t'), '1 hour'), col('word')).count();
    const t = new StreamTest(flint, counts.select(col('window.start'), col('word'), col('count')), 'update');
    await t.start();
    // 10:05 at +02:00 is 08:05 UTC; the one with Z stays 10:06 UTC.
    await t.checkAnswer([Date.parse('2024-01-01T08:00:00Z'), 'a', 1], [Date.parse('2024-01-01T10:00:00Z'), 'b', 1]);
  });

  it('flint.read.json and from_json', async () => {
    const flint = session('js', zone);
    const dir = tempDir();
    writeFileSync(join(dir, 'a.json'), '{"t": "2024-01-01 10:05:00"}\n');
    expect(await flint.read.schema('t TIMESTAMP').json(dir).collect()).toEqual([{ t: new Date('2024-01-01T08:05:00Z') }]);
    const parsed = flint.createDataFrame([{ j: '{"t": "2024-01-01T10:05:00"}' }]).select(F.from_json(col('j'), 't TIMESTAMP').getField('t').as('t'));
    expect(await parsed.collect()).toEqual([{ t: new Date('2024-01-01T08:05:00Z') }]);
  });
});
