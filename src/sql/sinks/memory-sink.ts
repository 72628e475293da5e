// The memory sink (Spark's MemorySink): keeps every batch's rows in a table named by the query,
// which `flint.table(name)` reads. Complete mode replaces the table each batch; a batch id seen
// before is ignored, so a rerun after a restart does not add rows twice.
import type { Row, StructType } from '../schema.js';
import type { OutputMode } from '../output-mode.js';
import type { Sink } from './sink.js';

/** A query's rows kept in memory, for tests and notebooks. */
export class MemorySink implements Sink {
  readonly description = 'MemorySink';
  private batches: { batchId: number; rows: readonly Row[] }[] = [];
  private latest = -1;
  schema: StructType | undefined;

  constructor(private readonly outputMode: OutputMode) {}

  addBatch(batchId: number, rows: readonly Row[], schema: StructType): void {
    if (batchId <= this.latest) return;
    this.latest = batchId;
    // A query whose columns are only known from its rows gives an empty schema for an empty batch.
    if (schema.fields.length > 0 || !this.schema) this.schema = schema;
    if (this.outputMode === 'complete') this.batches = [];
    this.batches.push({ batchId, rows });
  }

  /** Every row in the table. */
  allData(): Row[] {
    return this.batches.flatMap((b) => b.rows);
  }

  /** The rows of the newest batch. */
  latestBatchData(): Row[] {
    return [...(this.batches[this.batches.length - 1]?.rows ?? [])];
  }
}
