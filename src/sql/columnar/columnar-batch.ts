// Columnar micro-batches for the event-time aggregation fast path: timestamps and numbers as
// Float64Arrays, strings as UTF-8 byte ranges or dictionary ids, so the hot loop reads typed
// arrays instead of one JS object per row. Strings become JS strings only in output rows.
import { TextEncoder } from 'node:util';
import { FlintError } from '../../errors.js';
import type { Row, StructType, Value } from '../schema.js';

/** Timestamps (epoch ms) or numbers; a null is flagged in `nulls` (NaN alone would be ambiguous). */
export interface NumberColumn {
  readonly kind: 'number';
  readonly values: Float64Array;
  /** 1 where the row's value is null; undefined when no row is. */
  readonly nulls: Uint8Array | undefined;
}

/** Strings as byte ranges of one UTF-8 buffer (the file's own bytes); `starts[i] < 0` is null. */
export interface Utf8Column {
  readonly kind: 'utf8';
  readonly bytes: Uint8Array;
  readonly starts: Int32Array;
  readonly ends: Int32Array;
}

/** Strings as ids into a dictionary of the batch's distinct values; id -1 is null. */
export interface DictionaryColumn {
  readonly kind: 'dictionary';
  readonly ids: Int32Array;
  readonly dictionary: readonly string[];
}

/** A column of a {@link ColumnarBatch}. */
export type ColumnVector = NumberColumn | Utf8Column | DictionaryColumn;

/**
 * Reads a file's bytes into the memory `into(size)` gives (a core passes a view of its own
 * memory, so the bytes are read once, where its kernel reads them), or into a new buffer.
 */
export type FileRead = (into?: (size: number) => Uint8Array) => Uint8Array;

/** A CSV file as a batch that has not read it yet (a core may read it itself). */
export interface CsvText {
  readonly kind: 'csv';
  /** The file's bytes (which may hold quoted cells: those are the row parser's to read). */
  readonly read: FileRead;
  /** The one-byte separator. */
  readonly sep: number;
  readonly header: boolean;
  /** The schema's field names, in line order. */
  readonly fieldNames: readonly string[];
}

/**
 * The rate source's rows `{ timestamp, value }` as its generator's parameters (a core may
 * generate them itself): values `rangeStart .. rangeEnd - 1`, partition by partition (value v in
 * partition (v - rangeStart) % numPartitions), each at `startMs + Math.round((v - rangeStart) * msPerValue)`.
 */
export interface RateRange {
  readonly kind: 'rate';
  readonly rangeStart: number;
  readonly rangeEnd: number;
  readonly numPartitions: number;
  readonly startMs: number;
  readonly msPerValue: number;
}

/** What a batch was made from, when a core may read or generate the rows itself. */
export type BatchOrigin = CsvText | RateRange;

/** The rows of one micro-batch, column by column. */
export class ColumnarBatch {
  private read: ReadonlyMap<string, ColumnVector> | undefined;
  private rows: number | undefined;
  private readonly countRows: (() => number) | undefined;

  /**
   * `rows` and `columns` may be functions, called when first asked for (`origin` holds what they
   * read; a core that reads it itself tells the rows with {@link rowsRead}).
   */
  constructor(
    rows: number | (() => number),
    private readonly source: ReadonlyMap<string, ColumnVector> | (() => ReadonlyMap<string, ColumnVector>),
    readonly origin?: BatchOrigin,
  ) {
    if (typeof rows === 'number') this.rows = rows;
    else this.countRows = rows;
  }

  /** Rows in the batch. */
  get numRows(): number {
    return (this.rows ??= this.countRows!());
  }

  /** The rows a core read from `origin` (the batch then need not count them). */
  rowsRead(n: number): void {
    this.rows ??= n;
  }

  /** The columns, read now if they were not. */
  get columns(): ReadonlyMap<string, ColumnVector> {
    return (this.read ??= typeof this.source === 'function' ? this.source() : this.source);
  }

  /** The column `name`; throws when the batch lacks it. */
  column(name: string): ColumnVector {
    const c = this.columns.get(name);
    if (!c) throw new FlintError('STATE_ERROR', `columnar batch has no column "${name}"`);
    return c;
  }
}

/**
 * Rows turned into the columns `names` of `schema` (the memory source's rows, once per batch).
 * A value whose JS type does not match its column's type fails, as Spark rejects it.
 */
export function columnsOfRows(rows: readonly Row[], schema: StructType, names: readonly string[]): ColumnarBatch {
  const columns = new Map<string, ColumnVector>();
  for (const name of names) {
    const type = schema.field(name)?.dataType;
    columns.set(name, type === 'string' ? dictionaryOf(rows, name) : numbersOf(rows, name, type === 'timestamp'));
  }
  return new ColumnarBatch(rows.length, columns);
}

