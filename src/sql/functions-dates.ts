// More of Spark's date functions (`dayofyear`, `weekofyear`, `quarter`, `last_day`, `add_months`,
// `months_between`, `make_date`, `trunc`, `from_utc_timestamp`, `to_utc_timestamp`), re-exported by
// functions.ts. Timestamps are read in the session time zone, dates as their own day.
import { FlintError } from '../errors.js';
import { Column, toColumn } from './column.js';
import { fromWallClock, timeOf, wallClock } from './expressions/datetime.js';
import { Literal, type Expression } from './expressions/expression.js';
import { DateTimeFunction, dayOf, ScalarFunction } from './expressions/scalar.js';
import { SqlDate } from './sql-date.js';
import type { Value } from './schema.js';

type Col = string | Column;
const expr = (c: Col): Expression => toColumn(c).expr;
const DAY_MS = 86_400_000;

// A field of the day a value stands for (a timestamp's in the session time zone).
function dayPart(fn: string, c: Col, part: (day: Date) => number): Column {
  return new Column(new DateTimeFunction(fn, [expr(c)], 'long', ([v], zone) => {
    const d = dayOf(v!, zone);
    return d === null ? null : part(d);
  }));
}

/** Spark's `dayofyear` (1 to 366). */
export function dayofyear(c: Col): Column {
  return dayPart('dayofyear', c, (d) => Math.round((d.getTime() - Date.UTC(d.getUTCFullYear(), 0, 1)) / DAY_MS) + 1);
}

/** Spark's `weekofyear`: the ISO 8601 week (weeks start on Monday; week 1 has the year's first Thursday). */
export function weekofyear(c: Col): Column {
  return dayPart('weekofyear', c, (d) => {
    const thursday = new Date(d.getTime() + (3 - ((d.getUTCDay() + 6) % 7)) * DAY_MS);
    return Math.floor((thursday.getTime() - Date.UTC(thursday.getUTCFullYear(), 0, 1)) / DAY_MS / 7) + 1;
  });
}

/** Spark's `quarter` (1 to 4). */
export function quarter(c: Col): Column {
  return dayPart('quarter', c, (d) => Math.floor(d.getUTCMonth() / 3) + 1);
}

/** Spark's `last_day`: the last day of the month. */
export function last_day(c: Col): Column {
  return dateOf('last_day', [expr(c)], ([d]) => SqlDate.ofWallClock(Date.UTC(d!.getUTCFullYear(), d!.getUTCMonth() + 1, 0)));
}

/** Spark's `add_months(start, n)`: the same day `n` months on, or the month's last day when it has fewer. */
export function add_months(c: Col, months: number | Column): Column {
  const n = typeof months === 'number' ? new Literal(months) : months.expr;
  return new Column(new DateTimeFunction('add_months', [expr(c), n], 'date', ([v, k], zone) => {
    const d = dayOf(v!, zone);
    if (d === null || typeof k !== 'number') return null;
    const [y, m] = [d.getUTCFullYear(), d.getUTCMonth() + Math.trunc(k)];
    const last = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
    return SqlDate.ofWallClock(Date.UTC(y, m, Math.min(d.getUTCDate(), last)));
  }));
}

/**
 * Spark's `months_between(end, start, roundOff = true)`: whole months when the days of month are
 * equal or both last days, else the months plus the rest over 31-day months (times included), to 8
 * decimals.
 */
