// MemoryStream: a test source the program adds rows to (Spark's `MemoryStream`). Offsets are row
// counts, so any range can be read again, as long as the same rows are added in a new process.
import { Batch } from '../../batch/batch.js';
import { FlintError } from '../../errors.js';
import type { DataFrame } from '../dataframe.js';
import { inferSchema, typeOfValue, StructType, type Row, type Value } from '../schema.js';
import type { FlintSession } from '../session.js';
import type { Offset, Source } from './source.js';

/** Rows added by the program, for tests and demos (Spark's `MemoryStream[T]`). */
export class MemoryStream<T extends object = Row> implements Source {
  private readonly rows: Row[] = [];
  private schemaKnown: StructType | undefined;
  private static counter = 0;
  readonly description: string;

  /**
   * A stream of rows; without `schema` the columns are taken from the first rows added, which
   * must then be added before the query is defined. Primitive values become column `value`.
   */
  constructor(
    private readonly session: FlintSession,
    schema?: StructType,
    private readonly numPartitions = 1,
  ) {
    this.schemaKnown = schema;
    this.description = `MemoryStream[${MemoryStream.counter++}]`;
  }

  /** The rows' schema. */
  get schema(): StructType {
    if (!this.schemaKnown) {
      throw new FlintError('INVALID_ARGUMENT', 'MemoryStream: no schema yet; pass one to new MemoryStream(flint, schema) or add rows before toDF()');
    }
    return this.schemaKnown;
  }

  /** Sets the schema of a stream made without one (before rows are added or a query reads it). */
  defineSchema(schema: StructType): void {
    if (this.schemaKnown && this.schemaKnown.simpleString() !== schema.simpleString()) {
      throw new FlintError('INVALID_ARGUMENT', `${this.description} already has schema ${this.schemaKnown.simpleString()}, not ${schema.simpleString()}`);
    }
    this.schemaKnown = schema;
  }

  /**
   * Adds rows: objects, or primitives, which become the schema's one column (`value` without a
   * schema); returns the offset after them.
   */
  addData(...items: (T | Value)[]): number {
    const only = this.schemaKnown?.fields.length === 1 ? this.schemaKnown.fields[0]!.name : 'value';
    const rows = items.map((item) => toRow(item, only));
    this.schemaKnown ??= inferSchema(rows);
    for (const row of rows) this.rows.push(row);
    return this.rows.length;
  }

  /** A streaming DataFrame over this stream. */
  toDF(): DataFrame {
    return this.session.streamingDataFrame(this);
  }

  latestOffset(): Offset | undefined {
    return this.rows.length === 0 ? undefined : this.rows.length;
  }

  getBatch(start: Offset | undefined, end: Offset): Batch<Row> {
    const from = Number(start ?? 0);
    const to = Number(end);
    if (to > this.rows.length) {
      throw new FlintError(
        'SOURCE_ERROR',
        `${this.description}: the checkpoint asks for rows ${from} to ${to} but only ${this.rows.length} were added; add the same rows again before restarting the query`,
      );
    }
    return Batch.of(this.rows.slice(from, to), this.numPartitions);
  }
}

function toRow(item: object | Value, column: string): Row {
  if (item !== null && typeof item === 'object' && !(item instanceof Date) && !(item instanceof Uint8Array) && !Array.isArray(item)) return item as Row;
  if (typeOfValue(item as Value) === undefined && item !== null) throw new FlintError('INVALID_ARGUMENT', `MemoryStream.addData: cannot store ${String(item)}`);
  return { [column]: item as Value };
}
