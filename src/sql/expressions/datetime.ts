// Date and time functions with Spark's names and datetime patterns (Java's DateTimeFormatter
// letters: yyyy, MM, MMM, dd, HH, hh, mm, ss, SSS, a, EEE, XXX, 'text'), in the session time zone
// (Spark's TimeZoneAwareExpression: the planner sets it when a query starts; UTC by default).
// Formats compile once per pattern into a list of fields, used to print and, as a regular
// expression, to parse (a string that does not match gives null, as Spark's non-ANSI mode does).
// Wall-clock fields are computed by shifting the instant by the zone's offset and reading it as UTC.
import { FlintError } from '../../errors.js';
import type { Value } from '../schema.js';
import { SqlDate } from '../sql-date.js';
import { zoneOffsetMs } from '../time-zone.js';
import type { Expression } from './expression.js';

/** An expression whose result depends on the session time zone (Spark's `TimeZoneAwareExpression`). */
export interface TimeZoneAware extends Expression {
  /** The zone it computes in; the planner sets the session's when a query starts. */
  timeZone: string;
}

/** True for expressions that compute in the session time zone (date functions and casts). */
export function isTimeZoneAware(e: Expression): e is TimeZoneAware {
  return typeof (e as Partial<TimeZoneAware>).timeZone === 'string';
}

/** The wall-clock time of `ms` in `zone`, as a Date whose UTC fields are the zone's fields. */
export function wallClock(ms: number, zone: string): Date {
  return new Date(ms + zoneOffsetMs(new Date(ms), zone));
}

