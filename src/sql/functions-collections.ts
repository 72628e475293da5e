// Spark's array functions (`functions.size`, `array`, `array_contains`, `element_at`,
// `explode_outer`, `sort_array`, `array_distinct`, `array_join`), re-exported by functions.ts.
import { FlintError } from '../errors.js';
import { Column, toColumn } from './column.js';
import { Literal, type Expression } from './expressions/expression.js';
import { Explode } from './expressions/generator.js';
import { compareValues, ScalarFunction } from './expressions/scalar.js';
import { token } from './state/value-codec.js';
import type { DataType, Value } from './schema.js';

type Col = string | Column;
const expr = (c: Col): Expression => toColumn(c).expr;
const elementType = (t: DataType): DataType => (typeof t === 'object' && t.type === 'array' ? t.elementType : 'string');

/** Spark's `size`: the number of elements, -1 for null (Spark's default, `spark.sql.legacy.sizeOfNull`). */
export function size(c: Col): Column {
  return new Column(new ScalarFunction('size', [expr(c)], 'long', ([v]) => (Array.isArray(v) ? v.length : -1), false));
}

/** Spark's `array(cols...)`: the values as one array column. */
export function array(...cols: Col[]): Column {
  return new Column(new ScalarFunction('array', cols.map(expr), (types) => ({ type: 'array', elementType: types[0] ?? 'string' }), (values) => values, false));
}

/** Spark's `array_contains(arr, value)`: null for a null array; false when absent, unless the array holds a null (then null). */
export function array_contains(arr: Col, value: Column | Value): Column {
  const v = value instanceof Column ? value.expr : new Literal(value);
  return new Column(new ScalarFunction('array_contains', [expr(arr), v], 'boolean', ([a, x]) => {
    const items = a as Value[];
    if (items.some((e) => e !== null && compareValues(e, x!) === 0)) return true;
    return items.includes(null) ? null : false;
  }));
}

/** Spark's `element_at(arr, index)`: 1-based, negative from the end; null out of range (Spark's default, non-ANSI). */
export function element_at(arr: Col, index: number | Column): Column {
  const i = typeof index === 'number' ? new Literal(index) : index.expr;
  return new Column(new ScalarFunction('element_at', [expr(arr), i], ([t]) => elementType(t!), ([a, k]) => {
    const items = a as Value[];
    const n = Number(k);
    if (n === 0) throw new FlintError('INVALID_ARGUMENT', 'element_at: SQL array indices start at 1, got 0');
    const at = n > 0 ? n - 1 : items.length + n;
    return items[at] ?? null;
  }));
}

/** Spark's `explode_outer`: as `explode`, but a null or empty array gives one row of null. */
export function explode_outer(c: Col): Column {
  return new Column(new Explode(expr(c), true));
}

/** Spark's `sort_array(arr, asc = true)`: nulls first ascending, last descending. */
export function sort_array(arr: Col, asc = true): Column {
  return new Column(new ScalarFunction('sort_array', [expr(arr)], ([t]) => t!, ([a]) => {
    const items = [...(a as Value[])];
    const sign = asc ? 1 : -1;
    return items.sort((x, y) => (x === null ? (y === null ? 0 : -sign) : y === null ? sign : sign * compareValues(x, y)));
  }));
}

/** Spark's `array_distinct`: each value once, in first-seen order. */
export function array_distinct(arr: Col): Column {
  return new Column(new ScalarFunction('array_distinct', [expr(arr)], ([t]) => t!, ([a]) => {
    const seen = new Set<string>();
    return (a as Value[]).filter((v) => {
      const k = token(v);
      return !seen.has(k) && !!seen.add(k);
    });
  }));
}

/** Spark's `array_join(arr, delimiter, nullReplacement?)`: nulls skipped unless replaced. */
export function array_join(arr: Col, delimiter: string, nullReplacement?: string): Column {
  return new Column(new ScalarFunction('array_join', [expr(arr)], 'string', ([a]) =>
    (a as Value[])
      .flatMap((v) => (v === null ? (nullReplacement === undefined ? [] : [nullReplacement]) : [String(v)]))
      .join(delimiter),
  ));
}
