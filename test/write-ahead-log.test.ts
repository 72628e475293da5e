// The receivers' write-ahead log on real files: round trips across segments, reads by position,
// recovery from torn tails, corruption that reads must report, cleaning, group commit, I/O
// failures, and a writer process killed with SIGKILL mid-stream.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, open, readdir, rm, stat, truncate, writeFile, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { segmentName } from '../src/checkpoint/wal-format.js';
import { WriteAheadLog, type WriteAheadLogOptions } from '../src/checkpoint/write-ahead-log.js';
import { FlintError } from '../src/errors.js';
import { sleep, waitFor } from './support/sources-helpers.js';
import { mulberry32, randomInt } from './support/random-text.js';

const HEADER = 8;
const MAGIC = 8;
const dirs: string[] = [];
/** Logs a test opened, closed after it even when it fails. */
const logs: WriteAheadLog[] = [];

afterEach(async () => {
  vi.restoreAllMocks();
  await Promise.all(logs.splice(0).map((wal) => wal.close().catch(() => undefined)));
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'flint-wal-'));
  dirs.push(dir);
  return dir;
}

async function openLog(dir: string, options?: WriteAheadLogOptions): Promise<WriteAheadLog> {
  const wal = await WriteAheadLog.open(dir, options);
  logs.push(wal);
  return wal;
}

/** `count` payloads of 0 to `maxBytes` seeded random bytes. */
function payloads(count: number, maxBytes: number, seed = 1): Buffer[] {
  const rng = mulberry32(seed);
  return Array.from({ length: count }, () => Buffer.from(Array.from({ length: randomInt(rng, maxBytes + 1) }, () => randomInt(rng, 256))));
}

async function collect(records: AsyncIterable<Uint8Array>): Promise<Buffer[]> {
  const out: Buffer[] = [];
  for await (const payload of records) out.push(Buffer.from(payload));
  return out;
}

/** Appends every payload, then fsyncs; returns their positions. */
async function appendAll(wal: WriteAheadLog, records: readonly Uint8Array[]): Promise<number[]> {
  const positions = records.map((payload) => wal.append(payload).position);
  await wal.sync();
  return positions;
}

async function segmentFiles(dir: string): Promise<string[]> {
  return (await readdir(dir)).filter((name) => name.startsWith('log-')).sort();
}

/** The segment file holding log position `position`, and the file offset of that position. */
async function locate(dir: string, position: number): Promise<{ path: string; offset: number }> {
  const name = (await segmentFiles(dir)).filter((file) => Number(file.slice(4)) <= position).at(-1)!;
  return { path: join(dir, name), offset: MAGIC + position - Number(name.slice(4)) };
}

/** Inverts the bits of the byte at `offset`, as a bad sector might. */
async function flip(path: string, offset: number): Promise<void> {
  const handle = await open(path, 'r+');
  const byte = Buffer.alloc(1);
  await handle.read(byte, 0, 1, offset);
  byte[0] ^= 0xff;
  await handle.write(byte, 0, 1, offset);
  await handle.close();
}

/** FileHandle's prototype, where writev and sync live, for injecting disk failures. */
async function fileHandlePrototype(dir: string): Promise<FileHandle> {
  const handle = await open(join(dir, 'probe'), 'w');
  await handle.close();
  return Object.getPrototypeOf(handle) as FileHandle;
}

