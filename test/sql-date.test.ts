// Spark's DATE type (DateType) and its functions: to_date, current_date, date_add, date_sub,
// datediff, CAST(... AS DATE), DATE 'yyyy-MM-dd', with the values of Spark's function docs; a date
// is a day in no time zone (a SqlDate, midnight UTC) while timestamps become days in the session
// time zone; dates print, serialize and read back as yyyy-MM-dd, and group keys of dates survive a
// restart in a streaming aggregation's state.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CONF, functions as F, schemaOf, SqlDate, type Row, type Value } from '../src/index.js';
import { CORES } from './support/harness.js';
import { cleanUp, exprValue, session, StreamTest, tempDir } from './support/stream-test.js';

const { col, expr } = F;
afterEach(cleanUp);

const day = (text: string): SqlDate => SqlDate.fromText(text)!;

const valueOf = (sql: string, zone = 'UTC'): Promise<Value> => exprValue(sql, { ts: new Date('2024-01-01T05:00:00Z') }, schemaOf({ ts: 'timestamp' }), zone);

describe("date functions, with Spark's documented values", () => {
  it.each([
    ["to_date('2009-07-30 04:17:52')", day('2009-07-30')],
    ["to_date('2016-12-31', 'yyyy-MM-dd')", day('2016-12-31')],
    ["to_date('31/12/2016', 'dd/MM/yyyy')", day('2016-12-31')],
    ["to_date('2016-12-31', 'dd/MM/yyyy')", null],
    ["date_add('2016-07-30', 1)", day('2016-07-31')],
    ["date_sub('2016-07-30', 1)", day('2016-07-29')],
    ["date_add(DATE '2024-02-28', 2)", day('2024-03-01')],
    ["datediff('2009-07-31', '2009-07-30')", 1],
    ["datediff('2009-07-30', '2009-07-31')", -1],
    ["CAST('2015-03-18' AS DATE)", day('2015-03-18')],
    ["CAST(' 2015-3-8T12:00:00 ' AS DATE)", day('2015-03-08')],
    ["CAST('2015' AS DATE)", day('2015-01-01')],
    ["CAST('2015-02-30' AS DATE)", null],
    ["CAST('not a date' AS DATE)", null],
    ["CAST(DATE '2024-01-01' AS STRING)", '2024-01-01'],
    ["year(DATE '2016-07-30')", 2016],
    ["dayofweek(DATE '2009-07-30')", 5],
    ["date_format(DATE '2016-04-08', 'y')", '2016'],
    ["DATE '2024-01-31' + 1", day('2024-02-01')],
    ["DATE '2024-03-01' - 1", day('2024-02-29')],
    ["DATE '2024-01-02' > '2024-01-01'", true],
    ["DATE '2024-01-02' = '2024-1-2'", true],
    ["DATE '2024-01-02' = 'nonsense'", null],
    ['to_date(ts)', day('2024-01-01')],
    ["dayofyear('2016-04-09')", 100],
    ["weekofyear('2008-02-20')", 8],
    ["weekofyear('2021-01-01')", 53],
    ["quarter('2016-08-31')", 3],
    ["last_day('2009-01-12')", day('2009-01-31')],
    ["add_months('2016-08-31', 1)", day('2016-09-30')],
    ["add_months(DATE '2024-01-31', -2)", day('2023-11-30')],
    ["months_between('1997-02-28 10:30:00', '1996-10-30')", 3.94959677],
    ["months_between('1997-02-28 10:30:00', '1996-10-30', false)", 3.9495967741935485],
    ["months_between('2024-03-31', '2024-02-29')", 1],
    ['make_date(2013, 7, 15)', day('2013-07-15')],
    ['make_date(2019, 7, NULL)', null],
    ['make_date(2019, 13, 1)', null],
    ["trunc('2019-08-04', 'week')", day('2019-07-29')],
    ["trunc('2019-08-04', 'quarter')", day('2019-07-01')],
    ["trunc('2009-02-12', 'MM')", day('2009-02-01')],
    ["trunc('2015-10-27', 'YEAR')", day('2015-01-01')],
    ["trunc('2015-10-27', 'DAY')", null],
    ["from_utc_timestamp('2016-08-31', 'Asia/Seoul')", new Date('2016-08-31T09:00:00Z')],
    ["to_utc_timestamp('2016-08-31', 'Asia/Seoul')", new Date('2016-08-30T15:00:00Z')],
  ])('%s', async (sql, expected) => {
    expect(await valueOf(sql)).toEqual(expected);
  });

  it('a date is a SqlDate: a JS Date at midnight UTC that prints and serializes as yyyy-MM-dd', async () => {
    const d = (await valueOf("to_date('2024-03-05')")) as SqlDate;
    expect(d).toBeInstanceOf(SqlDate);
    expect(d).toBeInstanceOf(Date);
    expect(d.getTime()).toBe(Date.parse('2024-03-05'));
    expect(String(d)).toBe('2024-03-05');
    expect(JSON.stringify({ d })).toBe('{"d":"2024-03-05"}');
    expect(d.epochDay).toBe(19_787);
    const json = session('js').createDataFrame([{ i: 1 }], schemaOf({ i: 'long' })).select(F.to_json(F.struct(F.to_date(F.lit('2024-03-05')).as('d'))).as('j'));
    expect(((await json.collect()) as Row[])[0]!.j).toBe('{"d":"2024-03-05"}');
  });
});

