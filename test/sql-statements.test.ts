// SQL statements (Spark's `spark.sql` over temporary views): each query compared with the same query
// built from DataFrame methods, on static views and on streams; Spark's errors for columns outside
// GROUP BY, views that are not there, and streaming operations Spark refuses (count(DISTINCT),
// limit in update mode); limit on streams (stateful in append mode, across a restart).
import { afterEach, describe, expect, it } from 'vitest';
import { sensorWindowsSql } from '../examples/structured-sql.js';
import { sensorWindows } from '../examples/structured-rate-watermark.js';
import { FlintSession, functions as F, ManualClock, schemaOf, Trigger, type Row, type Value } from '../src/index.js';
import { CORES } from './support/harness.js';
import { cleanUp, session, sorted, StreamTest, tempDir, track, tuple } from './support/stream-test.js';

const { col, count, sum, lower } = F;
afterEach(cleanUp);

const WORDS: Row[] = ['spark', 'flint', 'Spark', 'kafka', 'flint', 'spark', 'stream', 'flint'].map((word, i) => ({ word, n: i, team: i % 3 === 0 ? 'a' : 'b' }));
const TEAMS: Row[] = [
  { team: 'a', lead: 'ann' },
  { team: 'c', lead: 'cid' },
];
const rows = async (df: { collect(): Promise<unknown[]> }): Promise<Value[][]> => ((await df.collect()) as Row[]).map(tuple);