export function months_between(end: Col, start: Col, roundOff = true): Column {
  return new Column(new DateTimeFunction('months_between', [expr(end), expr(start), new Literal(roundOff)], 'double', ([a, b], zone) => {
    const [t1, t2] = [timeOf(a!, zone), timeOf(b!, zone)];
    if (t1 === undefined || t2 === undefined) return null;
    const [w1, w2] = [wallClock(t1, zone), wallClock(t2, zone)];
    const monthDiff = w1.getUTCFullYear() * 12 + w1.getUTCMonth() - (w2.getUTCFullYear() * 12 + w2.getUTCMonth());
    const lastDay = (w: Date) => w.getUTCDate() === new Date(Date.UTC(w.getUTCFullYear(), w.getUTCMonth() + 1, 0)).getUTCDate();
    if (w1.getUTCDate() === w2.getUTCDate() || (lastDay(w1) && lastDay(w2))) return monthDiff;
    const secondsOfDay = (w: Date) => (w.getTime() - Date.UTC(w.getUTCFullYear(), w.getUTCMonth(), w.getUTCDate())) / 1000;
    const secondsDiff = (w1.getUTCDate() - w2.getUTCDate()) * 86_400 + secondsOfDay(w1) - secondsOfDay(w2);
    const diff = monthDiff + secondsDiff / (31 * 86_400);
    return roundOff ? Math.round(diff * 1e8) / 1e8 : diff;
  }));
}

/** Spark's `make_date(year, month, day)`: null for a day that does not exist (non-ANSI). */
export function make_date(year: Col, month: Col, day: Col): Column {
  return new Column(new ScalarFunction('make_date', [expr(year), expr(month), expr(day)], 'date', ([y, m, d]) => SqlDate.fromText(`${String(y).padStart(4, '0')}-${m}-${d}`)));
}

/** Spark's `trunc(date, format)`: the date truncated to the year ('year', 'yyyy', 'yy'), quarter, month ('month', 'mon', 'mm') or week ('week': Monday); null for another format. */
export function trunc(c: Col, format: string): Column {
  const unit = ({ YEAR: 'year', YYYY: 'year', YY: 'year', QUARTER: 'quarter', MONTH: 'month', MON: 'month', MM: 'month', WEEK: 'week' } as const)[format.toUpperCase()];
  return dateOf('trunc', [expr(c), new Literal(format)], ([d]) => {
    if (unit === undefined) return null;
    const [y, m] = [d!.getUTCFullYear(), d!.getUTCMonth()];
    if (unit === 'year') return SqlDate.ofWallClock(Date.UTC(y, 0, 1));
    if (unit === 'quarter') return SqlDate.ofWallClock(Date.UTC(y, m - (m % 3), 1));
    if (unit === 'month') return SqlDate.ofWallClock(Date.UTC(y, m, 1));
    return SqlDate.ofEpochDay(d!.epochDay - ((d!.getUTCDay() + 6) % 7));
  });
}

/**
 * Spark's `from_utc_timestamp(ts, tz)`: reads `ts` as a UTC time and gives the instant whose UTC
 * time is that time in `tz` (Spark's convertTz from UTC), e.g. 00:00 UTC in Asia/Seoul is 09:00.
 */
export function from_utc_timestamp(c: Col, tz: string): Column {
  return shiftZone('from_utc_timestamp', c, tz, (ms) => wallClock(ms, tz).getTime());
}

/** Spark's `to_utc_timestamp(ts, tz)`: reads the UTC time of `ts` as a time in `tz` and gives that instant; the inverse of {@link from_utc_timestamp}. */
export function to_utc_timestamp(c: Col, tz: string): Column {
  return shiftZone('to_utc_timestamp', c, tz, (ms) => fromWallClock(ms, tz));
}

function shiftZone(fn: string, c: Col, tz: string, shift: (ms: number) => number): Column {
  checkZone(tz, fn);
  return new Column(new DateTimeFunction(fn, [expr(c), new Literal(tz)], 'timestamp', ([v], zone) => {
    const t = timeOf(v!, zone);
    return t === undefined ? null : new Date(shift(t));
  }));
}

function checkZone(tz: string, fn: string): void {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
  } catch {
    throw new FlintError('INVALID_ARGUMENT', `${fn}: unknown time zone '${tz}'; use a region such as 'America/Los_Angeles' or an offset such as '+08:00'`);
  }
}

function dateOf(fn: string, children: Expression[], f: (days: SqlDate[]) => Value): Column {
  return new Column(new DateTimeFunction(fn, children, 'date', (values, zone) => {
    const d = dayOf(values[0]!, zone);
    return d === null ? null : f([d]);
  }));
}
