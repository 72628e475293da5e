// One segment file of a write-ahead log: created durably, recovered after a crash, appended to,
// and read back record by record. Log positions count record bytes only, never the magic.
import { open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { FlintError } from '../errors.js';
import { hasMagic, RecordScanner, SEGMENT_MAGIC, segmentName } from './wal-format.js';

/** What recovery cut off the end of the newest segment: a write torn by a crash, or a damaged tail. */
export interface TornTail {
  /** The segment file. */
  readonly file: string;
  /** Log position where the cut-off bytes began (the log's end after recovery). */
  readonly position: number;
  /** How many bytes were cut off. */
  readonly bytes: number;
  /** What was found there, e.g. "a record of 512 bytes that fails its checksum at byte 8200". */
  readonly reason: string;
}

/** The segment being appended to: its file, and the file offset where the next record goes. */
export class SegmentWriter {
  private constructor(
    /** Log position of the segment's first record. */
    readonly start: number,
    readonly path: string,
    private readonly handle: FileHandle,
    private offset: number,
  ) {}

  /** Creates the segment whose first record is at log position `start`; its magic and its directory entry are fsync'd. */
  static async create(dir: string, start: number): Promise<SegmentWriter> {
    const path = join(dir, segmentName(start));
    const segment = new SegmentWriter(start, path, await attempt(path, 'creating', () => open(path, 'wx')), 0);
    try {
      await segment.write([SEGMENT_MAGIC], SEGMENT_MAGIC.length);
      await segment.sync();
      await attempt(dir, 'fsyncing the directory', () => syncDirectory(dir));
    } catch (error) {
      await segment.close().catch(() => undefined);
      throw error;
    }
    return segment;
  }

  /**
   * Opens the newest segment of a log for appending. Its records are verified from the start,
   * and whatever follows the last good one (a crash mid-write) is truncated away.
   */
  static async recover(dir: string, start: number): Promise<{ segment: SegmentWriter; torn: TornTail | undefined }> {
    const path = join(dir, segmentName(start));
    const handle = await attempt(path, 'opening', () => open(path, 'r+'));
    try {
      return await attempt(path, 'recovering', async () => {
        const { size } = await handle.stat();
        const scanner = new RecordScanner(handle, size, SEGMENT_MAGIC.length);
        const intact = await hasMagic(handle, size, path);
        if (intact) while ((await scanner.next()) !== undefined);
        const valid = intact ? scanner.offset : 0;
        const segment = new SegmentWriter(start, path, handle, valid);
        if (intact && valid === size) return { segment, torn: undefined };
        await handle.truncate(valid);
        if (!intact) await segment.write([SEGMENT_MAGIC], SEGMENT_MAGIC.length);
        await handle.sync();
        const reason = scanner.problem ?? 'a segment header cut short (a crash while the segment was created)';
        return { segment, torn: { file: path, position: segment.end, bytes: size - valid, reason } };
      });
    } catch (error) {
      await handle.close().catch(() => undefined);
      throw error;
    }
  }

  /** Log position after the segment's last written record. */
  get end(): number {
    return this.start + this.offset - SEGMENT_MAGIC.length;
  }

  /** Writes `buffers` (`bytes` in all) after the last record, in one system call. */
  async write(buffers: readonly Uint8Array[], bytes: number): Promise<void> {
    const { bytesWritten } = await attempt(this.path, 'writing', () => this.handle.writev(buffers, this.offset));
    // libuv retries short writes itself, so a short count means it hit an error such as ENOSPC.
    if (bytesWritten !== bytes) {
      throw ioFailure(this.path, 'writing', new Error(`only ${bytesWritten} of ${bytes} bytes were written; is the disk full?`));
    }
    this.offset += bytes;
  }

  /** fsyncs the file. */
  sync(): Promise<void> {
    return attempt(this.path, 'fsyncing', () => this.handle.sync());
  }

  /** Closes the file; closing twice is harmless. */
  close(): Promise<void> {
    return attempt(this.path, 'closing', () => this.handle.close());
  }
}

/**
 * The payloads of the segment's records that start in [from, to), verified. `next` is where the
 * following segment starts (Infinity for the newest), and the records must reach it exactly when
 * the range goes on past it: reading never skips a record silently.
 */
export async function* readSegment(path: string, start: number, from: number, to: number, next: number): AsyncGenerator<Buffer> {
  const handle = await attempt(path, 'opening', () => open(path, 'r'));
  try {
    const { size } = await attempt(path, 'reading', () => handle.stat());
    if (!(await attempt(path, 'reading', () => hasMagic(handle, size, path)))) throw corrupt(path, 'its header is cut short');
    const stop = Math.min(to, next);
    let scanner = new RecordScanner(handle, size, SEGMENT_MAGIC.length + Math.max(from - start, 0));
    // `from` is normally a position append() returned, so the record there is tried first; any
    // other position is found by scanning the segment from its first record.
    if (from > start && (await attempt(path, 'reading', () => scanner.peek())) === undefined) {
      scanner = new RecordScanner(handle, size, SEGMENT_MAGIC.length);
    }
    const position = () => start + scanner.offset - SEGMENT_MAGIC.length;
    for (let at = position(); at < stop; at = position()) {
      const payload = await attempt(path, 'reading', () => scanner.next());
      if (payload === undefined) {
        throw corrupt(path, scanner.problem ?? `it ends at log position ${at}, but the log holds records up to ${stop}`);
      }
      if (at >= from) yield payload;
    }
    if (to >= next && position() !== next) {
      throw corrupt(path, `its records end at log position ${position()}, but the next segment starts at ${next}`);
    }
  } finally {
    await attempt(path, 'closing', () => handle.close());
  }
}

/** Turns a failed file operation into a FlintError that names the file and what to check. */
export function ioFailure(path: string, action: string, error: unknown): FlintError {
  if (error instanceof FlintError) return error;
  const reason = error instanceof Error ? error.message : String(error);
  return new FlintError(
    'WAL_IO_FAILED',
    `write-ahead log: ${action} ${path} failed (${reason}); check the disk (free space, permissions, device errors), then open the log again`,
    { cause: error },
  );
}

/** Runs one file operation, turning its failure into a FlintError that names the file. */
export async function attempt<T>(path: string, action: string, operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    throw ioFailure(path, action, error);
  }
}

function corrupt(path: string, problem: string): FlintError {
  return new FlintError(
    'WAL_CORRUPT',
    `write-ahead log segment ${path} is damaged: ${problem}. The records from there on are lost; replay them from their source, or start a new log`,
  );
}

/** fsyncs a directory, so that a file created in it survives a crash. */
async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
