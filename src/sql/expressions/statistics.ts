// Spark's statistical and positional aggregates: stddev / variance (CentralMomentAgg: count, mean
// and the sum of squared deviations, merged with Chan et al.'s parallel formula, so partial buffers
// of batches and state combine exactly as one pass would), and first / last (the first or last value
// in arrival order, nulls skipped with `ignoreNulls`). Buffers are JSON-able arrays for the state.
import type { DataType, Row, StructType, Value } from '../schema.js';
import { AggregateFunction, type AggBuffer } from './aggregates.js';
import type { Expression } from './expression.js';

/** Which moment a {@link CentralMoment} gives. */
export type MomentKind = 'stddev_samp' | 'stddev_pop' | 'var_samp' | 'var_pop';

/** Spark's `stddev`/`stddev_samp`, `stddev_pop`, `variance`/`var_samp`, `var_pop`: a double; null over no value, and the sample forms over one. Buffer: [n, mean, m2]. */
export class CentralMoment extends AggregateFunction {
  constructor(
    name: string,
    input: Expression,
    private readonly kind: MomentKind,
  ) {
    super(name, input);
  }

  resultType(input: StructType): DataType {
    this.input!.dataType(input);
    return 'double';
  }
  zero(): AggBuffer {
    return [0, 0, 0];
  }
  update(buffer: AggBuffer, row: Row): AggBuffer {
    const v = this.input!.eval(row);
    if (v === null) return buffer;
    const [n, mean, m2] = buffer as number[];
    const x = Number(v);
    const count = n! + 1;
    const delta = x - mean!;
    const nextMean = mean! + delta / count;
    return [count, nextMean, m2! + delta * (x - nextMean)];
  }
  merge(a: AggBuffer, b: AggBuffer): AggBuffer {
    const [n1, mean1, m21] = a as number[];
    const [n2, mean2, m22] = b as number[];
    if (n1 === 0) return b;
    if (n2 === 0) return a;
    const n = n1! + n2!;
    const delta = mean2! - mean1!;
    return [n, mean1! + (delta * n2!) / n, m21! + m22! + (delta * delta * n1! * n2!) / n];
  }
  result(buffer: AggBuffer): Value {
    const [n, , m2] = buffer as number[];
    const sample = this.kind === 'stddev_samp' || this.kind === 'var_samp';
    if (n === 0 || (sample && n === 1)) return null;
    const variance = m2! / (sample ? n! - 1 : n!);
    return this.kind.startsWith('stddev') ? Math.sqrt(variance) : variance;
  }
}

/** Spark's `first` and `last`: the first or last value in arrival order (with `ignoreNulls`, of the non-null ones). Buffer: [seen, value]. */
export class FirstLast extends AggregateFunction {
  constructor(
    name: string,
    input: Expression,
    private readonly which: 'first' | 'last',
    private readonly ignoreNulls: boolean,
  ) {
    super(name, input);
  }

  resultType(input: StructType): DataType {
    return this.input!.dataType(input);
  }
  zero(): AggBuffer {
    return [false, null];
  }
  update(buffer: AggBuffer, row: Row): AggBuffer {
    const v = this.input!.eval(row);
    if (v === null && this.ignoreNulls) return buffer;
    return this.merge(buffer, [true, v]);
  }
  merge(a: AggBuffer, b: AggBuffer): AggBuffer {
    const seenA = (a as Value[])[0] === true;
    const seenB = (b as Value[])[0] === true;
    if (this.which === 'first') return seenA ? a : b;
    return seenB ? b : a;
  }
  result(buffer: AggBuffer): Value {
    return (buffer as Value[])[1] ?? null;
  }
}
