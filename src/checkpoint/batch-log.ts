// The batch log: what each source gave each batch, appended before the batch's jobs run. One
// small record per batch made a file each (write, fsync, rename, fsync of the directory: about
// 6 ms here); appended to a log it costs one fdatasync (about 0.5 ms). A new file starts after
// every checkpoint, so whole files are deleted once no kept checkpoint needs them.
//
// Record framing: u32 length, u32 CRC-32 of the bytes, then the JSON bytes of [time, record]. A
// crash can only tear the last record of a file, whose batch never ran: a reader stops there.
import { readdirSync, readFileSync } from 'node:fs';
import { open, rm, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { syncDirectory } from './checked-file.js';
import type { BatchRecord } from './checkpoint-files.js';

const NAME = /^(\d+)\.(\d+)$/;

/** Appends batch records to `dir` (`<first batch time>.<run>` files). */
export class BatchLog {
  private file: FileHandle | undefined;
  private readonly run = Date.now();
  /** Appends and rotations run one at a time: a batch is logged while a checkpoint rotates. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly dir: string) {}

  /** Appends the record of the batch at `time`; resolves once it is on disk. */
  append(time: number, record: BatchRecord): Promise<void> {
    return this.serially(() => this.write(time, record));
  }

  /** Ends the current file: the records after a new checkpoint go to a new one. */
  rotate(): Promise<void> {
    return this.serially(async () => {
      await this.file?.close();
      this.file = undefined;
    });
  }

  private serially(step: () => Promise<void>): Promise<void> {
    const done = this.queue.then(step);
    this.queue = done.catch(() => undefined);
    return done;
  }

  private async write(time: number, record: BatchRecord): Promise<void> {
    if (!this.file) {
      this.file = await open(join(this.dir, `${time}.${this.run}`), 'a');
      await syncDirectory(this.dir);
    }
    const body = Buffer.from(JSON.stringify([time, record]));
    const head = Buffer.alloc(8);
    head.writeUInt32LE(body.length, 0);
    head.writeUInt32LE(crc32(body), 4);
    await this.file.writev([head, body]);
    await this.file.datasync();
  }

  /** Deletes the files whose records all precede batch `time` (a later file starts at or before it). */
  async forgetBefore(time: number): Promise<void> {
    const files = logFiles(this.dir);
    // Times are whole ms and a file holds times before the next file's first: all are <= time
    // when the next file starts at or before time + 1. The file being written is the newest.
    const doomed = files.filter((_, i) => files[i + 1] !== undefined && files[i + 1]!.first <= time + 1);
    await Promise.all(doomed.map((f) => rm(join(this.dir, f.name), { force: true })));
  }

  /** Closes the current file. */
  close(): Promise<void> {
    return this.rotate();
  }
}

/** A problem met while reading the log: a record damaged in the middle of a file. */
export interface BatchLogDamage {
  readonly file: string;
  readonly afterTime: number | undefined;
}

/**
 * Every intact record in `dir`, by batch time (a later run's record of a time wins). A torn
 * tail ends a file quietly; damage before a file's end is returned, and reading stops there.
 */
export function readBatchLog(dir: string): { records: Map<number, BatchRecord>; damage?: BatchLogDamage } {
  const records = new Map<number, BatchRecord>();
  for (const { name } of logFiles(dir)) {
    const data = readFileSync(join(dir, name));
    let at = 0;
    let last: number | undefined;
    while (at + 8 <= data.length) {
      const length = data.readUInt32LE(at);
      const body = data.subarray(at + 8, at + 8 + length);
      if (body.length < length || crc32(body) !== data.readUInt32LE(at + 4)) break;
      const [time, record] = JSON.parse(body.toString('utf8')) as [number, BatchRecord];
      records.set(time, record);
      last = time;
      at += 8 + length;
    }
    // Anything but a short tail left over is damage, not a crash cut.
    if (at < data.length && !isTornTail(data, at)) return { records, damage: { file: join(dir, name), afterTime: last } };
  }
  return { records };
}

// A crash mid-append leaves a header, or a header and part of its body, at the very end.
function isTornTail(data: Buffer, at: number): boolean {
  if (data.length - at < 8) return true;
  return at + 8 + data.readUInt32LE(at) > data.length;
}

function logFiles(dir: string): { name: string; first: number; run: number }[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .flatMap((name) => {
      const m = NAME.exec(name);
      return m ? [{ name, first: Number(m[1]), run: Number(m[2]) }] : [];
    })
    .sort((a, b) => a.first - b.first || a.run - b.run);
}
