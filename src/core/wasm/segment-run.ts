// SegmentRun: one segment of a receiver's text counted into one table on one worker, fed block by
// block as the text arrives; the table comes back packed when the run ends.
import type { LineBlock } from '../../batch/text-batch.js';
import type { BufferRecycler } from '../../pool/buffer-recycler.js';
import { CountRun, type CountSettings } from '../../pool/count-run.js';
import type { WorkerPool } from '../../pool/pool.js';
import { piecesOf } from './pieces.js';
import { copyToTransferable } from './pooled-count.js';

/**
 * Pieces copied and sent ahead of the worker: one to count, one waiting (4 measured no better at
 * saturation). The rest of a block waits as references to the received text, so the copies reuse
 * the core's transfer buffers: sending a whole 200 ms block at once took a fresh buffer per piece
 * (a page fault per 4 KB on the main thread, and garbage collections for the external memory).
 */
export const SEGMENT_PIECES_IN_FLIGHT = 2;

/** A count run held open for one segment of consecutive text. */
export class SegmentRun {
  /** The segment's packed table (split into the output partitions), once the run has ended. */
  readonly table: Promise<ArrayBuffer>;
  private readonly run: CountRun;
  private partial: ArrayBuffer | undefined;
  /** Pieces not sent yet, in text order. */
  private readonly waiting: Uint8Array[][] = [];
  private next = 0;
  private ending = false;
  /** Bytes sent to the run and not counted yet, and the sizes of the pieces in flight, oldest first. */
  private pending = 0;
  private readonly inFlightBytes: number[] = [];

  constructor(
    pool: WorkerPool,
    private readonly buffers: BufferRecycler,
    settings: CountSettings,
    private readonly pieceBytes: number,
  ) {
    this.run = new CountRun(pool, settings, {
      pieceDone: (_run, input) => {
        buffers.give(input);
        this.pending -= this.inFlightBytes.shift() ?? 0;
        this.feed();
      },
      partial: (_segment, packed) => (this.partial = packed),
    });
    this.table = this.run.finished.then(() => {
      if (this.partial === undefined) throw new Error('a segment run ended without its table');
      return this.partial;
    });
    this.table.catch(() => undefined); // observed by whoever merges the table
    // A failed run sends nothing more: it lets go of the text it was still to send.
    this.run.finished.catch(() => {
      this.waiting.length = 0;
      this.next = 0;
      this.pending = 0;
    });
  }

  /** True when the worker has counted everything sent so far (it keeps up with the input). */
  get caughtUp(): boolean {
    return this.run.inFlight === 0 && this.next === this.waiting.length;
  }

  /** Bytes sent to this run that its worker has not counted yet. */
  get backlogBytes(): number {
    return this.pending;
  }

  /** Sends `blocks` (whole lines) to be counted into the segment's table. */
  send(blocks: readonly LineBlock[]): void {
    this.waiting.push(...piecesOf(blocks, this.pieceBytes));
    this.pending += blocks.reduce((n, b) => n + b.bytes.byteLength, 0);
    this.feed();
  }

  /** No more text: once the worker has counted it all, it sends the table back and is free again. */
  end(): void {
    this.ending = true;
    this.feed();
  }

  private feed(): void {
    while (this.run.inFlight < SEGMENT_PIECES_IN_FLIGHT && this.next < this.waiting.length) {
      const piece = this.waiting[this.next]!;
      this.waiting[this.next++] = []; // the text is the batch's; the run need not keep it
      this.inFlightBytes.push(piece.reduce((n, part) => n + part.byteLength, 0));
      this.run.send(copyToTransferable(this.buffers, piece), 0);
    }
    if (this.next === this.waiting.length) {
      this.waiting.length = 0;
      this.next = 0;
      if (this.ending) this.run.end();
    }
  }
}
