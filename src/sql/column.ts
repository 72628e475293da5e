// Column: a handle on an expression, with Spark's Column methods (as, alias, comparisons,
// arithmetic, getField, cast). JavaScript has no operator overloading, so `===` is `equalTo`.
import { Alias, ColumnRef, Literal, SortDirection, type Expression } from './expressions/expression.js';
import { FlintError } from '../errors.js';
import { CaseWhen, In } from './expressions/conditional.js';
import { BinaryOperator, Cast, EqualNullSafe, GetField, IsNull, Not, ScalarFunction, substringSQL, type BinaryOp } from './expressions/scalar.js';
import { Like } from './expressions/string-functions.js';
import type { Value } from './schema.js';
import { AggregateFunction } from './expressions/aggregates.js';
import { WindowExpression, WindowFunction } from './expressions/window-functions.js';
import type { WindowSpec } from './window-spec.js';

/** Anything a Column method takes as an operand: a Column or a literal value. */
export type ColumnLike = Column | Value;

/** A column expression of a DataFrame (Spark's `Column`). */
export class Column {
  constructor(
    /** The expression this column computes. */
    readonly expr: Expression,
  ) {}

  /** The name Spark would give this column in a result. */
  toString(): string {
    return this.expr.name;
  }

  /** This column renamed (Spark's `as` / `alias`). */
  as(alias: string): Column {
    return new Column(new Alias(this.expr, alias));
  }

  /** Same as {@link Column.as}. */
  alias(alias: string): Column {
    return this.as(alias);
  }

  /** Equality (Spark's `===`). */
  equalTo(other: ColumnLike): Column {
    return this.binary('=', other);
  }
  /** Inequality (Spark's `=!=`). */
  notEqual(other: ColumnLike): Column {
    return this.binary('!=', other);
  }
  /** Greater than. */
  gt(other: ColumnLike): Column {
    return this.binary('>', other);
  }
  /** Greater than or equal. */
  geq(other: ColumnLike): Column {
    return this.binary('>=', other);
  }
  /** Less than. */
  lt(other: ColumnLike): Column {
    return this.binary('<', other);
  }
  /** Less than or equal. */
  leq(other: ColumnLike): Column {
    return this.binary('<=', other);
  }
  /** Sum. */
  plus(other: ColumnLike): Column {
    return this.binary('+', other);
  }
  /** Difference. */
  minus(other: ColumnLike): Column {
    return this.binary('-', other);
  }
  /** Product. */
  multiply(other: ColumnLike): Column {
    return this.binary('*', other);
  }
  /** Quotient (a double; null when dividing by 0, as Spark). */
  divide(other: ColumnLike): Column {
    return this.binary('/', other);
  }
  /** Remainder. */
  mod(other: ColumnLike): Column {
    return this.binary('%', other);
  }
  /** Logical and (three-valued). */
  and(other: ColumnLike): Column {
    return this.binary('AND', other);
  }
  /** Logical or (three-valued). */
  or(other: ColumnLike): Column {
    return this.binary('OR', other);
  }
  /** Logical not. */
  not(): Column {
    return new Column(new Not(this.expr));
  }
  /** True where the value is null. */
  isNull(): Column {
    return new Column(new IsNull(this.expr, false));
  }
  /** True where the value is not null. */
  isNotNull(): Column {
    return new Column(new IsNull(this.expr, true));
  }
  /** Ascending sort order, nulls first (for `orderBy`). */
  asc(): Column {
    return new Column(new SortDirection(this.expr, true));
  }
  /** Descending sort order, nulls last (for `orderBy`). */
  desc(): Column {
    return new Column(new SortDirection(this.expr, false));
  }
  /** A field of a struct column, e.g. `col('window').getField('start')`. */
  getField(name: string): Column {
    return new Column(new GetField(this.expr, name));
  }
  /** An array's element at the 0-based `key` (null out of range), or a struct's field `key` (Spark's `getItem`). */
  getItem(key: number | string): Column {
    if (typeof key === 'string') return this.getField(key);
    return new Column(new ScalarFunction(`${this.expr.name}[${key}]`, [this.expr], (types) => (typeof types[0] === 'object' && types[0].type === 'array' ? types[0].elementType : 'string'), ([a]) => (Array.isArray(a) ? (a[key] ?? null) : null)));
  }
  /**
   * This window or aggregate function computed over `spec` (Spark's `over`): `row_number().over(
   * Window.partitionBy('k').orderBy(col('t').desc()))`, `sum('v').over(w)`. Static tables only.
   */
  over(spec: WindowSpec): Column {
    const fn = this.expr instanceof Alias ? this.expr.child : this.expr;
    if (!(fn instanceof WindowFunction) && !(fn instanceof AggregateFunction)) {
      throw new FlintError('INVALID_ARGUMENT', `over: ${this.expr.name} is neither a window function (row_number, rank, lag, ...) nor an aggregate (sum, count, ...)`);
    }
    return new Column(new WindowExpression(fn, spec));
  }
  /** True where the value is NaN (false for null; Spark's `isNaN`). */
  isNaN(): Column {
    return new Column(new ScalarFunction('isnan', [this.expr], 'boolean', ([v]) => typeof v === 'number' && Number.isNaN(v), false));
  }
  /** Equality that treats nulls as equal: true for two nulls, false for one (Spark's `<=>`, `eqNullSafe`). */
  eqNullSafe(other: ColumnLike): Column {
    return new Column(new EqualNullSafe(this.expr, other instanceof Column ? other.expr : new Literal(other)));
  }
  /** Spark's `cast`: to `string`, `long` (or `bigint`), `double`, `boolean`, `timestamp`, `date` or `binary` (binary to string decodes UTF-8, as Spark). */
  cast(to: 'string' | 'long' | 'bigint' | 'int' | 'double' | 'boolean' | 'timestamp' | 'date' | 'binary'): Column {
    return new Column(new Cast(this.expr, to === 'bigint' || to === 'int' ? 'long' : to));
  }

