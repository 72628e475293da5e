// LineSplitter: cuts a byte stream into UTF-8 lines on \n (dropping a \r before it), across chunk
// boundaries, replacing invalid UTF-8 with U+FFFD and skipping lines longer than a limit.
import { isUtf8 } from 'node:buffer';
import { blockOfLines, type LineBlock } from '../../batch/text-batch.js';
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
 * Splits chunks of bytes into lines. Lines are decoded only once complete, so a multi-byte
 * character cut by a chunk boundary decodes correctly: 0x0A never occurs inside a UTF-8
 * sequence, so splitting on it before decoding is safe. Bytes that are not UTF-8 become U+FFFD.
 *
 * A line is too long when its bytes, without the `\n` and a `\r` before it, exceed
 * `maxLineBytes`. Its bytes are discarded as soon as the limit is passed (memory stays bounded by
 * the limit), `onTooLong` is called once with the bytes of the line seen so far (more than the
 * limit), and the rest of the line up to the next `\n` is skipped.
 */
export class LineSplitter {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private skipping = false;
  private atStart = true;

  constructor(
    private readonly maxLineBytes: number,
    private readonly onTooLong: (bytesSoFar: number) => void,
    private readonly options: LineSplitterOptions = {},
  ) {}

  /** Feeds a chunk; returns the lines it completed, in order. */
  push(chunk: Buffer): string[] {
    const lines: string[] = [];
    let from = 0;
    for (let nl = chunk.indexOf(LF); nl !== -1; nl = chunk.indexOf(LF, from)) {
      this.append(chunk, from, nl);
      const line = this.take();
      if (line !== undefined) lines.push(line);
      from = nl + 1;
    }
    this.append(chunk, from, chunk.length);
    return lines;
  }

  /**
   * Feeds a chunk; returns the lines it completed as one block of bytes, or undefined. When the
   * bytes are already clean (valid UTF-8, no \r, no line over the limit, no BOM to drop) the
   * block is the received bytes themselves, with no decoding; otherwise the lines are decoded
   * and re-encoded exactly as {@link LineSplitter.push} returns them.
   */
  pushBlock(chunk: Buffer): LineBlock | undefined {
    const lastLf = chunk.lastIndexOf(LF);
    if (lastLf !== -1 && !this.skipping && !(this.atStart && this.options.skipBom)) {
      const head = chunk.subarray(0, lastLf + 1);
      const region = this.pendingBytes > 0 ? Buffer.concat([...this.pending, head]) : head;
      const lines = countCleanLines(region, this.maxLineBytes);
      if (lines > 0 && region.indexOf(CR) === -1 && isUtf8(region)) {
        this.pending = [];
        this.pendingBytes = 0;
        this.atStart = false;
        this.append(chunk, lastLf + 1, chunk.length);
        return { bytes: region, lines };
      }
    }
    const lines = this.push(chunk);
    return lines.length > 0 ? blockOfLines(lines) : undefined;
  }

  /** Ends the stream: the last line as a block if it did not end with a newline. */
  endBlock(): LineBlock | undefined {
    const lines = this.end();
    return lines.length > 0 ? blockOfLines(lines) : undefined;
  }

  /** Ends the stream: returns the last line if it did not end with a newline. */
  end(): string[] {
    if (this.pendingBytes === 0 && !this.skipping) return [];
    const line = this.take();
    return line === undefined ? [] : [line];
  }

  private append(chunk: Buffer, from: number, to: number): void {
    if (this.skipping || to <= from) return;
    const total = this.pendingBytes + (to - from);
    // One byte of slack: a \r that turns out to precede the \n is not part of the line.
    if (total > this.maxLineBytes + 1) {
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
    const end = bytes.length > 0 && bytes[bytes.length - 1] === CR ? bytes.length - 1 : bytes.length;
    if (end > this.maxLineBytes) {
      this.onTooLong(end);
      return undefined;
    }
    const start = first && this.options.skipBom && hasBom(bytes) ? 3 : 0;
    return bytes.toString('utf8', start, Math.max(start, end));
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
