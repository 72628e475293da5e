// Spark's `functions` object: column builders with Spark's names and results.
import { FlintError } from '../errors.js';
import { Column, toColumn, toExpr, type ColumnLike } from './column.js';
import { ApproximatePercentile, ApproxCountDistinct, Average, Collect, Count, CountDistinct, Extremum, Sum } from './expressions/aggregates.js';
import { Alias, ColumnRef, Literal } from './expressions/expression.js';
import { SqlDate } from './sql-date.js';
import { Explode } from './expressions/generator.js';
import { parseExpression } from './expressions/parser.js';
import { Coalesce, CaseWhen } from './expressions/conditional.js';
import { CurrentTimestamp } from './expressions/current-time.js';
import { Cast, DateTimeFunction, dayOf, ScalarFunction, Split, UnaryFunction } from './expressions/scalar.js';
import { compileRegex } from './expressions/string-functions.js';
import { FromJson, GetJsonObject, StructOf, StructOfAll, ToJson } from './expressions/json-functions.js';
import { parseDdlSchema } from './ddl-schema.js';
import { schemaOf, StructType, type DataType, type Value } from './schema.js';
import { datetimePattern, timeOf, truncate, TRUNC_UNIT_NAMES, wallClock } from './expressions/datetime.js';
import { SessionWindow } from './expressions/session-window.js';
import { TimeWindow, WindowTime } from './expressions/time-window.js';
import { parseInterval } from './interval.js';

/** The column called `name` (Spark's `col`); `a.b` is field `b` of struct column `a`. */
export function col(name: string): Column {
  if (typeof name !== 'string' || name === '') throw new FlintError('INVALID_ARGUMENT', 'col needs a column name, e.g. col("value")');
  return new Column(new ColumnRef(name));
}

/** Same as {@link col} (Spark's `column`). */
export const column = col;

/**
 * A column from SQL expression text (Spark's `expr`): `expr("CAST(value AS STRING)")`,
 * `expr("count(*) AS n")`, `expr("a > 3 AND b IS NOT NULL")`. Names, literals, arithmetic,
 * comparisons, AND/OR/NOT, IS [NOT] NULL, CAST, INTERVAL and the functions of this module.
 */
export function expr(sql: string): Column {
  return parseExpression(sql);
}

/** A constant column (Spark's `lit`). */
export function lit(value: Value): Column {
  return new Column(new Literal(value));
}

/** Lower-cases a string column (Spark's `lower`). */
export function lower(c: string | Column): Column {
  return new Column(new UnaryFunction('lower', toColumn(c).expr, 'string', (v) => String(v).toLowerCase()));
}

/** Upper-cases a string column (Spark's `upper`). */
export function upper(c: string | Column): Column {
  return new Column(new UnaryFunction('upper', toColumn(c).expr, 'string', (v) => String(v).toUpperCase()));
}

/** Spark's `length`: characters in a string. */
export function length(c: string | Column): Column {
  return new Column(new UnaryFunction('length', toColumn(c).expr, 'long', (v) => [...String(v)].length));
}

/** Spark's `substring(str, pos, len)`: `len` characters from position `pos` (1-based; negative counts from the end). */
export function substring(c: string | Column, pos: number, len: number): Column {
  return toColumn(c).substr(pos, len);
}

/** Spark's `concat`: the strings joined; null if any is null. */
export function concat(...cols: (string | Column)[]): Column {
  return new Column(new ScalarFunction('concat', cols.map((c) => toColumn(c).expr), 'string', (vs) => vs.map(String).join('')));
}

/** Spark's `concat_ws(sep, ...)`: the non-null strings joined by `sep`. */
export function concat_ws(sep: string, ...cols: (string | Column)[]): Column {
  const exprs = [new Literal(sep), ...cols.map((c) => toColumn(c).expr)];
  return new Column(new ScalarFunction('concat_ws', exprs, 'string', ([, ...vs]) => vs.filter((v) => v !== null).map(String).join(sep), false));
}

/** Spark's `trim`: leading and trailing spaces removed. */
export function trim(c: string | Column): Column {
  return new Column(new UnaryFunction('trim', toColumn(c).expr, 'string', (v) => String(v).replace(/^ +| +$/g, '')));
}

/** Spark's `ltrim`: leading spaces removed. */
export function ltrim(c: string | Column): Column {
  return new Column(new UnaryFunction('ltrim', toColumn(c).expr, 'string', (v) => String(v).replace(/^ +/, '')));
}

/** Spark's `rtrim`: trailing spaces removed. */
export function rtrim(c: string | Column): Column {
  return new Column(new UnaryFunction('rtrim', toColumn(c).expr, 'string', (v) => String(v).replace(/ +$/, '')));
}

