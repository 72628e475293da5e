// ReadableReceiver: lines of UTF-8 text from a Node.js Readable, such as process.stdin (behind
// `ssc.readableStream` and `flint wordcount --stdin`). Unlike a socket it cannot reconnect: at the
// end of the input it tells its owner, who usually stops the context gracefully.
import type { Readable } from 'node:stream';
import { FlintError } from '../../errors.js';
import { checkMaxLineBytes, LineSplitter, lineTooLongError } from './line-splitter.js';
import { pauseUntil } from './pause-until.js';
import { Receiver, storeBlocks, storeLinesUnacknowledged } from './receiver.js';

/** Options of a {@link ReadableReceiver}. */
export interface ReadableReceiverOptions {
  /** Longest line accepted, in bytes; longer lines are reported and skipped (default 64 MiB). */
  maxLineBytes?: number;
  /**
   * Called once when the input is over: after its last line has been stored, or with the error
   * that ended it (the receiver then stops, and reports the error to listeners too).
   */
  onEnd?: (error?: Error) => void;
}

/** Options of `StreamingContext.readableStream`. */
export interface ReadableStreamOptions extends ReadableReceiverOptions {
  /** The receiver's name in listener events (default `ReadableReceiver`). */
  name?: string;
}

/**
 * Reads lines from `input` until it ends or the receiver stops. Over the rate limit or the memory
 * bound it pauses `input`, so a writer into a pipe blocks rather than Flint buffering without end.
 */
export class ReadableReceiver extends Receiver<string> {
  private readonly maxLineBytes: number;
  private readonly onEnd: ((error?: Error) => void) | undefined;
  private detach: (() => void) | undefined;
  private dropped = 0;

  constructor(
    private readonly input: Readable,
    options: ReadableReceiverOptions = {},
  ) {
    super();
    if (typeof input?.on !== 'function' || typeof input.pause !== 'function' || typeof input.resume !== 'function') {
      throw new FlintError('INVALID_ARGUMENT', `readableStream needs a Node.js Readable (a pipe, file stream, socket or process.stdin), got ${describe(input)}`);
    }
    this.maxLineBytes = checkMaxLineBytes(options.maxLineBytes, 'ReadableReceiver');
    this.onEnd = options.onEnd;
  }

  onStart(): void {
    const splitter = new LineSplitter(this.maxLineBytes, () => {
      this.dropped++;
      const error = lineTooLongError(this.maxLineBytes, 'from the input', this.dropped);
      this.reportError(error.message, error, this.dropped);
    });
    // onStop detaches later, so the end or a failure may be seen once more; onEnd is told once.
    let over = false;
    const onData = (chunk: unknown): void => {
      if (over) return;
      if (typeof chunk !== 'string' && !(chunk instanceof Uint8Array)) {
        const error = new FlintError('INVALID_ARGUMENT', `the input gave ${describe(chunk)}, not text: readableStream reads bytes or strings; turn objects into lines first`);
        return onError(error);
      }
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      const stored = storeBlocks(this, splitter.pushBlocks(bytes));
      if (stored) pauseUntil(this.input, stored, () => this.detach === detach);
    };
    const onEnd = (): void => {
      if (over) return;
      over = true;
      const last = splitter.endBlock();
      if (last) void storeLinesUnacknowledged(this, last);
      this.onEnd?.();
    };
    const onError = (error: Error): void => {
      if (over) return;
      over = true;
      this.stop(`input failed: ${error.message}`, error);
      this.onEnd?.(error);
    };
    this.input.on('data', onData).once('end', onEnd).once('error', onError);
    const detach = (): void => {
      this.input.off('data', onData).off('end', onEnd).off('error', onError);
    };
    this.detach = detach;
    this.input.resume();
  }

  onStop(): void {
    this.detach?.();
    this.detach = undefined;
    // A paused stream with no listeners no longer keeps the process alive.
    this.input.pause();
  }
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  return typeof value === 'object' ? `a ${value.constructor?.name ?? 'object'}` : `a ${typeof value}`;
}
