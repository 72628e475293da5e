// SegmentRun: one segment of a receiver's text counted into one table on one worker, fed block by
// block as the text arrives; the table comes back packed when the run ends.
import type { LineBlock } from '../../batch/text-batch.js';
import type { BufferRecycler } from '../../pool/buffer-recycler.js';
import { CountRun, type CountSettings } from '../../pool/count-run.js';
import type { WorkerPool } from '../../pool/pool.js';
import { piecesOf } from './pieces.js';
import { copyToTransferable } from './pooled-count.js';

/** A count run held open for one segment of consecutive text. */
export class SegmentRun {
  /** The segment's packed table (split into the output partitions), once the run has ended. */
  readonly table: Promise<ArrayBuffer>;
  private readonly run: CountRun;
  private partial: ArrayBuffer | undefined;

  constructor(
    pool: WorkerPool,
    private readonly buffers: BufferRecycler,
    settings: CountSettings,
    private readonly pieceBytes: number,
  ) {
    this.run = new CountRun(pool, settings, {
      pieceDone: (_run, input) => buffers.give(input),
      partial: (_segment, packed) => (this.partial = packed),
    });
    this.table = this.run.finished.then(() => {
      if (this.partial === undefined) throw new Error('a segment run ended without its table');
      return this.partial;
    });
    this.table.catch(() => undefined); // observed by whoever merges the table
  }

  /** True when the worker has counted everything sent so far (it keeps up with the input). */
  get caughtUp(): boolean {
    return this.run.inFlight === 0;
  }

  /** Sends `blocks` (whole lines) to be counted into the segment's table. */
  send(blocks: readonly LineBlock[]): void {
    for (const piece of piecesOf(blocks, this.pieceBytes)) this.run.send(copyToTransferable(this.buffers, piece), 0);
  }

  /** No more text: the worker sends the table back and is free again. */
  end(): void {
    this.run.end();
  }
}
