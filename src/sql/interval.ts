// Spark's interval strings ("10 minutes", "1 hour 30 seconds", "500 milliseconds") as used by
// window(), withWatermark() and processing-time triggers; a number is taken as milliseconds.
import { FlintError } from '../errors.js';

const UNITS: Record<string, number> = {
  millisecond: 1,
  ms: 1,
  second: 1000,
  sec: 1000,
  s: 1000,
  minute: 60_000,
  min: 60_000,
  m: 60_000,
  hour: 3_600_000,
  h: 3_600_000,
  day: 86_400_000,
  d: 86_400_000,
  week: 604_800_000,
};

/** Milliseconds of an interval such as `'10 minutes'` or `'1 hour 5 seconds'` (or a number of ms). */
export function parseInterval(text: string | number, what: string): number {
  if (typeof text === 'number') {
    if (Number.isFinite(text) && text >= 0) return text;
  } else if (typeof text === 'string') {
    const parts = text.trim().replace(/^interval\s+/i, '').toLowerCase().match(/(\d+(?:\.\d+)?)\s*([a-z]+)/g);
    const rebuilt = parts?.join(' ');
    if (parts && rebuilt && rebuilt.replace(/\s+/g, '') === text.trim().replace(/^interval\s+/i, '').toLowerCase().replace(/\s+/g, '')) {
      let ms = 0;
      for (const part of parts) {
        const [, n, unit] = /(\d+(?:\.\d+)?)\s*([a-z]+)/.exec(part)!;
        const scale = UNITS[unit!] ?? UNITS[unit!.replace(/s$/, '')];
        if (scale === undefined) return invalid(text, what);
        ms += Number(n) * scale;
      }
      return Math.round(ms);
    }
  }
  return invalid(text, what);
}

function invalid(text: unknown, what: string): never {
  throw new FlintError(
    'INVALID_DURATION',
    `${what}: "${String(text)}" is not an interval; write it as Spark does, e.g. '10 seconds', '5 minutes', '1 hour'`,
  );
}
