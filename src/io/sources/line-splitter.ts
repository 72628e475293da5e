// LineSplitter: cuts a byte stream into UTF-8 lines ended by \n, \r\n or a lone \r (as Spark's
// line readers do), across chunk boundaries, replacing invalid UTF-8 with U+FFFD and skipping
// lines longer than a limit.
import { isUtf8 } from 'node:buffer';
import { blockOfLines, type LineBlock } from '../../batch/text-batch.js';
import { scanLineFeeds } from '../../core/wasm/line-feeds.js';
import { FlintError } from '../../errors.js';

/** Default longest line accepted: 64 MiB. */
export const DEFAULT_MAX_LINE_BYTES = 64 * 1024 * 1024;

const LF = 0x0a;
const CR = 0x0d;

/** Options of a {@link LineSplitter}. */
export interface LineSplitterOptions {
  /** Drop a UTF-8 byte order mark at the start of the stream (files written by some editors). */
  skipBom?: boolean;
}

/**
 * Splits chunks of bytes into lines. A line ends at `\n`, `\r\n` or a lone `\r`, as with
 * Hadoop's LineReader (Spark's text files) and Java's `readLine` (Spark's sockets); a `\r` that
 * ends one chunk and a `\n` that starts the next are one line ending. Lines are decoded only once
 * complete, so a multi-byte character cut by a chunk boundary decodes correctly: neither byte
 * occurs inside a UTF-8 sequence, so splitting on them before decoding is safe. Bytes that are not
 * UTF-8 become U+FFFD.
 *
 * A line is too long when its bytes, without the line ending, exceed `maxLineBytes`. Its bytes
 * are discarded as soon as the limit is passed (memory stays bounded by the limit), `onTooLong`
 * is called once with the bytes of the line seen so far (more than the limit), and the rest of
 * the line up to the next line ending is skipped.
 */
export class LineSplitter {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private skipping = false;
  private atStart = true;
  /** The last byte seen ended a line with \r: a \n right after it belongs to that ending. */
  private afterCr = false;

  constructor(
    private readonly maxLineBytes: number,
    private readonly onTooLong: (bytesSoFar: number) => void,
    private readonly options: LineSplitterOptions = {},
  ) {}

  /** Feeds a chunk; returns the lines it completed, in order. */
  push(chunk: Buffer): string[] {
    const lines: string[] = [];
    let from = this.afterCr && chunk[0] === LF ? 1 : 0;
    if (chunk.length > 0) this.afterCr = false;
    const ends = new LineEnds(chunk);
    for (let end = ends.next(from); end !== -1; end = ends.next(from)) {
      this.append(chunk, from, end);
      const line = this.take();
      if (line !== undefined) lines.push(line);
      from = end + 1;
      if (chunk[end] === CR) {
        if (from === chunk.length) this.afterCr = true;
        else if (chunk[from] === LF) from++;
      }
    }
    this.append(chunk, from, chunk.length);
    return lines;
  }

  /**
   * Feeds a chunk; returns the lines it completed as blocks of bytes (none, one or two). When the
   * bytes are already clean (valid UTF-8, no \r, no line over the limit, no BOM to drop) the
   * blocks are the received bytes themselves, kept by reference: only a line begun in an earlier
   * chunk is joined, into a block of its own. Otherwise the lines are decoded and re-encoded
   * exactly as {@link LineSplitter.push} returns them. One SIMD scan of the chunk counts its lines
   * and looks for \r.
   */
  pushBlocks(chunk: Buffer): LineBlock[] {
    const clean = this.skipping || this.afterCr || (this.atStart && this.options.skipBom) ? undefined : this.cleanLines(chunk);
    if (clean === undefined) {
      const lines = this.push(chunk);
      return lines.length > 0 ? [blockOfLines(lines)] : [];
    }
    const { joined, lastLf, lines } = clean;
    const blocks: LineBlock[] = joined ? [{ bytes: joined, lines: 1 }] : [];
    const from = joined ? chunk.indexOf(LF) + 1 : 0;
    if (lastLf + 1 > from) blocks.push({ bytes: chunk.subarray(from, lastLf + 1), lines: joined ? lines - 1 : lines });
    this.pending = [];
    this.pendingBytes = 0;
    this.atStart = false;
    this.append(chunk, lastLf + 1, chunk.length);
    return blocks;
  }

  /** {@link LineSplitter.pushBlocks} as one block (joined when there are two), or undefined. */
  pushBlock(chunk: Buffer): LineBlock | undefined {
    const blocks = this.pushBlocks(chunk);
    if (blocks.length <= 1) return blocks[0];
    return { bytes: Buffer.concat(blocks.map((b) => b.bytes)), lines: blocks.reduce((n, b) => n + b.lines, 0) };
  }

