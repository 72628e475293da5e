// Receiver: the base class for custom sources (Spark's `Receiver`). Subclasses implement
// onStart/onStop and push data with store(); the supervisor owns buffering, restarts and errors.
import type { LineBlock } from '../../batch/text-batch.js';
import { FlintError } from '../../errors.js';

/** Restart delay when none is given, as Spark's `spark.streaming.receiverRestartDelay`. */
export const DEFAULT_RESTART_DELAY = 2000;

/** What a receiver reports to; implemented by the receiver input stream that runs it. */
export interface ReceiverSupervisor<T> {
  /**
   * Adds stored items to the next batch (ignored while the receiver is not running); settles
   * when the receiver may store more.
   */
  push(items: readonly T[]): Promise<void>;
  /**
   * Adds whole lines of text, kept as bytes, to the next batch; settles as
   * {@link ReceiverSupervisor.push}, or with `waitForLog` false without waiting for the
   * write-ahead log's fsync.
   */
  pushLines(block: LineBlock, waitForLog?: boolean): Promise<void>;
  /** Stops the receiver and starts it again after `delayMs`. */
  restart(message: string, error: unknown, delayMs: number): void;
  /** Stops the receiver for good. */
  stopReceiving(message: string, error?: unknown): void;
  /** Reports an error to streaming listeners. */
  reportError(message: string, error?: unknown, droppedRecords?: number): void;
  /** True between the receiver's start and the following stop. */
  isReceiverStarted(): boolean;
}

// Kept outside the class so subclasses are free to name their own fields as they like.
const supervisors = new WeakMap<Receiver<unknown>, ReceiverSupervisor<unknown>>();

/**
 * Connects `receiver` to the stream that runs it; called by Flint only. A receiver serves one
 * stream: a second call throws.
 */
export function superviseReceiver<T>(receiver: Receiver<T>, supervisor: ReceiverSupervisor<T>): void {
  if (supervisors.has(receiver)) {
    throw new FlintError('INVALID_ARGUMENT', 'this Receiver is already used by a stream; create one Receiver per receiverStream()');
  }
  supervisors.set(receiver, supervisor as ReceiverSupervisor<unknown>);
}

/**
 * Extend this to receive data from any system (Spark's `Receiver`). `onStart` opens
 * connections or timers and returns without waiting for data; data arrives later through
 * {@link Receiver.store}. Whatever is stored between two batch times lands in the later batch.
 * Problems go to streaming listeners (`onReceiverError`) through {@link Receiver.reportError}
 * or {@link Receiver.restart}; they never stop the context.
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
  /**
   * Starts receiving: open connections, start timers. Must not wait for data. If it throws (or
   * rejects), the error is reported and the receiver is restarted after 2 s.
   */
  abstract onStart(): void | Promise<void>;
  /**
   * Stops receiving: close everything onStart opened. Flint waits for a returned promise, so
   * resolve it once sockets and files are closed; `ssc.stop()` then leaves nothing open.
   */
  abstract onStop(): void | Promise<void>;

  /**
   * Stores received data for the next batch: one item, or an array of items. A receiver whose
   * items are themselves arrays (e.g. pairs) stores them with {@link Receiver.storeItem}. Data
   * stored while the receiver is stopped (say, by a late callback) is dropped.
   *
   * Stored data is always kept. The promise settles when the receiver may store more: at once,
   * unless the receiver is over its rate (`receiverMaxRate`, backpressure) or the context's
   * memory bound (`maxBufferedBytes`) is reached; then once that has passed. A receiver that
   * reads from a source it can pause should stop reading until then (`await this.store(x)` in
   * its loop); one that ignores the promise (`void this.store(x)`) is still rate limited, but
   * nothing bounds the memory its data takes.
   */
  store(data: T | readonly T[]): Promise<void> {
    return supervisorOf(this, 'store').push(Array.isArray(data) ? (data as readonly T[]) : [data as T]);
  }

  /**
   * Stores whole lines of UTF-8 text as bytes (see `LineBlock`): text receivers use this instead
   * of `store(lines)` so that the text is decoded only if a user function asks for strings. Once a
   * receiver has stored bytes, strings it stores in the same batch join them as lines. The
   * promise settles as {@link Receiver.store}'s does.
   */
  storeLines(this: Receiver<string>, block: LineBlock): Promise<void> {
    return supervisorOf(this, 'storeLines').pushLines(block);
  }

  /** Stores exactly one item, even when it is an array; the promise settles as {@link Receiver.store}'s does. */
  storeItem(item: T): Promise<void> {
    return supervisorOf(this, 'storeItem').push([item]);
  }

  /**
   * Reports `message` to listeners, stops the receiver (onStop) and starts it again (onStart)
   * after `delayMs` (default 2000). Calls while a restart is already pending are only reported.
   */
  restart(message: string, error?: unknown, delayMs = DEFAULT_RESTART_DELAY): void {
    if (!Number.isFinite(delayMs) || delayMs < 0) {
      throw new FlintError('INVALID_ARGUMENT', `Receiver.restart delayMs must be a non-negative number of ms, got ${String(delayMs)}`);
    }
    supervisorOf(this, 'restart').restart(message, error, delayMs);
  }

  /** Reports `message` and stops the receiver for good; the stream then yields empty batches. */
  stop(message: string, error?: unknown): void {
    supervisorOf(this, 'stop').stopReceiving(message, error);
  }

  /**
   * Reports an error to the streaming listeners (`onReceiverError`) and keeps running. A receiver
   * that skips malformed records passes its running total as `droppedRecords`, which listeners
   * see in `ReceiverInfo.droppedRecords`.
   */
  reportError(message: string, error?: unknown, droppedRecords?: number): void {
    supervisorOf(this, 'reportError').reportError(message, error, droppedRecords);
  }

  /** True between a start and the following stop. */
  isStarted(): boolean {
    return supervisors.get(this)?.isReceiverStarted() ?? false;
  }

  /** True when the receiver is not running; long-running loops in a receiver should check it. */
  isStopped(): boolean {
    return !this.isStarted();
  }
}

/**
 * For Flint's own text receivers (socket, stdin), whose sources take no acknowledgement: stores
 * lines, settling as soon as the rate and the memory bound allow, without waiting for the
 * write-ahead log's fsync (the log still has the lines before their batch runs). Waiting would
 * hold the input to one chunk per fsync and protect nothing, as Spark's single-record store does
 * not wait either.
 */
export function storeLinesUnacknowledged(receiver: Receiver<string>, block: LineBlock): Promise<void> {
  return supervisorOf(receiver, 'storeLines').pushLines(block, false);
}

/**
 * Stores `blocks` in order, as {@link storeLinesUnacknowledged} does; the promise of the last
 * store (it settles once the receiver may go on), or undefined when there was nothing to store.
 */
export function storeBlocks(receiver: Receiver<string>, blocks: readonly LineBlock[]): Promise<void> | undefined {
  let stored: Promise<void> | undefined;
  for (const block of blocks) stored = storeLinesUnacknowledged(receiver, block);
  return stored;
}

function supervisorOf<T>(receiver: Receiver<T>, what: string): ReceiverSupervisor<T> {
  const supervisor = supervisors.get(receiver);
  if (!supervisor) {
    throw new FlintError('INVALID_ARGUMENT', `Receiver.${what}() called on a receiver that no stream runs; pass it to ssc.receiverStream() first`);
  }
  return supervisor as ReceiverSupervisor<T>;
}