describe.each(CORES)('spark.sql on static views (%s core)', (core) => {
  const setUp = () => {
    const flint = session(core);
    const words = flint.createDataFrame(WORDS, schemaOf({ word: 'string', n: 'long', team: 'string' }));
    const teams = flint.createDataFrame(TEAMS, schemaOf({ team: 'string', lead: 'string' }));
    words.createOrReplaceTempView('words');
    teams.createOrReplaceTempView('teams');
    return { flint, words, teams };
  };

  it('GROUP BY, ORDER BY an alias and an aggregate, LIMIT: the same rows as the DataFrame methods', async () => {
    const { flint, words } = setUp();
    const viaSql = flint.sql('SELECT word, count(*) AS c, sum(n) total FROM words GROUP BY word ORDER BY c DESC, word LIMIT 3;');
    const viaMethods = words.groupBy('word').agg(count('*').as('c'), sum('n').as('total')).orderBy(col('c').desc(), col('word')).limit(3);
    expect(viaSql.columns).toEqual(['word', 'c', 'total']);
    expect(await rows(viaSql)).toEqual(await rows(viaMethods));
    expect(await rows(viaSql)).toEqual([['flint', 3, 1 + 4 + 7], ['spark', 2, 0 + 5], ['Spark', 1, 2]]);
  });

  it('WHERE, HAVING on an aggregate not selected, a grouping expression, select items in another order', async () => {
    const { flint } = setUp();
    const out = flint.sql("SELECT count(*) AS c, lower(word) FROM words WHERE n >= 1 GROUP BY lower(word) HAVING sum(n) > 6 ORDER BY lower(word)");
    expect(out.columns).toEqual(['c', 'lower(word)']);
    expect(await rows(out)).toEqual([[3, 'flint'], [2, 'spark']]);
  });

  it('SELECT *, DISTINCT, and expressions without aggregation', async () => {
    const { flint, words } = setUp();
    expect(await rows(flint.sql('SELECT * FROM words'))).toEqual(await rows(words));
    expect(sorted(await rows(flint.sql('SELECT DISTINCT team FROM words')))).toEqual([['a'], ['b']]);
    expect(await rows(flint.sql("SELECT upper(word) AS w, n * 2 FROM words WHERE word = 'kafka'"))).toEqual([['KAFKA', 6]]);
  });

  it('JOIN ... USING, LEFT JOIN ... ON with table qualifiers, and a subquery in FROM', async () => {
    const { flint, words, teams } = setUp();
    const using = flint.sql('SELECT * FROM words JOIN teams USING (team) ORDER BY n');
    expect(await rows(using)).toEqual(await rows(words.join(teams, 'team').orderBy('n')));
    expect(using.columns).toEqual(['team', 'word', 'n', 'lead']);
    expect(await rows(using)).toEqual([['a', 'spark', 0, 'ann'], ['a', 'kafka', 3, 'ann'], ['a', 'stream', 6, 'ann']]);
    flint.createDataFrame(TEAMS, schemaOf({ team: 'string', lead: 'string' })).withColumnRenamed('team', 'tname').createOrReplaceTempView('leads');
    const left = flint.sql('SELECT w.word, l.lead FROM words AS w LEFT OUTER JOIN leads l ON w.team = l.tname WHERE w.n < 3 ORDER BY w.n');
    expect(await rows(left)).toEqual([['spark', 'ann'], ['flint', null], ['Spark', null]]);
    const nested = flint.sql('SELECT team, max(c) AS most FROM (SELECT team, word, count(*) AS c FROM words GROUP BY team, word) t GROUP BY team ORDER BY team');
    expect(await rows(nested)).toEqual([['a', 1], ['b', 3]]);
  });

  it('UNION ALL keeps duplicates, UNION drops them', async () => {
    const { flint } = setUp();
    expect(await flint.sql("SELECT team FROM words WHERE word = 'flint' UNION ALL SELECT team FROM teams").count()).toBe(5);
    expect(sorted(await rows(flint.sql("SELECT team FROM words WHERE word = 'flint' UNION SELECT team FROM teams")))).toEqual([['a'], ['b'], ['c']]);
  });

  it('WITH: common table expressions, each seeing the ones before it, shadowing a view, with column names, in a subquery', async () => {
    const { flint, words } = setUp();
    const viaSql = flint.sql(
      'WITH per_word AS (SELECT word, count(*) AS c FROM words GROUP BY word), ' +
        'common AS (SELECT word FROM per_word WHERE c > 1) ' +
        'SELECT p.word, p.c FROM per_word p JOIN common USING (word) ORDER BY word',
    );
    const perWord = words.groupBy('word').agg(count('*').as('c'));
    const viaMethods = perWord.join(perWord.filter(col('c').gt(1)).select('word'), 'word').select('word', 'c').orderBy('word');
    expect(await rows(viaSql)).toEqual(await rows(viaMethods));
    expect(await rows(viaSql)).toEqual([['flint', 3], ['spark', 2]]);
    // A CTE named like a view hides it; the column list renames the query's columns.
    expect(await rows(flint.sql("WITH teams(t, w) AS (SELECT team, word FROM words WHERE n < 2) SELECT w, t FROM teams ORDER BY w"))).toEqual([['flint', 'b'], ['spark', 'a']]);
    expect(await rows(flint.sql('SELECT * FROM (WITH t AS (SELECT lead FROM teams) SELECT lead FROM t) ORDER BY lead'))).toEqual([['ann'], ['cid']]);
    // Outside the statement that defines it, a CTE is gone.
    expect(() => flint.sql('SELECT * FROM per_word')).toThrow(/TABLE_OR_VIEW_NOT_FOUND/);
  });

  it('count(DISTINCT ...) and count_distinct on a static view', async () => {
    const { flint, words } = setUp();
    expect(await rows(flint.sql('SELECT team, count(DISTINCT word) AS kinds FROM words GROUP BY team ORDER BY team'))).toEqual([['a', 3], ['b', 3]]);
    expect(await rows(words.agg(F.count_distinct(lower(col('word')))))).toEqual([[4]]);
  });

  it('reads a memory sink\'s table, as Spark\'s guide does with spark.sql("select * from <queryName>")', async () => {
    const flint = session(core);
    const input = flint.memoryStream('in', schemaOf({ word: 'string' }));
    const t = new StreamTest(flint, input.toDF().groupBy('word').count(), 'complete');
    await t.start();
    input.addData({ word: 'x' }, { word: 'y' }, { word: 'x' });
    await t.query!.processAllAvailable();
    expect(await rows(flint.sql(`SELECT word, count FROM ${t.name} WHERE count > 1`))).toEqual([['x', 2]]);
    expect(flint.catalog.tableExists(t.name)).toBe(true);
  });
});

