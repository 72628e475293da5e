// Backpressure's rate estimate: Spark's PIDRateEstimator, ported line by line, which turns each
// completed batch (records, processing delay, scheduling delay) into the rate a stream can take.
import { FlintError } from '../../errors.js';

/** Computes the rate a stream should receive at from its completed batches (Spark's `RateEstimator`). */
export interface RateEstimator {
  /**
   * The new rate in records/s after the batch that finished processing at `time` (ms) with
   * `numElements` records, or `undefined` when that batch gives no new estimate.
   */
  compute(time: number, numElements: number, processingDelay: number, schedulingDelay: number): number | undefined;
}

/** Spark's defaults of `spark.streaming.backpressure.pid.*`. */
export const PID_DEFAULTS = { proportional: 1.0, integral: 0.2, derivative: 0.0, minRate: 100 } as const;

/**
 * A proportional-integral-derivative controller on the ingestion rate (Spark's
 * `PIDRateEstimator`). The error is the difference between the rate asked for last time and the
 * rate the last batch was processed at; the integral term reads the scheduling delay as records
 * that overflowed earlier batches (a delay `s` at processing rate `p` is `s * p` records, to be
 * worked off over one batch interval); the derivative term is the error's change per second.
 *
 * ```
 * newRate = max(minRate, latestRate - proportional * error
 *                                   - integral     * schedulingDelay * processingRate / batchInterval
 *                                   - derivative   * (error - latestError) / secondsSinceUpdate)
 * ```
 *
 * The first usable batch only records its processing rate; estimates start with the second.
 */
export class PIDRateEstimator implements RateEstimator {
  private firstRun = true;
  private latestTime = -1;
  private latestRate = -1;
  private latestError = -1;

  /** Checks every term as Spark's `require`s do: a non-positive interval or min rate, or a negative gain, throws. */
  constructor(
    private readonly batchIntervalMillis: number,
    private readonly proportional: number = PID_DEFAULTS.proportional,
    private readonly integral: number = PID_DEFAULTS.integral,
    private readonly derivative: number = PID_DEFAULTS.derivative,
    private readonly minRate: number = PID_DEFAULTS.minRate,
  ) {
    const fail = (what: string, value: number): never => {
      throw new FlintError('INVALID_ARGUMENT', `PIDRateEstimator ${what}, got ${value}`);
    };
    if (!(batchIntervalMillis > 0)) fail('batchIntervalMillis must be a positive number of ms', batchIntervalMillis);
    if (!(proportional >= 0)) fail('proportional term must be >= 0', proportional);
    if (!(integral >= 0)) fail('integral term must be >= 0', integral);
    if (!(derivative >= 0)) fail('derivative term must be >= 0', derivative);
    if (!(minRate > 0)) fail('minRate must be > 0 (the stream must always receive some records to be measured)', minRate);
  }

  /** {@inheritDoc RateEstimator.compute} */
  compute(time: number, numElements: number, processingDelay: number, schedulingDelay: number): number | undefined {
    if (!(time > this.latestTime && numElements > 0 && processingDelay > 0)) return undefined;
    // In seconds; close to the batch interval.
    const delaySinceUpdate = (time - this.latestTime) / 1000;
    const processingRate = (numElements / processingDelay) * 1000;
    // The desired rate is the one estimated last time; the error is how far processing fell short.
    const error = this.latestRate - processingRate;
    const historicalError = (schedulingDelay * processingRate) / this.batchIntervalMillis;
    const dError = (error - this.latestError) / delaySinceUpdate;
    const newRate = Math.max(
      this.latestRate - this.proportional * error - this.integral * historicalError - this.derivative * dError,
      this.minRate,
    );
    this.latestTime = time;
    if (this.firstRun) {
      this.latestRate = processingRate;
      this.latestError = 0;
      this.firstRun = false;
      return undefined;
    }
    this.latestRate = newRate;
    this.latestError = error;
    return newRate;
  }
}
