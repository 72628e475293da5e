// RecordReadable: a stream's records as an object-mode Node Readable (`stream.toReadable()`), for
// pipeline() and friends. It reads batches from a BatchIterator only as fast as the reader reads.
import { Readable } from 'node:stream';
import { FlintError } from '../../errors.js';
import type { BatchIterator } from './batch-iterator.js';

/** Options of `DStream.toReadable`. */
export interface ToReadableOptions {
  /** Records the Readable buffers before it stops taking batches (default 16, Node's object-mode default). */
  highWaterMark?: number;
}

/**
 * Pushes the records of each batch, partitions in order, until the Readable's buffer is full;
 * then the rest of the batch waits for the reader, and the batch's output operation with it.
 * Ends when the context has stopped; destroying it (or a pipeline failing) detaches the output.
 */
export class RecordReadable<T> extends Readable {
  private records: Iterator<T> | undefined;
  private filling = false;

  constructor(
    private readonly batches: BatchIterator<T>,
    options: ToReadableOptions = {},
  ) {
    const { highWaterMark = 16 } = options;
    if (!Number.isInteger(highWaterMark) || highWaterMark < 1) {
      throw new FlintError('INVALID_ARGUMENT', `toReadable() options.highWaterMark must be a positive whole number of records, got ${String(highWaterMark)}`);
    }
    super({ objectMode: true, highWaterMark });
  }

  override _read(): void {
    if (!this.filling) void this.fill();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    void this.batches.return();
    callback(error);
  }

  // Pushes until the buffer is full (push returns false; _read comes again) or the input ends.
  private async fill(): Promise<void> {
    this.filling = true;
    try {
      for (;;) {
        this.records ??= await this.nextBatch();
        if (this.records === undefined) {
          if (!this.destroyed) this.push(null);
          return;
        }
        for (let r = this.records.next(); !r.done; r = this.records.next()) {
          if (r.value === null) {
            const error = 'toReadable() cannot pass a null record: an object-mode Readable ends at null; filter or map the nulls away first';
            this.destroy(new FlintError('INVALID_ARGUMENT', error));
            return;
          }
          if (!this.push(r.value)) return;
        }
        this.records = undefined;
      }
    } finally {
      this.filling = false;
    }
  }

  private async nextBatch(): Promise<Iterator<T> | undefined> {
    const next = await this.batches.next();
    if (next.done || this.destroyed) return undefined;
    return next.value[1].partitions.flat()[Symbol.iterator]() as Iterator<T>;
  }
}
