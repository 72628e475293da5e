// Dataset.showString, exactly as Spark prints a table: a `+---+` border, the header and the
// cells right-aligned when truncating (left-aligned otherwise), cells over `truncate` characters
// cut with `...`, columns at least 3 wide, and "only showing top N rows" when rows were left out.
import type { DataType, Row, StructType, Value } from './schema.js';
import { SqlDate } from './sql-date.js';
import { zoneOffsetMs } from './time-zone.js';

/** Spark's text of one value in a table cell; timestamps in `timeZone` (the session's). */
export function cellString(v: Value | undefined, type?: DataType, timeZone = 'UTC'): string {
  if (v === null || v === undefined) return 'null';
  if (v instanceof SqlDate) return v.toString();
  if (v instanceof Date) return timestampString(v, timeZone);
  // Spark shows binary as its bytes in hex: [68 69].
  if (v instanceof Uint8Array) return `[${Array.from(v, (b) => b.toString(16).toUpperCase().padStart(2, '0')).join(' ')}]`;
  if (typeof v === 'number') return type === 'double' ? javaDouble(v) : String(v);
  if (typeof v === 'string' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) {
    const element = typeof type === 'object' && type.type === 'array' ? type.elementType : undefined;
    return `[${v.map((x) => cellString(x, element, timeZone)).join(', ')}]`;
  }
  const fields = typeof type === 'object' && type.type === 'struct' ? type.fields : undefined;
  return `{${Object.entries(v as Row).map(([k, x]) => cellString(x, fields?.find((f) => f.name === k)?.dataType, timeZone)).join(', ')}}`;
}

/** A timestamp as Spark shows it in `timeZone`: `2016-01-01 00:00:00`, with `.SSS` (trailing zeros cut) when not whole seconds. */
export function timestampString(d: Date, timeZone = 'UTC'): string {
  const iso = new Date(d.getTime() + zoneOffsetMs(d, timeZone)).toISOString();
  const ms = iso.slice(20, 23).replace(/0+$/, '');
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}${ms ? `.${ms}` : ''}`;
}

/** Java's `Double.toString`: `1.0`, `0.5`, `1.0E7`, `1.0E-4`, `NaN`, `Infinity`. */
export function javaDouble(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? 'Infinity' : '-Infinity';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const abs = Math.abs(x);
  if (abs >= 1e-3 && abs < 1e7) {
    const s = String(x);
    return s.includes('.') ? s : `${s}.0`;
  }
  const [mantissa, exponent] = x.toExponential().split('e');
  return `${mantissa!.includes('.') ? mantissa : `${mantissa}.0`}E${Number(exponent)}`;
}

/** Spark's `Dataset.showString(numRows, truncate)`; `truncate` 0 turns truncation off. */
export function showString(rows: readonly Row[], schema: StructType, numRows = 20, truncate = 20, timeZone = 'UTC'): string {
  const shown = rows.slice(0, Math.max(0, numRows));
  const names = schema.fieldNames;
  const cut = (s: string): string => (truncate > 0 && s.length > truncate ? (truncate < 4 ? s.slice(0, truncate) : `${s.slice(0, truncate - 3)}...`) : s);
  const cells = [names.map(cut), ...shown.map((r) => schema.fields.map((f) => cut(cellString(r[f.name], f.dataType, timeZone))))];
  const widths = names.map((_, i) => Math.max(3, ...cells.map((line) => line[i]!.length)));
  const pad = (s: string, w: number): string => (truncate > 0 ? s.padStart(w) : s.padEnd(w));
  const border = `+${widths.map((w) => '-'.repeat(w)).join('+')}+\n`;
  const line = (cs: string[]): string => `|${cs.map((c, i) => pad(c, widths[i]!)).join('|')}|\n`;
  let out = border + line(cells[0]!) + border;
  for (const cs of cells.slice(1)) out += line(cs);
  out += border;
  if (rows.length > numRows) out += `only showing top ${numRows} ${numRows === 1 ? 'row' : 'rows'}\n`;
  return out;
}
