// Aggregate functions (Spark's DeclarativeAggregate): a buffer per group that rows update and
// partial buffers merge into. Buffers are plain JSON-able values, so the state store can keep them.
import { FlintError } from '../../errors.js';
import type { DataType, Row, StructType, Value } from '../schema.js';
import { compareValues } from './scalar.js';
import type { Expression } from './expression.js';
import { addToSketch, estimate, mergeSketches, newSketch, precisionFor } from './hyper-log-log.js';
import { compressed, insertValue, mergeSummaries, newSummary, query, type QuantileSummary } from './quantile-summaries.js';

/** An aggregation buffer: JSON-able, Dates allowed (the state codec keeps them). */
export type AggBuffer = Value;

/** An aggregate function; only `groupBy(...).agg(...)` evaluates it. */
export abstract class AggregateFunction implements Expression {
  readonly aggregate = true as const;
  readonly children: readonly Expression[];

  constructor(
    readonly name: string,
    /** The expression aggregated; undefined for `count(*)`. */
    readonly input: Expression | undefined,
  ) {
    this.children = input ? [input] : [];
  }

  /** The result's type over the aggregated rows' schema. */
  abstract resultType(input: StructType): DataType;

  /** The result's type; over an aggregation's output (an expression of aggregates), its column's. */
  dataType(input: StructType): DataType {
    return input.field(this.name)?.dataType ?? this.resultType(input);
  }

  /** The buffer of a group with no rows. */
  abstract zero(): AggBuffer;
  /** The buffer after one more row. */
  abstract update(buffer: AggBuffer, row: Row): AggBuffer;
  /** Two partial buffers combined. */
  abstract merge(a: AggBuffer, b: AggBuffer): AggBuffer;
  /** The group's result. */
  abstract result(buffer: AggBuffer): Value;

  /** The group's result, read from an aggregation's output row (for expressions of aggregates). */
  eval(row: Row): Value {
    if (Object.hasOwn(row, this.name)) return row[this.name] ?? null;
    throw new FlintError('INVALID_ARGUMENT', `${this.name} is an aggregate function; use it inside groupBy(...).agg(...)`);
  }
}

/** Spark's `count`: rows where the input is not null (every row for `count(*)`). */
export class Count extends AggregateFunction {
  resultType(input: StructType): DataType {
    this.input?.dataType(input);
    return 'long';
  }
  zero(): AggBuffer {
    return 0;
  }
  update(buffer: AggBuffer, row: Row): AggBuffer {
    return this.input && this.input.eval(row) === null ? buffer : (buffer as number) + 1;
  }
  merge(a: AggBuffer, b: AggBuffer): AggBuffer {
    return (a as number) + (b as number);
  }
  result(buffer: AggBuffer): Value {
    return buffer;
  }
}

/** Spark's `sum`: null for a group of nulls; `long` over integers, else `double`. */
export class Sum extends AggregateFunction {
  resultType(input: StructType): DataType {
    return this.input!.dataType(input) === 'long' ? 'long' : 'double';
  }
  zero(): AggBuffer {
    return null;
  }
  update(buffer: AggBuffer, row: Row): AggBuffer {
    const v = this.input!.eval(row);
    return v === null ? buffer : ((buffer as number | null) ?? 0) + Number(v);
  }
  merge(a: AggBuffer, b: AggBuffer): AggBuffer {
    return a === null ? b : b === null ? a : (a as number) + (b as number);
  }
  result(buffer: AggBuffer): Value {
    return buffer;
  }
}

/** Spark's `avg`: a double, null for a group of nulls. Buffer: [sum, count]. */
export class Average extends AggregateFunction {
  resultType(input: StructType): DataType {
    this.input!.dataType(input);
    return 'double';
  }
  zero(): AggBuffer {
    return [0, 0];
  }
  update(buffer: AggBuffer, row: Row): AggBuffer {
    const v = this.input!.eval(row);
    const [s, n] = buffer as number[];
    return v === null ? buffer : [s! + Number(v), n! + 1];
  }
  merge(a: AggBuffer, b: AggBuffer): AggBuffer {
    const [s, n] = a as number[];
    const [t, m] = b as number[];
    return [s! + t!, n! + m!];
  }
  result(buffer: AggBuffer): Value {
    const [s, n] = buffer as number[];
    return n === 0 ? null : s! / n!;
  }
}

/** Spark's `min` and `max`. */
export class Extremum extends AggregateFunction {
  constructor(
    private readonly which: 'min' | 'max',
    input: Expression,
  ) {
    super(`${which}(${input.name})`, input);
  }
  resultType(input: StructType): DataType {
    return this.input!.dataType(input);
  }
  zero(): AggBuffer {
    return null;
  }
  update(buffer: AggBuffer, row: Row): AggBuffer {
    return this.merge(buffer, this.input!.eval(row));
  }
  merge(a: AggBuffer, b: AggBuffer): AggBuffer {
    if (a === null) return b;
    if (b === null) return a;
    const c = compareValues(a, b);
    return this.which === 'min' ? (c <= 0 ? a : b) : c >= 0 ? a : b;
  }
  result(buffer: AggBuffer): Value {
    return buffer;
  }
}

/**
 * Spark's `approx_count_distinct(col, rsd = 0.05)`: a HyperLogLog sketch of 2^p one-byte registers
 * per group (p = 9 for the default), so state stays the same size whatever the distinct values;
 * the relative standard deviation of the estimate is about `rsd`.
 */
