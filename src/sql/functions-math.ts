// Spark's math and null-handling functions (`functions.sqrt`, `pow`, `log`, `greatest`, `nanvl`, ...),
// re-exported by functions.ts. Null in gives null out unless Spark says otherwise (isnan, greatest).
import { Column, toColumn } from './column.js';
import { Literal, type Expression } from './expressions/expression.js';
import { compareValues, ScalarFunction, UnaryFunction } from './expressions/scalar.js';
import type { DataType, Value } from './schema.js';

type Col = string | Column;
const expr = (c: Col): Expression => toColumn(c).expr;
const double = (name: string, c: Col, f: (x: number) => number | null): Column => new Column(new UnaryFunction(name, expr(c), 'double', (v) => f(Number(v))));

/** Spark's `sqrt`. */
export function sqrt(c: Col): Column {
  return double('SQRT', c, Math.sqrt);
}

/** Spark's `exp`. */
export function exp(c: Col): Column {
  return double('EXP', c, Math.exp);
}

/** Spark's `pow(x, y)` (`power` in SQL). */
export function pow(x: Col | number, y: Col | number): Column {
  const [a, b] = [numberExpr(x), numberExpr(y)];
  return new Column(new ScalarFunction('POWER', [a, b], 'double', ([u, v]) => Number(u) ** Number(v)));
}

/** Spark's `log(x)` (natural) or `log(base, x)`: null for x <= 0. */
export function log(baseOrX: Col | number, x?: Col): Column {
  if (x === undefined) return double('ln', baseOrX as Col, (v) => (v > 0 ? Math.log(v) : null));
  return new Column(new ScalarFunction('LOG', [numberExpr(baseOrX), expr(x)], 'double', ([b, v]) => (Number(v) > 0 && Number(b) > 0 ? Math.log(Number(v)) / Math.log(Number(b)) : null)));
}

/** Spark's `log10`: null for x <= 0. */
export function log10(c: Col): Column {
  return double('LOG10', c, (v) => (v > 0 ? Math.log10(v) : null));
}

/** Spark's `log2`: null for x <= 0. */
export function log2(c: Col): Column {
  return double('LOG2', c, (v) => (v > 0 ? Math.log2(v) : null));
}

/** Spark's `signum`: -1.0, 0.0 or 1.0. */
export function signum(c: Col): Column {
  return double('SIGNUM', c, Math.sign);
}

/** Spark's `greatest`: the largest non-null value, null when all are null. */
export function greatest(...cols: Col[]): Column {
  return extreme('greatest', cols, 1);
}

/** Spark's `least`: the smallest non-null value, null when all are null. */
export function least(...cols: Col[]): Column {
  return extreme('least', cols, -1);
}

function extreme(name: string, cols: Col[], sign: 1 | -1): Column {
  const pick = (values: Value[]): Value => values.reduce<Value>((best, v) => (v === null ? best : best === null || sign * compareValues(v, best) > 0 ? v : best), null);
  return new Column(new ScalarFunction(name, cols.map(expr), widest, pick, false));
}

function widest(types: DataType[]): DataType {
  if (types.every((t) => t === 'long')) return 'long';
  return types.every((t) => t === 'long' || t === 'double') ? 'double' : types[0]!;
}

/** Spark's `isnan`: true for NaN, false otherwise (null included). */
export function isnan(c: Col): Column {
  return new Column(new ScalarFunction('isnan', [expr(c)], 'boolean', ([v]) => typeof v === 'number' && Number.isNaN(v), false));
}

/** Spark's `nanvl(a, b)`: `a` unless it is NaN, then `b`. */
export function nanvl(a: Col, b: Col): Column {
  return new Column(new ScalarFunction('nanvl', [expr(a), expr(b)], 'double', ([x, y]) => (typeof x === 'number' && Number.isNaN(x) ? y! : x!), false));
}

/** Spark's `nullif(a, b)`: null when `a` equals `b`, else `a`. */
export function nullif(a: Col, b: Col): Column {
  return new Column(new ScalarFunction('nullif', [expr(a), expr(b)], ([t]) => t!, ([x, y]) => (x !== null && y !== null && compareValues(x, y) === 0 ? null : x!), false));
}

function numberExpr(v: Col | number): Expression {
  return typeof v === 'number' ? new Literal(v) : expr(v);
}
