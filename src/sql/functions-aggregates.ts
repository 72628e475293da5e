// More of Spark's aggregate functions (`stddev`, `variance` and their forms, `first`, `last`,
// `countDistinct`), re-exported by functions.ts.
import { Column, toColumn } from './column.js';
import { CountDistinct } from './expressions/aggregates.js';
import { CentralMoment, FirstLast, type MomentKind } from './expressions/statistics.js';

type Col = string | Column;

function moment(fn: string, c: Col, kind: MomentKind): Column {
  const e = toColumn(c).expr;
  return new Column(new CentralMoment(`${fn}(${e.name})`, e, kind));
}

/** Spark's `stddev` (the sample standard deviation; null over fewer than two values). */
export function stddev(c: Col): Column {
  return moment('stddev', c, 'stddev_samp');
}

/** Spark's `stddev_samp`. */
export function stddev_samp(c: Col): Column {
  return moment('stddev_samp', c, 'stddev_samp');
}

/** Spark's `stddev_pop`: the population standard deviation. */
export function stddev_pop(c: Col): Column {
  return moment('stddev_pop', c, 'stddev_pop');
}

/** Spark's `variance` (the sample variance; null over fewer than two values). */
export function variance(c: Col): Column {
  return moment('variance', c, 'var_samp');
}

/** Spark's `var_samp`. */
export function var_samp(c: Col): Column {
  return moment('var_samp', c, 'var_samp');
}

/** Spark's `var_pop`: the population variance. */
export function var_pop(c: Col): Column {
  return moment('var_pop', c, 'var_pop');
}

/** Spark's `first(col, ignoreNulls = false)`: the group's first value in arrival order. */
export function first(c: Col, ignoreNulls = false): Column {
  const e = toColumn(c).expr;
  return new Column(new FirstLast(`first(${e.name})`, e, 'first', ignoreNulls));
}

/** Spark's `last(col, ignoreNulls = false)`: the group's last value in arrival order. */
export function last(c: Col, ignoreNulls = false): Column {
  const e = toColumn(c).expr;
  return new Column(new FirstLast(`last(${e.name})`, e, 'last', ignoreNulls));
}

/** Spark's `countDistinct`: {@link count_distinct} under its older name (static DataFrames only). */
export function countDistinct(c: Col): Column {
  const e = toColumn(c).expr;
  return new Column(new CountDistinct(`count(DISTINCT ${e.name})`, e));
}
