// What every operator with a state store does alike: load the state of a version, commit it
// (timed), and report the batch's state metrics. Subclasses compute the batch.
import type { Batch } from '../../batch/batch.js';
import type { Row } from '../schema.js';
import type { StateStore } from '../state/state-store.js';
import { StateMetrics, type BatchContext, type PhysicalOperator, type StatefulOperator, type StateOperatorProgress } from './spark-plan.js';

/** A stateful operator over one {@link StateStore}. */
export abstract class StateStoreOperator implements StatefulOperator {
  abstract readonly children: readonly PhysicalOperator[];
  protected readonly metrics = new StateMetrics();
  /** The watermark of the last batch run, for `shouldRunAnotherBatch`. */
  protected lastWatermarkMs = 0;
  /** State partitions, as reported in progress. */
  protected numPartitions = 1;

  /** `operatorName` is Spark's name in the progress JSON. */
  constructor(
    protected readonly store: StateStore,
    private readonly operatorName: string,
  ) {}

  loadState(version: number): void {
    this.store.load(version);
  }

  async commitState(version: number): Promise<void> {
    const t = performance.now();
    await this.store.commit(version);
    this.metrics.commitMs += performance.now() - t;
  }

  progress(): StateOperatorProgress {
    return this.metrics.report(this.operatorName, this.store.size, this.store.estimateBytes(), this.numPartitions);
  }

  /** Removes the entries whose value is a time (ms) at or behind `watermarkMs`, counting them as removed. */
  protected evictTimesUpTo(watermarkMs: number): void {
    for (const [key, t] of [...this.store.entries()]) {
      if (typeof t === 'number' && t <= watermarkMs) {
        this.store.remove(key);
        this.metrics.removed++;
      }
    }
  }

  abstract execute(ctx: BatchContext): Promise<Batch<Row>>;
  abstract shouldRunAnotherBatch(watermarkMs: number, batchTimestampMs: number): boolean;
}
