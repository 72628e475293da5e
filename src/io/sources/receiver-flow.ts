// ReceiverFlow: what lies between a receiver's store() and its stream's next batch: the rate limit
// (receiverMaxRate, backpressure) and the memory bound (maxBufferedBytes). Nothing stored is
// dropped: data over the rate waits here, and store()'s promise tells the receiver when to go on.
import { splitLines, type LineBlock } from '../../batch/text-batch.js';
import type { StreamEnv } from '../../dstream/operator.js';
import { PIDRateEstimator } from '../../scheduler/rate/pid-rate-estimator.js';
import { RateController } from '../../scheduler/rate/rate-controller.js';
import type { BatchInfo } from '../../scheduler/listener.js';
import type { BufferBudget } from './buffer-budget.js';
import { RateLimiter } from './rate-limiter.js';
import { estimateSize } from './size-estimator.js';

/** Stored data on its way to a batch: whole lines kept as bytes, or items. */
export type Piece<T> = { readonly lines: LineBlock } | { readonly items: readonly T[] };

// A piece with its records and bytes. Items wait as a range of the stored array, so that letting
// a long array through bit by bit never copies its tail.
interface Counted<T> {
  piece: Piece<T>;
  start: number;
  records: number;
  bytes: number;
}

interface BatchShare {
  time: number;
  records: number;
  bytes: number;
}

/** At most this many rate wake-ups per batch interval (and 10 per second) while data waits. */
const WAKEUPS_PER_INTERVAL = 10;

const settled = Promise.resolve();

/**
 * One receiver stream's flow control. Stored data (text counted by its bytes, items by
 * {@link estimateSize}) is counted against the context's {@link BufferBudget} from the moment it
 * is stored until the batch it went into has been processed. Records pass to the stream's batch
 * buffer as the {@link RateLimiter} grants them, splitting a block of lines if need be; the rest
 * waits here, and is let through by a timer on the context's clock as permits accrue.
 *
 * {@link ReceiverFlow.receive} returns the promise `Receiver.store` returns: settled at once
 * unless records are waiting for the rate or the budget is full; then it settles when neither
 * holds. Flint's own receivers pause their input until it settles, so at most one chunk per
 * receiver is read beyond the cap. When a receiver has to wait for memory, listeners hear
 * `onReceiverThrottled`, and `onReceiverResumed` when it may go on; waiting for the rate is
 * routine and not reported.
 */
export class ReceiverFlow<T> {
  private readonly limiter: RateLimiter;
  private readonly controller: RateController | undefined;
  private readonly budget: BufferBudget;
  private readonly unsubscribe: () => void;
  private held: Counted<T>[] = [];
  private delivered = { records: 0, bytes: 0 };
  private readonly inFlight: BatchShare[] = [];
  private waiters: (() => void)[] = [];
  private throttled = false;
  private cancelRelease: (() => void) | undefined;

  constructor(
    private readonly env: StreamEnv,
    private readonly source: string,
    private readonly deliver: (piece: Piece<T>) => void,
  ) {
    const limits = env.receiverLimits;
    this.budget = limits.budget;
    this.limiter = new RateLimiter(limits.receiverMaxRate, limits.backpressure ? limits.backpressureInitialRate : undefined, env.clock);
    this.controller = limits.backpressure
      ? new RateController(new PIDRateEstimator(env.batchInterval), (rate) => {
          this.limiter.updateRate(rate);
          this.release();
        })
      : undefined;
    this.unsubscribe = this.budget.onAvailable(() => this.wake());
  }

  /** True while stored records wait for the rate. */
  get holding(): boolean {
    return this.held.length > 0;
  }

  /** Takes stored data; the promise settles when the receiver may store more. */
  receive(piece: Piece<T>): Promise<void> {
    const counted = 'lines' in piece
      ? { piece, start: 0, records: piece.lines.lines, bytes: piece.lines.bytes.byteLength }
      : { piece, start: 0, records: piece.items.length, bytes: piece.items.reduce((n: number, item) => n + estimateSize(item), 0) };
    this.budget.add(counted.bytes);
    this.held.push(counted);
    this.release();
    return this.whenMayContinue();
  }

