// textFileStream against a real temporary directory: new files once each, in order; ignored names.
import { mkdirSync, mkdtempSync, renameSync, rmSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FlintError } from '../src/index.js';
import { FileInputDStream, isIgnoredFileName } from '../src/io/sources/file-input-dstream.js';
import { flat, record, sourceContext, type SourceTestEnv } from './support/sources-helpers.js';

let root: string;
let dir: string;
let staging: string;
let contexts: SourceTestEnv[] = [];

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'flint-sources-file-'));
  dir = join(root, 'incoming');
  staging = join(root, 'staging');
  mkdirSync(dir);
  mkdirSync(staging);
});

afterEach(async () => {
  for (const env of contexts) await env.ssc.stop();
  contexts = [];
  rmSync(root, { recursive: true, force: true });
});

/** Writes a file in the staging directory, sets its modification time, then moves it in. */
function drop(name: string, content: string | Buffer, mtimeSeconds?: number): void {
  const staged = join(staging, name);
  writeFileSync(staged, content);
  if (mtimeSeconds !== undefined) utimesSync(staged, mtimeSeconds, mtimeSeconds);
  renameSync(staged, join(dir, name));
}

async function started(options = {}) {
  const env = sourceContext();
  contexts.push(env);
  const stream = env.ssc.textFileStream(dir, options);
  const batches = record(stream);
  await env.ssc.start();
  return { ...env, batches, source: stream.operator as FileInputDStream };
}

const messages = (env: SourceTestEnv): string[] => env.errors.map((e) => e.lastErrorMessage);