/** Spark's `regexp_replace(str, pattern, replacement)`: every match replaced (`$1` names a group). */
export function regexp_replace(c: string | Column, pattern: string, replacement: string): Column {
  const regex = compileRegex(pattern, 'regexp_replace', 'gu');
  const e = toColumn(c).expr;
  return new Column(new ScalarFunction('regexp_replace', [e, new Literal(pattern), new Literal(replacement), new Literal(1)], 'string', ([v]) => String(v).replace(regex, replacement)));
}

/** Spark's `regexp_extract(str, pattern, idx)`: group `idx` of the first match (0: the whole match), '' when nothing matches. */
export function regexp_extract(c: string | Column, pattern: string, idx = 1): Column {
  const regex = compileRegex(pattern, 'regexp_extract');
  const e = toColumn(c).expr;
  return new Column(new ScalarFunction('regexp_extract', [e, new Literal(pattern), new Literal(idx)], 'string', ([v]) => regex.exec(String(v))?.[idx] ?? ''));
}

/** Spark's `abs`. */
export function abs(c: string | Column): Column {
  return new Column(new UnaryFunction('abs', toColumn(c).expr, (t) => t, (v) => Math.abs(Number(v))));
}

/** Spark's `round(col, scale = 0)`: half away from zero (HALF_UP), at `scale` decimal places. */
export function round(c: string | Column, scale = 0): Column {
  const e = toColumn(c).expr;
  return new Column(new ScalarFunction('round', [e, new Literal(scale)], ([t]) => (scale <= 0 ? t! : 'double'), ([v]) => roundHalfUp(Number(v), scale)));
}

/** Spark's `floor`: the largest whole number at or below (a long). */
export function floor(c: string | Column): Column {
  return new Column(new UnaryFunction('FLOOR', toColumn(c).expr, 'long', (v) => Math.floor(Number(v))));
}

/** Spark's `ceil`: the smallest whole number at or above (a long). */
export function ceil(c: string | Column): Column {
  return new Column(new UnaryFunction('CEIL', toColumn(c).expr, 'long', (v) => Math.ceil(Number(v)) || 0));
}

/** Spark's `coalesce`: the first non-null of the columns. */
export function coalesce(...cols: (string | Column)[]): Column {
  return new Column(new Coalesce(cols.map((c) => toColumn(c).expr)));
}

/**
 * Spark's `when(condition, value)`: `value` where `condition` is true; chain `.when(...)` for more
 * branches and `.otherwise(v)` for the rest (null without it).
 */
export function when(condition: Column, value: ColumnLike): Column {
  return new Column(new CaseWhen([{ condition: condition.expr, value: toExpr(value) }]));
}

/** Spark's `window_time(window)`: the event time of an aggregated window (its end - 1 ms), for aggregating windows again. */
export function window_time(windowColumn: string | Column): Column {
  return new Column(new WindowTime(toColumn(windowColumn).expr));
}

// A part of a timestamp (or a string cast to one), in the session time zone.
function datePart(fn: string, c: string | Column, part: (wall: Date) => number): Column {
  return new Column(new DateTimeFunction(fn, [toColumn(c).expr], 'long', ([v], zone) => {
    const t = timeOf(v!, zone);
    return t === undefined ? null : part(wallClock(t, zone));
  }));
}

/** Spark's `year`. */
export function year(c: string | Column): Column {
  return datePart('year', c, (d) => d.getUTCFullYear());
}

/** Spark's `month` (1 to 12). */
export function month(c: string | Column): Column {
  return datePart('month', c, (d) => d.getUTCMonth() + 1);
}

/** Spark's `dayofmonth`. */
export function dayofmonth(c: string | Column): Column {
  return datePart('dayofmonth', c, (d) => d.getUTCDate());
}

/** Spark's `dayofweek` (1 = Sunday to 7 = Saturday). */
export function dayofweek(c: string | Column): Column {
  return datePart('dayofweek', c, (d) => d.getUTCDay() + 1);
}

/** Spark's `hour`. */
export function hour(c: string | Column): Column {
  return datePart('hour', c, (d) => d.getUTCHours());
}

/** Spark's `minute`. */
export function minute(c: string | Column): Column {
  return datePart('minute', c, (d) => d.getUTCMinutes());
}

/** Spark's `second`. */
export function second(c: string | Column): Column {
  return datePart('second', c, (d) => d.getUTCSeconds());
}

