// How many records each partition may give one batch: Spark's
// DirectKafkaInputDStream.maxMessagesPerPartition, with maxRatePerPartition and backpressure.

/** The limits a direct stream's batches follow. */
export interface RateLimits {
  /** `maxRatePerPartition`, records/s; `Infinity` when unset. */
  readonly maxRatePerPartition: number;
  /** The backpressure estimate for the whole stream, records/s; `undefined` before the first one or without backpressure. */
  readonly estimatedRate: number | undefined;
  /** The batch interval, ms. */
  readonly batchInterval: number;
}

/**
 * The most records each partition (by key) may give the next batch, given each one's lag
 * (records available beyond its position), or `undefined` when nothing limits them. As in
 * Spark, a backpressure estimate is shared among partitions in proportion to their lag, capped
 * by `maxRatePerPartition`, and every partition may take at least one record per batch.
 */
export function maxMessagesPerPartition(lags: ReadonlyMap<string, number>, limits: RateLimits): Map<string, number> | undefined {
  const { maxRatePerPartition, estimatedRate, batchInterval } = limits;
  if (estimatedRate === undefined && maxRatePerPartition === Infinity) return undefined;
  let totalLag = 0;
  for (const lag of lags.values()) totalLag += lag;
  const secondsPerBatch = batchInterval / 1000;
  const caps = new Map<string, number>();
  for (const [key, lag] of lags) {
    let rate = maxRatePerPartition;
    if (estimatedRate !== undefined) {
      const share = totalLag > 0 ? (lag / totalLag) * estimatedRate : estimatedRate / lags.size;
      rate = Math.min(share, maxRatePerPartition);
    }
    caps.set(key, Math.max(1, Math.floor(secondsPerBatch * rate)));
  }
  return caps;
}
