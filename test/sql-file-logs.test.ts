// The file source's and file sink's logs stay bounded over a long query: compaction every
// `compactInterval` batches and deletion of what a compact file covers (Spark's
// CompactibleFileStreamLogSuite and FileStreamSinkLogSuite), the source's SeenFilesMap with
// `maxFileAge` (FileStreamSourceSuite), and exactly-once reading and writing across restarts with
// compacted logs, on both cores.
import { readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { schemaOf, Trigger } from '../src/index.js';
import { CompactibleLog, DEFAULT_COMPACTION } from '../src/sql/checkpoint/compactible-log.js';
import { SeenFilesMap } from '../src/sql/sources/seen-files-map.js';
import { CORES } from './support/harness.js';
import { cleanUp, session, StreamTest, tempDir } from './support/stream-test.js';

afterEach(cleanUp);

const logFiles = (dir: string): string[] => readdirSync(dir).filter((f) => /^\d+(\.compact)?$/.test(f)).sort((a, b) => Number.parseInt(a, 10) - Number.parseInt(b, 10));

describe('CompactibleLog', () => {
  it('compacts every compactInterval batches and keeps every entry readable', async () => {
    const dir = tempDir();
    const log = new CompactibleLog<string>(dir, { ...DEFAULT_COMPACTION, compactInterval: 3, deletion: false });
    for (let b = 0; b < 8; b++) expect(await log.add(b, [`f${b}a`, `f${b}b`])).toBe(true);
    expect(logFiles(dir)).toEqual(['0', '1', '2.compact', '3', '4', '5.compact', '6', '7']);
    expect(log.get(5)).toEqual(['f0a', 'f0b', 'f1a', 'f1b', 'f2a', 'f2b', 'f3a', 'f3b', 'f4a', 'f4b', 'f5a', 'f5b']);
    expect(log.get(6)).toEqual(['f6a', 'f6b']);
    const all = Array.from({ length: 8 }, (_, b) => [`f${b}a`, `f${b}b`]).flat();
    expect(log.allEntries()).toEqual(all);
    // A batch logged already, in its own file or under a compact file, is not written again.
    expect(await log.add(7, ['other'])).toBe(false);
    expect(await log.add(1, ['other'])).toBe(false);
    expect(log.has(7) && !log.has(8)).toBe(true);
    // Another process (a restart) reads the same entries.
    expect(new CompactibleLog<string>(dir, log.settings).allEntries()).toEqual(all);
  });

  it('deletes the files a compact file covers beyond minBatchesToRetain, once older than the cleanup delay', async () => {
    const dir = tempDir();
    let now = Date.now() - 60_000;
    const settings = { compactInterval: 3, deletion: true, cleanupDelayMs: 30_000, minBatchesToRetain: 2 };
    const log = new CompactibleLog<number>(dir, settings, () => now);
    for (let b = 0; b < 12; b++) await log.add(b, [b]);
    // Every file is younger than the delay: nothing is deleted yet.
    expect(logFiles(dir)).toHaveLength(12);
    now = Date.now() + 60_000;
    await log.add(12, [12]);
    // Batch 12 keeps batches 11 and 12; the compact file before them (8) covers all older ones.
    expect(logFiles(dir)).toEqual(['8.compact', '9', '10', '11.compact', '12']);
    expect(log.allEntries()).toEqual(Array.from({ length: 13 }, (_, b) => b));
    for (let b = 13; b < 40; b++) await log.add(b, [b]);
    expect(logFiles(dir).length).toBeLessThanOrEqual(settings.compactInterval + 2);
    expect(log.allEntries()).toEqual(Array.from({ length: 40 }, (_, b) => b));
  });

  it('refuses a compact interval that is not a positive integer', () => {
    expect(() => new CompactibleLog(tempDir(), { ...DEFAULT_COMPACTION, compactInterval: 0 })).toThrow(/compactInterval must be a positive integer/);
  });
});

describe('RuntimeConfig (flint.conf)', () => {
  it("keeps settings by Spark's keys and checks the ones Flint reads", async () => {
    const flint = session('js', { conf: { 'spark.sql.streaming.fileSink.log.compactInterval': 5 } });
    expect(flint.conf.get('spark.sql.streaming.fileSink.log.compactInterval')).toBe('5');
    flint.conf.set('spark.app.custom', true);
    expect(flint.conf.getAll()).toEqual({ 'spark.sql.streaming.fileSink.log.compactInterval': '5', 'spark.app.custom': 'true' });
    flint.conf.unset('spark.app.custom');
    expect(flint.conf.getOption('spark.app.custom')).toBeUndefined();
    expect(() => flint.conf.get('spark.app.custom')).toThrow(/is not set/);
    expect(flint.conf.get('spark.app.custom', 'x')).toBe('x');
    expect(flint.conf.compaction('fileSink')).toEqual({ compactInterval: 5, deletion: true, cleanupDelayMs: 600_000, minBatchesToRetain: 100 });
    flint.conf.set('spark.sql.streaming.fileSink.log.compactInterval', 'often');
    const df = flint.memoryStream('x', schemaOf({ n: 'long' })).toDF();
    await expect(df.writeStream.format('json').option('checkpointLocation', tempDir()).start(tempDir())).rejects.toThrow(/compactInterval must be a positive integer, got often/);
  });
});

describe('SeenFilesMap', () => {
  it("purges by age and tells new files (Spark's FileStreamSourceSuite)", () => {
    const map = new SeenFilesMap(10);
    map.add('a', 5);
    expect(map.size).toBe(1);
    map.purge();
    expect(map.size).toBe(1);
    // The gap is exactly 10 ms: nothing to purge.
    map.add('b', 15);
    map.purge();
    expect(map.size).toBe(2);
    // More than 10 ms after the first entry: it goes.
    map.add('c', 16);
    expect(map.size).toBe(3);
    expect(map.purge()).toBe(1);
    expect(map.size).toBe(2);
    map.add('c', 25);
    expect(map.size).toBe(2);
    expect(map.isNewFile('c', 20)).toBe(false);
    expect(map.isNewFile('d', 5)).toBe(false);
    expect(map.isNewFile('e', 20)).toBe(true);
  });
});

describe.each(CORES)('file logs in a running query (%s core)', (core) => {
  const conf = {
    'spark.sql.streaming.minBatchesToRetain': 2,
    'spark.sql.streaming.fileSink.log.compactInterval': 3,
    'spark.sql.streaming.fileSink.log.cleanupDelay': 0,
    'spark.sql.streaming.fileSource.log.compactInterval': 2,
    'spark.sql.streaming.fileSource.log.cleanupDelay': '0 seconds',
  };

  it('the file sink compacts _spark_metadata; reading the output and a rerun stay exactly once', async () => {
    const flint = session(core, { conf });
    const input = flint.memoryStream('rows', schemaOf({ n: 'long' }));
    const out = tempDir('flint-out-');
    const ckpt = tempDir();
    const start = () => flint.readStream.format('memory').option('name', 'rows').load().writeStream.format('json').option('checkpointLocation', ckpt).start(out);
    let q = await start();
    for (let b = 0; b < 10; b++) {
      input.addData({ n: b });
      await q.processAllAvailable();
    }
    await q.stop();
    const meta = join(out, '_spark_metadata');
    expect(logFiles(meta)).toEqual(['5.compact', '6', '7', '8.compact', '9']);
    // spark.sql.streaming.minBatchesToRetain also bounds the offset and commit logs.
    expect(logFiles(join(ckpt, 'offsets'))).toEqual(['8', '9']);
    expect(logFiles(join(ckpt, 'commits'))).toEqual(['8', '9']);
    // A restart after batch 9 was logged but not committed: the sink skips it.
    const { rmSync } = await import('node:fs');
    rmSync(join(ckpt, 'commits', '9'));
    q = await start();
    await q.processAllAvailable();
    await q.stop();
    const parts = readdirSync(out).filter((f) => f.startsWith('part-'));
    expect(parts).toHaveLength(10);
    const back = new StreamTest(flint, flint.readStream.schema({ n: 'long' }).json(out), 'append');
    await back.start();
    await back.checkNewAnswer(...Array.from({ length: 10 }, (_, n) => [n]));
  });

  it('the file source compacts its log and reads each file once across restarts', async () => {
    const flint = session(core, { conf });
    const dir = tempDir('flint-text-');
    const ckpt = tempDir();
    const write = (i: number) => writeFileSync(join(dir, `f${String(i).padStart(2, '0')}.txt`), `${i}\n`);
    for (let i = 0; i < 7; i++) write(i);
    const t = new StreamTest(flint, flint.readStream.format('text').option('maxFilesPerTrigger', 1).load(dir), 'append', ckpt);
    await (await t.start(Trigger.AvailableNow())).awaitTermination();
    expect((await t.all()).flat().sort()).toEqual(['0', '1', '2', '3', '4', '5', '6']);
    const sourceLog = join(ckpt, 'sources', '0');
    const files = logFiles(sourceLog);
    expect(files.at(-1)).toBe('6');
    expect(files.filter((f) => f.endsWith('.compact')).length).toBeGreaterThan(0);
    expect(files.length).toBeLessThan(7);
    // A restart takes only the new files; compacted batches are not read again.
    write(7);
    write(8);
    const again = new StreamTest(flint, flint.readStream.format('text').option('maxFilesPerTrigger', 1).load(dir), 'append', ckpt);
    await (await again.start(Trigger.AvailableNow())).awaitTermination();
    expect((await again.all()).flat().sort()).toEqual(['7', '8']);
  });

  it('a rerun of a batch whose log file is a compact file reads that batch\'s files only', async () => {
    const flint = session(core, { conf });
    const dir = tempDir('flint-text-');
    const ckpt = tempDir();
    for (let i = 0; i < 8; i++) writeFileSync(join(dir, `f${i}.txt`), `${i}\n`);
    const out = tempDir('flint-out-');
    const start = () => flint.readStream.format('text').option('maxFilesPerTrigger', 2).load(dir).writeStream.format('json').option('checkpointLocation', ckpt).trigger(Trigger.AvailableNow()).start(out);
    await (await start()).awaitTermination();
    expect(logFiles(join(ckpt, 'sources', '0')).at(-1)).toBe('3.compact');
    // Forget that batch 3 ran (its offsets logged, no commit, a fresh output directory): the restart re-runs it from the source log.
    const { rmSync } = await import('node:fs');
    rmSync(join(ckpt, 'commits', '3'));
    rmSync(out, { recursive: true });
    await (await start()).awaitTermination();
    const text = readdirSync(out).filter((f) => f.startsWith('part-')).map((f) => readFileSync(join(out, f), 'utf8')).join('');
    expect(text.trim().split('\n').sort()).toEqual(['{"value":"6"}', '{"value":"7"}']);
  });

  it('maxFileAge: files older than the newest minus the age are not taken after the first batch', async () => {
    const flint = session(core);
    const dir = tempDir('flint-text-');
    const at = (name: string, seconds: number) => {
      writeFileSync(join(dir, name), `${name}\n`);
      utimesSync(join(dir, name), seconds, seconds);
    };
    at('a', 1000);
    at('b', 5000);
    const t = new StreamTest(flint, flint.readStream.format('text').option('maxFileAge', '1h').load(dir), 'append');
    await t.start();
    // The first batch takes every file, whatever its age.
    await t.checkNewAnswer(['a'], ['b']);
    at('old', 1000); // over an hour older than b: ignored
    at('recent', 4000);
    await t.checkNewAnswer(['recent']);
  });
});