/** Spark's `date_trunc(format, ts)`: the timestamp truncated to a unit ('year', 'quarter', 'month', 'week', 'day', 'hour', 'minute', 'second', ...) in the session time zone. */
export function date_trunc(format: string, c: string | Column): Column {
  if (truncate(0, format) === undefined) throw new FlintError('INVALID_ARGUMENT', `date_trunc: unknown unit '${format}'; use one of ${TRUNC_UNIT_NAMES.join(', ')}`);
  return new Column(new DateTimeFunction('date_trunc', [new Literal(format), toColumn(c).expr], 'timestamp', ([, v], zone) => {
    const t = timeOf(v!, zone);
    return t === undefined ? null : new Date(truncate(t, format, zone)!);
  }));
}

/** Spark's `date_format(ts, pattern)`: the timestamp as text in the session time zone, e.g. 'yyyy-MM-dd HH:mm'. */
export function date_format(c: string | Column, pattern: string): Column {
  const p = datetimePattern(pattern, 'date_format');
  return new Column(new DateTimeFunction('date_format', [toColumn(c).expr, new Literal(pattern)], 'string', ([v], zone) => {
    const t = timeOf(v!, zone);
    return t === undefined ? null : p.format(t, zone);
  }));
}

/** Spark's `to_timestamp(str, pattern?)`: text parsed as a timestamp in the session time zone (null when it does not match); without a pattern, a cast. */
export function to_timestamp(c: string | Column, pattern?: string): Column {
  const e = toColumn(c).expr;
  if (pattern === undefined) {
    return new Column(new DateTimeFunction('to_timestamp', [e], 'timestamp', ([v], zone) => {
      const t = timeOf(v!, zone);
      return t === undefined ? null : new Date(t);
    }));
  }
  const p = datetimePattern(pattern, 'to_timestamp');
  return new Column(new DateTimeFunction('to_timestamp', [e, new Literal(pattern)], 'timestamp', ([v], zone) => {
    const t = v instanceof Date ? timeOf(v, zone) : p.parse(String(v), zone);
    return t === undefined ? null : new Date(t);
  }));
}

/**
 * Spark's `to_date(col, pattern?)`: the day of a timestamp in the session time zone, or text read
 * as a date; with `pattern` (Spark's datetime pattern, e.g. 'dd/MM/yyyy') text must match it, else
 * null. Without a pattern it is `CAST(col AS DATE)`.
 */
export function to_date(c: string | Column, pattern?: string): Column {
  const e = toColumn(c).expr;
  if (pattern === undefined) return new Column(new Alias(new Cast(e, 'date'), `to_date(${e.name})`));
  const p = datetimePattern(pattern, 'to_date');
  return new Column(new DateTimeFunction('to_date', [e, new Literal(pattern)], 'date', ([v], zone) => {
    const t = v instanceof Date ? timeOf(v, zone) : p.parse(String(v), zone);
    return t === undefined ? null : dayOf(new Date(t), zone);
  }));
}

/** Spark's `current_date()`: the day of {@link current_timestamp} in the session time zone. */
export function current_date(): Column {
  const today = new DateTimeFunction('current_date', [new CurrentTimestamp()], 'date', ([t], zone) => dayOf(t!, zone));
  return new Column(new Alias(today, 'current_date()'));
}

/** Spark's `date_add(start, days)`: the date `days` after `start` (a date, a timestamp's day in the session time zone, or text). */
export function date_add(start: string | Column, days: number | Column): Column {
  return dayShift('date_add', start, days, 1);
}

/** Spark's `date_sub(start, days)`: the date `days` before `start`. */
export function date_sub(start: string | Column, days: number | Column): Column {
  return dayShift('date_sub', start, days, -1);
}

/** Spark's `datediff(end, start)`: the days from `start` to `end` (dates, timestamps' days in the session time zone, or text). */
export function datediff(end: string | Column, start: string | Column): Column {
  return new Column(new DateTimeFunction('datediff', [toColumn(end).expr, toColumn(start).expr], 'long', ([a, b], zone) => {
    const [x, y] = [dayOf(a!, zone), dayOf(b!, zone)];
    return x === null || y === null ? null : x.epochDay - y.epochDay;
  }));
}

function dayShift(fn: string, start: string | Column, days: number | Column, sign: 1 | -1): Column {
  const n = typeof days === 'number' ? new Literal(days) : days.expr;
  return new Column(new DateTimeFunction(fn, [toColumn(start).expr, n], 'date', ([v, k], zone) => {
    const d = dayOf(v!, zone);
    return d === null || typeof k !== 'number' || !Number.isFinite(k) ? null : SqlDate.ofEpochDay(d.epochDay + sign * Math.trunc(k));
  }));
}

