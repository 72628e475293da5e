// ReceiverInputDStream: runs a Receiver, buffers what it stores, and turns the buffer into the
// batch at each batch time. Restarts and errors are reported to listeners, never thrown.
import type { Batch } from '../../batch/batch.js';
import type { LineBlock } from '../../batch/text-batch.js';
import type { DStream } from '../../dstream/dstream.js';
import type { InputOperator, RecoverableInput, StreamEnv } from '../../dstream/operator.js';
import { BlockGenerator } from './block-generator.js';
import { ReceivedData } from './received-data.js';
import { ReceiverRecovery } from './receiver-recovery.js';
import type { BatchInfo } from '../../scheduler/listener.js';
import { ReceiverFlow, type Piece } from './receiver-flow.js';
import { DEFAULT_RESTART_DELAY, superviseReceiver, type Receiver, type ReceiverSupervisor } from './receiver.js';

/**
 * Spark's `ReceiverInputDStream` plus its `ReceiverSupervisor`. Everything stored between two
 * batch times becomes the later batch, cut into `numPartitions` slices. Stored data passes
 * through a {@link ReceiverFlow} first, which holds it to the rate limit and counts it against the
 * memory bound until its batch has been processed.
 *
 * Starting and stopping flip the receiver's state at once (so `isStopped()` and the dropping of
 * late `store` calls take effect immediately), while the onStart and onStop calls themselves are
 * chained: each waits for the previous one, so they never overlap, even when a restart is asked
 * for while onStart is still running.
 */
export class ReceiverInputDStream<T> implements InputOperator<T>, ReceiverSupervisor<T> {
  readonly dependencies: readonly DStream<unknown>[] = [];
  readonly slideDuration: number;
  private readonly data = new ReceivedData<T>();
  /** The write-ahead log side: batch records, replays, and the log when one is on. */
  private readonly wal: ReceiverRecovery<T>;
  /** How batches of this stream are given again after a restart. */
  readonly recovery: RecoverableInput;
  /** Between the stream's start() and stop(), unless the receiver stopped itself for good. */
  private running = false;
  /** Between the receiver's onStart and onStop. */
  private receiverStarted = false;
  private restartPending = false;
  private restartTimer: NodeJS.Timeout | undefined;
  /** The latest onStart call, and the latest onStop call; each settles without rejecting. */
  private starting: Promise<void> = Promise.resolve();
  private stopping: Promise<void> = Promise.resolve();
  private readonly flow: ReceiverFlow<T>;
  /** Hands received text to the core as it arrives, when the core counts blocks (the wasm core). */
  private readonly blocks: BlockGenerator | undefined;

  constructor(
    private readonly env: StreamEnv,
    private readonly receiver: Receiver<T>,
    readonly name: string,
    readonly numPartitions: number,
  ) {
    this.slideDuration = env.batchInterval;
    this.flow = new ReceiverFlow(env, name, (piece) => this.deliver(piece));
    this.wal = new ReceiverRecovery<T>(name, (message, error) => this.reportError(message, error), (piece) => this.data.add(piece));
    this.recovery = this.wal;
    const counter = env.core.createBlockCounter?.();
    this.blocks = counter && new BlockGenerator(this.data as ReceivedData<unknown>, counter, env.clock, env.receiverLimits.blockInterval);
    superviseReceiver(receiver, this);
  }

  /** Starts the receiver; a failing onStart is reported and retried, not thrown. */
  async start(): Promise<void> {
    this.running = true;
    this.blocks?.start();
    await this.startReceiver();
  }

  /**
   * Stops the receiver and cancels a pending restart; resolves once onStop has finished. Data
   * held back by the rate goes to the next batch, and stores waiting for the rate or memory
   * settle first, so an onStop that waits for the receiver's own loop cannot hang on them.
   */
  async stop(): Promise<void> {
    this.running = false;
    this.cancelRestart();
    this.blocks?.stop();
    this.flow.flush();
    await this.stopReceiver();
  }

