// A job's log: the lines of its stdout and stderr in the order they arrived, bounded in lines and
// in line length, so a job that prints without end costs the server a fixed amount of memory.
import { StringDecoder } from 'node:string_decoder';

/** Bounds of a {@link LogBuffer}. */
export interface LogBufferOptions {
  /** Lines kept; older ones are dropped (default 1000). */
  maxLines?: number;
  /** Characters kept of a line; the rest is cut and marked (default 8192). */
  maxLineLength?: number;
}

/** A page of the log in Livy's shape: `from` is the index of `log[0]` among all lines written. */
export interface LogPage {
  from: number;
  total: number;
  log: string[];
}

/** The newest lines of a job's output, numbered from 0 over all lines ever written. */
export class LogBuffer {
  private readonly maxLines: number;
  readonly maxLineLength: number;
  private readonly lines: string[] = [];
  /** Lines dropped from the front; the index of `lines[0]` among all lines written. */
  private dropped = 0;

  constructor(options: LogBufferOptions = {}) {
    this.maxLines = options.maxLines ?? 1000;
    this.maxLineLength = options.maxLineLength ?? 8192;
  }

  /** Lines written so far, including dropped ones. */
  get total(): number {
    return this.dropped + this.lines.length;
  }

  /** Adds one line (without its newline), cut to the longest length kept. */
  append(line: string): void {
    this.lines.push(line.length > this.maxLineLength ? `${line.slice(0, this.maxLineLength)} [line cut at ${this.maxLineLength} characters]` : line);
    // Dropping in chunks keeps `shift` off the per-line path.
    if (this.lines.length >= this.maxLines * 2) {
      this.dropped += this.lines.length - this.maxLines;
      this.lines.splice(0, this.lines.length - this.maxLines);
    }
  }

  /**
   * Up to `size` lines from line `from`, Livy's `GET /batches/{id}/log`; without `from`, the last
   * `size` lines. A `from` before the oldest line kept starts at the oldest line kept.
   */
  page(from: number | undefined, size: number): LogPage {
    const first = Math.max(this.total - this.retained(), 0);
    const start = Math.min(Math.max(from ?? this.total - size, first), this.total);
    const end = Math.min(start + size, this.total);
    const offset = this.dropped;
    return { from: start, total: this.total, log: this.lines.slice(start - offset, end - offset) };
  }

  /** The last `n` lines. */
  tail(n: number): string[] {
    return this.page(undefined, n).log;
  }

  /** A sink for one output stream: splits its bytes into lines (UTF-8), carrying partial lines. */
  stream(): LineSink {
    return new LineSink(this);
  }

  private retained(): number {
    return Math.min(this.lines.length, this.maxLines);
  }
}

/** Cuts one stream's chunks into lines for a {@link LogBuffer}; a line too long is cut, not buffered. */
export class LineSink {
  private readonly decoder = new StringDecoder('utf8');
  private partial = '';
  /** The current line was already cut and added: skip the rest of it. */
  private skipping = false;

  constructor(private readonly log: LogBuffer) {}

  /** Takes a chunk of the stream. */
  write(chunk: Buffer): void {
    const parts = (this.partial + this.decoder.write(chunk)).split('\n');
    this.partial = parts.pop()!;
    for (const part of parts) {
      if (!this.skipping) this.log.append(part.endsWith('\r') ? part.slice(0, -1) : part);
      this.skipping = false;
    }
    if (this.partial.length > this.log.maxLineLength && !this.skipping) {
      this.log.append(this.partial);
      this.skipping = true;
    }
    if (this.skipping) this.partial = '';
  }

  /** The stream ended: adds an unterminated last line. */
  end(): void {
    const rest = this.partial + this.decoder.end();
    if (rest !== '' && !this.skipping) this.log.append(rest);
    this.partial = '';
  }
}
