// CSV bytes to columns in one scan, without a JS object or string per row: timestamps in the
// usual `YYYY-MM-DD HH:MM:SS[.fff]` form are parsed from their digits, string cells stay byte
// ranges of the file's buffer. Other cells go through the row parser's conversion, so the
// values are the ones the row path reads.
import { TextDecoder } from 'node:util';
import type { CsvOptions } from '../sources/file-formats.js';
import { convert, parseFile } from '../sources/file-formats.js';
import type { DataType, StructType } from '../schema.js';
import { ColumnarBatch, columnsOfRows, type ColumnVector, type FileRead } from './columnar-batch.js';

const LF = 0x0a;
const CR = 0x0d;
const QUOTE = 0x22;

/** True when {@link csvColumns} reads `bytes` as the row parser would (no quotes, one-byte separator). */
export function csvColumnsApply(bytes: Uint8Array, csv: CsvOptions): boolean {
  return csvSeparatorApplies(csv) && bytes.indexOf(QUOTE) < 0;
}

/** True when the separator is one ASCII byte, as {@link csvBatch} needs. */
export function csvSeparatorApplies(csv: CsvOptions): boolean {
  return csv.sep.length === 1 && csv.sep.charCodeAt(0) < 0x80;
}

/**
 * The columns `names` of the CSV file `read` reads, read when first asked for (check
 * {@link csvSeparatorApplies} first); the batch keeps the reader, so a core may read the file
 * itself instead. A file with quoted cells goes to the row parser.
 */
export function csvBatch(read: FileRead, schema: StructType, names: readonly string[], csv: CsvOptions): ColumnarBatch {
  const text = { kind: 'csv' as const, read, sep: csv.sep.charCodeAt(0), header: csv.header, fieldNames: schema.fields.map((f) => f.name) };
  let bytes: Buffer | undefined;
  let columns: ColumnarBatch | undefined;
  const bytesOf = (): Buffer => (bytes ??= asBuffer(read()));
  const columnsOf = (): ColumnarBatch => {
    const b = bytesOf();
    return (columns ??= csvColumnsApply(b, csv) ? csvColumns(b, schema, names, csv) : columnsOfRows(parseFile(b.toString('utf8'), 'csv', schema, csv), schema, names));
  };
  const rows = (): number => (bytesOf().indexOf(QUOTE) < 0 ? csvRowCount(bytesOf(), csv.header) : columnsOf().numRows);
  return new ColumnarBatch(rows, () => columnsOf().columns, text);
}

function asBuffer(b: Uint8Array): Buffer {
  return Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.length);
}

// The rows csvColumns reads: lines less the header and empty ones.
function csvRowCount(bytes: Uint8Array, header: boolean): number {
  const b = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length); // Uint8Array's indexOf, not Buffer's
  let rows = 0;
  let skipHeader = header;
  for (let pos = 0; pos < b.length; ) {
    let end = b.indexOf(LF, pos);
    if (end < 0) end = b.length;
    const lineEnd = end < b.length && end > pos && b[end - 1] === CR ? end - 1 : end;
    if (skipHeader || lineEnd === pos) skipHeader = false;
    else rows++;
    pos = end + 1;
  }
  return rows;
}

/** The columns `names` of the CSV text in `bytes` (check {@link csvColumnsApply} first). */
export function csvColumns(bytes: Uint8Array, schema: StructType, names: readonly string[], csv: CsvOptions): ColumnarBatch {
  const sep = csv.sep.charCodeAt(0);
  const want = schema.fields.map((f) => (names.includes(f.name) ? f.dataType : undefined));
  const capacity = countLines(bytes) + 1;
  const builders = want.map((t) => (t === undefined ? undefined : t === 'string' ? new Utf8Builder(bytes, capacity) : new NumberBuilder(bytes, t, capacity)));
  let rows = 0;
  let pos = 0;
  let skipHeader = csv.header;
  const decoder = new TextDecoder('utf-8', { ignoreBOM: true }); // keeps a BOM, as Buffer.toString does
  while (pos < bytes.length) {
    let end = bytes.indexOf(LF, pos);
    if (end < 0) end = bytes.length;
    // As the row parser's split(/\r?\n/): a CR is dropped only before a LF.
    const lineEnd = end < bytes.length && end > pos && bytes[end - 1] === CR ? end - 1 : end;
    if (skipHeader || lineEnd === pos) {
      // The row parser drops the header and empty lines.
      skipHeader = false;
      pos = end + 1;
      continue;
    }
    let field = 0;
    let cell = pos;
    for (let i = pos; i <= lineEnd; i++) {
      if (i < lineEnd && bytes[i] !== sep) continue;
      builders[field]?.add(rows, cell, i, decoder);
      field++;
      cell = i + 1;
    }
    for (; field < builders.length; field++) builders[field]?.add(rows, 0, 0, decoder);
    rows++;
    pos = end + 1;
  }
  const columns = new Map<string, ColumnVector>();
  schema.fields.forEach((f, i) => builders[i] && columns.set(f.name, builders[i]!.build(rows)));
  return new ColumnarBatch(rows, columns);
}

