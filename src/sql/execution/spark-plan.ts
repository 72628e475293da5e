// The physical operators a query runs each micro-batch (Spark's SparkPlan), and what a batch gives
// them: its id, the watermark it runs under, the source rows, the output mode and the engine core.
import type { Batch } from '../../batch/batch.js';
import type { Core } from '../../core/core.js';
import type { ColumnarBatch } from '../columnar/columnar-batch.js';
import type { OutputMode } from '../output-mode.js';
import type { Row } from '../schema.js';
import type { Source } from '../sources/source.js';

/** Event-time statistics one watermark operator saw in a batch (Spark's `EventTimeStats`). */
export interface EventTimeStats {
  max: number;
  min: number;
  sum: number;
  count: number;
}

/** One micro-batch as the operators see it (Spark's `IncrementalExecution`). */
export interface BatchContext {
  readonly batchId: number;
  /** The watermark in ms the batch runs under (0 before any; Spark's `batchWatermarkMs`). */
  readonly watermarkMs: number;
  /**
   * The watermark that decides which input rows are late: the one the previous batch ran under
   * (Spark's `eventTimeWatermarkForLateEvents`), so rows an upstream stateful operator emits as
   * the watermark passes them are not late for the operator after it. `watermarkMs` evicts state.
   */
  readonly lateEventsWatermarkMs: number;
  /** The batch's processing time in ms (Spark's `batchTimestampMs`). */
  readonly batchTimestampMs: number;
  readonly outputMode: OutputMode;
  readonly core: Core;
  readonly numPartitions: number;
  /** The rows each source gives this batch (empty for a source with no new data). */
  readonly inputs: ReadonlyMap<Source, Batch<Row>>;
  /** Columnar batches of the sources read by a columnar operator, when the source gives them. */
  readonly columnarInputs?: ReadonlyMap<Source, ColumnarBatch>;
  /** Filled by watermark operators: their event-time statistics, by operator index. */
  readonly eventTimeStats: Map<number, EventTimeStats>;
}

/** A physical operator (Spark's `SparkPlan`). */
export interface PhysicalOperator {
  /** The operator's output rows for the batch. */
  execute(ctx: BatchContext): Promise<Batch<Row>>;
  /** The operators under this one. */
  readonly children: readonly PhysicalOperator[];
}

/** Progress of one stateful operator (Spark's `StateOperatorProgress` JSON fields). */
export interface StateOperatorProgress {
  operatorName: string;
  numRowsTotal: number;
  numRowsUpdated: number;
  allUpdatesTimeMs: number;
  numRowsRemoved: number;
  allRemovalsTimeMs: number;
  commitTimeMs: number;
  memoryUsedBytes: number;
  numRowsDroppedByWatermark: number;
  numShufflePartitions: number;
  numStateStoreInstances: number;
  customMetrics: Record<string, number>;
}

/** An operator that keeps state across batches in a state store. */
export interface StatefulOperator extends PhysicalOperator {
  /** Loads the state as of `version` (the number of batches committed). */
  loadState(version: number): void;
  /** Writes the state after the batch as `version`. */
  commitState(version: number): Promise<void>;
  /** This batch's metrics; resets them. */
  progress(): StateOperatorProgress;
  /**
   * True when a batch with no new rows would do something at `watermarkMs` (emit or evict
   * windows, time out groups): Spark's `shouldRunAnotherBatch`.
   */
  shouldRunAnotherBatch(watermarkMs: number, batchTimestampMs: number): boolean;
}

/** True for stateful operators. */
export function isStateful(op: PhysicalOperator): op is StatefulOperator {
  return typeof (op as Partial<StatefulOperator>).commitState === 'function';
}

/** Every operator of the tree, this one first. */
export function allOperators(op: PhysicalOperator): PhysicalOperator[] {
  return [op, ...op.children.flatMap(allOperators)];
}

/** Counts that each stateful operator resets per batch. */
export class StateMetrics {
  updated = 0;
  removed = 0;
  dropped = 0;
  updateMs = 0;
  removeMs = 0;
  commitMs = 0;

  /** The progress fields for `numRowsTotal` keys; resets the counts. */
  report(operatorName: string, numRowsTotal: number, memoryUsedBytes: number, numPartitions: number): StateOperatorProgress {
    const p: StateOperatorProgress = {
      operatorName,
      numRowsTotal,
      numRowsUpdated: this.updated,
      allUpdatesTimeMs: Math.round(this.updateMs),
      numRowsRemoved: this.removed,
      allRemovalsTimeMs: Math.round(this.removeMs),
      commitTimeMs: Math.round(this.commitMs),
      memoryUsedBytes,
      numRowsDroppedByWatermark: this.dropped,
      numShufflePartitions: numPartitions,
      numStateStoreInstances: 1,
      customMetrics: {},
    };
    this.updated = this.removed = this.dropped = this.updateMs = this.removeMs = this.commitMs = 0;
    return p;
  }
}