describe('WriteAheadLog', () => {
  it('round-trips records across segments, each position the previous one plus header and payload', async () => {
    const dir = await tempDir();
    const records = payloads(300, 200);
    const wal = await openLog(dir, { segmentBytes: 2000 });
    const positions = await appendAll(wal, records);
    expect(positions[0]).toBe(0);
    for (let i = 1; i < records.length; i++) expect(positions[i]).toBe(positions[i - 1]! + HEADER + records[i - 1]!.length);
    expect(wal.end).toBe(positions.at(-1)! + HEADER + records.at(-1)!.length);
    expect(await collect(wal.read(0, wal.end))).toEqual(records);
    const files = await segmentFiles(dir);
    expect(files.length).toBeGreaterThan(5);
    // Each file is named by the position of its first record, and no segment passes its size by more than one record.
    for (const name of files) expect(positions).toContain(Number(name.slice(4)));
    for (const name of files) expect((await stat(join(dir, name))).size).toBeLessThan(2000 + HEADER + 200);
  });

  it('reads exactly the records that start in [from, to)', async () => {
    const records = payloads(60, 100, 2);
    const wal = await openLog(await tempDir(), { segmentBytes: 600 });
    const positions = await appendAll(wal, records);
    const at = (i: number) => (i < positions.length ? positions[i]! : wal.end);
    const cases: [from: number, to: number, first: number, last: number][] = [
      [at(0), at(60), 0, 60],
      [at(7), at(33), 7, 33],
      [at(12), at(13), 12, 13],
      [at(20), at(20), 20, 20],
      // Positions inside a record: only records that start in the range count.
      [at(7) + 1, at(33), 8, 33],
      [at(7), at(33) + 1, 7, 34],
      [at(59), wal.end, 59, 60],
    ];
    for (const [from, to, first, last] of cases) {
      expect(await collect(wal.read(from, to)), `read(${from}, ${to})`).toEqual(records.slice(first, last));
    }
  });

  it('reads records that are appended but not yet written', async () => {
    const wal = await openLog(await tempDir(), { syncIntervalMs: 60_000 });
    const { position } = wal.append(Buffer.from('fresh'));
    expect(await collect(wal.read(position, wal.end))).toEqual([Buffer.from('fresh')]);
  });

  it('rejects bad options and ranges with messages that say how to fix them', async () => {
    const dir = await tempDir();
    await expect(WriteAheadLog.open(dir, { segmentBytes: 0 })).rejects.toThrow('options.segmentBytes must be a positive integer');
    await expect(WriteAheadLog.open(dir, { syncIntervalMs: -1 })).rejects.toThrow('options.syncIntervalMs must be a number of ms');
    await expect(WriteAheadLog.open('')).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    const wal = await openLog(dir);
    await appendAll(wal, [Buffer.from('x')]);
    await expect(collect(wal.read(5, 2))).rejects.toThrow('0 <= from <= to');
    await expect(collect(wal.read(0, wal.end + 1))).rejects.toThrow('goes past the end of the log');
    expect(() => wal.append('text' as unknown as Uint8Array)).toThrow('append needs a Uint8Array');
  });

  it('reopens after close at the same end, and appends after it', async () => {
    const dir = await tempDir();
    const first = payloads(40, 150, 3);
    const wal = await WriteAheadLog.open(dir, { segmentBytes: 1000 });
    await appendAll(wal, first);
    const end = wal.end;
    await wal.close();
    expect(() => wal.append(Buffer.from('late'))).toThrow(expect.objectContaining({ code: 'WAL_CLOSED' }));
    const again = await openLog(dir, { segmentBytes: 1000 });
    expect(again.end).toBe(end);
    expect(again.tornTail).toBeUndefined();
    const second = payloads(40, 150, 4);
    expect((await appendAll(again, second))[0]).toBe(end);
    expect(await collect(again.read(0, again.end))).toEqual([...first, ...second]);
  });

  /** Damage to the newest segment, given its size and the file offset of its last record. */
  type Damage = (size: number, lastStart: number) => { cutTo?: number; flipAt?: number };
  // Each case damages the newest segment as a crash mid-write (or a bad sector) would.
  it.each<[string, Damage]>([
    ['cut inside the last payload', (size) => ({ cutTo: size - 3 })],
    ['cut inside the last header', (_size, lastStart) => ({ cutTo: lastStart + 5 })],
    ['a byte of the last payload changed', (size) => ({ flipAt: size - 1 })],
    ['a byte of the last length changed', (_size, lastStart) => ({ flipAt: lastStart })],
  ])('recovers from a torn tail (%s) to the last good record', async (_name, damage) => {
    const dir = await tempDir();
    const records = payloads(30, 100, 5);
    const wal = await WriteAheadLog.open(dir, { segmentBytes: 1000 });
    const positions = await appendAll(wal, records);
    await wal.close();
    const { path, offset: lastStart } = await locate(dir, positions.at(-1)!);
    const { cutTo, flipAt } = damage((await stat(path)).size, lastStart);
    if (cutTo !== undefined) await truncate(path, cutTo);
    if (flipAt !== undefined) await flip(path, flipAt);

    const recovered = await openLog(dir, { segmentBytes: 1000 });
    expect(recovered.end).toBe(positions.at(-1));
    expect(recovered.tornTail).toMatchObject({ file: path, position: positions.at(-1) });
    expect((await stat(path)).size).toBe(lastStart);
    const more = payloads(5, 100, 6);
    expect((await appendAll(recovered, more))[0]).toBe(positions.at(-1));
    expect(await collect(recovered.read(0, recovered.end))).toEqual([...records.slice(0, -1), ...more]);
  });

  it.each(['', 'FLN'])('recovers a newest segment whose header was cut short while it was created ("%s")', async (head) => {
    const dir = await tempDir();
    const wal = await WriteAheadLog.open(dir, { segmentBytes: 100 });
    const positions = await appendAll(wal, payloads(20, 40, 7));
    await wal.close();
    await writeFile(join(dir, segmentName(wal.end)), head);
    const recovered = await openLog(dir, { segmentBytes: 100 });
    expect(recovered.end).toBe(wal.end);
    expect(recovered.tornTail).toMatchObject({ bytes: head.length, reason: expect.stringContaining('segment header cut short') });
    expect((await appendAll(recovered, [Buffer.from('next')]))[0]).toBe(wal.end);
    expect(await collect(recovered.read(positions[0]!, recovered.end))).toHaveLength(21);
    await recovered.close();
    expect((await openLog(dir, { segmentBytes: 100 })).tornTail).toBeUndefined();
  });

  it.each([
    ['a foreign file', 'not a write-ahead log, just text', 'is not a Flint write-ahead log segment'],
    ['a newer format', 'FLNTWAL\x02', 'format version 2'],
  ])('refuses to open a directory whose newest segment is %s, and leaves the file alone', async (_name, content, message) => {
    const dir = await tempDir();
    const path = join(dir, segmentName(0));
    await writeFile(path, content, 'latin1');
    const error = await WriteAheadLog.open(dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FlintError);
    expect(error).toMatchObject({ code: 'WAL_CORRUPT', message: expect.stringContaining(path) });
    expect((error as Error).message).toContain(message);
    expect((await stat(path)).size).toBe(Buffer.byteLength(content, 'latin1'));
  });

  it('throws naming the segment when a record in an older range is corrupt or missing', async () => {
    const dir = await tempDir();
    const records = payloads(80, 60, 8);
    const wal = await openLog(dir, { segmentBytes: 500 });
    const positions = await appendAll(wal, records);
    // Records 20 and 40 sit in older segments, which open() does not scan. Record 20 gets a bad CRC.
    const bad = await locate(dir, positions[20]!);
    await flip(bad.path, bad.offset + 4);
    const reopened = await openLog(dir, { segmentBytes: 500 });
    expect(reopened.end).toBe(wal.end);
    expect(await collect(reopened.read(positions[0]!, positions[20]!))).toEqual(records.slice(0, 20));
    for (const [from, to] of [[positions[0]!, positions[21]!], [positions[20]!, wal.end], [positions[20]! + 1, wal.end]]) {
      const error = await collect(reopened.read(from, to)).catch((e: unknown) => e);
      expect(error, `read(${from}, ${to})`).toMatchObject({ code: 'WAL_CORRUPT', message: expect.stringContaining(bad.path) });
      expect((error as Error).message).toContain('fails its checksum');
    }
    // An older segment that lost its last records: reading across the gap fails rather than skip them.
    const cut = await locate(dir, positions[40]!);
    await truncate(cut.path, cut.offset);
    const error = await collect(reopened.read(positions[30]!, wal.end)).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'WAL_CORRUPT', message: expect.stringContaining(cut.path) });
  });

  it('clean deletes only the segments whose records all start before the position', async () => {
    const dir = await tempDir();
    const records = payloads(100, 60, 9);
    const wal = await openLog(dir, { segmentBytes: 400 });
    const positions = await appendAll(wal, records);
    const starts = (await segmentFiles(dir)).map((name) => Number(name.slice(4)));
    expect(starts.length).toBeGreaterThan(6);
    // One byte short of the third segment's start, the second segment still reaches it: only the first goes.
    await wal.clean(starts[2]! - 1);
    expect((await segmentFiles(dir)).map((name) => Number(name.slice(4)))).toEqual(starts.slice(1));
    await wal.clean(starts[2]!);
    expect((await segmentFiles(dir)).map((name) => Number(name.slice(4)))).toEqual(starts.slice(2));
    await expect(collect(wal.read(positions[0]!, starts[2]!))).rejects.toThrow('the records before it were cleaned');
    const kept = positions.indexOf(starts[2]!);
    expect(await collect(wal.read(starts[2]!, wal.end))).toEqual(records.slice(kept));
    // The newest segment is never deleted, so the log keeps its end.
    await wal.clean(Number.MAX_SAFE_INTEGER);
    expect(await segmentFiles(dir)).toEqual([segmentName(starts.at(-1)!)]);
    await wal.close();
    expect((await openLog(dir)).end).toBe(wal.end);
  });

  it('resolves durable only after the one fsync that covers every record appended before it', async () => {
    const dir = await tempDir();
    const prototype = await fileHandlePrototype(dir);
    const wal = await openLog(dir, { syncIntervalMs: 60_000 });
    const events: string[] = [];
    const fsync = prototype.sync;
    vi.spyOn(prototype, 'sync').mockImplementation(async function (this: FileHandle) {
      events.push('fsync');
      await fsync.call(this);
      events.push('fsynced');
    });
    const appended = [wal.append(Buffer.from('a')), wal.append(Buffer.from('b')), wal.append(Buffer.from('c'))];
    appended.forEach(({ durable }, i) => void durable.then(() => events.push(`durable ${i}`)));
    await sleep(50);
    expect(events).toEqual([]);
    await wal.sync();
    expect(events).toEqual(['fsync', 'fsynced', 'durable 0', 'durable 1', 'durable 2']);
    await wal.sync();
    expect(events.filter((event) => event === 'fsync')).toHaveLength(1);
  });

  it('runs one fsync at a time on a slow disk, the records appended meanwhile sharing the next', async () => {
    const dir = await tempDir();
    const prototype = await fileHandlePrototype(dir);
    const wal = await openLog(dir, { syncIntervalMs: 1 });
    const fsync = prototype.sync;
    const spy = vi.spyOn(prototype, 'sync').mockImplementation(async function (this: FileHandle) {
      await sleep(60);
      await fsync.call(this);
    });
    const durables: Promise<void>[] = [];
    for (let i = 0; i < 20; i++) {
      durables.push(wal.append(Buffer.from([i])).durable);
      await sleep(5);
    }
    await Promise.all(durables);
    // One fsync per timer tick would make 20 of them, each waiting for the one before.
    expect(spy.mock.calls.length).toBeLessThanOrEqual(10);
  });

  it('fsyncs on its own within the sync interval', async () => {
    const wal = await openLog(await tempDir(), { syncIntervalMs: 20 });
    let durable = false;
    void wal.append(Buffer.from('tick')).durable.then(() => (durable = true));
    await waitFor(() => durable, 'the timed fsync', 2000);
  });

  const ENOSPC = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
  it.each([
    ['a write fails', 'writev', () => Promise.reject(ENOSPC), 'no space left'],
    ['a write is short', 'writev', () => Promise.resolve({ bytesWritten: 3, buffers: [] }), 'is the disk full?'],
    ['an fsync fails', 'sync', () => Promise.reject(Object.assign(new Error('EIO: i/o error, fsync'), { code: 'EIO' })), 'i/o error'],
  ] as const)('when %s, durable, the next append, sync and close reject with a FlintError naming the file', async (_name, method, failure, reason) => {
    const dir = await tempDir();
    const prototype = await fileHandlePrototype(dir);
    const wal = await openLog(dir, { syncIntervalMs: 5 });
    vi.spyOn(prototype, method).mockImplementationOnce(failure as never);
    const segment = join(dir, segmentName(0));
    const expected = { code: 'WAL_IO_FAILED', message: expect.stringContaining(segment) };
    const { durable } = wal.append(Buffer.from('lost'));
    await expect(durable).rejects.toMatchObject(expected);
    await expect(durable).rejects.toThrow(reason);
    expect(() => wal.append(Buffer.from('more'))).toThrow(expect.objectContaining(expected));
    await expect(wal.sync()).rejects.toMatchObject(expected);
    await expect(wal.close()).rejects.toMatchObject(expected);
  });

  it('reports a failure nobody awaits through the next call, never as an unhandled rejection', async () => {
    const dir = await tempDir();
    const prototype = await fileHandlePrototype(dir);
    const wal = await openLog(dir, { syncIntervalMs: 5 });
    vi.spyOn(prototype, 'sync').mockRejectedValueOnce(new Error('EIO: i/o error, fsync'));
    const unhandled: unknown[] = [];
    const listener = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', listener);
    try {
      wal.append(Buffer.from('unwatched'));
      await sleep(100);
      expect(() => wal.append(Buffer.from('next'))).toThrow(expect.objectContaining({ code: 'WAL_IO_FAILED' }));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', listener);
    }
  });
});

