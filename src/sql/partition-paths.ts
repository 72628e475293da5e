// Partition directories as Spark writes and reads them (ExternalCatalogUtils, PartitioningUtils):
// `date=2024-01-01/country=FR`, values escaped as `%XX` where a path cannot hold them, a null or
// empty value as `__HIVE_DEFAULT_PARTITION__`, timestamps as `yyyy-MM-dd HH:mm:ss` (UTC).
import type { DataType, Row, StructType, Value } from './schema.js';
import { SqlDate } from './sql-date.js';

/** Spark's name for the directory of a null partition value. */
export const DEFAULT_PARTITION_NAME = '__HIVE_DEFAULT_PARTITION__';

// Characters Spark escapes in partition paths (ExternalCatalogUtils.charToEscape on Unix).
const ESCAPED = new Set(['"', '#', '%', "'", '*', '/', ':', '=', '?', '\\', '\x7F', '{', '[', ']', '^']);

/** A partition value as Spark writes it in a path segment. */
export function escapePartitionValue(v: Value): string {
  if (v === null || v === '') return DEFAULT_PARTITION_NAME;
  const text = v instanceof SqlDate ? v.toString() : v instanceof Date ? timestampText(v) : typeof v === 'object' ? JSON.stringify(v) : String(v);
  let out = '';
  for (const c of text) out += c.charCodeAt(0) < 0x20 || ESCAPED.has(c) ? `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}` : c;
  return out;
}

/** The directory of a row's partition, e.g. `date=2024-01-01/country=FR`. */
export function partitionDirectory(row: Row, columns: readonly string[]): string {
  return columns.map((c) => `${escapePartitionValue(c)}=${escapePartitionValue(row[c] ?? null)}`).join('/');
}

/** The `column=value` pairs of a file's path below the root directory, unescaped. */
export function partitionValuesOfPath(relativePath: string): Map<string, string | null> {
  const values = new Map<string, string | null>();
  for (const segment of relativePath.split(/[\\/]/).slice(0, -1)) {
    const at = segment.indexOf('=');
    if (at <= 0) continue;
    const raw = segment.slice(at + 1);
    values.set(unescape(segment.slice(0, at)), raw === DEFAULT_PARTITION_NAME ? null : unescape(raw));
  }
  return values;
}

/** A row in the schema's column order, its partition columns from its file's path, cast to the schema's types. */
export function withPartitionValues(row: Row, values: ReadonlyMap<string, string | null>, schema: StructType): Row {
  const out: Record<string, Value> = {};
  for (const { name, dataType } of schema.fields) {
    const text = values.get(name);
    out[name] = text === undefined ? (row[name] ?? null) : text === null ? null : castPartitionValue(text, dataType);
  }
  return out;
}

function castPartitionValue(text: string, type: DataType): Value {
  switch (type) {
    case 'long':
    case 'double': {
      const n = Number(text);
      return Number.isFinite(n) && text.trim() !== '' ? (type === 'long' ? Math.trunc(n) : n) : null;
    }
    case 'boolean':
      return text === 'true' ? true : text === 'false' ? false : null;
    case 'date':
      return SqlDate.fromText(text);
    case 'timestamp': {
      const t = Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(text) ? text : `${text.replace(' ', 'T')}Z`);
      return Number.isNaN(t) ? null : new Date(t);
    }
    default:
      return text;
  }
}

function timestampText(d: Date): string {
  const iso = d.toISOString(); // 2024-01-01T10:00:00.000Z
  const ms = iso.slice(20, 23);
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}${ms === '000' ? '' : `.${ms}`}`;
}

function unescape(text: string): string {
  return text.replace(/%([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}