/** The instant whose wall-clock time in `zone` is `wallMs` (the fields read as UTC); in a gap, the later offset. */
export function fromWallClock(wallMs: number, zone: string): number {
  const first = wallMs - zoneOffsetMs(new Date(wallMs), zone);
  return wallMs - zoneOffsetMs(new Date(first), zone);
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

type Field = { kind: 'literal'; text: string } | { kind: 'field'; letter: string; width: number };

/** A compiled datetime pattern. */
export interface DateTimePattern {
  /** `ms` as text, in `zone`. */
  format(ms: number, zone?: string): string;
  /** The time (ms) the text names, read in `zone` unless it has an offset; undefined when it does not match the pattern. */
  parse(text: string, zone?: string): number | undefined;
}

const cache = new Map<string, DateTimePattern>();

/** Compiles `pattern` (Spark's datetime pattern); a letter Flint does not know fails with the list it knows. */
export function datetimePattern(pattern: string, fn: string): DateTimePattern {
  let compiled = cache.get(pattern);
  if (!compiled) {
    const fields = tokenize(pattern, fn);
    const parse = parser(fields);
    compiled = {
      format: (ms, zone = 'UTC') => formatFields(fields, wallClock(ms, zone), zone),
      parse: (text, zone = 'UTC') => {
        const r = parse(text);
        return r === undefined ? undefined : r.offsetMs === undefined ? fromWallClock(r.wallMs, zone) : r.wallMs - r.offsetMs;
      },
    };
    cache.set(pattern, compiled);
  }
  return compiled;
}

/** A timestamp, a date (its midnight in `zone`), or a string cast to one (read in `zone` when it has no offset), as ms; undefined otherwise. */
export function timeOf(v: Value, zone = 'UTC'): number | undefined {
  // A date is midnight in the session time zone, as Spark casts a date to a timestamp.
  if (v instanceof SqlDate) return fromWallClock(v.getTime(), zone);
  if (v instanceof Date) return v.getTime();
  if (typeof v !== 'string') return undefined;
  const s = v.trim();
  const hasOffset = /(Z|[+-]\d\d:?\d\d)$/.test(s) && /\d[T ]\d/.test(s);
  const iso = /^\d{4}-\d\d-\d\d$/.test(s) ? `${s}T00:00:00Z` : hasOffset ? s.replace(' ', 'T') : `${s.replace(' ', 'T')}Z`;
  const ms = Date.parse(iso);
  if (!Number.isFinite(ms)) return undefined;
  return hasOffset ? ms : fromWallClock(ms, zone);
}

/** Units of Spark's `date_trunc(fmt, ts)`, by their accepted names. */
const TRUNC_UNITS: Readonly<Record<string, 'year' | 'quarter' | 'month' | 'week' | 'day' | 'hour' | 'minute' | 'second' | 'millisecond'>> = {
  YEAR: 'year', YYYY: 'year', YY: 'year', QUARTER: 'quarter', MONTH: 'month', MM: 'month', MON: 'month',
  WEEK: 'week', DAY: 'day', DD: 'day', HOUR: 'hour', MINUTE: 'minute', SECOND: 'second', MILLISECOND: 'millisecond',
};

/** Spark's `date_trunc`: `ms` truncated to the unit in `zone` (weeks start on Monday); undefined for an unknown unit. */
export function truncate(ms: number, unit: string, zone = 'UTC'): number | undefined {
  const u = TRUNC_UNITS[unit.toUpperCase()];
  if (u === undefined) return undefined;
  if (zone !== 'UTC') {
    const wall = truncate(wallClock(ms, zone).getTime(), unit);
    return u === 'second' || u === 'millisecond' ? truncate(ms, unit) : fromWallClock(wall!, zone);
  }
  const d = new Date(ms);
  const [y, m, day] = [d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()];
  switch (u) {
    case 'year':
      return Date.UTC(y, 0, 1);
    case 'quarter':
      return Date.UTC(y, m - (m % 3), 1);
    case 'month':
      return Date.UTC(y, m, 1);
    case 'week':
      return Date.UTC(y, m, day - ((d.getUTCDay() + 6) % 7));
    case 'day':
      return Date.UTC(y, m, day);
    case 'hour':
      return ms - (((ms % 3_600_000) + 3_600_000) % 3_600_000);
    case 'minute':
      return ms - (((ms % 60_000) + 60_000) % 60_000);
    case 'second':
      return ms - (((ms % 1000) + 1000) % 1000);
    default:
      return ms;
  }
}

/** The accepted units of `date_trunc`, for error messages. */
export const TRUNC_UNIT_NAMES = Object.keys(TRUNC_UNITS);

const LETTERS = new Set(['y', 'M', 'd', 'H', 'h', 'm', 's', 'S', 'a', 'E', 'X', 'Z']);

function tokenize(pattern: string, fn: string): Field[] {
  const out: Field[] = [];
  for (let i = 0; i < pattern.length; ) {
    const c = pattern[i]!;
    if (c === "'") {
      const end = pattern.indexOf("'", i + 1);
      if (end < 0) throw new FlintError('INVALID_ARGUMENT', `${fn}: the pattern "${pattern}" has an unclosed quote`);
      out.push({ kind: 'literal', text: end === i + 1 ? "'" : pattern.slice(i + 1, end) });
      i = end + 1;
    } else if (/[A-Za-z]/.test(c)) {
      if (!LETTERS.has(c)) throw new FlintError('INVALID_ARGUMENT', `${fn}: the pattern letter '${c}' in "${pattern}" is not supported; Flint knows y M d H h m s S a E X Z and 'quoted text'`);
      let width = 1;
      while (pattern[i + width] === c) width++;
      out.push({ kind: 'field', letter: c, width });
      i += width;
    } else {
      out.push({ kind: 'literal', text: c });
      i++;
    }
  }
  return out;
}

// `d` holds the wall-clock time in its UTC fields; `zone` names its offset for X and Z.
function formatFields(fields: readonly Field[], d: Date, zone: string): string {
  return fields.map((f) => (f.kind === 'literal' ? f.text : formatField(f.letter, f.width, d, zone))).join('');
}

function formatField(letter: string, width: number, d: Date, zone: string): string {
  const pad = (n: number, w = width): string => String(n).padStart(w, '0');
  switch (letter) {
    case 'y':
      return width === 2 ? pad(d.getUTCFullYear() % 100, 2) : pad(d.getUTCFullYear());
    case 'M':
      return width >= 4 ? MONTHS[d.getUTCMonth()]! : width === 3 ? MONTHS[d.getUTCMonth()]!.slice(0, 3) : pad(d.getUTCMonth() + 1);
    case 'd':
      return pad(d.getUTCDate());
    case 'H':
      return pad(d.getUTCHours());
    case 'h':
      return pad(d.getUTCHours() % 12 || 12);
    case 'm':
      return pad(d.getUTCMinutes());
    case 's':
      return pad(d.getUTCSeconds());
    case 'S':
      return pad(d.getUTCMilliseconds(), 3).padEnd(width, '0').slice(0, width);
    case 'a':
      return d.getUTCHours() < 12 ? 'AM' : 'PM';
    case 'E':
      return width >= 4 ? DAYS[d.getUTCDay()]! : DAYS[d.getUTCDay()]!.slice(0, 3);
    default:
      return offsetText(letter, width, zone, d);
  }
}

// X: Z or +08 / +0800 / +08:00 (by width); Z: +0800. `d` is the wall clock, near enough to find the offset.
function offsetText(letter: string, width: number, zone: string, d: Date): string {
  const offsetMin = Math.round(zoneOffsetMs(d, zone) / 60_000);
  if (offsetMin === 0 && letter === 'X') return 'Z';
  const sign = offsetMin < 0 ? '-' : '+';
  const hh = String(Math.floor(Math.abs(offsetMin) / 60)).padStart(2, '0');
  const mm = String(Math.abs(offsetMin) % 60).padStart(2, '0');
  if (letter === 'Z') return `${sign}${hh}${mm}`;
  return width === 1 ? `${sign}${hh}` : width === 2 ? `${sign}${hh}${mm}` : `${sign}${hh}:${mm}`;
}

// A regular expression with one group per field; the fields' values build the wall-clock time,
// and the offset when the text has one.
function parser(fields: readonly Field[]): (text: string) => { wallMs: number; offsetMs: number | undefined } | undefined {
  const source = fields
    .map((f) => {
      if (f.kind === 'literal') return f.text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      switch (f.letter) {
        case 'M':
          return f.width >= 3 ? '([A-Za-z]+)' : f.width === 2 ? '(\\d{2})' : '(\\d{1,2})';
        case 'y':
          return f.width === 2 ? '(\\d{2})' : '(\\d{4})';
        case 'S':
          return `(\\d{${f.width}})`;
        case 'a':
          return '(AM|PM|am|pm)';
        case 'E':
          return '([A-Za-z]+)';
        case 'X':
        case 'Z':
          return '(Z|[+-]\\d\\d:?\\d\\d)';
        default:
          return f.width === 2 ? '(\\d{2})' : '(\\d{1,2})';
      }
    })
    .join('');
  const regex = new RegExp(`^${source}$`);
  const letters = fields.filter((f): f is Extract<Field, { kind: 'field' }> => f.kind === 'field');
  return (text) => {
    const m = regex.exec(text.trim());
    if (!m) return undefined;
    const t = { y: 1970, M: 1, d: 1, H: 0, m: 0, s: 0, S: 0, pm: false, offsetMs: undefined as number | undefined };
    for (const [i, f] of letters.entries()) {
      const v = m[i + 1]!;
      if (f.letter === 'M' && f.width >= 3) {
        const month = MONTHS.findIndex((name) => name.toLowerCase().startsWith(v.toLowerCase()) && (f.width >= 4 ? name.length === v.length : v.length === 3));
        if (month < 0) return undefined;
        t.M = month + 1;
      } else if (f.letter === 'y') t.y = f.width === 2 ? 2000 + Number(v) : Number(v);
      else if (f.letter === 'S') t.S = Number(v.padEnd(3, '0').slice(0, 3));
      else if (f.letter === 'a') t.pm = v.toUpperCase() === 'PM';
      else if (f.letter === 'X' || f.letter === 'Z') t.offsetMs = v === 'Z' ? 0 : (v[0] === '-' ? -1 : 1) * (Number(v.slice(1, 3)) * 60 + Number(v.slice(-2))) * 60_000;
      else if (f.letter === 'h') t.H = Number(v) % 12;
      else if (f.letter !== 'E') t[f.letter as 'd' | 'H' | 'm' | 's'] = Number(v);
    }
    if (t.pm) t.H += 12;
    if (t.M < 1 || t.M > 12 || t.d < 1 || t.d > 31 || t.H > 23 || t.m > 59 || t.s > 59) return undefined;
    const wallMs = Date.UTC(t.y, t.M - 1, t.d, t.H, t.m, t.s, t.S);
    // 2024-02-30 rolls over in Date.UTC; Spark gives null for a day the month does not have.
    return new Date(wallMs).getUTCDate() === t.d ? { wallMs, offsetMs: t.offsetMs } : undefined;
  };
}
