// A write-ahead log for receivers (Spark's FileBasedWriteAheadLog): records appended in order to
// segment files, written in batches, fsync'd by group commit, read back by position after a crash.
import { mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { FlintError } from '../errors.js';
import { MAX_PAYLOAD_BYTES, RECORD_HEADER_BYTES, recordHeader, SEGMENT_MAGIC, segmentName, segmentStart } from './wal-format.js';
import { attempt, ioFailure, readSegment, SegmentWriter, type TornTail } from './wal-segment.js';

export type { TornTail } from './wal-segment.js';

/** Options of a WriteAheadLog. */
export interface WriteAheadLogOptions {
  /** Start a new segment file once the current one reaches this many bytes (default 64 MiB). */
  segmentBytes?: number;
  /** Appended records are fsync'd at most this many ms after they are appended (default 50). */
  syncIntervalMs?: number;
}

const DEFAULT_SEGMENT_BYTES = 64 << 20;
const DEFAULT_SYNC_INTERVAL_MS = 50;
/** setTimeout's largest delay. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Records bound for one segment, not yet handed to the file. */
interface PendingWrite {
  readonly start: number;
  readonly buffers: Uint8Array[];
  bytes: number;
}

/** The `durable` promise shared by every record appended between two fsyncs (group commit). */
interface Durable {
  readonly promise: Promise<void>;
  readonly resolve: () => void;
  readonly reject: (error: FlintError) => void;
}

/**
 * A segmented, checksummed, append-only log in one directory. Positions are global byte offsets: a
 * number that only grows, across segments.
 *
 * A record at position p takes the positions [p, p + 8 + payload length), so the log's `end` is
 * always where the next record starts, whichever segment it lands in. One process writes a log
 * directory at a time.
 */
export class WriteAheadLog {
  /** What recovery cut off the newest segment when the log was opened, or undefined if nothing. */
  readonly tornTail: TornTail | undefined;
  private readonly segmentBytes: number;
  private readonly syncIntervalMs: number;
  /** Start positions of the segment files, oldest first; the last one is `writer`'s. */
  private readonly segments: number[];
  private writer: SegmentWriter;
  private appendedEnd: number;
  /** Start and file size of the segment the next append goes to, counting pending writes. */
  private tailStart: number;
  private tailBytes: number;
  private pending: PendingWrite[] = [];
  private pendingCount = 0;
  private flushQueued = false;
  /** Every file operation runs on this chain, one after another; it never rejects. */
  private chain: Promise<void> = Promise.resolve();
  private durable: Durable | undefined;
  /** The promise of the latest fsync started. */
  private lastSync: Promise<void> = Promise.resolve();
  /** Whether an fsync is queued or running, and whether another was asked for meanwhile. */
  private syncing = false;
  private syncAgain = false;
  private syncTimer: NodeJS.Timeout | undefined;
  private failure: FlintError | undefined;
  private closing: Promise<void> | undefined;

  private constructor(
    private readonly dir: string,
    options: Required<WriteAheadLogOptions>,
    segments: number[],
    writer: SegmentWriter,
    tornTail: TornTail | undefined,
  ) {
    this.segmentBytes = options.segmentBytes;
    this.syncIntervalMs = options.syncIntervalMs;
    this.segments = segments;
    this.writer = writer;
    this.tornTail = tornTail;
    this.appendedEnd = writer.end;
    this.tailStart = writer.start;
    this.tailBytes = SEGMENT_MAGIC.length + writer.end - writer.start;
  }

  /**
   * Opens (creating `dir` if needed) and recovers the log: the last segment is scanned and a torn
   * or corrupt tail (a crash mid-write) is truncated away, so appends continue after the last good
   * record. Earlier segments are trusted only as far as their records verify when read.
   */
  static async open(dir: string, options: WriteAheadLogOptions = {}): Promise<WriteAheadLog> {
    const settings = checkOptions(dir, options);
    let names: string[];
    try {
      await mkdir(dir, { recursive: true });
      names = await readdir(dir);
    } catch (error) {
      throw new FlintError(
        'CHECKPOINT_DIR_UNUSABLE',
        `write-ahead log directory "${dir}" cannot be created or read (${(error as Error).message}); pass a writable directory to WriteAheadLog.open()`,
        { cause: error },
      );
    }
    const segments = names.flatMap((name) => segmentStart(name) ?? []).sort((a, b) => a - b);
    if (segments.length === 0) return new WriteAheadLog(dir, settings, [0], await SegmentWriter.create(dir, 0), undefined);
    const { segment, torn } = await SegmentWriter.recover(dir, segments.at(-1)!);
    return new WriteAheadLog(dir, settings, segments, segment, torn);
  }

  /** The position after the last appended record (where the next record starts). */
  get end(): number {
    return this.appendedEnd;
  }

  /** Bytes appended but not yet handed to the file; a receiver pauses its source while this is high. */
  get pendingBytes(): number {
    return this.pendingCount;
  }

  /**
   * Appends one record; returns its start position and a promise that resolves once it is fsync'd
   * (group commit: one fsync covers every record appended before it). Appends are ordered.
   *
   * The log keeps `payload` itself, not a copy, until it is written: do not change it before
   * `durable` settles. Throws once the log is closed or a write has failed.
   */
  append(payload: Uint8Array): { position: number; durable: Promise<void> } {
    if (this.closing) throw new FlintError('WAL_CLOSED', `the write-ahead log in ${this.dir} is closed; open it again with WriteAheadLog.open() to append`);
    if (this.failure) throw this.failure;
    if (!(payload instanceof Uint8Array) || payload.length > MAX_PAYLOAD_BYTES) {
      throw new FlintError('INVALID_ARGUMENT', `append needs a Uint8Array of at most ${MAX_PAYLOAD_BYTES} bytes, e.g. a Buffer`);
    }
    const position = this.appendedEnd;
    const bytes = RECORD_HEADER_BYTES + payload.length;
    if (this.tailBytes >= this.segmentBytes) {
      this.tailStart = position;
      this.tailBytes = SEGMENT_MAGIC.length;
    }
    let write = this.pending.at(-1);
    if (write?.start !== this.tailStart) this.pending.push((write = { start: this.tailStart, buffers: [], bytes: 0 }));
    write.buffers.push(recordHeader(payload), payload);
    write.bytes += bytes;
    this.tailBytes += bytes;
    this.appendedEnd += bytes;
    this.pendingCount += bytes;
    if (!this.flushQueued) {
      // Queued, not run: appends made before the chain gets to it share one write call.
      this.flushQueued = true;
      void this.enqueue(() => this.writePending());
    }
    this.durable ??= durableSignal();
    this.syncTimer ??= setTimeout(() => void this.syncNow(), this.syncIntervalMs).unref();
    return { position, durable: this.durable.promise };
  }

  /** fsyncs everything appended so far; resolves once durable. */
  sync(): Promise<void> {
    if (this.failure) return handled(Promise.reject(this.failure));
    return this.closing ? this.lastSync : this.syncNow();
  }

  /**
   * The payloads of the records that start in [from, to), in order. Throws a FlintError naming the
   * segment file when a record in that range fails its checksum or is truncated (reading a range
   * the log once acknowledged must never silently skip data).
   *
   * `from` and `to` are meant to be positions `append` returned or `end` had (a batch's records
   * are [end before its first append, end after its last)); other positions work but cost a scan
   * from the start of their segment. Payloads read together may share one underlying buffer.
   */
  async *read(from: number, to: number): AsyncIterable<Uint8Array> {
    if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to) || from < 0 || from > to) {
      throw new FlintError('INVALID_ARGUMENT', `read(from, to) needs whole positions with 0 <= from <= to, got read(${from}, ${to})`);
    }
    if (from === to) return;
    if (to > this.appendedEnd) {
      throw new FlintError(
        'INVALID_ARGUMENT',
        `read(${from}, ${to}) goes past the end of the log in ${this.dir} (${this.appendedEnd}); records past the end were never appended, or were lost in a crash before they were durable`,
      );
    }
    // Every record appended before this call is in its file once the chain gets here.
    await this.enqueue(async () => undefined);
    const starts = [...this.segments];
    let index = starts.length - 1;
    while (index >= 0 && starts[index]! > from) index--;
    if (index < 0) {
      throw new FlintError(
        'INVALID_ARGUMENT',
        `read(${from}, ${to}): the log in ${this.dir} now begins at position ${starts[0]}; the records before it were cleaned (or their segment files deleted)`,
      );
    }
    for (; index < starts.length && starts[index]! < to; index++) {
      const start = starts[index]!;
      yield* readSegment(join(this.dir, segmentName(start)), start, from, to, starts[index + 1] ?? Infinity);
    }
  }

  /**
   * Deletes the segment files that hold only records before `position` (Spark: cleaned once their
   * batches are checkpointed): those whose records all end at or before it, so that a later
   * `read(from, to)` with `from >= position` never needs them.
   */
  async clean(before: number): Promise<void> {
    if (typeof before !== 'number' || Number.isNaN(before)) {
      throw new FlintError('INVALID_ARGUMENT', `clean(before) needs a log position, got ${String(before)}`);
    }
    // A segment holds records up to where the next one starts; the newest one is never deleted.
    let count = 0;
    while (count + 1 < this.segments.length && this.segments[count + 1]! <= before) count++;
    // No directory fsync: a deleted segment that reappears after a crash is only cleaned again.
    for (const start of this.segments.splice(0, count)) {
      const path = join(this.dir, segmentName(start));
      await attempt(path, 'deleting', () => rm(path, { force: true }));
    }
  }

  /** Flushes, fsyncs and closes the file; appending afterwards throws. */
  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    try {
      await this.syncNow();
    } finally {
      await this.chain;
      await this.writer.close();
    }
    if (this.failure) throw this.failure;
  }

  /**
   * Queues an fsync behind the writes of every record appended so far. One fsync runs at a time:
   * records appended meanwhile wait for the next, which starts as soon as it ends. Queuing one per
   * timer tick instead would pile fsyncs up whenever the disk takes longer than the interval.
   */
  private syncNow(): Promise<void> {
    clearTimeout(this.syncTimer);
    this.syncTimer = undefined;
    const durable = this.durable;
    if (!durable) return this.lastSync;
    if (this.syncing) {
      this.syncAgain = true;
      return durable.promise;
    }
    this.durable = undefined;
    this.syncing = true;
    void this.enqueue(() => this.writer.sync())
      .then(durable.resolve, durable.reject)
      .then(() => {
        this.syncing = false;
        if (this.syncAgain) {
          this.syncAgain = false;
          void this.syncNow();
        }
      });
    this.lastSync = durable.promise;
    return durable.promise;
  }

  /** Writes every pending record, one write call per segment, starting new segments as needed. */
  private async writePending(): Promise<void> {
    this.flushQueued = false;
    const writes = this.pending;
    this.pending = [];
    for (const write of writes) {
      if (write.start !== this.writer.start) await this.roll(write.start);
      await this.writer.write(write.buffers, write.bytes);
      this.pendingCount -= write.bytes;
    }
  }

  /** Closes the full segment and creates the next one. */
  private async roll(start: number): Promise<void> {
    // Closed segments are durable and complete, which is why open() need not scan them.
    await this.writer.sync();
    await this.writer.close();
    this.writer = await SegmentWriter.create(this.dir, start);
    this.segments.push(start);
  }

  /** Runs `step` on the chain after everything queued before; a failure stops the log for good. */
  private enqueue(step: () => Promise<void>): Promise<void> {
    const done = this.chain
      .then(() => {
        if (this.failure) throw this.failure;
        return step();
      })
      .catch((error: unknown) => {
        throw this.fail(error);
      });
    this.chain = done.catch(() => undefined);
    return done;
  }

  /** Records the first failure: pending records are dropped and their `durable` promises rejected. */
  private fail(error: unknown): FlintError {
    if (!this.failure) {
      this.failure = ioFailure(this.writer.path, 'writing', error);
      clearTimeout(this.syncTimer);
      this.pending = [];
      this.pendingCount = 0;
      this.durable?.reject(this.failure);
      this.durable = undefined;
    }
    return this.failure;
  }
}

