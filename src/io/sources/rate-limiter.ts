// RateLimiter: how many records per second a receiver may store (Spark's receiver RateLimiter,
// spark.streaming.receiver.maxRate): a token bucket on the context's clock.
import type { Clock } from '../../streaming/clock.js';

/**
 * A token bucket of records. Permits accrue at the current rate and are kept for at most one
 * second of it, as Guava's `SmoothBursty` (behind Spark's limiter) keeps them, so an idle receiver
 * may catch up by one second's worth and no more. It starts empty: in the first second a receiver
 * stores at most one second's worth. Unlike Spark's limiter it never blocks: {@link RateLimiter.take}
 * grants what is there and {@link RateLimiter.msUntil} says when more will be.
 */
export class RateLimiter {
  private rate: number;
  private tokens = 0;
  private updated: number;

  /**
   * `maxRate` (records/s, `Infinity` for none) caps every rate set later; `initialRate` applies
   * until the first {@link RateLimiter.updateRate} (Spark: `spark.streaming.backpressure.initialRate`).
   */
  constructor(
    private readonly maxRate: number,
    initialRate: number | undefined,
    private readonly clock: Clock,
  ) {
    this.rate = Math.min(initialRate ?? maxRate, maxRate);
    this.updated = clock.now();
  }

  /** The rate in records/s now in force; `Infinity` when unlimited. */
  get currentLimit(): number {
    return this.rate;
  }

  /** Sets the rate, capped at `maxRate`; as in Spark, a rate of 0 or less is ignored. */
  updateRate(newRate: number): void {
    if (!(newRate > 0)) return;
    this.refill();
    this.rate = Math.min(newRate, this.maxRate);
    this.tokens = Math.min(this.tokens, this.capacity);
  }

  /** Takes up to `wanted` permits and returns how many were granted now (all of them when unlimited). */
  take(wanted: number): number {
    if (this.rate === Infinity) return wanted;
    this.refill();
    const granted = Math.min(wanted, Math.floor(this.tokens));
    this.tokens -= granted;
    return granted;
  }

  /** Milliseconds until `permits` (at most one second's worth) can be taken; 0 if now. */
  msUntil(permits: number): number {
    if (this.rate === Infinity) return 0;
    this.refill();
    const missing = Math.min(permits, Math.floor(this.capacity)) - this.tokens;
    return missing <= 0 ? 0 : Math.ceil((missing * 1000) / this.rate);
  }

  // One second's worth, and at least one permit, so that rates under 1 record/s still grant some.
  private get capacity(): number {
    return Math.max(1, this.rate);
  }

  private refill(): void {
    const now = this.clock.now();
    if (now > this.updated) this.tokens = Math.min(this.capacity, this.tokens + ((now - this.updated) * this.rate) / 1000);
    this.updated = Math.max(this.updated, now);
  }
}
