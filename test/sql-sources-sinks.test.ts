// Sources and sinks of Structured Streaming: the rate source (Spark's RateStreamProviderSuite
// valueAtSecond, rows on a ManualClock, the same rows after a restart), file sources (text, json,
// csv with a schema, latestFirst), the file sink's exactly-once log, foreachBatch and foreach,
// and a stream-static join.
import { readdirSync, readFileSync, writeFileSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { functions as F, ManualClock, schemaOf, Trigger, type Row } from '../src/index.js';
import { valueAtSecond } from '../src/sql/sources/rate-source.js';
import { CORES } from './support/harness.js';
import { cleanUp, session, sorted, StreamTest, tempDir } from './support/stream-test.js';

const { col, sum } = F;
afterEach(cleanUp);

describe('rate source', () => {
  it("valueAtSecond (Spark's RateStreamProviderSuite)", () => {
    expect(valueAtSecond(0, 5, 0)).toBe(0);
    expect(valueAtSecond(1, 5, 0)).toBe(5);
    expect(valueAtSecond(0, 5, 2)).toBe(0);
    expect(valueAtSecond(1, 5, 2)).toBe(1);
    expect(valueAtSecond(2, 5, 2)).toBe(3);
    expect(valueAtSecond(3, 5, 2)).toBe(8);
    expect([0, 1, 2, 3, 4, 5].map((s) => valueAtSecond(s, 10, 4))).toEqual([0, 2, 6, 12, 20, 30]);
  });

  it.each(CORES)('rowsPerSecond rows { timestamp, value } spread over each second, the same after a restart (%s core)', async (core) => {
    const clock = new ManualClock(100_000);
    const flint = session(core, { clock });
    const rate = flint.readStream.format('rate').option('rowsPerSecond', 4).option('numPartitions', 2).load();
    expect(rate.columns).toEqual(['timestamp', 'value']);
    const dir = tempDir();
    const t = new StreamTest(flint, rate, 'append', dir);
    await t.start(Trigger.ProcessingTime('1 second'));
    await clock.advance(2000);
    await t.stop();
    const first = sorted(await t.all());
    expect(first).toEqual([0, 1, 2, 3, 4, 5, 6, 7].map((v) => [100_000 + v * 250, v]));
    // A new run from the same checkpoint goes on from value 8, with timestamps from the same start.
    await t.start(Trigger.ProcessingTime('1 second'));
    await clock.advance(1000);
    await t.stop();
    expect(sorted(await t.all())).toEqual([8, 9, 10, 11].map((v) => [100_000 + v * 250, v]));
  });

  it('checks its options', () => {
    const flint = session('js');
    expect(() => flint.readStream.format('rate').option('rowsPerSecond', 0).load()).toThrow('rowsPerSecond must be an integer >= 1');
    expect(() => flint.readStream.format('rate').option('rowsPerSecond', 2).option('rampUpTime', '5 seconds').load()).toThrow(/at least rampUpTime/);
  });
});

describe.each(CORES)('file source and sink (%s core)', (core) => {
  it('reads json and csv with a schema, oldest file first', async () => {
    const flint = session(core);
    const jsonDir = tempDir('flint-json-');
    const csvDir = tempDir('flint-csv-');
    writeFileSync(join(jsonDir, 'a.json'), '{"name":"ann","n":1,"at":"2024-01-01T00:00:00Z"}\n{"name":"bo","n":2.5}\nnot json\n');
    writeFileSync(join(csvDir, 'a.csv'), 'name,n,ok\n"c, d",3,true\ne,,false\n');
    const json = flint.readStream.schema({ name: 'string', n: 'double', at: 'timestamp' }).json(jsonDir);
    const csv = flint.readStream.schema({ name: 'string', n: 'long', ok: 'boolean' }).option('header', true).csv(csvDir);
    const j = new StreamTest(flint, json, 'append');
    const c = new StreamTest(flint, csv, 'append');
    await j.start();
    await c.start();
    await j.checkNewAnswer(['ann', 1, Date.UTC(2024, 0, 1)], ['bo', 2.5, null], [null, null, null]);
    await c.checkNewAnswer(['c, d', 3, true], ['e', null, false]);
    expect(() => flint.readStream.format('json').load(jsonDir)).toThrow(/Schema must be specified/);
  });

  it('maxFilesPerTrigger with latestFirst takes the newest files first', async () => {
    const flint = session(core);
    const dir = tempDir('flint-text-');
    for (let i = 0; i < 3; i++) {
      writeFileSync(join(dir, `f${i}.txt`), `${i}\n`);
      utimesSync(join(dir, `f${i}.txt`), 1000 + i, 1000 + i);
    }
    const t = new StreamTest(flint, flint.readStream.format('text').option('maxFilesPerTrigger', 1).option('latestFirst', true).load(dir), 'append');
    const q = await t.start(Trigger.AvailableNow());
    await q.awaitTermination();
    expect(await t.all()).toEqual([['2'], ['1'], ['0']]);
  });

  it('the json file sink writes each batch once, logged in _spark_metadata; reruns write nothing twice', async () => {
    const flint = session(core);
    const input = flint.memoryStream('rows', schemaOf({ word: 'string', n: 'long' }));
    const out = tempDir('flint-out-');
    const ckpt = tempDir();
    const start = () => flint.readStream.format('memory').option('name', 'rows').load().writeStream.format('json').option('checkpointLocation', ckpt).start(out);
    let q = await start();
    input.addData({ word: 'a', n: 1 }, { word: 'b', n: 2 });
    await q.processAllAvailable();
    input.addData({ word: 'c', n: 3 });
    await q.processAllAvailable();
    await q.stop();
    const files = (): string[] => readdirSync(out).filter((f) => f.startsWith('part-')).sort();
    expect(files()).toHaveLength(2);
    expect(readdirSync(join(out, '_spark_metadata')).filter((f) => !f.startsWith('.')).sort()).toEqual(['0', '1']);
    expect(files().map((f) => readFileSync(join(out, f), 'utf8')).join('')).toBe('{"word":"a","n":1}\n{"word":"b","n":2}\n{"word":"c","n":3}\n');
    // A restart after the sink logged batch 1 but before the commit: the rerun is skipped by the sink.
    const { rmSync } = await import('node:fs');
    rmSync(join(ckpt, 'commits', '1'));
    q = await start();
    await q.processAllAvailable();
    await q.stop();
    expect(files()).toHaveLength(2);
    // Reading the output directory goes through the sink log.
    writeFileSync(join(out, 'part-99999-stray.json'), '{"word":"stray","n":0}\n');
    const back = new StreamTest(flint, flint.readStream.schema({ word: 'string', n: 'long' }).json(out), 'append');
    await back.start();
    await back.checkNewAnswer(['a', 1], ['b', 2], ['c', 3]);
  });

  it('the file sink takes append mode only and needs a checkpoint location', async () => {
    const flint = session(core);
    const df = flint.memoryStream('x', schemaOf({ v: 'long' })).toDF();
    await expect(df.writeStream.format('csv').start(tempDir())).rejects.toThrow(/checkpointLocation must be specified/);
    await expect(df.groupBy('v').count().writeStream.format('csv').outputMode('update').option('checkpointLocation', tempDir()).start(tempDir())).rejects.toThrow(/does not support Update output mode/);
  });
});

describe.each(CORES)('foreachBatch, foreach and joins (%s core)', (core) => {
  it('foreachBatch gets each batch as a static DataFrame with its id', async () => {
    const flint = session(core);
    const input = flint.memoryStream('in', schemaOf({ v: 'long' }));
    const seen: [number, unknown][] = [];
    const q = await input.toDF().writeStream.foreachBatch(async (df, batchId) => {
      seen.push([batchId, ((await df.agg(sum('v')).collect()) as Row[])[0]!['sum(v)']]);
    }).start();
    input.addData(1, 2);
    await q.processAllAvailable();
    input.addData(10);
    await q.processAllAvailable();
    await q.stop();
    expect(seen).toEqual([[0, 3], [1, 10]]);
  });

  it('foreach calls open, process per row and close per batch', async () => {
    const flint = session(core);
    const input = flint.memoryStream('in', schemaOf({ v: 'long' }));
    const calls: string[] = [];
    const q = await input.toDF().writeStream.foreach({
      open: (partition, epoch) => (calls.push(`open ${partition} ${epoch}`), true),
      process: (row) => void calls.push(`process ${row.v}`),
      close: (error) => void calls.push(`close ${String(error)}`),
    }).start();
    input.addData(1, 2);
    await q.processAllAvailable();
    await q.stop();
    expect(calls).toEqual(['open 0 0', 'process 1', 'process 2', 'close null']);
  });

  it('stream-static join, inner and left outer', async () => {
    const flint = session(core);
    const input = flint.memoryStream('clicks', schemaOf({ user: 'long', page: 'string' }));
    const users = flint.createDataFrame([{ user: 1, name: 'ann' }, { user: 2, name: 'bo' }]);
    const clicks = flint.readStream.format('memory').option('name', 'clicks').load();
    const inner = new StreamTest(flint, clicks.join(users, 'user'), 'append');
    const left = new StreamTest(flint, clicks.join(users, 'user', 'left_outer').select(col('page'), col('name')), 'append');
    await inner.start();
    await left.start();
    input.addData({ user: 1, page: 'a' }, { user: 3, page: 'b' }, { user: 2, page: 'c' });
    await inner.checkNewAnswer([1, 'a', 'ann'], [2, 'c', 'bo']);
    await left.checkNewAnswer(['a', 'ann'], ['b', null], ['c', 'bo']);
  });
});

describe('socket source', () => {
  it('includeTimestamp adds the time each line arrived', async () => {
    const { createServer } = await import('node:net');
    const server = createServer((s) => s.end('hello\n'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    const flint = session('js');
    const df = flint.readStream.format('socket').option('host', '127.0.0.1').option('port', port).option('includeTimestamp', true).load();
    expect(df.columns).toEqual(['value', 'timestamp']);
    const rows: Row[] = [];
    const q = await df.writeStream.foreachBatch(async (b) => void rows.push(...((await b.collect()) as Row[]))).start();
    const deadline = Date.now() + 5000;
    while (rows.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    await q.stop();
    server.close();
    expect(rows.map((r) => r.value)).toEqual(['hello']);
    expect(rows[0]!.timestamp).toBeInstanceOf(Date);


  });
});