describe('dates and the session time zone', () => {
  it("a timestamp's day is taken in the zone, a date's fields are its own whatever the zone", async () => {
    // 05:00 UTC on Jan 1 is 21:00 on Dec 31 in Los Angeles.
    expect(await valueOf('to_date(ts)', 'America/Los_Angeles')).toEqual(day('2023-12-31'));
    expect(await valueOf('dayofmonth(to_date(ts))', 'America/Los_Angeles')).toBe(31);
    expect(await valueOf("dayofmonth(DATE '2024-01-01')", 'America/Los_Angeles')).toBe(1);
    expect(await valueOf('datediff(ts, DATE \'2023-12-01\')', 'America/Los_Angeles')).toBe(30);
    // A date cast to a timestamp is its midnight in the zone.
    expect(await valueOf("CAST(DATE '2024-01-01' AS TIMESTAMP)", 'America/Los_Angeles')).toEqual(new Date('2024-01-01T08:00:00Z'));
    expect(await valueOf("unix_timestamp(DATE '2024-01-01')", 'Asia/Tokyo')).toBe(Date.parse('2023-12-31T15:00:00Z') / 1000);
    expect(await valueOf("CAST(DATE '2024-01-01' AS TIMESTAMP)")).toEqual(new Date('2024-01-01T00:00:00Z'));
  });

  it('current_date() is the day of the batch time in the session time zone', async () => {
    const flint = session('js');
    flint.conf.set(CONF.sessionTimeZone, 'Pacific/Kiritimati'); // UTC+14: often a day ahead of UTC
    const [row] = (await flint.createDataFrame([{ i: 1 }], schemaOf({ i: 'long' })).select(F.current_date(), expr('CURRENT_DATE').as('c'), expr('to_date(current_timestamp())').as('t')).collect()) as Row[];
    expect(row!['current_date()']).toEqual(row!.t);
    expect(row!.c).toEqual(row!.t);
    expect(String(row!.t)).toBe(new Date(Date.now() + 14 * 3_600_000).toISOString().slice(0, 10));
  });
});

describe.each(CORES)('the date type in tables (%s core)', (core) => {
  it('has its schema name, shows as yyyy-MM-dd, and reads and writes as text in json and csv files', async () => {
    const flint = session(core);
    const df = flint.createDataFrame([{ d: '2024-01-02', n: 1 }, { d: '2024-01-01', n: 2 }], schemaOf({ d: 'string', n: 'long' })).select(col('d').cast('date').as('d'), col('n'));
    expect(df.schema!.simpleString()).toBe('struct<d:date,n:bigint>');
    expect(await df.orderBy('d').showString()).toBe('+----------+---+\n|         d|  n|\n+----------+---+\n|2024-01-01|  2|\n|2024-01-02|  1|\n+----------+---+\n');
    const out = tempDir();
    await df.write.json(join(out, 'json'));
    const part = readdirSync(join(out, 'json')).find((f) => f.endsWith('.json'))!;
    expect(readFileSync(join(out, 'json', part), 'utf8')).toBe('{"d":"2024-01-02","n":1}\n{"d":"2024-01-01","n":2}\n');
    const back = (await flint.read.schema('d DATE, n BIGINT').json(join(out, 'json')).orderBy('n').collect()) as Row[];
    expect(back).toEqual([{ d: day('2024-01-02'), n: 1 }, { d: day('2024-01-01'), n: 2 }]);
    expect(back[0]!.d).toBeInstanceOf(SqlDate);
    await df.write.option('header', true).partitionBy('d').csv(join(out, 'csv'));
    expect(readdirSync(join(out, 'csv')).filter((f) => f.startsWith('d=')).sort()).toEqual(['d=2024-01-01', 'd=2024-01-02']);
    // Read without a schema, the partition directories' days are inferred as dates, as Spark does.
    const partitioned = flint.read.option('header', true).option('inferSchema', true).csv(join(out, 'csv'));
    expect(partitioned.schema!.simpleString()).toBe('struct<n:bigint,d:date>');
    expect(((await partitioned.orderBy('n').collect()) as Row[]).map((r) => String(r.d))).toEqual(['2024-01-02', '2024-01-01']);
    // And a CSV column of days, with inferSchema (Spark 3.4+'s prefersDate).
    await df.write.option('header', true).csv(join(out, 'flat'));
    const flat = flint.read.option('header', true).option('inferSchema', true).csv(join(out, 'flat'));
    expect(flat.schema!.simpleString()).toBe('struct<d:date,n:bigint>');
    expect(((await flat.orderBy('n').collect()) as Row[])[0]!.d).toEqual(day('2024-01-02'));
  });

  it('groups a stream by day; the days in its state survive a restart', async () => {
    const flint = session(core);
    const input = flint.memoryStream('events', schemaOf({ time: 'timestamp', word: 'string' }));
    const counts = input.toDF().groupBy(F.to_date(col('time')).as('day')).count();
    const dir = tempDir();
    const t = new StreamTest(flint, counts, 'complete', dir);
    const at = (iso: string) => ({ time: new Date(iso), word: 'x' });
    await t.start();
    input.addData(at('2024-01-01T10:00:00Z'), at('2024-01-01T23:59:59Z'), at('2024-01-02T00:00:00Z'));
    const ms = (text: string) => day(text).getTime(); // StreamTest compares times as ms
    await t.checkAnswer([ms('2024-01-01'), 2], [ms('2024-01-02'), 1]);
    await t.stop();
    await t.start();
    input.addData(at('2024-01-02T12:00:00Z'), at('2024-01-03T00:00:00Z'));
    await t.checkAnswer([ms('2024-01-01'), 2], [ms('2024-01-02'), 2], [ms('2024-01-03'), 1]);
    const rows = (await flint.table(t.name).collect()) as Row[];
    expect(rows.map((r) => r.day instanceof SqlDate && String(r.day)).sort()).toEqual(['2024-01-01', '2024-01-02', '2024-01-03']);
  });
});