describe('WriteAheadLog in a process of its own', () => {
  const module = join(import.meta.dirname, '..', 'dist', 'src', 'checkpoint', 'write-ahead-log.js');

  beforeAll(() => {
    if (!existsSync(module)) throw new Error(`${module} is missing; run npm run build:ts first`);
  });

  /** Record i of the writer process: its index in the first 4 bytes, then a byte pattern of it. */
  function payload(i: number): Buffer {
    const bytes = Buffer.alloc(1000 + ((i * 7919) % 90_000), i % 251);
    bytes.writeUInt32LE(i, 0);
    return bytes;
  }

  /** A writer process on `dir` running `body`, with `payload` and the open log `wal` in scope. */
  async function writer(dir: string, body: string): Promise<string> {
    const script = join(dir, '..', `${dir.split('/').at(-1)}-writer.mjs`);
    await writeFile(
      script,
      `import { WriteAheadLog } from ${JSON.stringify(pathToFileURL(module).href)};
      const payload = ${payload.toString()};
      const wal = await WriteAheadLog.open(${JSON.stringify(dir)}, { segmentBytes: 1 << 20, syncIntervalMs: 5 });
      ${body}`,
    );
    dirs.push(script);
    return script;
  }

  it('loses no record it reported durable when killed with SIGKILL mid-stream', async () => {
    const dir = await tempDir();
    const script = await writer(
      dir,
      `for (let i = 0; ; i++) {
        const { position, durable } = wal.append(payload(i));
        durable.then(() => process.stdout.write(i + ' ' + position + '\\n'));
        await new Promise((resolve) => setImmediate(resolve));
      }`,
    );
    const child = spawn(process.execPath, [script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const exited = new Promise((resolve) => child.on('exit', resolve));
    // Enough records to fill several 1 MiB segments, then a kill at whatever point the writer is.
    await waitFor(() => stdout.split('\n').length > 300 || child.exitCode !== null, 'durable records from the writer', 15_000);
    child.kill('SIGKILL');
    expect(await exited, stderr).toBeNull();

    const reported = stdout.trim().split('\n').map((line) => line.split(' ').map(Number) as [number, number]);
    const wal = await openLog(dir);
    const [lastIndex, lastPosition] = reported.at(-1)!;
    expect(wal.end).toBeGreaterThanOrEqual(lastPosition + HEADER + payload(lastIndex).length);
    expect((await segmentFiles(dir)).length).toBeGreaterThan(3);
    for (const [i, position] of reported) {
      const [record] = await collect(wal.read(position, position + 1));
      // Buffer.equals, not toEqual: a deep comparison of these records byte by byte takes seconds.
      expect(record?.equals(payload(i)), `record ${i} at position ${position}`).toBe(true);
    }
    const all = await collect(wal.read(0, lastPosition + 1));
    expect(all.map((record) => record.readUInt32LE(0))).toEqual(Array.from({ length: lastIndex + 1 }, (_, i) => i));
  });

  it('lets a process that appends and never closes exit on its own, its records written', async () => {
    const dir = await tempDir();
    const script = await writer(dir, `wal.append(payload(0)); wal.append(payload(1));`);
    const child = spawn(process.execPath, [script], { stdio: 'ignore' });
    const code = await new Promise((resolve) => child.on('exit', resolve));
    expect(code).toBe(0);
    const wal = await openLog(dir);
    expect(await collect(wal.read(0, wal.end))).toEqual([payload(0), payload(1)]);
  });
});
