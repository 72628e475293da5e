// JSON for row values: Dates survive as { "$date": ms }, so logs and state keep timestamps exact.
import type { Value } from '../schema.js';

/** `value` as JSON text, Dates included. */
export function encodeJson(value: unknown): string {
  return JSON.stringify(value, function (this: Record<string, unknown>, key, v: unknown) {
    const raw = this[key];
    return raw instanceof Date ? { $date: raw.getTime() } : v;
  });
}

/** The value {@link encodeJson} wrote. */
export function decodeJson(text: string): unknown {
  return JSON.parse(text, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 1 && typeof (v as { $date?: unknown }).$date === 'number'
      ? new Date((v as { $date: number }).$date)
      : v,
  );
}

/** A stable string for a tuple of values (group keys): equal values give equal strings. */
export function keyString(values: readonly Value[]): string {
  return encodeJson(values);
}
