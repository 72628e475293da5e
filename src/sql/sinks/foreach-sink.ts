// foreachBatch and foreach sinks (Spark's ForeachBatchSink, ForeachWriter): hand each batch, or
// each row, to program code.
import type { Row, StructType } from '../schema.js';
import type { Sink } from './sink.js';

/** Spark's `ForeachWriter`: `open` per batch (false skips it), `process` per row, `close` after. */
export interface ForeachWriter<T = Row> {
  open?(partitionId: number, epochId: number): boolean | Promise<boolean>;
  process(row: T): void | Promise<void>;
  close?(error: unknown): void | Promise<void>;
}

/** Calls `f(rows, batchId)` per batch. */
export class ForeachBatchSink implements Sink {
  readonly description = 'ForeachBatchSink';
  constructor(private readonly f: (rows: readonly Row[], batchId: number, schema: StructType) => void | Promise<void>) {}
  async addBatch(batchId: number, rows: readonly Row[], schema: StructType): Promise<void> {
    await this.f(rows, batchId, schema);
  }
}

/** Calls a ForeachWriter per row (one partition per batch). */
export class ForeachSink implements Sink {
  readonly description = 'ForeachSink';
  constructor(private readonly writer: ForeachWriter) {}
  async addBatch(batchId: number, rows: readonly Row[]): Promise<void> {
    const w = this.writer;
    if (w.open && !(await w.open(0, batchId))) {
      await w.close?.(null);
      return;
    }
    try {
      for (const row of rows) await w.process(row);
    } catch (error) {
      await w.close?.(error);
      throw error;
    }
    await w.close?.(null);
  }
}
