// Schemas of files read without one (Spark's batch `spark.read`): JSON fields by name in sorted
// order with their widest type (JsonInferSchema), CSV columns as strings, or typed with
// `inferSchema` (CSVInferSchema: long, double, boolean, date, timestamp, else string), and partition
// directory columns as long when every value is a whole number, date when every one is a day
// (`date=2024-01-01/`), else string.
import type { DataType, StructField } from '../schema.js';
import { StructType } from '../schema.js';
import { SqlDate } from '../sql-date.js';
import type { CsvOptions } from './file-formats.js';
import { splitCsv } from './file-formats.js';

/** The schema of JSON lines: every field seen, sorted by name, each with the widest type seen. */
export function inferJsonSchema(texts: readonly string[]): StructType {
  const fields = new Map<string, DataType>();
  for (const text of texts) {
    for (const line of text.split(/\r?\n/)) {
      if (line.trim() === '') continue;
      let obj: unknown;
      try {
        obj = JSON.parse(line);
      } catch {
        continue; // PERMISSIVE: a malformed line adds no field
      }
      if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) continue;
      for (const [name, v] of Object.entries(obj)) fields.set(name, widest(fields.get(name), jsonType(v)));
    }
  }
  return new StructType([...fields].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([name, t]) => field(name, t)));
}

/** The schema of CSV files: the header's names (else `_c0`, `_c1`, ...), strings unless `infer`. */
export function inferCsvSchema(texts: readonly string[], csv: CsvOptions, infer: boolean): StructType {
  const files = texts.map((t) => t.split(/\r?\n/).filter((l) => l !== '').map((l) => splitCsv(l, csv.sep)));
  // With a header, each file's first line names the columns (Spark reads the first file's).
  const header = csv.header ? files.find((f) => f.length > 0)?.[0] : undefined;
  const rows = files.flatMap((f) => (csv.header ? f.slice(1) : f));
  const names = header ?? Array.from({ length: Math.max(0, ...rows.map((r) => r.length)) }, (_, i) => `_c${i}`);
  return new StructType(names.map((name, i) => field(name, infer ? csvType(rows.map((r) => r[i] ?? '')) : 'string')));
}

/** A partition column's type from its directory values (null is `__HIVE_DEFAULT_PARTITION__`): long, date (`yyyy-MM-dd`, as Spark infers it), else string. */
export function partitionColumnType(values: readonly (string | null)[]): DataType {
  const present = values.filter((v): v is string => v !== null);
  if (present.length === 0) return 'string';
  if (present.every((v) => /^-?\d+$/.test(v))) return 'long';
  return present.every(isDateText) ? 'date' : 'string';
}

// Spark's default date format, yyyy-MM-dd, naming a day that exists.
function isDateText(v: string): boolean {
  return /^\d{4}-\d\d-\d\d$/.test(v) && SqlDate.fromText(v) !== null;
}

function jsonType(v: unknown): DataType | undefined {
  if (v === null) return undefined;
  if (typeof v === 'boolean') return 'boolean';
  if (typeof v === 'number') return Number.isInteger(v) ? 'long' : 'double';
  if (typeof v === 'string') return 'string';
  if (Array.isArray(v)) return { type: 'array', elementType: v.reduce<DataType | undefined>((t, x) => widest(t, jsonType(x)), undefined) ?? 'string' };
  const nested = inferJsonSchema([JSON.stringify(v)]);
  return { type: 'struct', fields: nested.fields };
}

// JSON's type widening: long and double give double; anything else mixed gives string.
function widest(a: DataType | undefined, b: DataType | undefined): DataType {
  if (a === undefined) return b ?? 'string';
  if (b === undefined || JSON.stringify(a) === JSON.stringify(b)) return a;
  if ((a === 'long' || a === 'double') && (b === 'long' || b === 'double')) return 'double';
  return 'string';
}

function csvType(cells: readonly string[]): DataType {
  const present = cells.filter((c) => c !== '');
  if (present.length === 0) return 'string';
  if (present.every((c) => /^[+-]?\d+$/.test(c) && Number.isSafeInteger(Number(c)))) return 'long';
  if (present.every((c) => c.trim() !== '' && !Number.isNaN(Number(c)))) return 'double';
  if (present.every((c) => /^(true|false)$/i.test(c))) return 'boolean';
  // Spark 3.4+ (prefersDate): yyyy-MM-dd is a date.
  if (present.every(isDateText)) return 'date';
  if (present.every((c) => /^\d{4}-\d\d-\d\d[T ]\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:?\d\d)?$/.test(c))) return 'timestamp';
  return 'string';
}

function field(name: string, dataType: DataType): StructField {
  return { name, dataType, nullable: true };
}
