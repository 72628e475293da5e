// ReceiverInputDStream: runs a Receiver, buffers what it stores, and turns the buffer into the
// batch at each batch time. Restarts and errors are reported to listeners, never thrown.
import { Batch } from '../../batch/batch.js';
import type { DStream } from '../../dstream/dstream.js';
import type { InputOperator, StreamEnv } from '../../dstream/operator.js';
import type { Receiver, ReceiverSupervisor } from './receiver.js';

/** Spark's `ReceiverInputDStream` plus its `ReceiverSupervisor`. */
export class ReceiverInputDStream<T> implements InputOperator<T>, ReceiverSupervisor<T> {
  readonly dependencies: readonly DStream<unknown>[] = [];
  readonly slideDuration: number;
  private buffer: T[] = [];
  private running = false;
  private restartTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly env: StreamEnv,
    private readonly receiver: Receiver<T>,
    readonly name: string,
    private readonly numPartitions: number,
  ) {
    this.slideDuration = env.batchInterval;
    receiver.attachSupervisor(this);
  }

  async start(): Promise<void> {
    this.running = true;
    await this.startReceiver();
  }

  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.restartTimer);
    await this.stopReceiver();
  }

  hasPendingData(): boolean {
    return this.buffer.length > 0;
  }

  async compute(): Promise<Batch<T>> {
    const items = this.buffer;
    this.buffer = [];
    return Batch.of(items, this.numPartitions);
  }

  push(items: readonly T[]): void {
    if (!this.running) return;
    for (const item of items) this.buffer.push(item);
  }

  restart(message: string, error: unknown, delayMs: number): void {
    this.reportError(`restarting receiver: ${message}`, error);
    void this.stopReceiver().then(() => {
      if (!this.running) return;
      this.restartTimer = setTimeout(() => void this.startReceiver(), delayMs);
    });
  }

  stopReceiving(message: string, error?: unknown): void {
    this.reportError(`receiver stopped: ${message}`, error);
    void this.stopReceiver();
  }

  reportError(message: string, error?: unknown): void {
    this.env.reportSourceError({ source: this.name, message, error });
  }

  private async startReceiver(): Promise<void> {
    if (!this.running || this.receiver.isStarted()) return;
    this.receiver.markStarted(true);
    try {
      await this.receiver.onStart();
    } catch (error) {
      this.restart(`onStart failed: ${(error as Error)?.message ?? String(error)}`, error, 2000);
    }
  }

  private async stopReceiver(): Promise<void> {
    if (!this.receiver.isStarted()) return;
    this.receiver.markStarted(false);
    try {
      await this.receiver.onStop();
    } catch (error) {
      this.reportError(`onStop failed: ${(error as Error)?.message ?? String(error)}`, error);
    }
  }
}
