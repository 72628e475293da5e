// Static reads and writes (Spark's `spark.read` and `df.write`): Spark's output layout (part files
// and _SUCCESS), round trips in json, csv and text, schema inference as Spark's (JSON fields
// sorted by name, CSV strings or inferred types, partition columns), the save modes, reading a
// streaming file sink's output through its log, the programming guide's foreachBatch write, a
// stream joined with a table read from CSV, and the errors for what cannot be done.
import { readdirSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { schemaOf, type Row } from '../src/index.js';
import { CORES } from './support/harness.js';
import { cleanUp, session, sorted, StreamTest, tempDir, tuple } from './support/stream-test.js';

afterEach(cleanUp);

const SCHEMA = schemaOf({ name: 'string', n: 'long', score: 'double', ok: 'boolean', at: 'timestamp' });
const ROWS: Row[] = [
  { name: 'ann', n: 1, score: 1.5, ok: true, at: new Date('2024-01-01T10:00:00Z') },
  { name: 'bob, jr', n: 2, score: -2, ok: false, at: new Date('2024-01-02T11:30:00Z') },
  { name: 'cid "c"', n: null, score: null, ok: null, at: null },
];

describe.each(CORES)('spark.read and df.write (%s core)', (core) => {
  it("json: Spark's layout, and the rows read back with the schema; without it, fields sorted by name", async () => {
    const flint = session(core);
    const out = join(tempDir(), 'people');
    await flint.createDataFrame(ROWS, SCHEMA).write.json(out);
    const names = readdirSync(out).sort();
    expect(names).toHaveLength(2);
    expect(names[0]).toBe('_SUCCESS');
    expect(names[1]).toMatch(/^part-00000-[0-9a-f-]{36}-c000\.json$/);
    expect(readFileSync(join(out, names[1]!), 'utf8').split('\n')[0]).toBe('{"name":"ann","n":1,"score":1.5,"ok":true,"at":"2024-01-01T10:00:00.000Z"}');
    expect(await flint.read.schema(SCHEMA).json(out).collect()).toEqual(ROWS);
    const inferred = flint.read.json(out);
    expect(inferred.schema?.fields.map((f) => [f.name, f.dataType])).toEqual([['at', 'string'], ['n', 'long'], ['name', 'string'], ['ok', 'boolean'], ['score', 'double']]);
  });

  it('csv: with a header and inferSchema the columns are typed; without, they are _c0, _c1, ... strings', async () => {
    const flint = session(core);
    const out = join(tempDir(), 'csv');
    await flint.createDataFrame(ROWS, SCHEMA).write.option('header', true).csv(out);
    const typed = flint.read.option('header', 'true').option('inferSchema', 'true').csv(out);
    expect(typed.schema?.fields.map((f) => [f.name, f.dataType])).toEqual([['name', 'string'], ['n', 'long'], ['score', 'double'], ['ok', 'boolean'], ['at', 'timestamp']]);
    expect(await typed.collect()).toEqual(ROWS);
    const raw = flint.read.csv(out);
    expect(raw.columns).toEqual(['_c0', '_c1', '_c2', '_c3', '_c4']);
    expect(((await raw.collect()) as Row[])[1]).toEqual({ _c0: 'ann', _c1: '1', _c2: '1.5', _c3: 'true', _c4: '2024-01-01T10:00:00.000Z' });
  });

  it('text: one string column out, lines back as value', async () => {
    const flint = session(core);
    const out = join(tempDir(), 'text');
    await flint.createDataFrame(ROWS, SCHEMA).select('name').write.text(out);
    expect(((await flint.read.text(out).collect()) as Row[]).map((r) => r.value)).toEqual(['ann', 'bob, jr', 'cid "c"']);
    await expect(flint.createDataFrame(ROWS, SCHEMA).write.mode('overwrite').text(out)).rejects.toThrow(/Text data source supports only a single column, and you have 5 columns/);
  });

  it('save modes: errorifexists (default), ignore, append, overwrite', async () => {
    const flint = session(core);
    const out = join(tempDir(), 'modes');
    const df = flint.createDataFrame(ROWS, SCHEMA);
    await df.write.json(out);
    await expect(df.write.json(out)).rejects.toThrow(/\[PATH_ALREADY_EXISTS\] Path file:.*modes already exists. Set mode as "overwrite"/);
    await df.write.mode('ignore').json(out);
    expect(await flint.read.json(out).count()).toBe(3);
    await df.write.mode('append').json(out);
    expect(await flint.read.json(out).count()).toBe(6);
    await df.limit(1).write.mode('overwrite').json(out);
    expect(await flint.read.schema(SCHEMA).json(out).collect()).toEqual([ROWS[0]]);
    expect(() => df.write.mode('upsert')).toThrow(/unknown save mode "upsert"/);
  });

  it('partitionBy: column=value directories, read back with the partition columns typed', async () => {
    const flint = session(core);
    const out = join(tempDir(), 'parts');
    const rows = [{ year: 2024, kind: 'a', v: 1 }, { year: 2025, kind: 'b/c', v: 2 }, { year: 2024, kind: 'a', v: 3 }];
    await flint.createDataFrame(rows, schemaOf({ year: 'long', kind: 'string', v: 'long' })).write.partitionBy('year', 'kind').json(out);
    expect(readdirSync(out).sort()).toEqual(['_SUCCESS', 'year=2024', 'year=2025']);
    const back = flint.read.json(out);
    expect(back.schema?.fields.map((f) => [f.name, f.dataType])).toEqual([['v', 'long'], ['year', 'long'], ['kind', 'string']]);
    expect(sorted(((await back.collect()) as Row[]).map(tuple))).toEqual(sorted([[1, 2024, 'a'], [3, 2024, 'a'], [2, 2025, 'b/c']]));
  });

  it("reads a streaming file sink's output through _spark_metadata: a stray part file is not read", async () => {
    const flint = session(core);
    const input = flint.memoryStream('events', schemaOf({ word: 'string' }));
    const out = tempDir();
    const q = await input.toDF().writeStream.format('json').option('checkpointLocation', tempDir()).start(out);
    input.addData({ word: 'x' }, { word: 'y' });
    await q.processAllAvailable();
    await q.stop();
    writeFileSync(join(out, 'part-99999-stray.json'), '{"word":"never committed"}\n');
    expect(sorted(((await flint.read.json(out).collect()) as Row[]).map(tuple))).toEqual([['x'], ['y']]);
  });

  it("the programming guide's foreachBatch: batchDF.write.format('json').mode('append').save(path)", async () => {
    const flint = session(core);
    const input = flint.memoryStream('words', schemaOf({ word: 'string' }));
    const out = join(tempDir(), 'batches');
    const q = await input
      .toDF()
      .groupBy('word')
      .count()
      .writeStream.outputMode('update')
      .foreachBatch(async (batchDF) => batchDF.write.format('json').mode('append').save(out))
      .start();
    input.addData({ word: 'a' }, { word: 'b' }, { word: 'a' });
    await q.processAllAvailable();
    input.addData({ word: 'a' });
    await q.processAllAvailable();
    await q.stop();
    expect(sorted(((await flint.read.schema(schemaOf({ word: 'string', count: 'long' })).json(out).collect()) as Row[]).map(tuple))).toEqual(sorted([['a', 2], ['b', 1], ['a', 3]]));
  });

  it('a stream joined with a lookup table read from CSV', async () => {
    const flint = session(core);
    const dir = tempDir();
    mkdirSync(join(dir, 'users'));
    writeFileSync(join(dir, 'users', 'users.csv'), 'id,country\n1,NZ\n2,FR\n');
    const users = flint.read.option('header', true).option('inferSchema', true).csv(join(dir, 'users'));
    const clicks = flint.memoryStream('clicks', schemaOf({ id: 'long', page: 'string' }));
    const t = new StreamTest(flint, clicks.toDF().join(users, 'id').groupBy('country').count(), 'complete');
    await t.start();
    clicks.addData({ id: 1, page: '/a' }, { id: 2, page: '/b' }, { id: 1, page: '/c' }, { id: 3, page: '/d' });
    await t.checkAnswer(['NZ', 2], ['FR', 1]);
  });

  it('errors: write on a stream, a missing path, parquet', async () => {
    const flint = session(core);
    const stream = flint.memoryStream('s', schemaOf({ v: 'long' })).toDF();
    expect(() => stream.write).toThrow(/'write' can not be called on streaming Dataset\/DataFrame; use writeStream/);
    expect(() => flint.read.json(join(tempDir(), 'nothing'))).toThrow(/\[PATH_NOT_FOUND\] Path does not exist: file:.*nothing/);
    expect(() => flint.read.format('parquet')).toThrow(/Flint reads json, csv, text and kafka \(not parquet or orc\)/);
    await expect(flint.createDataFrame([{ v: 1 }]).write.partitionBy('nope').json(join(tempDir(), 'x'))).rejects.toThrow(/partitionBy: column "nope" not found in schema v/);
  });
});

describe('static Dataset actions', () => {
  it('head, take, first, isEmpty, distinct, and cache/persist returning the same Dataset', async () => {
    const flint = session('js');
    const df = flint.createDataFrame([{ v: 3 }, { v: 1 }, { v: 3 }, { v: 2 }], schemaOf({ v: 'long' }));
    expect(await df.head()).toEqual([{ v: 3 }]);
    expect(await df.take(2)).toEqual([{ v: 3 }, { v: 1 }]);
    expect(await df.orderBy('v').first()).toEqual({ v: 1 });
    expect(await df.isEmpty()).toBe(false);
    expect(await df.filter('v > 5').isEmpty()).toBe(true);
    await expect(df.filter('v > 5').first()).rejects.toThrow(/first: the Dataset is empty/);
    expect(sorted(((await df.distinct().collect()) as Row[]).map(tuple))).toEqual([[1], [2], [3]]);
    expect(df.cache()).toBe(df);
    expect(df.persist().unpersist()).toBe(df);
    const stream = flint.memoryStream('s', schemaOf({ v: 'long' })).toDF();
    await expect(stream.head()).rejects.toThrow(/Queries with streaming sources must be executed with writeStream.start\(\)/);
  });
});