function numbersOf(rows: readonly Row[], name: string, timestamp: boolean): NumberColumn {
  const values = new Float64Array(rows.length);
  let nulls: Uint8Array | undefined;
  for (let i = 0; i < rows.length; i++) {
    const v = rows[i]![name];
    if (v === null || v === undefined) {
      (nulls ??= new Uint8Array(rows.length))[i] = 1;
    } else if (timestamp ? v instanceof Date : typeof v === 'number') {
      values[i] = timestamp ? (v as Date).getTime() : (v as number);
    } else {
      throw mismatch(name, v, timestamp ? 'a Date' : 'a number');
    }
  }
  return { kind: 'number', values, nulls };
}

function dictionaryOf(rows: readonly Row[], name: string): DictionaryColumn {
  const ids = new Int32Array(rows.length);
  const index = new Map<string, number>();
  const dictionary: string[] = [];
  for (let i = 0; i < rows.length; i++) {
    const v = rows[i]![name];
    if (v === null || v === undefined) {
      ids[i] = -1;
      continue;
    }
    if (typeof v !== 'string') throw mismatch(name, v, 'a string');
    let id = index.get(v);
    if (id === undefined) {
      id = dictionary.length;
      index.set(v, id);
      dictionary.push(v);
    }
    ids[i] = id;
  }
  return { kind: 'dictionary', ids, dictionary };
}

function mismatch(name: string, v: Value, expected: string): FlintError {
  return new FlintError('INVALID_ARGUMENT', `column "${name}" holds ${String(v)}, not ${expected} as its schema says; add rows that match the schema`);
}

/** One batch of `parts` in order (a trigger that read several files); one part is returned as it is. */
export function concatColumnarBatches(parts: readonly ColumnarBatch[], names: readonly string[]): ColumnarBatch {
  if (parts.length === 1) return parts[0]!;
  const numRows = parts.reduce((n, p) => n + p.numRows, 0);
  const columns = new Map<string, ColumnVector>();
  for (const name of names) {
    const cols = parts.map((p) => p.column(name));
    columns.set(name, cols.every((c) => c.kind === 'number') ? concatNumbers(cols as NumberColumn[], numRows) : concatStrings(cols, numRows));
  }
  return new ColumnarBatch(numRows, columns);
}

function concatNumbers(cols: readonly NumberColumn[], numRows: number): NumberColumn {
  const values = new Float64Array(numRows);
  const anyNull = cols.some((c) => c.nulls);
  const nulls = anyNull ? new Uint8Array(numRows) : undefined;
  let at = 0;
  for (const c of cols) {
    values.set(c.values, at);
    if (c.nulls) nulls!.set(c.nulls, at);
    at += c.values.length;
  }
  return { kind: 'number', values, nulls };
}

// Strings of several parts as one UTF-8 column: the parts' bytes one after another.
function concatStrings(cols: readonly ColumnVector[], numRows: number): Utf8Column {
  const encoder = new TextEncoder();
  const pieces = cols.map((c) => (c.kind === 'utf8' ? c : utf8Of(c as DictionaryColumn, encoder)));
  const bytes = new Uint8Array(pieces.reduce((n, p) => n + p.bytes.length, 0));
  const starts = new Int32Array(numRows);
  const ends = new Int32Array(numRows);
  let row = 0;
  let base = 0;
  for (const p of pieces) {
    bytes.set(p.bytes, base);
    for (let i = 0; i < p.starts.length; i++, row++) {
      starts[row] = p.starts[i]! < 0 ? -1 : p.starts[i]! + base;
      ends[row] = p.ends[i]! + base;
    }
    base += p.bytes.length;
  }
  return { kind: 'utf8', bytes, starts, ends };
}

function utf8Of(c: DictionaryColumn, encoder: TextEncoder): Utf8Column {
  const encoded = c.dictionary.map((s) => encoder.encode(s));
  const offsets: number[] = [];
  let total = 0;
  for (const e of encoded) {
    offsets.push(total);
    total += e.length;
  }
  const bytes = new Uint8Array(total);
  encoded.forEach((e, i) => bytes.set(e, offsets[i]!));
  const starts = new Int32Array(c.ids.length);
  const ends = new Int32Array(c.ids.length);
  c.ids.forEach((id, i) => {
    starts[i] = id < 0 ? -1 : offsets[id]!;
    ends[i] = id < 0 ? 0 : offsets[id]! + encoded[id]!.length;
  });
  return { kind: 'utf8', bytes, starts, ends };
}
