// BlockGenerator: every block interval, the text a receiver stream received since the last block
// goes to the core's block counter, so the workers count while the batch fills (Spark's
// BlockGenerator, which cuts received data into blocks every `spark.streaming.blockInterval`).
import type { PreCounted } from '../../batch/text-batch.js';
import type { BlockCounter } from '../../core/core.js';
import type { Clock } from '../../streaming/clock.js';
import type { ReceivedData } from './received-data.js';

/**
 * Hands `data`'s new text blocks to `counter` every `interval` ms of `clock`. Only text that has
 * already joined the next batch is handed on (after the rate limit and the write-ahead log), so
 * the blocks never decide which lines go to which batch: the batch cut does, as before.
 */
export class BlockGenerator {
  private cancel: (() => void) | undefined;

  constructor(
    private readonly data: ReceivedData<unknown>,
    private readonly counter: BlockCounter,
    private readonly clock: Clock,
    private readonly interval: number,
  ) {}

  /** Starts the block timer. */
  start(): void {
    if (this.cancel === undefined) this.schedule();
  }

  /** Stops the block timer; {@link BlockGenerator.cut} still hands on what is left. */
  stop(): void {
    this.cancel?.();
    this.cancel = undefined;
  }

  /** The batch is cut: its last block goes to the counter, and what it counted travels with the batch. */
  cut(): PreCounted | undefined {
    return this.counter.cut(this.data.newBlocks());
  }

  private schedule(): void {
    this.cancel = this.clock.schedule(this.clock.now() + this.interval, () => {
      this.counter.add(this.data.newBlocks());
      this.schedule();
    });
  }
}
