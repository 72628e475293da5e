// Generators: expressions that turn one row into several (Spark's `Explode`).
import { FlintError } from '../../errors.js';
import type { DataType, Row, StructType, Value } from '../schema.js';
import type { Expression } from './expression.js';

/** Spark's `explode(array)`: one output row per element; a null or empty array gives none (with `outer`, Spark's `explode_outer`, one row of null). */
export class Explode implements Expression {
  readonly children: readonly Expression[];
  readonly name = 'col';
  readonly generator = true as const;

  constructor(
    readonly child: Expression,
    private readonly outer = false,
  ) {
    this.children = [child];
  }

  dataType(input: StructType): DataType {
    const t = this.child.dataType(input);
    if (typeof t !== 'object' || t.type !== 'array') {
      throw new FlintError('INVALID_ARGUMENT', `explode needs an array column, such as split(col('value'), ' '); "${this.child.name}" is ${typeof t === 'string' ? t : t.type}`);
    }
    return t.elementType;
  }

  /** The elements to generate rows for. */
  eval(row: Row): Value {
    const v = this.child.eval(row);
    if (Array.isArray(v) && v.length > 0) return v;
    return this.outer ? [null] : [];
  }
}
