// Receiver: the base class for custom sources (Spark's `Receiver`). Subclasses implement
// onStart/onStop and push data with store(); the supervisor owns buffering and restarts.
import { FlintError } from '../../errors.js';

/** What a running receiver reports to; provided by the receiver input stream. */
export interface ReceiverSupervisor<T> {
  push(items: readonly T[]): void;
  restart(message: string, error: unknown, delayMs: number): void;
  stopReceiving(message: string, error?: unknown): void;
  reportError(message: string, error?: unknown): void;
}

/**
 * Extend this to receive data from any system:
 *
 * ```ts
 * class Ticker extends Receiver<number> {
 *   private timer?: NodeJS.Timeout;
 *   onStart() { this.timer = setInterval(() => this.store(Date.now()), 10); }
 *   onStop() { clearInterval(this.timer); }
 * }
 * const ticks = ssc.receiverStream(new Ticker());
 * ```
 */
export abstract class Receiver<T> {
  private supervisor: ReceiverSupervisor<T> | undefined;
  private started = false;

  /** Starts receiving: open connections, start timers. Must not block. */
  abstract onStart(): void | Promise<void>;
  /** Stops receiving: close what onStart opened. */
  abstract onStop(): void | Promise<void>;

  /**
   * Stores received data for the next batch: one item, or an array of items. A receiver whose
   * items are themselves arrays (e.g. pairs) stores them with {@link Receiver.storeItem}.
   */
  store(data: T | readonly T[]): void {
    this.requireSupervisor('store').push(Array.isArray(data) ? (data as readonly T[]) : [data as T]);
  }

  /** Stores exactly one item, even when it is an array. */
  storeItem(item: T): void {
    this.requireSupervisor('storeItem').push([item]);
  }

  /** Stops the receiver, reports `message`, and starts it again after `delayMs` (default 2 s). */
  restart(message: string, error?: unknown, delayMs = 2000): void {
    this.requireSupervisor('restart').restart(message, error, delayMs);
  }

  /** Stops the receiver for good, reporting `message`. */
  stop(message: string, error?: unknown): void {
    this.requireSupervisor('stop').stopReceiving(message, error);
  }

  /** Reports an error to the streaming listeners without stopping. */
  reportError(message: string, error?: unknown): void {
    this.requireSupervisor('reportError').reportError(message, error);
  }

  /** True between a start and the following stop. */
  isStarted(): boolean {
    return this.started;
  }

  /** True when the receiver is not running. */
  isStopped(): boolean {
    return !this.started;
  }

  /** Connects the receiver to its supervisor; called by Flint only. */
  attachSupervisor(supervisor: ReceiverSupervisor<T>): void {
    if (this.supervisor) {
      throw new FlintError('INVALID_ARGUMENT', 'this Receiver is already used by a stream; create one Receiver per receiverStream()');
    }
    this.supervisor = supervisor;
  }

  /** Marks the receiver running or not; called by Flint only. */
  markStarted(started: boolean): void {
    this.started = started;
  }

  private requireSupervisor(what: string): ReceiverSupervisor<T> {
    if (!this.supervisor) {
      throw new FlintError('INVALID_ARGUMENT', `Receiver.${what}() called before the receiver was started by a StreamingContext`);
    }
    return this.supervisor;
  }
}
