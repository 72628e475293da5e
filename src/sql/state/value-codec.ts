// JSON for row values: Dates survive as { "$date": ms }, dates (SqlDate) as { "$day": days since 1970 }, binary as { "$binary": base64 }, so logs and state keep timestamps exact.
import type { Value } from '../schema.js';
import { SqlDate } from '../sql-date.js';

/** `value` as JSON text, Dates included. */
export function encodeJson(value: unknown): string {
  return JSON.stringify(value, function (this: Record<string, unknown>, key, v: unknown) {
    const raw = this[key];
    if (raw instanceof Uint8Array) return { $binary: Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('base64') };
    if (raw instanceof SqlDate) return { $day: raw.epochDay };
    return raw instanceof Date ? { $date: raw.getTime() } : v;
  });
}

/** The value {@link encodeJson} wrote. */
export function decodeJson(text: string): unknown {
  return JSON.parse(text, (_key, v: unknown) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v) || Object.keys(v).length !== 1) return v;
    const tagged = v as { $date?: unknown; $day?: unknown; $binary?: unknown };
    if (typeof tagged.$date === 'number') return new Date(tagged.$date);
    if (typeof tagged.$day === 'number') return SqlDate.ofEpochDay(tagged.$day);
    return typeof tagged.$binary === 'string' ? Buffer.from(tagged.$binary, 'base64') : v;
  });
}

/**
 * A string for a tuple of values (group keys): equal tuples give equal strings and different ones
 * different strings. Each value is a self-delimiting token (strings carry their length), so the
 * concatenation is unambiguous; cheaper than JSON on the per-row path.
 */
export function keyString(values: readonly Value[]): string {
  let key = '';
  for (const v of values) key += token(v);
  return key;
}

/** keyString of the one-value tuple `[v]`, without the array. */
export function token(v: Value): string {
  if (v === null) return 'n;';
  switch (typeof v) {
    case 'string':
      return `s${v.length}:${v}`;
    case 'number':
      return `f${v};`;
    case 'boolean':
      return v ? 'T;' : 'F;';
  }
  if (v instanceof SqlDate) return `D${v.epochDay};`;
  if (v instanceof Date) return `d${v.getTime()};`;
  if (v instanceof Uint8Array) return `b${v.length}:${Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('latin1')}`;
  if (Array.isArray(v)) return `a${v.length}:${keyString(v)}`;
  const entries = Object.entries(v);
  let out = `o${entries.length}:`;
  for (const [k, x] of entries) out += `${k.length}:${k}${token(x)}`;
  return out;
}

/** keyString's token of the window `{ start, end }` given as ms, without building the Dates. */
export function windowKey(startMs: number, endMs: number): string {
  return `o2:5:startd${startMs};3:endd${endMs};`;
}
