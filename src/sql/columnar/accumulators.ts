// The aggregation buffers of the columnar path, read and written in the row path's form. The
// buffers themselves live in the core's WindowAggregation (two f64 arrays per aggregate, indexed
// by entry id, updated and merged as the row path's AggregateFunctions update and merge theirs:
// same additions in the same order, so sums agree to the last bit).
//   count: a = n        sum: a = sum, b = non-null values     avg: a = sum, b = n
//   min/max: a = value, b = non-null values
import type { WindowAggregation } from '../../core/core.js';
import type { AggBuffer } from '../expressions/aggregates.js';
import type { Value } from '../schema.js';
import type { ColumnarAggregate } from './window-aggregate-spec.js';

/** The state buffers of every aggregate for every entry id, as results and row-path buffers. */
export class Accumulators {
  constructor(
    readonly aggregates: readonly ColumnarAggregate[],
    private readonly state: WindowAggregation,
  ) {}

  /** The result of aggregate `k` for `id` (AggregateFunction.result). */
  result(k: number, id: number): Value {
    const a = this.state.bufferA(k)[id]!;
    const b = this.state.bufferB(k)[id]!;
    switch (this.aggregates[k]!.kind) {
      case 'count':
        // A small integer (Smi) where it fits, so a row holds it without a boxed double.
        return a <= 0x3fffffff ? a | 0 : a;
      case 'avg':
        return b === 0 ? null : a / b;
      default:
        return b === 0 ? null : a;
    }
  }

  /** Aggregate `k`'s buffer for `id` in the row path's form (what the state store keeps). */
  buffer(k: number, id: number): AggBuffer {
    const a = this.state.bufferA(k)[id]!;
    const b = this.state.bufferB(k)[id]!;
    const kind = this.aggregates[k]!.kind;
    if (kind === 'count') return a;
    if (kind === 'avg') return [a, b];
    return b === 0 ? null : a;
  }

  /** Sets aggregate `k` of `id` from a row-path buffer (state restored from a checkpoint). */
  setBuffer(k: number, id: number, buffer: AggBuffer): void {
    const a = this.state.bufferA(k);
    const b = this.state.bufferB(k);
    const kind = this.aggregates[k]!.kind;
    if (kind === 'count') a[id] = buffer as number;
    else if (kind === 'avg') [a[id], b[id]] = buffer as [number, number];
    else {
      a[id] = buffer === null ? 0 : (buffer as number);
      b[id] = buffer === null ? 0 : 1;
    }
  }
}
