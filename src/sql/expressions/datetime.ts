// Date and time functions with Spark's names and datetime patterns (Java's DateTimeFormatter
// letters: yyyy, MM, MMM, dd, HH, hh, mm, ss, SSS, a, EEE, XXX, 'text'), in UTC, Flint's default
// session time zone. Formats compile once per pattern into a list of fields, used to print and,
// as a regular expression, to parse (a string that does not match gives null, as Spark's
// non-ANSI mode does).
import { FlintError } from '../../errors.js';
import type { Value } from '../schema.js';

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

type Field = { kind: 'literal'; text: string } | { kind: 'field'; letter: string; width: number };

/** A compiled datetime pattern. */
export interface DateTimePattern {
  format(ms: number): string;
  /** The time (ms, UTC) the text names, or undefined when it does not match the pattern. */
  parse(text: string): number | undefined;
}

const cache = new Map<string, DateTimePattern>();

/** Compiles `pattern` (Spark's datetime pattern); a letter Flint does not know fails with the list it knows. */
export function datetimePattern(pattern: string, fn: string): DateTimePattern {
  let compiled = cache.get(pattern);
  if (!compiled) {
    const fields = tokenize(pattern, fn);
    compiled = { format: (ms) => formatFields(fields, new Date(ms)), parse: parser(fields) };
    cache.set(pattern, compiled);
  }
  return compiled;
}

/** A timestamp or a string a timestamp can be cast from, as ms; undefined otherwise. */
export function timeOf(v: Value): number | undefined {
  if (v instanceof Date) return v.getTime();
  if (typeof v !== 'string') return undefined;
  const s = v.trim();
  const iso = /^\d{4}-\d\d-\d\d$/.test(s) ? `${s}T00:00:00Z` : s.includes('T') || /Z|[+-]\d\d:?\d\d$/.test(s) ? s : `${s.replace(' ', 'T')}Z`;
  const ms = Date.parse(iso);
  return Number.isFinite(ms) ? ms : undefined;
}

/** Units of Spark's `date_trunc(fmt, ts)`, by their accepted names. */
const TRUNC_UNITS: Readonly<Record<string, 'year' | 'quarter' | 'month' | 'week' | 'day' | 'hour' | 'minute' | 'second' | 'millisecond'>> = {
  YEAR: 'year', YYYY: 'year', YY: 'year', QUARTER: 'quarter', MONTH: 'month', MM: 'month', MON: 'month',
  WEEK: 'week', DAY: 'day', DD: 'day', HOUR: 'hour', MINUTE: 'minute', SECOND: 'second', MILLISECOND: 'millisecond',
};

/** Spark's `date_trunc`: `ms` truncated to the unit (weeks start on Monday); undefined for an unknown unit. */
export function truncate(ms: number, unit: string): number | undefined {
  const u = TRUNC_UNITS[unit.toUpperCase()];
  if (u === undefined) return undefined;
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

function formatFields(fields: readonly Field[], d: Date): string {
  return fields.map((f) => (f.kind === 'literal' ? f.text : formatField(f.letter, f.width, d))).join('');
}

function formatField(letter: string, width: number, d: Date): string {
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
      // X, XX, XXX and Z: the offset of UTC.
      return letter === 'X' ? 'Z' : '+0000';
  }
}

// A regular expression with one group per field; the fields' values build the time.
function parser(fields: readonly Field[]): (text: string) => number | undefined {
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
    const t = { y: 1970, M: 1, d: 1, H: 0, m: 0, s: 0, S: 0, pm: false, offsetMs: 0 };
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
    const ms = Date.UTC(t.y, t.M - 1, t.d, t.H, t.m, t.s, t.S) - t.offsetMs;
    // 2024-02-30 rolls over in Date.UTC; Spark gives null for a day the month does not have.
    return new Date(ms + t.offsetMs).getUTCDate() === t.d ? ms : undefined;
  };
}