  /** True while stored data waits for the next batch (graceful stop drains it). */
  hasPendingData(): boolean {
    return !this.data.isEmpty || this.flow.holding;
  }

  /** Frees the memory the batch at `info.batchTime` held and feeds backpressure. */
  onBatchCompleted(info: BatchInfo): void {
    this.flow.batchCompleted(info);
  }

  /**
   * The data stored since the previous batch; with a write-ahead log, once it is on disk. A batch
   * re-run after a restart is rebuilt from the log (and counted from its text, not from blocks).
   */
  async compute(time: number): Promise<Batch<T>> {
    if (this.wal.isReplay(time)) return this.wal.replay(time, this.numPartitions);
    this.flow.cut(time);
    const batch = this.data.take(this.numPartitions, this.blocks?.cut());
    await this.wal.allocate(time);
    return batch;
  }

  /** {@inheritDoc ReceiverSupervisor.pushLines} */
  pushLines(block: LineBlock, waitForLog = true): Promise<void> {
    return this.accept({ lines: block }, waitForLog);
  }

  /** {@inheritDoc ReceiverSupervisor.push} */
  push(items: readonly T[]): Promise<void> {
    return this.accept({ items });
  }

  // The one place a store waits: the promise settles when the rate and the memory bound let the
  // receiver go on and, with a write-ahead log, once the data is on disk (Spark's reliable
  // receiver: only then may the receiver acknowledge its source).
  private async accept(piece: Piece<T>, waitForLog = true): Promise<void> {
    if (!this.running || !this.receiverStarted) return;
    await this.flow.receive(piece);
    if (waitForLog) await this.wal.durable();
  }

  // Data let through by the flow is logged, then joins the next batch, in the order it was stored.
  private deliver(piece: Piece<T>): void {
    this.wal.append(piece);
    this.data.add(piece);
  }

  /** {@inheritDoc ReceiverSupervisor.restart} */
  restart(message: string, error: unknown, delayMs: number): void {
    this.reportError(`restarting receiver in ${delayMs} ms: ${message}`, error);
    if (!this.running || this.restartPending) return;
    this.restartPending = true;
    // The delay counts from the end of onStop, as in Spark.
    void this.stopReceiver().then(() => {
      if (!this.restartPending) return; // cancelled by a stop meanwhile
      this.restartTimer = setTimeout(() => {
        this.restartTimer = undefined;
        this.restartPending = false;
        void this.startReceiver();
      }, delayMs);
    });
  }

  /** {@inheritDoc ReceiverSupervisor.stopReceiving} */
  stopReceiving(message: string, error?: unknown): void {
    this.reportError(`receiver stopped: ${message}`, error);
    this.running = false;
    this.cancelRestart();
    void this.stopReceiver();
  }

  /** {@inheritDoc ReceiverSupervisor.reportError} */
  reportError(message: string, error?: unknown, droppedRecords?: number): void {
    this.env.reportSourceError({ source: this.name, message, error, droppedRecords });
  }

  /** {@inheritDoc ReceiverSupervisor.isReceiverStarted} */
  isReceiverStarted(): boolean {
    return this.receiverStarted;
  }

  private cancelRestart(): void {
    this.restartPending = false;
    clearTimeout(this.restartTimer);
    this.restartTimer = undefined;
  }

  private startReceiver(): Promise<void> {
    if (!this.running || this.receiverStarted) return this.starting;
    // Marked first, so data stored from inside onStart is kept.
    this.receiverStarted = true;
    this.starting = this.stopping.then(async () => {
      try {
        await this.receiver.onStart();
      } catch (error) {
        this.restart(`onStart failed: ${describe(error)}`, error, DEFAULT_RESTART_DELAY);
      }
    });
    return this.starting;
  }

  private stopReceiver(): Promise<void> {
    if (!this.receiverStarted) return this.stopping;
    this.receiverStarted = false;
    this.stopping = this.starting.then(async () => {
      try {
        await this.receiver.onStop();
      } catch (error) {
        this.reportError(`onStop failed: ${describe(error)}`, error);
      }
    });
    return this.stopping;
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
