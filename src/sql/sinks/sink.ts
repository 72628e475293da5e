// The sink contract of a streaming query (Spark's `Sink`): each batch's result rows, with the
// batch id so a sink can ignore a batch it already has (a rerun after a restart).
import type { Row, StructType } from '../schema.js';

/** Where a query writes each batch (Spark's `Sink`). */
export interface Sink {
  /** Shown in progress reports, e.g. `MemorySink`, `ConsoleSink`. */
  readonly description: string;
  /** Writes the rows of batch `batchId`; `schema` is the query's output schema. */
  addBatch(batchId: number, rows: readonly Row[], schema: StructType): Promise<void> | void;
  /** Called once when the query starts (a file sink reads its log). */
  open?(): Promise<void>;
  /** Called once when the query stops. */
  close?(): Promise<void>;
}
