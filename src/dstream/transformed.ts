// TransformedDStream: any per-batch function of the same-time batches of one or more parents.
// map, flatMap, filter, mapPartitions, glom, mapValues, transform and the joins are built on it.
import { Batch } from '../batch/batch.js';
import { FlintError } from '../errors.js';
import type { DStream } from './dstream.js';
import type { Operator } from './operator.js';

/**
 * What to do when a parent yields no batch at a valid time. Spark's element-wise streams
 * (MappedDStream, FilteredDStream, ...) pass the absence on; its TransformedDStream and
 * UnionDStream fail, because a user function given fewer batches than parents would silently
 * compute something else.
 */
export type MissingParentPolicy = 'propagate' | 'fail';

/** Computes `f(parentBatches, time)` at every slide of the parents. */
export class TransformedDStream<U> implements Operator<U> {
  readonly slideDuration: number;

  constructor(
    readonly name: string,
    readonly dependencies: readonly DStream<any>[],
    private readonly f: (batches: Batch<unknown>[], time: number) => Batch<U> | Promise<Batch<U>>,
    private readonly onMissingParent: MissingParentPolicy = 'fail',
  ) {
    const slides = new Set(dependencies.map((d) => d.slideDuration));
    if (slides.size !== 1) {
      throw new FlintError(
        'INVALID_WINDOW',
        `${name} needs parents with the same slide duration, got ${[...slides].map((s) => `${s} ms`).join(' and ')}; ` +
          `window the faster stream to the slower one's slide first`,
      );
    }
    this.slideDuration = dependencies[0]!.slideDuration;
  }

  async compute(time: number): Promise<Batch<U> | undefined> {
    const batches = await Promise.all(this.dependencies.map((d) => d.getOrCompute(time)));
    const missing = batches.findIndex((b) => b === undefined);
    if (missing >= 0) {
      if (this.onMissingParent === 'propagate') return undefined;
      throw new FlintError(
        'MISSING_BATCH',
        `${this.name} could not get a batch from its parent ${this.dependencies[missing]} at time ${time} ms; ` +
          `every parent must yield a batch at each batch time (an input that has no data should yield an empty batch)`,
      );
    }
    const out = await this.f(batches as Batch<unknown>[], time);
    // instanceof, not a look at `partitions`: that would decode lazy batches (text kept as bytes).
    if (!(out instanceof Batch)) {
      throw new FlintError(
        'INVALID_ARGUMENT',
        `the function given to ${this.name} must return a Batch (e.g. batch.map(...) or Batch.empty()), got ${String(out)}`,
      );
    }
    return out;
  }
}