export class ApproxCountDistinct extends AggregateFunction {
  private readonly p: number;

  constructor(name: string, input: Expression, relativeSD = 0.05) {
    super(name, input);
    this.p = precisionFor(relativeSD);
  }

  resultType(input: StructType): DataType {
    this.input!.dataType(input);
    return 'long';
  }
  zero(): AggBuffer {
    return newSketch(this.p);
  }
  // A batch's buffers start from zero(), so the sketch is updated in place; merge makes a new one.
  update(buffer: AggBuffer, row: Row): AggBuffer {
    const v = this.input!.eval(row);
    if (v !== null) addToSketch(buffer as Uint8Array, v);
    return buffer;
  }
  merge(a: AggBuffer, b: AggBuffer): AggBuffer {
    return mergeSketches(a as Uint8Array, b as Uint8Array);
  }
  result(buffer: AggBuffer): Value {
    return estimate(buffer as Uint8Array);
  }
}

/**
 * Spark's `collect_list` and `collect_set`: the group's non-null values as an array, in arrival
 * order (a set keeps each value once). Like Spark's, the state holds every value: for groups that
 * stay small, or windows the watermark closes.
 */
export class Collect extends AggregateFunction {
  constructor(
    name: string,
    input: Expression,
    private readonly distinct: boolean,
  ) {
    super(name, input);
  }

  resultType(input: StructType): DataType {
    return { type: 'array', elementType: this.input!.dataType(input) };
  }
  zero(): AggBuffer {
    return [];
  }
  // A batch's buffers start from zero(), so they grow in place; merge makes a new one.
  update(buffer: AggBuffer, row: Row): AggBuffer {
    const v = this.input!.eval(row);
    const values = buffer as Value[];
    if (v !== null && !(this.distinct && values.some((x) => compareValues(x, v) === 0))) values.push(v);
    return values;
  }
  merge(a: AggBuffer, b: AggBuffer): AggBuffer {
    const out = [...(a as Value[])];
    for (const v of b as Value[]) if (!(this.distinct && out.some((x) => compareValues(x, v) === 0))) out.push(v);
    return out;
  }
  result(buffer: AggBuffer): Value {
    return [...(buffer as Value[])];
  }
}

/**
 * Spark's `count(DISTINCT col)`: non-null distinct values of the group. It keeps every value, so
 * Spark refuses it on streams (use `approx_count_distinct` there); static DataFrames and
 * `foreachBatch` take it.
 */
export class CountDistinct extends Collect {
  constructor(name: string, input: Expression) {
    super(name, input, true);
  }
  override resultType(input: StructType): DataType {
    this.input!.dataType(input);
    return 'long';
  }
  override result(buffer: AggBuffer): Value {
    return (buffer as Value[]).length;
  }
}

/**
 * Spark's `percentile_approx(col, percentage, accuracy = 10000)`: the value at each percentage of the
 * group's sorted non-null values, from Spark's Greenwald-Khanna sketch with relative error
 * 1 / accuracy (exact for groups of a few thousand values). Numbers and timestamps; the result has
 * the column's type, an array of them for an array of percentages.
 */
export class ApproximatePercentile extends AggregateFunction {
  constructor(
    name: string,
    input: Expression,
    private readonly percentages: number | readonly number[],
    private readonly accuracy: number,
  ) {
    super(name, input);
    const list = typeof percentages === 'number' ? [percentages] : percentages;
    if (list.length === 0 || list.some((p) => typeof p !== 'number' || !(p >= 0 && p <= 1))) {
      throw new FlintError('INVALID_ARGUMENT', `${name}: the percentage must be between 0.0 and 1.0 (or an array of them), got ${JSON.stringify(percentages)}`);
    }
    if (!Number.isInteger(accuracy) || accuracy <= 0) throw new FlintError('INVALID_ARGUMENT', `${name}: the accuracy must be a positive whole number, got ${accuracy}`);
  }

  resultType(input: StructType): DataType {
    const t = this.input!.dataType(input);
    if (t !== 'long' && t !== 'double' && t !== 'timestamp') throw new FlintError('INVALID_ARGUMENT', `${this.name}: the column must be numeric or a timestamp, it is ${typeof t === 'string' ? t : t.type}`);
    return typeof this.percentages === 'number' ? t : { type: 'array', elementType: t };
  }
  zero(): AggBuffer {
    return newSummary(1 / this.accuracy) as unknown as AggBuffer;
  }
  // A batch's buffers start from zero(), so the sketch is updated in place; merge makes a new one.
  update(buffer: AggBuffer, row: Row): AggBuffer {
    const v = this.input!.eval(row);
    if (v === null) return buffer;
    const sketch = buffer as unknown as QuantileSummary;
    if (v instanceof Date) sketch.timestamps = true;
    insertValue(sketch, v instanceof Date ? v.getTime() : Number(v));
    return buffer;
  }
  merge(a: AggBuffer, b: AggBuffer): AggBuffer {
    return mergeSummaries(a as unknown as QuantileSummary, b as unknown as QuantileSummary) as unknown as AggBuffer;
  }
  result(buffer: AggBuffer): Value {
    const sketch = compressed(buffer as unknown as QuantileSummary);
    const at = (p: number): Value => {
      const q = query(sketch, p);
      return q === null ? null : sketch.timestamps ? new Date(q) : q;
    };
    if (sketch.count === 0) return null;
    return typeof this.percentages === 'number' ? at(this.percentages) : this.percentages.map(at);
  }

}