  /** True where the value equals one of `values` (Spark's `isin`; null for a null value). */
  isin(...values: ColumnLike[]): Column {
    return new Column(new In(this.expr, values.map(toExpr)));
  }
  /** SQL `LIKE`: `%` matches any characters, `_` one, `\\` escapes (Spark's `like`). */
  like(pattern: string): Column {
    return new Column(new Like(this.expr, pattern, false));
  }
  /** SQL `ILIKE`: `like` ignoring case (Spark's `ilike`). */
  ilike(pattern: string): Column {
    return new Column(new Like(this.expr, pattern, false, true));
  }
  /** True where the regular expression matches part of the string (Spark's `rlike`). */
  rlike(pattern: string): Column {
    return new Column(new Like(this.expr, pattern, true));
  }
  /** True where the string contains `other` (Spark's `contains`). */
  contains(other: ColumnLike): Column {
    return this.stringTest('contains', other, (s, t) => s.includes(t));
  }
  /** True where the string starts with `other` (Spark's `startsWith`). */
  startsWith(other: ColumnLike): Column {
    return this.stringTest('startswith', other, (s, t) => s.startsWith(t));
  }
  /** True where the string ends with `other` (Spark's `endsWith`). */
  endsWith(other: ColumnLike): Column {
    return this.stringTest('endswith', other, (s, t) => s.endsWith(t));
  }
  /** `len` characters from position `pos`, 1-based (Spark's `substr`). */
  substr(pos: number, len: number): Column {
    return new Column(new ScalarFunction('substring', [this.expr, new Literal(pos), new Literal(len)], 'string', ([v]) => substringSQL(String(v), pos, len)));
  }
  /** True where `low <= value <= high` (Spark's `between`). */
  between(low: ColumnLike, high: ColumnLike): Column {
    return this.geq(low).and(this.leq(high));
  }
  /** One more branch of a `when(...)` column (Spark's `Column.when`). */
  when(condition: Column, value: ColumnLike): Column {
    const c = this.caseWhen('when');
    if (c.otherwise) throw new FlintError('INVALID_ARGUMENT', 'when() cannot be applied once otherwise() is applied');
    return new Column(new CaseWhen([...c.branches, { condition: condition.expr, value: toExpr(value) }]));
  }
  /** The value of a `when(...)` column where no branch holds (Spark's `otherwise`). */
  otherwise(value: ColumnLike): Column {
    const c = this.caseWhen('otherwise');
    if (c.otherwise) throw new FlintError('INVALID_ARGUMENT', 'otherwise() can only be applied once on a Column previously generated by when()');
    return new Column(new CaseWhen(c.branches, toExpr(value)));
  }

  private caseWhen(method: string): CaseWhen {
    if (!(this.expr instanceof CaseWhen)) throw new FlintError('INVALID_ARGUMENT', `${method}() can only be applied on a Column previously generated by when(); start with functions.when(condition, value)`);
    return this.expr;
  }

  private stringTest(fn: string, other: ColumnLike, test: (s: string, t: string) => boolean): Column {
    return new Column(new ScalarFunction(fn, [this.expr, toExpr(other)], 'boolean', ([s, t]) => test(String(s), String(t))));
  }

  private binary(op: BinaryOp, other: ColumnLike): Column {
    return new Column(new BinaryOperator(op, this.expr, toExpr(other)));
  }
}

/** The expression of a Column, or a literal for a plain value. */
export function toExpr(c: ColumnLike): Expression {
  return c instanceof Column ? c.expr : new Literal(c);
}

/** A Column for a column name, or the Column itself. */
export function toColumn(c: string | Column): Column {
  return typeof c === 'string' ? new Column(new ColumnRef(c)) : c;
}
