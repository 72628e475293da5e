// The aggregation buffers of the columnar path: two f64 arrays per aggregate, indexed by entry id,
// updated and merged exactly as the row path's AggregateFunctions update and merge their buffers
// (same additions in the same order, so sums agree to the last bit).
//   count: a = n        sum: a = sum, b = non-null values     avg: a = sum, b = n
//   min/max: a = value, b = non-null values
import type { AggBuffer } from '../expressions/aggregates.js';
import type { Value } from '../schema.js';
import type { ColumnarAggregate } from './window-aggregate-spec.js';

/** Buffers of every aggregate for every entry id. */
export class Accumulators {
  a: Float64Array[];
  b: Float64Array[];

  constructor(
    readonly aggregates: readonly ColumnarAggregate[],
    capacity = 1024,
  ) {
    this.a = aggregates.map(() => new Float64Array(capacity));
    this.b = aggregates.map(() => new Float64Array(capacity));
  }

  /** Makes room for ids below `n`. */
  ensure(n: number): void {
    if (n <= this.a[0]!.length && this.a.length > 0) return;
    let cap = Math.max(1024, this.a[0]?.length ?? 0);
    while (cap < n) cap *= 2;
    const grow = (x: Float64Array): Float64Array => {
      const y = new Float64Array(cap);
      y.set(x);
      return y;
    };
    this.a = this.a.map(grow);
    this.b = this.b.map(grow);
  }

  /** Sets entry `id` to the buffers of a group with no rows. */
  zero(id: number): void {
    for (let k = 0; k < this.a.length; k++) this.a[k]![id] = this.b[k]![id] = 0;
  }

  /** Folds `from`'s buffers of `id` into this one's (AggregateFunction.merge). */
  mergeFrom(from: Accumulators, id: number): void {
    for (let k = 0; k < this.a.length; k++) {
      const a = this.a[k]!;
      const b = this.b[k]!;
      const x = from.a[k]![id]!;
      const y = from.b[k]![id]!;
      const kind = this.aggregates[k]!.kind;
      if (kind === 'count') a[id] = a[id]! + x;
      else if (kind === 'avg') {
        a[id] = a[id]! + x;
        b[id] = b[id]! + y;
      } else if (y !== 0) {
        if (kind === 'sum') a[id] = b[id] === 0 ? x : a[id]! + x;
        else if (b[id] === 0 || (kind === 'min' ? !(a[id]! - x <= 0) : !(a[id]! - x >= 0))) a[id] = x;
        b[id] = b[id]! + y;
      }
    }
  }

  /** Copies `from`'s buffers of `id` (a group new this batch takes its partial buffers as they are). */
  copyFrom(from: Accumulators, id: number): void {
    for (let k = 0; k < this.a.length; k++) {
      this.a[k]![id] = from.a[k]![id]!;
      this.b[k]![id] = from.b[k]![id]!;
    }
  }

  /** The result of aggregate `k` for `id` (AggregateFunction.result). */
  result(k: number, id: number): Value {
    const a = this.a[k]![id]!;
    const b = this.b[k]![id]!;
    switch (this.aggregates[k]!.kind) {
      case 'count':
        return a;
      case 'avg':
        return b === 0 ? null : a / b;
      default:
        return b === 0 ? null : a;
    }
  }

  /** Aggregate `k`'s buffer for `id` in the row path's form (what the state store keeps). */
  buffer(k: number, id: number): AggBuffer {
    const a = this.a[k]![id]!;
    const b = this.b[k]![id]!;
    const kind = this.aggregates[k]!.kind;
    if (kind === 'count') return a;
    if (kind === 'avg') return [a, b];
    return b === 0 ? null : a;
  }

  /** Sets aggregate `k` of `id` from a row-path buffer (state restored from a checkpoint). */
  setBuffer(k: number, id: number, buffer: AggBuffer): void {
    const kind = this.aggregates[k]!.kind;
    if (kind === 'count') this.a[k]![id] = buffer as number;
    else if (kind === 'avg') [this.a[k]![id], this.b[k]![id]] = buffer as [number, number];
    else {
      this.a[k]![id] = buffer === null ? 0 : (buffer as number);
      this.b[k]![id] = buffer === null ? 0 : 1;
    }
  }

  /** Moves every id to `moved[id]` (a table compaction; -1: dropped). */
  compact(moved: Int32Array): void {
    for (const arrays of [this.a, this.b]) {
      for (const x of arrays) for (let id = 0; id < moved.length; id++) if (moved[id]! >= 0) x[moved[id]!] = x[id]!;
    }
  }
}