describe.each(CORES)('spark.sql on streaming views (%s core)', (core) => {
  const SCHEMA = schemaOf({ time: 'timestamp', word: 'string' });
  const at = (s: number, word: string): Row => ({ time: new Date(s * 1000), word });

  it('the windowed word count with a watermark in append mode, as its DataFrame twin', async () => {
    const answers: Value[][][] = [];
    for (const viaSql of [true, false]) {
      const flint = session(core);
      const input = flint.memoryStream('events', SCHEMA);
      const events = input.toDF().withWatermark('time', '10 seconds');
      events.createOrReplaceTempView('events');
      const df = viaSql
        ? flint.sql("SELECT window, word, count(*) AS count FROM events GROUP BY window(time, '10 seconds'), word")
        : events.groupBy(F.window(col('time'), '10 seconds'), col('word')).agg(count('*').as('count'));
      expect(df.isStreaming).toBe(true);
      // No projection over the aggregation, so the columnar window aggregation can take it as the methods' query.
      expect(df.logicalPlan.nodeName).toBe('Aggregate');
      const t = new StreamTest(flint, df, 'append');
      await t.start();
      input.addData(at(1, 'a'), at(2, 'b'), at(3, 'a'), at(12, 'a'));
      await t.query!.processAllAvailable();
      input.addData(at(25, 'b'));
      await t.query!.processAllAvailable();
      input.addData(at(40, 'c'), at(4, 'late'));
      await t.query!.processAllAvailable();
      answers.push(sorted(await t.all()));
    }
    expect(answers[0]).toEqual(answers[1]);
    const w = (s: number) => ({ start: new Date(s * 1000), end: new Date((s + 10) * 1000) });
    // The watermark is 15 s when 'late' (4 s) comes, so it is dropped; it reaches 30 s after the last batch, closing [20, 30).
    expect(answers[0]).toEqual(sorted([[w(0), 'a', 2], [w(0), 'b', 1], [w(10), 'a', 1], [w(20), 'b', 1]]));
  });

  it('WITH over a stream: the CTE is the streaming query its SELECT names', async () => {
    const flint = session(core);
    const input = flint.memoryStream('events', SCHEMA);
    input.toDF().createOrReplaceTempView('events');
    const df = flint.sql("WITH upper_words AS (SELECT upper(word) AS w FROM events WHERE word <> 'skip') SELECT w, count(*) AS n FROM upper_words GROUP BY w");
    expect(df.isStreaming).toBe(true);
    const t = new StreamTest(flint, df, 'complete');
    await t.start();
    input.addData(at(1, 'a'), at(2, 'skip'), at(3, 'a'), at(4, 'b'));
    await t.query!.processAllAvailable();
    expect(sorted(await t.all())).toEqual([['A', 2], ['B', 1]]);
  });

  it('selects fields of the window it groups by: window.start, window.end', async () => {
    const flint = session(core);
    const input = flint.memoryStream('events', SCHEMA);
    input.toDF().withWatermark('time', '0 seconds').createOrReplaceTempView('events');
    const df = flint.sql("SELECT window.start AS s, window.end, count(*) AS n FROM events GROUP BY window(time, '10 seconds') HAVING n > 0");
    const t = new StreamTest(flint, df, 'update');
    await t.start();
    input.addData(at(1, 'a'), at(12, 'b'), at(13, 'c'));
    await t.checkAnswer([0, 10_000, 1], [10_000, 20_000, 2]);
    expect(df.columns).toEqual(['s', 'window.end', 'n']);
  });

  it('ORDER BY with LIMIT in complete mode: the top words of the whole result, each trigger', async () => {
    const flint = session(core);
    const input = flint.memoryStream('events', SCHEMA);
    input.toDF().createOrReplaceTempView('events');
    const top = flint.sql('SELECT word, count(*) AS c FROM events GROUP BY word ORDER BY c DESC, word LIMIT 2');
    const t = new StreamTest(flint, top, 'complete');
    await t.start();
    input.addData(at(1, 'a'), at(2, 'b'), at(3, 'c'), at(4, 'c'));
    await t.checkAnswer(['c', 2], ['a', 1]);
    input.addData(at(5, 'b'), at(6, 'b'));
    await t.checkAnswer(['b', 3], ['c', 2]);
  });

  it('LIMIT in append mode: the first n rows over all batches, counted in state across a restart', async () => {
    const flint = session(core);
    const input = flint.memoryStream('events', SCHEMA);
    const limited = input.toDF().select('word').limit(3);
    const checkpoint = tempDir('flint-sql-limit-');
    const t = new StreamTest(flint, limited, 'append', checkpoint);
    await t.start();
    input.addData(at(1, 'a'), at(2, 'b'));
    await t.checkNewAnswer(['a'], ['b']);
    await t.stop();
    await t.start();
    input.addData(at(3, 'c'), at(4, 'd'));
    await t.checkNewAnswer(['c']);
    input.addData(at(5, 'e'));
    await t.checkNewAnswer();
    const progress = t.query!.lastProgress!;
    expect(progress.stateOperators[0]).toMatchObject({ operatorName: 'globalLimit', numRowsTotal: 1 });
  });

  it('refuses what Spark refuses on streams: count(DISTINCT), limit in update mode, columns outside GROUP BY', async () => {
    const flint = session(core);
    const input = flint.memoryStream('events', SCHEMA);
    input.toDF().createOrReplaceTempView('events');
    const distinct = flint.sql('SELECT count(DISTINCT word) FROM events');
    await expect(distinct.writeStream.format('memory').queryName('d').outputMode('complete').start()).rejects.toThrow(/Distinct aggregations are not supported on streaming DataFrames\/Datasets. Consider using approx_count_distinct\(\) instead/);
    const limited = flint.sql('SELECT word, count(*) FROM events GROUP BY word LIMIT 1');
    await expect(limited.writeStream.format('memory').queryName('l').outputMode('update').start()).rejects.toThrow(/Limits are not supported on streaming DataFrames\/Datasets in Update output mode/);
    expect(() => flint.sql('SELECT word, time FROM events GROUP BY word')).toThrow(/MISSING_AGGREGATION.*"time".*neither in the GROUP BY nor inside an aggregate function/);
  });
});