/**
 * Spark's `current_timestamp()`: the same instant for every row of a micro-batch, the batch's
 * timestamp (kept in the offset log, so a batch run again after a restart gets it again); a static
 * query gets the time it ran.
 */
export function current_timestamp(): Column {
  return new Column(new CurrentTimestamp());
}

/** Spark's `now()`: {@link current_timestamp} under its other name. */
export function now(): Column {
  return new Column(new CurrentTimestamp('now()'));
}

/**
 * Spark's `unix_timestamp(ts | str, pattern = 'yyyy-MM-dd HH:mm:ss')`: seconds since the epoch (text
 * read in the session time zone); without a column, of {@link current_timestamp}.
 */
export function unix_timestamp(c: string | Column = current_timestamp(), pattern = 'yyyy-MM-dd HH:mm:ss'): Column {
  const p = datetimePattern(pattern, 'unix_timestamp');
  return new Column(new DateTimeFunction('unix_timestamp', [toColumn(c).expr, new Literal(pattern)], 'long', ([v], zone) => {
    const t = v instanceof Date ? timeOf(v, zone) : p.parse(String(v), zone);
    return t === undefined ? null : Math.floor(t / 1000);
  }));
}

/** Spark's `from_unixtime(seconds, pattern = 'yyyy-MM-dd HH:mm:ss')`: seconds since the epoch as text in the session time zone. */
export function from_unixtime(c: string | Column, pattern = 'yyyy-MM-dd HH:mm:ss'): Column {
  const p = datetimePattern(pattern, 'from_unixtime');
  return new Column(new DateTimeFunction('from_unixtime', [toColumn(c).expr, new Literal(pattern)], 'string', ([v], zone) => p.format(Number(v) * 1000, zone)));
}

/**
 * Spark's `from_json(col, schema)`: JSON text (or UTF-8 bytes, such as a Kafka value) parsed into a
 * struct of `schema` (a StructType, `{ column: type }` or a DDL string such as 'id BIGINT, name
 * STRING'); text that is not a JSON object gives a struct of nulls. `select('data.*')` then gives
 * its fields as columns.
 */
export function from_json(c: string | Column, schema: StructType | Readonly<Record<string, DataType>> | string): Column {
  const s = typeof schema === 'string' ? parseDdlSchema(schema) : schema instanceof StructType ? schema : schemaOf(schema);
  return new Column(new FromJson(toColumn(c).expr, s));
}

/** Spark's `to_json(col)`: a struct or array column as JSON text (null fields left out), e.g. `to_json(struct('*'))` for a Kafka value. */
export function to_json(c: string | Column): Column {
  return new Column(new ToJson(toColumn(c).expr));
}

/** Spark's `struct(cols...)`: the columns as one struct column; `struct('*')` holds every column. */
export function struct(...cols: (string | Column)[]): Column {
  if (cols.length === 1 && cols[0] === '*') return new Column(new StructOfAll());
  return new Column(new StructOf(cols.map((c) => toColumn(c).expr)));
}

/** Spark's `get_json_object(json, path)`: the value at a JSON path (`$.user.name`, `$.items[0]`) as text; null when absent. */
export function get_json_object(c: string | Column, path: string): Column {
  return new Column(new GetJsonObject(toColumn(c).expr, path));
}

/** Splits a string column around matches of the regular expression `pattern` (Spark's `split`). */
export function split(c: string | Column, pattern: string, limit = -1): Column {
  return new Column(new Split(toColumn(c).expr, pattern, limit));
}

/** One row per element of an array column (Spark's `explode`). */
export function explode(c: string | Column): Column {
  return new Column(new Explode(toColumn(c).expr));
}

/** Seconds since the epoch as a timestamp (Spark's `timestamp_seconds`). */
export function timestamp_seconds(c: string | Column): Column {
  return new Column(new UnaryFunction('timestamp_seconds', toColumn(c).expr, 'timestamp', (v) => new Date(Number(v) * 1000)));
}

/**
 * Tumbling or sliding event-time windows (Spark's `window`): `window(col('timestamp'), '10
 * minutes', '5 minutes')`. The column is a struct `{ start, end }`, end exclusive.
 */
export function window(timeColumn: string | Column, windowDuration: string, slideDuration?: string, startTime?: string): Column {
  const windowMs = parseInterval(windowDuration, 'window duration');
  const slideMs = slideDuration === undefined ? windowMs : parseInterval(slideDuration, 'window slide duration');
  const startMs = startTime === undefined ? 0 : parseSignedInterval(startTime);
  return new Column(new TimeWindow(toColumn(timeColumn).expr, windowMs, slideMs, startMs));
}