  // A chunk that completes lines and is clean with the pending bytes (which never hold a \r: it
  // always ends a line): its last \n, its lines, and the line begun before it joined with its end
  // (when one was begun). UTF-8 is checked line-aligned: a \n never occurs inside a multi-byte
  // sequence, so the joined line and the rest can be checked apart.
  private cleanLines(chunk: Buffer): { joined: Buffer | undefined; lastLf: number; lines: number } | undefined {
    const lastLf = chunk.lastIndexOf(LF);
    if (lastLf === -1) return undefined;
    const lines = scanLineFeeds(chunk.subarray(0, lastLf + 1));
    if (lines < 0 || chunk.indexOf(CR, lastLf + 1) !== -1) return undefined;
    const firstLf = chunk.indexOf(LF);
    if (this.pendingBytes + firstLf > this.maxLineBytes) return undefined;
    // A line inside the chunk is shorter than the chunk: only a chunk over the limit needs a look.
    if (chunk.length > this.maxLineBytes && countCleanLines(chunk.subarray(0, lastLf + 1), this.maxLineBytes) === -1) return undefined;
    const joined = this.pendingBytes > 0 ? Buffer.concat([...this.pending, chunk.subarray(0, firstLf + 1)], this.pendingBytes + firstLf + 1) : undefined;
    const rest = chunk.subarray(joined ? firstLf + 1 : 0, lastLf + 1);
    if ((joined && !isUtf8(joined)) || !isUtf8(rest)) return undefined;
    return { joined, lastLf, lines };
  }

  /** Ends the stream: the last line as a block if it did not end with a line ending. */
  endBlock(): LineBlock | undefined {
    const lines = this.end();
    return lines.length > 0 ? blockOfLines(lines) : undefined;
  }

  /** Ends the stream: returns the last line if it did not end with a line ending. */
  end(): string[] {
    this.afterCr = false;
    if (this.pendingBytes === 0 && !this.skipping) return [];
    const line = this.take();
    return line === undefined ? [] : [line];
  }

  private append(chunk: Buffer, from: number, to: number): void {
    if (this.skipping || to <= from) return;
    const total = this.pendingBytes + (to - from);
    if (total > this.maxLineBytes) {
      this.skipping = true;
      this.pending = [];
      this.pendingBytes = 0;
      this.onTooLong(total);
      return;
    }
    this.pending.push(chunk.subarray(from, to));
    this.pendingBytes = total;
  }

  private take(): string | undefined {
    const first = this.atStart;
    this.atStart = false;
    if (this.skipping) {
      this.skipping = false;
      return undefined;
    }
    const bytes = this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending, this.pendingBytes);
    this.pending = [];
    this.pendingBytes = 0;
    const start = first && this.options.skipBom && hasBom(bytes) ? 3 : 0;
    return bytes.toString('utf8', start, Math.max(start, bytes.length));
  }
}

/**
 * The positions of line-ending bytes (\n or \r) in a chunk, in order. Each kind is searched
 * with indexOf only again once passed, so a chunk without \r costs one extra scan, not one per line.
 */
class LineEnds {
  private lf = -2;
  private cr = -2;

  constructor(private readonly chunk: Buffer) {}

  /** The first line-ending byte at or after `from`, or -1. */
  next(from: number): number {
    if (this.lf !== -1 && this.lf < from) this.lf = this.chunk.indexOf(LF, from);
    if (this.cr !== -1 && this.cr < from) this.cr = this.chunk.indexOf(CR, from);
    if (this.lf === -1) return this.cr;
    return this.cr === -1 ? this.lf : Math.min(this.lf, this.cr);
  }
}

// Lines in `region` (which ends with \n), or -1 when one is longer than `max` bytes.
function countCleanLines(region: Buffer, max: number): number {
  let lines = 0;
  let from = 0;
  for (let nl = region.indexOf(LF); nl !== -1; nl = region.indexOf(LF, from)) {
    if (nl - from > max) return -1;
    lines++;
    from = nl + 1;
  }
  return lines;
}

function hasBom(bytes: Buffer): boolean {
  return bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
}

/**
 * Checks `options.maxLineBytes` of a text source (`call` names it in the message) and returns it,
 * or the 64 MiB default when it is not set.
 */
export function checkMaxLineBytes(value: unknown, call: string): number {
  if (value === undefined) return DEFAULT_MAX_LINE_BYTES;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    throw new FlintError('INVALID_ARGUMENT', `${call} options.maxLineBytes must be a positive integer number of bytes, got ${String(value)}`);
  }
  return value;
}

/**
 * The error a text source reports to streaming listeners when it skips a line; the message
 * names the running count of skipped lines, so listeners can read it from `lastErrorMessage`.
 */
export function lineTooLongError(maxLineBytes: number, where: string, droppedLines: number): FlintError {
  const count = droppedLines === 1 ? '1 line skipped' : `${droppedLines} lines skipped`;
  return new FlintError(
    'RECORD_TOO_LONG',
    `line longer than maxLineBytes (${maxLineBytes} bytes) ${where} skipped (${count} so far); ` +
      'raise options.maxLineBytes (flint: --max-line-bytes) if such lines are expected',
  );
}