describe.each(CORES)('structured-sql example (%s core)', (core) => {
  it('gives the rows of the structured-rate example, its DataFrame-method twin', async () => {
    const results: Value[][][] = [];
    for (const build of [sensorWindowsSql, (_: FlintSession, rate: Parameters<typeof sensorWindows>[0]) => sensorWindows(rate)]) {
      const clock = new ManualClock(1_700_000_000_000);
      const flint = track(new FlintSession({ master: 'local[2]', core, clock }));
      const rate = flint.readStream.format('rate').option('rowsPerSecond', 2).load();
      const q = await build(flint, rate).writeStream.outputMode('append').format('memory').queryName('sensors').trigger(Trigger.ProcessingTime('1 second')).start();
      await clock.advance(27_000);
      await q.stop();
      results.push(sorted(((await flint.table('sensors').collect()) as Row[]).map(tuple)));
    }
    expect(results[0]).toEqual(results[1]);
    // Two windows are final by 27 s ([0, 10) and [10, 20)), two sensors each.
    expect(results[0]!.length).toBe(4);
  });
});

describe('temporary views and parse errors', () => {
  it('createTempView refuses a taken name; createOrReplaceTempView replaces; dropTempView and listTables', () => {
    const flint = session('js');
    const one = flint.createDataFrame([{ x: 1 }]);
    one.createTempView('t');
    expect(() => flint.createDataFrame([{ x: 2 }]).createTempView('T')).toThrow(/TEMP_TABLE_OR_VIEW_ALREADY_EXISTS.*`T`/);
    flint.createDataFrame([{ x: 2 }]).createOrReplaceTempView('T');
    expect(flint.catalog.listTables()).toEqual([{ name: 't', tableType: 'TEMPORARY', isTemporary: true }]);
    expect(flint.catalog.dropTempView('t')).toBe(true);
    expect(flint.catalog.dropTempView('t')).toBe(false);
    expect(() => flint.sql('SELECT * FROM t')).toThrow(/TABLE_OR_VIEW_NOT_FOUND.*`t` cannot be found.*createOrReplaceTempView\('t'\).*\(at position 14\)/);
    expect(() => one.createTempView('no such')).toThrow(/not a valid view name/);
  });

  it.each([
    ['DELETE FROM t', /expected SELECT, found 'DELETE'/],
    ['SELECT x t', /expected FROM after the select list/],
    ['SELECT x FROM t, u', /a comma between relations \(a cross join\) is not supported/],
    ['SELECT x FROM t LIMIT -1', /LIMIT needs a non-negative whole number/],
    ['SELECT x FROM t GROUP x', /expected BY, found 'x'/],
    ['SELECT x FROM t LEFT u', /expected JOIN/],
    ['SELECT sum(DISTINCT x) FROM t', /sum\(DISTINCT \.\.\.\) is not supported/],
    ['SELECT x FROM t ORDER BY x ASC NULLS LAST', /NULLS LAST with ASC is not supported/],
    ['SELECT x FROM t extra words', /unexpected 'words'/],
    ['WITH a AS (SELECT x FROM t), a AS (SELECT x FROM u) SELECT x FROM a', /CTE definition can't have duplicate names: a \(DUPLICATED_CTE_NAMES\)/],
    ['WITH a(p, q) AS (SELECT x FROM t) SELECT p FROM a', /WITH a\(p, q\) names 2 columns, but its query has 1 \(x\)/],
    ['WITH a SELECT x FROM t', /expected AS/],
  ])('%s', (text, message) => {
    const flint = session('js');
    flint.createDataFrame([{ x: 1 }]).createOrReplaceTempView('t');
    flint.createDataFrame([{ x: 1 }]).createOrReplaceTempView('u');
    expect(() => flint.sql(text)).toThrow(message);
    expect(() => flint.sql(text)).toThrow(/cannot parse the SQL statement/);
  });
});
