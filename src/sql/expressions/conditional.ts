// Conditional expressions with Spark's names and null semantics: CASE WHEN (`when`/`otherwise`),
// `coalesce`, and `IN` (`isin`), which is null rather than false when the value is null or
// matches nothing in a list that holds a null.
import { FlintError } from '../../errors.js';
import type { DataType, Row, StructType, Value } from '../schema.js';
import { Literal, type Expression } from './expression.js';
import { compareValues } from './scalar.js';

/** One `WHEN condition THEN value` branch. */
export interface WhenBranch {
  readonly condition: Expression;
  readonly value: Expression;
}

/** Spark's `CaseWhen`: the value of the first branch whose condition is true, else `otherwise` (null without one). */
export class CaseWhen implements Expression {
  readonly children: readonly Expression[];
  readonly name: string;

  constructor(
    readonly branches: readonly WhenBranch[],
    readonly otherwise?: Expression,
  ) {
    this.children = [...branches.flatMap((b) => [b.condition, b.value]), ...(otherwise ? [otherwise] : [])];
    this.name = `CASE ${branches.map((b) => `WHEN ${b.condition.name} THEN ${b.value.name}`).join(' ')}${otherwise ? ` ELSE ${otherwise.name}` : ''} END`;
  }

  dataType(input: StructType): DataType {
    for (const b of this.branches) b.condition.dataType(input);
    return commonType([...this.branches.map((b) => b.value), ...(this.otherwise ? [this.otherwise] : [])], input, this.name);
  }

  eval(row: Row): Value {
    for (const b of this.branches) if (b.condition.eval(row) === true) return b.value.eval(row);
    return this.otherwise ? this.otherwise.eval(row) : null;
  }
}

/** Spark's `coalesce`: the first non-null argument. */
export class Coalesce implements Expression {
  readonly name: string;
  constructor(readonly children: readonly Expression[]) {
    if (children.length === 0) throw new FlintError('INVALID_ARGUMENT', 'coalesce needs at least one column');
    this.name = `coalesce(${children.map((c) => c.name).join(', ')})`;
  }
  dataType(input: StructType): DataType {
    return commonType(this.children, input, this.name);
  }
  eval(row: Row): Value {
    for (const c of this.children) {
      const v = c.eval(row);
      if (v !== null) return v;
    }
    return null;
  }
}

/** Spark's `In` (`isin`, `x IN (a, b)`). */
export class In implements Expression {
  readonly children: readonly Expression[];
  readonly name: string;
  constructor(
    readonly value: Expression,
    readonly list: readonly Expression[],
  ) {
    this.children = [value, ...list];
    this.name = `(${value.name} IN (${list.map((e) => e.name).join(', ')}))`;
  }
  dataType(input: StructType): DataType {
    for (const c of this.children) c.dataType(input);
    return 'boolean';
  }
  eval(row: Row): Value {
    const v = this.value.eval(row);
    if (v === null) return null;
    let sawNull = false;
    for (const e of this.list) {
      const x = e.eval(row);
      if (x === null) sawNull = true;
      else if (compareValues(v, x) === 0) return true;
    }
    return sawNull ? null : false;
  }
}

// The result type of branches (Spark's type coercion, simplified): numbers widen to double, a
// string among other types makes the result a string, and a null literal takes any type.
function commonType(exprs: readonly Expression[], input: StructType, name: string): DataType {
  const types = exprs.map((e) => e.dataType(input)).filter((_, i) => !(exprs[i] instanceof Literal && exprs[i].value === null));
  if (types.length === 0) return 'string';
  if (types.every((t) => t === 'long' || t === 'double')) return types.includes('double') ? 'double' : 'long';
  if (types.every((t) => JSON.stringify(t) === JSON.stringify(types[0]))) return types[0]!;
  if (types.includes('string')) return 'string';
  throw new FlintError('INVALID_ARGUMENT', `${name}: the values have different types (${types.map((t) => (typeof t === 'string' ? t : t.type)).join(', ')}); cast them to one type`);
}