function countLines(bytes: Uint8Array): number {
  let n = 0;
  for (let i = bytes.indexOf(LF); i >= 0; i = bytes.indexOf(LF, i + 1)) n++;
  return n;
}

// A string cell: a byte range; an empty cell is null, as in the row parser.
class Utf8Builder {
  private readonly starts: Int32Array;
  private readonly ends: Int32Array;
  constructor(
    private readonly bytes: Uint8Array,
    capacity: number,
  ) {
    this.starts = new Int32Array(capacity);
    this.ends = new Int32Array(capacity);
  }
  add(row: number, from: number, to: number, _decoder?: TextDecoder): void {
    this.starts[row] = to > from ? from : -1;
    this.ends[row] = to;
  }
  build(rows: number): ColumnVector {
    return { kind: 'utf8', bytes: this.bytes, starts: this.starts.subarray(0, rows), ends: this.ends.subarray(0, rows) };
  }
}

// A timestamp or number cell. Timestamps of the common UTC form are parsed from their digits;
// anything else is decoded and converted as the row parser does.
class NumberBuilder {
  private readonly values: Float64Array;
  private readonly nulls: Uint8Array;
  private anyNull = false;
  constructor(
    private readonly bytes: Uint8Array,
    private readonly type: DataType,
    capacity: number,
  ) {
    this.values = new Float64Array(capacity);
    this.nulls = new Uint8Array(capacity);
  }
  add(row: number, from: number, to: number, decoder: TextDecoder): void {
    if (to <= from) return this.setNull(row);
    const fast = this.type === 'timestamp' ? utcTimestamp(this.bytes, from, to) : NaN;
    if (!Number.isNaN(fast)) {
      this.values[row] = fast;
      return;
    }
    const v = convert(decoder.decode(this.bytes.subarray(from, to)), this.type);
    if (v === null) this.setNull(row);
    else this.values[row] = v instanceof Date ? v.getTime() : Number(v);
  }
  private setNull(row: number): void {
    this.nulls[row] = 1;
    this.anyNull = true;
  }
  build(rows: number): ColumnVector {
    return { kind: 'number', values: this.values.subarray(0, rows), nulls: this.anyNull ? this.nulls.subarray(0, rows) : undefined };
  }
}

/**
 * `YYYY-MM-DD HH:MM:SS[.f{1,3}]` (UTC, as the row parser reads a time without zone) or the same
 * with `T` and `Z`, as epoch ms; NaN for any other form (the caller then converts it the slow way).
 */
export function utcTimestamp(b: Uint8Array, from: number, to: number): number {
  let end = to;
  const zulu = b[end - 1] === 0x5a;
  if (zulu) end--;
  const n = end - from;
  if (n < 19 || n === 20 || n > 23) return NaN;
  const t = b[from + 10];
  if (!(t === 0x20 || (t === 0x54 && zulu))) return NaN;
  if (b[from + 4] !== 0x2d || b[from + 7] !== 0x2d || b[from + 13] !== 0x3a || b[from + 16] !== 0x3a) return NaN;
  if (n > 19 && b[from + 19] !== 0x2e) return NaN;
  const day = dayMs(two(b, from) * 100 + two(b, from + 2), two(b, from + 5), two(b, from + 8));
  const hour = two(b, from + 11);
  const minute = two(b, from + 14);
  const second = two(b, from + 17);
  let ms = 0;
  if (n > 19) ms = digits(b, from + 20, n - 20) * (n === 21 ? 100 : n === 22 ? 10 : 1);
  if (!(hour < 24 && minute < 60 && second < 60 && ms >= 0)) return NaN;
  return day + hour * 3_600_000 + minute * 60_000 + second * 1000 + ms;
}

// The epoch ms of a valid date's midnight, NaN for an invalid one. A file's timestamps mostly
// share their date, so the last one is remembered.
let lastDate = NaN;
let lastDayMs = NaN;
function dayMs(year: number, month: number, day: number): number {
  const date = year * 10_000 + month * 100 + day;
  if (date === lastDate) return lastDayMs;
  if (!(month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month))) return NaN;
  lastDate = date;
  lastDayMs = daysFromCivil(year, month, day) * 86_400_000;
  return lastDayMs;
}

// The two digits at b[at], b[at + 1] as a number; NaN when one is not a digit.
function two(b: Uint8Array, at: number): number {
  const x = b[at]! - 0x30;
  const y = b[at + 1]! - 0x30;
  return x >>> 0 > 9 || y >>> 0 > 9 ? NaN : x * 10 + y;
}

// The digits b[at, at + count) as a number; NaN when one is not a digit.
function digits(b: Uint8Array, at: number, count: number): number {
  let v = 0;
  for (let i = at; i < at + count; i++) {
    const d = b[i]! - 0x30;
    if (d < 0 || d > 9) return NaN;
    v = v * 10 + d;
  }
  return v;
}

function daysInMonth(y: number, m: number): number {
  if (m !== 2) return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
  return y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 29 : 28;
}

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil).
function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}
