// ReceivedData: what a receiver stored for the next batch, in arrival order. Text stays as line
// blocks; items stored after text join it as lines. Live batches and batches rebuilt from the
// write-ahead log go through the same code, so a re-run batch is the batch it was.
import { Batch } from '../../batch/batch.js';
import { blockOfLines, TextBatch, type LineBlock } from '../../batch/text-batch.js';
import type { Piece } from './receiver-flow.js';

/** Stored pieces waiting for a batch. */
export class ReceivedData<T> {
  private buffer: T[] = [];
  private blocks: LineBlock[] = [];

  /** Adds a piece after the ones already held. */
  add(piece: Piece<T>): void {
    if ('lines' in piece) {
      if (this.buffer.length > 0) {
        this.blocks.push(blockOfLines(this.buffer as unknown as string[]));
        this.buffer = [];
      }
      this.blocks.push(piece.lines);
    } else if (this.blocks.length > 0) {
      this.blocks.push(blockOfLines(piece.items as unknown as string[]));
    } else {
      for (const item of piece.items) this.buffer.push(item);
    }
  }

  /** True when nothing is held. */
  get isEmpty(): boolean {
    return this.buffer.length === 0 && this.blocks.length === 0;
  }

  /** Everything held, as one batch of `numPartitions` partitions; empties the holder. */
  take(numPartitions: number): Batch<T> {
    if (this.blocks.length > 0) {
      const blocks = this.blocks;
      this.blocks = [];
      return TextBatch.fromBlocks(blocks, numPartitions) as unknown as Batch<T>;
    }
    const items = this.buffer;
    this.buffer = [];
    return Batch.of(items, numPartitions);
  }
}
