// LineSplitter: cuts a byte stream into UTF-8 lines on \n (dropping a trailing \r), across chunk
// boundaries, replacing invalid UTF-8 and skipping lines longer than a limit.

/** Default longest line accepted: 64 MiB. */
export const DEFAULT_MAX_LINE_BYTES = 64 * 1024 * 1024;

/** Splits chunks of bytes into lines. */
export class LineSplitter {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private skipping = false;
  /** Lines dropped because they exceeded the limit. */
  droppedLines = 0;

  constructor(
    private readonly maxLineBytes: number,
    private readonly onTooLong: (bytes: number) => void,
  ) {}

  /** Feeds a chunk; returns the lines it completed. */
  push(chunk: Buffer): string[] {
    const lines: string[] = [];
    let start = 0;
    for (let nl = chunk.indexOf(10, start); nl !== -1; nl = chunk.indexOf(10, start)) {
      this.append(chunk, start, nl);
      const line = this.take();
      if (line !== undefined) lines.push(line);
      start = nl + 1;
    }
    this.append(chunk, start, chunk.length);
    return lines;
  }

  /** Ends the stream: returns the last line if it had no newline. */
  end(): string[] {
    const had = this.pendingBytes > 0 || this.skipping;
    const line = this.take();
    return had && line !== undefined ? [line] : [];
  }

  private append(chunk: Buffer, from: number, to: number): void {
    if (this.skipping || to <= from) return;
    if (this.pendingBytes + (to - from) > this.maxLineBytes) {
      this.skipping = true;
      this.onTooLong(this.pendingBytes + (to - from));
      this.droppedLines++;
      this.pending = [];
      this.pendingBytes = 0;
      return;
    }
    this.pending.push(chunk.subarray(from, to));
    this.pendingBytes += to - from;
  }

  private take(): string | undefined {
    if (this.skipping) {
      this.skipping = false;
      return undefined;
    }
    const bytes = this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending, this.pendingBytes);
    this.pending = [];
    this.pendingBytes = 0;
    const end = bytes.length > 0 && bytes[bytes.length - 1] === 13 ? bytes.length - 1 : bytes.length;
    return bytes.toString('utf8', 0, end);
  }
}