describe('textFileStream', () => {
  it('reads each new file once, one partition per file; files there at start are ignored', async () => {
    writeFileSync(join(dir, 'old.txt'), 'old\n');
    const { clock, batches } = await started();
    drop('a.txt', 'a1\na2\n');
    await clock.advance(1000);
    await clock.advance(1000);
    drop('b.txt', 'b1\n');
    drop('c.txt', 'c1\n', 1);
    await clock.advance(1000);
    expect(batches).toEqual([[['a1', 'a2']], [], [['c1'], ['b1']]]);
  });

  it('orders the files of a batch by modification time, then by name', async () => {
    const { clock, batches } = await started();
    drop('late.txt', 'late\n', 3000);
    drop('b-early.txt', 'b\n', 1000);
    drop('a-early.txt', 'a\n', 1000);
    drop('middle.txt', 'middle\n', 2000);
    await clock.advance(1000);
    expect(batches).toEqual([[['a'], ['b'], ['middle'], ['late']]]);
  });

  it('picks up a file moved in under an old modification time (mv keeps it)', async () => {
    const { clock, batches } = await started();
    drop('ancient.txt', 'still new to us\n', 86_400);
    await clock.advance(1000);
    expect(flat(batches)).toEqual(['still new to us']);
  });

  it('ignores dotfiles, _ names, *._COPYING_, *.tmp and subdirectories until moved into place', async () => {
    const { clock, batches } = await started();
    for (const name of ['.hidden', '.part.txt', '_SUCCESS', 'data.txt._COPYING_', 'x.tmp', 'Y.TMP']) {
      writeFileSync(join(dir, name), `${name}\n`);
    }
    mkdirSync(join(dir, 'sub'));
    writeFileSync(join(dir, 'sub', 'inner.txt'), 'inner\n');
    await clock.advance(1000);
    renameSync(join(dir, 'data.txt._COPYING_'), join(dir, 'data.txt'));
    await clock.advance(1000);
    await clock.advance(1000);
    expect(batches).toEqual([[], [['data.txt._COPYING_']], []]);
  });

  it('reads a name again when it is deleted and reused', async () => {
    const { clock, batches } = await started();
    drop('f.txt', 'first\n');
    await clock.advance(1000);
    unlinkSync(join(dir, 'f.txt'));
    await clock.advance(1000);
    drop('f.txt', 'second\n');
    await clock.advance(1000);
    expect(batches.map((b) => b.flat())).toEqual([['first'], [], ['second']]);
  });

  it('reads CRLF, a final line without newline, a byte order mark, invalid UTF-8 and empty files', async () => {
    const { clock, batches, errors } = await started();
    drop('1.txt', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('bom\r\nno newline')]), 1);
    drop('2.txt', Buffer.from([0x61, 0xfe, 0x0a, 0xe2, 0x82]), 2);
    drop('3.txt', '', 3);
    await clock.advance(1000);
    expect(batches).toEqual([[['bom', 'no newline'], ['a\uFFFD', '\uFFFD'], []]]);
    expect(errors).toEqual([]);
  });

  it('reads a file bigger than one read chunk', async () => {
    const { clock, batches } = await started();
    const lines = Array.from({ length: 20_000 }, (_, i) => `line ${i} ${'é'.repeat(i % 7)}`);
    drop('big.txt', lines.join('\n') + '\n');
    await clock.advance(1000);
    expect(flat(batches)).toEqual(lines);
  });

  it('skips lines over maxLineBytes, reports each with the running count, and counts them in droppedLines', async () => {
    const env = await started({ maxLineBytes: 10 });
    drop('a.txt', `ok\n${'x'.repeat(11)}\nfine\n`, 1);
    drop('b.txt', `${'y'.repeat(100_000)}\nlast`, 2);
    await env.clock.advance(1000);
    expect(env.batches).toEqual([[['ok', 'fine'], ['last']]]);
    expect(env.source.droppedLines).toBe(2);
    expect(messages(env)).toEqual([
      'line longer than maxLineBytes (10 bytes) in "a.txt" skipped (1 line skipped so far); raise options.maxLineBytes (flint: --max-line-bytes) if such lines are expected',
      'line longer than maxLineBytes (10 bytes) in "b.txt" skipped (2 lines skipped so far); raise options.maxLineBytes (flint: --max-line-bytes) if such lines are expected',
    ]);
    expect(env.errors[0]!.name).toBe(`FileInputDStream(${dir})`);
  });

  it('reports a directory that disappears once, keeps running, and resumes when it is back', async () => {
    const env = await started();
    rmSync(dir, { recursive: true });
    await env.clock.advance(3000);
    expect(messages(env)).toEqual([expect.stringMatching(/^cannot list ".*incoming": .*ENOENT.*; retrying every batch$/)]);
    expect(env.ssc.getState()).toBe('ACTIVE');
    mkdirSync(dir);
    drop('again.txt', 'again\n');
    await env.clock.advance(1000);
    expect(flat(env.batches)).toEqual(['again']);
  });

  it('fails start() with a FlintError naming a missing directory', async () => {
    const env = sourceContext();
    const missing = join(root, 'nope');
    env.ssc.textFileStream(missing).foreachRDD(() => undefined);
    const start = env.ssc.start();
    await expect(start).rejects.toThrow(FlintError);
    await expect(start).rejects.toMatchObject({
      code: 'SOURCE_ERROR',
      message: `textFileStream directory "${missing}" cannot be watched: it does not exist; create the directory before ssc.start()`,
    });
    expect(env.ssc.getState()).toBe('STOPPED');
  });

  it('fails start() when the path is a file', async () => {
    const env = sourceContext();
    const file = join(root, 'plain.txt');
    writeFileSync(file, 'x');
    env.ssc.textFileStream(file).foreachRDD(() => undefined);
    await expect(env.ssc.start()).rejects.toMatchObject({ code: 'SOURCE_ERROR', message: expect.stringContaining('it is not a directory') });
  });

  it('rejects an empty path and a bad maxLineBytes at the call', () => {
    const env = sourceContext();
    expect(() => env.ssc.textFileStream('')).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('needs a directory path') }));
    expect(() => env.ssc.textFileStream(dir, { maxLineBytes: -5 })).toThrow(/textFileStream options\.maxLineBytes must be a positive integer/);
  });

  it.each([
    ['.hidden', true],
    ['.data.txt.Ab12Cd', true],
    ['_SUCCESS', true],
    ['_temporary', true],
    ['part-00000._COPYING_', true],
    ['upload.tmp', true],
    ['UPLOAD.TMP', true],
    ['data.txt', false],
    ['tmp.txt', false],
    ['my_file.txt', false],
    ['COPYING', false],
  ])('isIgnoredFileName(%j) is %s', (name, ignored) => {
    expect(isIgnoredFileName(name)).toBe(ignored);
  });
});
