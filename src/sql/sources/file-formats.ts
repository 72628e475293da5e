// Reading and writing rows as text, JSON lines and CSV, for the file source and the file sink.
import { FlintError } from '../../errors.js';
import { timeOf } from '../expressions/datetime.js';
import type { DataType, Row, StructType, Value } from '../schema.js';
import { SqlDate } from '../sql-date.js';

/** File formats the file source reads and the file sink writes. */
export type FileFormat = 'text' | 'json' | 'csv';

/** Options of the CSV format (Spark's names). */
export interface CsvOptions {
  sep: string;
  header: boolean;
}

/** The rows of a file's text; timestamps without an offset are read in `zone` (the session time zone). */
export function parseFile(text: string, format: FileFormat, schema: StructType, csv: CsvOptions, zone = 'UTC'): Row[] {
  const lines = text.split(/\r?\n/);
  if (lines[lines.length - 1] === '') lines.pop();
  if (format === 'text') return lines.map((value) => ({ value }));
  if (format === 'json') return lines.filter((l) => l.trim() !== '').map((l) => fromJsonLine(l, schema, zone));
  return (csv.header ? lines.slice(1) : lines).filter((l) => l !== '').map((l) => fromCsvLine(l, schema, csv.sep, zone));
}

function fromJsonLine(line: string, schema: StructType, zone: string): Row {
  let obj: Record<string, unknown>;
  try {
    obj = JSON.parse(line) as Record<string, unknown>;
  } catch {
    // Spark's PERMISSIVE mode: a malformed record becomes a row of nulls.
    obj = {};
  }
  return Object.fromEntries(schema.fields.map((f) => [f.name, convert(obj[f.name], f.dataType, zone)]));
}

function fromCsvLine(line: string, schema: StructType, sep: string, zone: string): Row {
  const cells = splitCsv(line, sep);
  return Object.fromEntries(schema.fields.map((f, i) => [f.name, cells[i] === undefined || cells[i] === '' ? null : convert(cells[i], f.dataType, zone)]));
}

/** The cells of one CSV line (quotes as Spark writes them). */
export function splitCsv(line: string, sep: string): string[] {
  const out: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (line.startsWith(sep, i)) {
      out.push(cell);
      cell = '';
      i += sep.length - 1;
    } else cell += c;
  }
  out.push(cell);
  return out;
}

/** A cell of a file converted to `type` (Spark's PERMISSIVE parsing: what does not parse is null); text times without an offset are in `zone`. */
export function convert(v: unknown, type: DataType, zone = 'UTC'): Value {
  if (v === null || v === undefined) return null;
  switch (type) {
    case 'string':
      return typeof v === 'string' ? v : JSON.stringify(v);
    case 'long': {
      const n = Number(v);
      return Number.isInteger(n) ? n : null;
    }
    case 'double': {
      const n = Number(v);
      return Number.isNaN(n) ? null : n;
    }
    case 'boolean':
      return v === true || v === 'true' ? true : v === false || v === 'false' ? false : null;
    case 'timestamp': {
      const ms = typeof v === 'number' ? v * 1000 : timeOf(String(v), zone);
      return ms !== undefined && Number.isFinite(ms) ? new Date(ms) : null;
    }
    case 'date':
      return typeof v === 'string' ? SqlDate.fromText(v) : null;
    default:
      return v as Value;
  }
}

/** Rows as the text of one output file. */
export function formatFile(rows: readonly Row[], format: 'json' | 'csv', schema: StructType, csv: CsvOptions): string {
  if (format === 'json') return rows.map((r) => JSON.stringify(Object.fromEntries(schema.fieldNames.filter((n) => r[n] !== null && r[n] !== undefined).map((n) => [n, r[n]])), base64Binary)).map((l) => `${l}\n`).join('');
  const header = csv.header ? `${schema.fieldNames.map((n) => csvCell(n, csv.sep)).join(csv.sep)}\n` : '';
  return header + rows.map((r) => `${schema.fieldNames.map((n) => csvCell(r[n], csv.sep)).join(csv.sep)}\n`).join('');
}

// Binary values are written as base64, as Spark's JSON writer does.
function base64Binary(this: Record<string, unknown>, key: string, v: unknown): unknown {
  const raw = this[key];
  return raw instanceof Uint8Array ? Buffer.from(raw).toString('base64') : v;
}

function csvCell(v: Value | undefined, sep: string): string {
  if (v === null || v === undefined) return '';
  const s = v instanceof SqlDate ? v.toString() : v instanceof Date ? v.toISOString() : v instanceof Uint8Array ? Buffer.from(v).toString('base64') : typeof v === 'object' ? JSON.stringify(v) : String(v);
  return s.includes(sep) || s.includes('"') || s.includes('\n') ? `"${s.replace(/"/g, '""')}"` : s;
}

/** CSV options from reader/writer options. */
export function csvOptions(options: ReadonlyMap<string, string>): CsvOptions {
  const sep = options.get('sep') ?? options.get('delimiter') ?? ',';
  if (sep === '') throw new FlintError('INVALID_ARGUMENT', 'csv: option sep must not be empty');
  return { sep, header: (options.get('header') ?? 'false').toLowerCase() === 'true' };
}