/** Session windows closed by `gapDuration` of inactivity (Spark's `session_window`). */
export function session_window(timeColumn: string | Column, gapDuration: string): Column {
  return new Column(new SessionWindow(toColumn(timeColumn).expr, parseInterval(gapDuration, 'session_window gap duration')));
}

function parseSignedInterval(text: string): number {
  const negative = text.trim().startsWith('-');
  const ms = parseInterval(negative ? text.trim().slice(1) : text, 'window start time');
  return negative ? -ms : ms;
}

/** Rows in a group (Spark's `count`); `count('*')` counts every row, `count(col)` the non-null ones. */
export function count(c: string | Column): Column {
  if (c === '*') return new Column(new Count('count(1)', undefined));
  const e = toColumn(c).expr;
  return new Column(new Count(`count(${e.name})`, e instanceof Literal && e.value !== null ? undefined : e));
}

/** Sum of a numeric column (Spark's `sum`). */
export function sum(c: string | Column): Column {
  const e = toColumn(c).expr;
  return new Column(new Sum(`sum(${e.name})`, e));
}

/** Mean of a numeric column (Spark's `avg`). */
export function avg(c: string | Column): Column {
  const e = toColumn(c).expr;
  return new Column(new Average(`avg(${e.name})`, e));
}

/** Same as {@link avg} (Spark's `mean`). */
export const mean = avg;

/** Smallest value (Spark's `min`). */
export function min(c: string | Column): Column {
  return new Column(new Extremum('min', toColumn(c).expr));
}

/** Largest value (Spark's `max`). */
export function max(c: string | Column): Column {
  return new Column(new Extremum('max', toColumn(c).expr));
}

/** The group's non-null values as an array, in arrival order (Spark's `collect_list`). */
export function collect_list(c: string | Column): Column {
  const e = toColumn(c).expr;
  return new Column(new Collect(`collect_list(${e.name})`, e, false));
}

/** The group's distinct non-null values as an array, in first-arrival order (Spark's `collect_set`). */
export function collect_set(c: string | Column): Column {
  const e = toColumn(c).expr;
  return new Column(new Collect(`collect_set(${e.name})`, e, true));
}

/** Distinct non-null values in a group (Spark's `count_distinct`, `count(DISTINCT col)`): static DataFrames only; streams use {@link approx_count_distinct}. */
export function count_distinct(c: string | Column): Column {
  const e = toColumn(c).expr;
  return new Column(new CountDistinct(`count(DISTINCT ${e.name})`, e));
}

/** Same as {@link count_distinct} (Spark's `countDistinct`). */
export const countDistinct = count_distinct;

/**
 * The value at `percentage` (0..1; or an array of them) of the group's sorted non-null values
 * (Spark's `percentile_approx`): Spark's Greenwald-Khanna sketch with relative error 1 / `accuracy`,
 * exact for groups of a few thousand values. For numbers and timestamps; bounded state per group.
 */
export function percentile_approx(c: string | Column, percentage: number | readonly number[], accuracy = 10_000): Column {
  const e = toColumn(c).expr;
  const p = typeof percentage === 'number' ? String(percentage) : `array(${percentage.join(', ')})`;
  return new Column(new ApproximatePercentile(`percentile_approx(${e.name}, ${p}, ${accuracy})`, e, percentage, accuracy));
}

/** Same as {@link percentile_approx} (Spark's `approx_percentile`). */
export const approx_percentile = percentile_approx;

/** Estimated distinct values in a group (Spark's `approx_count_distinct`: HyperLogLog, relative standard deviation `rsd`, default 0.05). */
export function approx_count_distinct(c: string | Column, rsd = 0.05): Column {
  const e = toColumn(c).expr;
  return new Column(new ApproxCountDistinct(`approx_count_distinct(${e.name})`, e, rsd));
}

// Rounds the decimal digits a double prints as (Spark rounds BigDecimal.valueOf(d)), so 1.005 -> 1.01.
function roundHalfUp(x: number, scale: number): number {
  const a = Math.abs(x);
  const text = String(a);
  const shifted = text.includes('e') ? a * 10 ** scale : Number(`${text}e${scale}`);
  const r = text.includes('e') ? Math.round(shifted) / 10 ** scale : Number(`${Math.round(shifted)}e${-scale}`);
  return Math.sign(x) * r || 0;
}

export * from './functions-math.js';
export * from './functions-collections.js';
export * from './functions-strings.js';
export * from './functions-aggregates.js';
export * from './functions-dates.js';
export * from './functions-window.js';
