// RateController: after every completed batch, asks a stream's RateEstimator for a new rate and
// publishes it to the stream's receiver (Spark's RateController, part of backpressure).
import type { BatchInfo } from '../listener.js';
import type { RateEstimator } from './pid-rate-estimator.js';

/**
 * Keeps the latest rate estimate of one input stream (Spark's `RateController`). Spark's is a
 * StreamingListener reading the stream's records from `BatchInfo.streamIdToInputInfo`; Flint's
 * BatchInfo counts all inputs together, so the stream calls it with its own record count. The
 * estimate is cheap arithmetic, so it runs at once rather than on a separate thread as in Spark.
 */
export class RateController {
  private rateLimit = -1;

  constructor(
    private readonly estimator: RateEstimator,
    private readonly publish: (rate: number) => void,
  ) {}

  /** Feeds a completed batch to which this stream gave `numRecords` records. */
  onBatchCompleted(info: BatchInfo, numRecords: number): void {
    const { processingEndTime, processingDelay, schedulingDelay } = info;
    if (processingEndTime === undefined || processingDelay === undefined || schedulingDelay === undefined) return;
    const rate = this.estimator.compute(processingEndTime, numRecords, processingDelay, schedulingDelay);
    if (rate === undefined) return;
    // Spark publishes whole records per second.
    this.rateLimit = Math.trunc(rate);
    this.publish(this.rateLimit);
  }

  /** The latest published rate in records/s, or -1 before the first estimate. */
  getLatestRate(): number {
    return this.rateLimit;
  }
}