  /** Closes the batch at `time`: what has passed since the previous one is now in flight. */
  cut(time: number): void {
    this.release();
    this.inFlight.push({ time, ...this.delivered });
    this.delivered = { records: 0, bytes: 0 };
  }

  /**
   * A batch has been processed: frees the bytes of batches up to its time (a batch whose
   * generation failed is freed by the next one) and feeds backpressure this stream's records.
   */
  batchCompleted(info: BatchInfo): void {
    let bytes = 0;
    while (this.inFlight.length > 0 && this.inFlight[0]!.time <= info.batchTime) {
      const share = this.inFlight.shift()!;
      bytes += share.bytes;
      if (share.time === info.batchTime) this.controller?.onBatchCompleted(info, share.records);
    }
    this.budget.release(bytes);
  }

  /** The stream stops for good: waiting records pass at once and waiting receivers go on. */
  flush(): void {
    this.cancelRelease?.();
    this.cancelRelease = undefined;
    for (const counted of this.held) this.pass(counted);
    this.held = [];
    this.unsubscribe();
    this.resolveWaiters();
  }

  // Passes on what the limiter grants now; schedules the next try if records are left waiting.
  private release(): void {
    while (this.held.length > 0) {
      const head = this.held[0]!;
      const granted = this.limiter.take(head.records);
      if (granted === head.records) {
        this.held.shift();
        this.pass(head);
        continue;
      }
      if (granted > 0) {
        const [now, later] = split(head, granted);
        this.held[0] = later;
        this.pass(now);
      }
      break;
    }
    this.scheduleRelease();
    this.wake();
  }

  private scheduleRelease(): void {
    this.cancelRelease?.();
    this.cancelRelease = undefined;
    if (this.held.length === 0) return;
    // Wait for a tenth of an interval's worth of permits, not one, so wake-ups stay few.
    const tick = Math.min(1000, this.env.batchInterval) / WAKEUPS_PER_INTERVAL;
    const step = Math.max(1, Math.floor((this.limiter.currentLimit * tick) / 1000));
    const wait = Math.max(1, this.limiter.msUntil(Math.min(this.held[0]!.records, step)));
    this.cancelRelease = this.env.clock.schedule(this.env.clock.now() + wait, () => {
      this.cancelRelease = undefined;
      this.release();
    });
  }

  private pass({ piece, start, records, bytes }: Counted<T>): void {
    this.delivered.records += records;
    this.delivered.bytes += bytes;
    const whole = 'lines' in piece || (start === 0 && records === piece.items.length);
    this.deliver(whole ? piece : { items: piece.items.slice(start, start + records) });
  }

  private whenMayContinue(): Promise<void> {
    if (this.held.length === 0 && !this.budget.full) return settled;
    if (this.budget.full && !this.throttled) this.report(true);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private wake(): void {
    if (this.budget.full) return;
    if (this.throttled) this.report(false);
    if (this.held.length === 0) this.resolveWaiters();
  }

  private resolveWaiters(): void {
    if (this.waiters.length === 0) return;
    const waiters = this.waiters;
    this.waiters = [];
    for (const resolve of waiters) resolve();
  }

  private report(throttled: boolean): void {
    this.throttled = throttled;
    this.env.reportReceiverThrottle({
      source: this.source,
      throttled,
      bufferedBytes: this.budget.bytes,
      maxBufferedBytes: this.budget.maxBytes,
    });
  }
}

// The first `records` records of `counted` and the rest; items' estimated bytes are shared pro rata.
function split<T>(counted: Counted<T>, records: number): [Counted<T>, Counted<T>] {
  const { piece, start } = counted;
  if ('lines' in piece) {
    const [head, tail] = splitLines(piece.lines, records);
    return [
      { piece: { lines: head }, start, records, bytes: head.bytes.byteLength },
      { piece: { lines: tail }, start, records: counted.records - records, bytes: tail.bytes.byteLength },
    ];
  }
  const bytes = Math.round((counted.bytes * records) / counted.records);
  return [
    { piece, start, records, bytes },
    { piece, start: start + records, records: counted.records - records, bytes: counted.bytes - bytes },
  ];
}
