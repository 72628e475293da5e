// StreamingQueryProgress and StreamingQueryStatus, with the field names of Spark's JSON, so tools
// that read Spark's progress read Flint's.
import type { StateOperatorProgress } from './execution/spark-plan.js';
import type { Offset } from './sources/source.js';

export type { StateOperatorProgress };

/** Progress of one source in one batch (Spark's `SourceProgress`). */
export interface SourceProgress {
  description: string;
  startOffset: Offset | null;
  endOffset: Offset | null;
  latestOffset: Offset | null;
  numInputRows: number;
  inputRowsPerSecond: number;
  processedRowsPerSecond: number;
}

/** Progress of the sink (Spark's `SinkProgress`). */
export interface SinkProgress {
  description: string;
  numOutputRows: number;
}

/** One batch's progress (Spark's `StreamingQueryProgress`). */
export interface StreamingQueryProgress {
  id: string;
  runId: string;
  name: string | null;
  /** When the trigger started, ISO 8601. */
  timestamp: string;
  batchId: number;
  batchDuration: number;
  numInputRows: number;
  inputRowsPerSecond: number;
  processedRowsPerSecond: number;
  durationMs: Record<'latestOffset' | 'getBatch' | 'queryPlanning' | 'walCommit' | 'addBatch' | 'commitOffsets' | 'triggerExecution', number>;
  /** Event-time statistics of the batch and the watermark, ISO 8601 (absent without withWatermark). */
  eventTime: { avg?: string; max?: string; min?: string; watermark?: string };
  stateOperators: StateOperatorProgress[];
  sources: SourceProgress[];
  sink: SinkProgress;
}

/** What a query is doing now (Spark's `StreamingQueryStatus`). */
export interface StreamingQueryStatus {
  message: string;
  isDataAvailable: boolean;
  isTriggerActive: boolean;
}

/** Rows per second, 0 when no time passed (as Spark reports). */
export function perSecond(rows: number, ms: number): number {
  return ms > 0 ? (rows * 1000) / ms : 0;
}