function checkOptions(dir: string, options: WriteAheadLogOptions): Required<WriteAheadLogOptions> {
  if (typeof dir !== 'string' || dir === '') {
    throw new FlintError('INVALID_ARGUMENT', 'WriteAheadLog.open needs a directory path, e.g. WriteAheadLog.open("/tmp/flint-wal/receiver-0")');
  }
  const { segmentBytes = DEFAULT_SEGMENT_BYTES, syncIntervalMs = DEFAULT_SYNC_INTERVAL_MS } = options;
  if (!Number.isSafeInteger(segmentBytes) || segmentBytes <= 0) {
    throw new FlintError('INVALID_ARGUMENT', `options.segmentBytes must be a positive integer number of bytes, got ${segmentBytes}`);
  }
  if (typeof syncIntervalMs !== 'number' || !(syncIntervalMs >= 0 && syncIntervalMs <= MAX_TIMER_MS)) {
    throw new FlintError('INVALID_ARGUMENT', `options.syncIntervalMs must be a number of ms from 0 to ${MAX_TIMER_MS}, got ${syncIntervalMs}`);
  }
  return { segmentBytes, syncIntervalMs };
}

/** A `durable` signal; callers may ignore its promise, since a failure also reaches append() and sync(). */
function durableSignal(): Durable {
  let resolve!: () => void;
  let reject!: (error: FlintError) => void;
  const promise = handled(
    new Promise<void>((res, rej) => {
      resolve = res;
      reject = rej;
    }),
  );
  return { promise, resolve, reject };
}

/** `promise`, marked handled so that a rejection nobody awaits is not reported as unhandled. */
function handled<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}
