// The file source's cleanSource (Spark's FileStreamSource cleaner): files of committed batches are
// deleted, or moved under sourceArchiveDir with their whole path, once the batch that read them is
// committed; rows are read exactly once across a restart; bad settings are refused at the start.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { schemaOf } from '../src/index.js';
import { CORES } from './support/harness.js';
import { cleanUp, session, StreamTest, tempDir } from './support/stream-test.js';

afterEach(cleanUp);

function writeFiles(dir: string, n: number, from = 0): string[] {
  return Array.from({ length: n }, (_, i) => {
    const path = join(dir, `f${from + i}.txt`);
    writeFileSync(path, `line ${from + i}\n`);
    return path;
  });
}

describe.each(CORES)('cleanSource (%s core)', (core) => {
  it('delete: each file goes once its batch is committed, and its rows were read exactly once', async () => {
    const flint = session(core);
    const dir = tempDir();
    writeFiles(dir, 3);
    const df = flint.readStream.option('cleanSource', 'delete').option('maxFilesPerTrigger', 1).text(dir);
    const t = new StreamTest(flint, df, 'append');
    await t.start();
    await t.checkNewAnswer(['line 0'], ['line 1'], ['line 2']);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('archive: files move under sourceArchiveDir with their whole path; a restart reads only new files', async () => {
    const flint = session(core);
    const dir = tempDir();
    const archive = tempDir();
    const ckpt = tempDir();
    const [first] = writeFiles(dir, 2);
    const df = flint.readStream.option('cleanSource', 'ARCHIVE').option('sourceArchiveDir', archive).text(dir);
    const t = new StreamTest(flint, df, 'append', ckpt);
    await t.start();
    await t.checkNewAnswer(['line 0'], ['line 1']);
    expect(readdirSync(dir)).toEqual([]);
    expect(readFileSync(join(archive, first!), 'utf8')).toBe('line 0\n');
    await t.stop();
    writeFiles(dir, 1, 2);
    await t.start();
    await t.checkNewAnswer(['line 2']);
    expect(existsSync(join(archive, dir, 'f2.txt'))).toBe(true);
  });

  it("refuses bad settings when the stream is made, and a file sink's output at the start", async () => {
    const flint = session(core);
    const dir = tempDir();
    const read = (options: Record<string, string>) => () => flint.readStream.optionsFrom(options).text(dir);
    expect(read({ cleanSource: 'shred' })).toThrow(/cleanSource must be 'archive', 'delete' or 'off', got 'shred'/);
    expect(read({ cleanSource: 'archive' })).toThrow(/needs option sourceArchiveDir/);
    mkdirSync(join(dir, 'old'));
    expect(read({ cleanSource: 'archive', sourceArchiveDir: join(dir, 'old') })).toThrow(/is inside the source directory/);
    const sinkOut = tempDir();
    mkdirSync(join(sinkOut, '_spark_metadata'));
    const fromSink = flint.readStream.option('cleanSource', 'delete').schema(schemaOf({ value: 'string' })).json(sinkOut);
    await expect(new StreamTest(flint, fromSink, 'append').start()).rejects.toThrow(/cleanSource cannot clean the output of a file sink/);
  });
});
