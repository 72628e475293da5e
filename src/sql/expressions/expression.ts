// Expressions: what a Column computes from a row (Spark's Catalyst Expression, evaluated row by
// row). Each knows its Spark-style name, its type over an input schema, and the columns it reads.
import { FlintError } from '../../errors.js';
import type { DataType, Row, StructType, Value } from '../schema.js';
import { SqlDate } from '../sql-date.js';

/** A computation over one row (Spark's `Expression`). */
export interface Expression {
  /** The name Spark gives the result column, e.g. `lower(value)`, `count(1)`. */
  readonly name: string;
  /** Sub-expressions. */
  readonly children: readonly Expression[];
  /** The result type over `input`; throws when a column it reads is not there. */
  dataType(input: StructType): DataType;
  /** The value for `row`. */
  eval(row: Row): Value;
  /** Set on generators (`explode`): one output row per element of the value. */
  readonly generator?: true;
  /** Set on aggregate functions: only `groupBy(...).agg` may hold them. */
  readonly aggregate?: true;
  /** Set on `window(...)`: one row may fall into several windows (sliding windows). */
  readonly multiValued?: true;
}

/** A column read by name (Spark's `UnresolvedAttribute`); `a.b` reads field `b` of struct `a`. */
export class ColumnRef implements Expression {
  readonly children = [];
  private readonly path: readonly string[];

  constructor(readonly name: string) {
    this.path = name.split('.');
  }

  dataType(input: StructType): DataType {
    const whole = input.field(this.name);
    if (whole) return whole.dataType;
    let type: DataType = input.resolve(this.path[0]!, 'col').dataType;
    for (const part of this.path.slice(1)) {
      const field = typeof type === 'object' && type.type === 'struct' ? type.fields.find((f) => f.name === part) : undefined;
      if (!field) throw new FlintError('INVALID_ARGUMENT', `col: cannot resolve column "${this.name}": no field "${part}"`);
      type = field.dataType;
    }
    return type;
  }

  eval(row: Row): Value {
    const whole = row[this.name];
    if (whole !== undefined || this.path.length === 1) return whole ?? null;
    let v: Value | undefined = row[this.path[0]!];
    for (const part of this.path.slice(1)) v = v !== null && typeof v === 'object' && !(v instanceof Date) && !(v instanceof Uint8Array) && !Array.isArray(v) ? (v as Row)[part] : null;
    return v ?? null;
  }
}

/** A constant (Spark's `Literal`). */
export class Literal implements Expression {
  readonly children = [];
  readonly name: string;

  constructor(readonly value: Value) {
    this.name = value instanceof SqlDate ? `DATE '${value.toString()}'` : value instanceof Date ? `TIMESTAMP '${value.toISOString()}'` : String(value);
  }

  dataType(): DataType {
    const v = this.value;
    if (typeof v === 'number') return Number.isInteger(v) ? 'long' : 'double';
    if (typeof v === 'boolean') return 'boolean';
    if (v instanceof SqlDate) return 'date';
    if (v instanceof Date) return 'timestamp';
    return 'string';
  }

  eval(): Value {
    return this.value;
  }
}

/** A renamed expression (Spark's `Alias`, from `Column.as`). */
export class Alias implements Expression {
  readonly children: readonly Expression[];
  readonly generator?: true;
  readonly aggregate?: true;
  readonly multiValued?: true;

  constructor(
    readonly child: Expression,
    readonly name: string,
  ) {
    this.children = [child];
    if (child.generator) this.generator = true;
    if (child.aggregate) this.aggregate = true;
    if (child.multiValued) this.multiValued = true;
  }

  dataType(input: StructType): DataType {
    return this.child.dataType(input);
  }

  eval(row: Row): Value {
    return this.child.eval(row);
  }
}

/** A sort direction on an expression (Spark's `SortOrder` from `Column.asc` / `desc`). */
export class SortDirection implements Expression {
  readonly children: readonly Expression[];
  readonly name: string;
  constructor(
    readonly child: Expression,
    readonly ascending: boolean,
  ) {
    this.children = [child];
    this.name = `${child.name} ${ascending ? 'ASC' : 'DESC'} NULLS ${ascending ? 'FIRST' : 'LAST'}`;
  }
  dataType(input: StructType): DataType {
    return this.child.dataType(input);
  }
  eval(row: Row): Value {
    return this.child.eval(row);
  }
}

/** The expression under any aliases. */
export function stripAlias(e: Expression): Expression {
  return e instanceof Alias ? stripAlias(e.child) : e;
}

/** True when `e` holds an aggregate function anywhere (`max(v) - min(v)`, `sum(x) / count(*)`). */
export function hasAggregate(e: Expression): boolean {
  if (e.aggregate === true) return true;
  // An aggregate over a window (`sum(v).over(w)`) is a value per row, not a grouping.
  if ((e as { windowed?: true }).windowed) return false;
  return e.children.some(hasAggregate);
}

/** True when `e` or any expression under it matches `test`. */
export function containsExpr(e: Expression, test: (x: Expression) => boolean): boolean {
  return test(e) || e.children.some((c) => containsExpr(c, test));
}
