// The source contract of a streaming query (Spark's `Source`): offsets say how far data goes, a
// batch is the data between two offsets, and the same offsets give the same data again.
import type { Batch } from '../../batch/batch.js';
import type { StreamingContext } from '../../streaming/context.js';
import type { ColumnarBatch } from '../columnar/columnar-batch.js';
import type { Row, StructType } from '../schema.js';

/** A position in a source, JSON-able so the offset log can keep it (Spark's `Offset.json`). */
export type Offset = number | string | boolean | null | readonly Offset[] | { readonly [k: string]: Offset };

/** What a source may use of the query that runs it. */
export interface SourceEnv {
  /** The query's engine context: clock, core, receivers. */
  readonly ssc: StreamingContext;
  /** `<checkpoint>/sources/<index>`, where a source keeps its own metadata, if any. */
  readonly metadataPath: string | undefined;
  /** Default number of partitions. */
  readonly numPartitions: number;
}

/** A streaming source (Spark's `Source` with admission control). */
export interface Source {
  /** Shown in progress reports, e.g. `MemoryStream[value]`, `RateStreamV2[rowsPerSecond=1, ...]`. */
  readonly description: string;
  /** The rows' schema. */
  readonly schema: StructType;
  /** Connects the source to its query before the first batch (sockets connect, rate reads its start time). */
  attach?(env: SourceEnv): Promise<void>;
  /**
   * The offset the next batch should end at, given where the last one ended (`start`), or
   * undefined while the source has no data; sources with a per-trigger limit cap it here.
   */
  latestOffset(start: Offset | undefined): Promise<Offset | undefined> | Offset | undefined;
  /** The rows after `start` up to `end` (a rerun after a restart asks for the same range). */
  getBatch(start: Offset | undefined, end: Offset): Promise<Batch<Row>> | Batch<Row>;
  /**
   * The `columns` of the rows after `start` up to `end`, as typed arrays and byte ranges instead
   * of row objects, for sources that can read them so (the columnar aggregation asks for it).
   */
  getColumnarBatch?(start: Offset | undefined, end: Offset, columns: readonly string[]): Promise<ColumnarBatch> | ColumnarBatch;
  /** Everything up to `end` is processed; the source may forget it (and clean it up). */
  commit?(end: Offset): void | Promise<void>;
  /** Trigger.AvailableNow: fix the end to what is there now; later offsets never pass it. */
  prepareForTriggerAvailableNow?(): void | Promise<void>;
  /** Releases what the source holds open. */
  stop?(): Promise<void>;
}
