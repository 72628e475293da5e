// ReceivedData: what a receiver stored for the next batch, in arrival order. Text stays as line
// blocks; items stored after text join it as lines. Live batches and batches rebuilt from the
// write-ahead log go through the same code, so a re-run batch is the batch it was.
import { Batch } from '../../batch/batch.js';
import { blockOfLines, TextBatch, type LineBlock, type PreCounted } from '../../batch/text-batch.js';
import type { Piece } from './receiver-flow.js';

/** Stored pieces waiting for a batch. */
export class ReceivedData<T> {
  private buffer: T[] = [];
  private blocks: LineBlock[] = [];
  /** Blocks already given out by {@link ReceivedData.newBlocks}. */
  private given = 0;

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

  /** The text blocks added since the previous call (or the previous take), in order. */
  newBlocks(): LineBlock[] {
    const blocks = this.blocks.slice(this.given);
    this.given = this.blocks.length;
    return blocks;
  }

  /**
   * Everything held, as one batch of `numPartitions` partitions; empties the holder. Text comes
   * with `preCounted`, what a core counted of the blocks given out by {@link ReceivedData.newBlocks}.
   */
  take(numPartitions: number, preCounted?: PreCounted): Batch<T> {
    this.given = 0;
    if (this.blocks.length > 0) {
      const blocks = this.blocks;
      this.blocks = [];
      return TextBatch.fromBlocks(blocks, numPartitions, preCounted) as unknown as Batch<T>;
    }
    const items = this.buffer;
    this.buffer = [];
    return Batch.of(items, numPartitions);
  }
}
