// ReducedWindowedDStream: reduceByKeyAndWindow with an inverse function, computed incrementally
// from the previous window (Spark's algorithm):
//
//   |<------------ previous window ------------>|
//   | old batches |                             |
//   +-------------+-----------------------------+-------------+
//                 |<------------ current window -------------->|
//                                               | new batches |
//
//   current = f(inv(previous, reduce(old)), reduce(new))
//
// With window W, slide S and parent slide P: old = parent times [t-S-W+P, t-W],
// new = parent times [t-S+P, t], previous = this stream at t-S (empty before the first window).
import { Batch, unionBatches } from '../batch/batch.js';
import { cogroupPartitions, reduceByKeyPartitions } from '../batch/shuffle.js';
import type { SumWindowState } from '../core/core.js';
import { FlintError } from '../errors.js';
import { isSumWithInverse } from '../functions/building-blocks.js';
import { kernelFormOf } from '../functions/spellings.js';
import type { DStream } from './dstream.js';
import type { Operator } from './operator.js';
import { checkWindow } from './windowed.js';

/** Spark's `ReducedWindowedDStream`; `reduced` is the parent already reduced per batch. */
export class ReducedWindowedDStream<K, V> implements Operator<[K, V]> {
  readonly name = 'ReducedWindowedDStream';
  readonly mustCheckpoint = true;
  readonly dependencies: readonly DStream<[K, V]>[];
  readonly windowDuration: number;
  readonly slideDuration: number;
  private readonly keep: (pair: [K, V]) => boolean;
  /** Flint's sum/subtract: 0 is the identity, and keys whose value reaches it leave the window. */
  private readonly dropZero: boolean;
  /** Flint's sum/subtract without a filterFunc: rebuilt from its panes once per window length. */
  private readonly rebuilds: boolean;
  /** sum/subtract, tagged or spelled, without a filterFunc: a core may keep the window resident. */
  private readonly sumWindow: boolean;
  private coreWindow: SumWindowState | undefined;
  private self: DStream<[K, V]> | undefined;

  constructor(
    private readonly reduced: DStream<[K, V]>,
    private readonly f: (a: V, b: V) => V,
    private readonly inv: (a: V, b: V) => V,
    windowDuration: number,
    slideDuration: number,
    readonly numPartitions: number,
    filterFunc?: (pair: [K, V]) => boolean,
  ) {
    [this.windowDuration, this.slideDuration] = checkWindow(reduced.slideDuration, windowDuration, slideDuration);
    this.dependencies = [reduced];
    // Flint's own sum/subtract pair knows its identity, so keys back at 0 leave the window.
    const dropZero = isSumWithInverse(f, inv);
    this.dropZero = dropZero;
    this.keep = (pair) => (!dropZero || (pair[1] as unknown) !== 0) && (!filterFunc || filterFunc(pair));
    this.rebuilds = dropZero && !filterFunc;
    this.sumWindow = kernelFormOf(f)?.kind === 'sum' && kernelFormOf(inv)?.kind === 'subtract' && !filterFunc;
  }

  get parentRememberExtra(): number {
    return this.windowDuration;
  }

  /** Called by DStream so the operator can read its own previous window. */
  bind(self: DStream<[K, V]>): void {
    this.self = self;
  }

  async compute(time: number): Promise<Batch<[K, V]>> {
    if (this.isRecomputeTime(time)) return this.recompute(time);
    const W = this.windowDuration;
    const S = this.slideDuration;
    const P = this.reduced.slideDuration;
    const oldBatches = await this.reduced.slice(time - S - W + P, time - W);
    const newBatches = await this.reduced.slice(time - S + P, time);
    const previous = time - S > this.reduced.zero ? await this.self!.getOrCompute(time - S) : undefined;
    const fromCore = this.window()?.slide(time, time - S, previous as Batch<[string, number]> | undefined, oldBatches, newBatches);
    if (fromCore) return fromCore as unknown as Batch<[K, V]>;
    const inputs = [(previous ?? Batch.empty<[K, V]>()).partitions, ...oldBatches.map((b) => b.partitions), ...newBatches.map((b) => b.partitions)];
    const grouped = cogroupPartitions<K>(inputs, this.numPartitions);
    const nOld = oldBatches.length;
    const parts = grouped.map((partition) =>
      partition
        .map(([k, groups]) => [k, this.merge(k, groups as V[][], nOld)] as [K, V])
        .filter(this.keep),
    );
    return new Batch(parts, this.numPartitions);
  }

  /**
   * Float sums drift when values are added and subtracted over and over, so a window of Flint's
   * sum/subtract is rebuilt from its panes once per window length (every W/S slides). Both cores
   * do this at the same times, and integer sums come out the same either way.
   */
  private isRecomputeTime(time: number): boolean {
    const slides = (time - this.reduced.zero) / this.slideDuration;
    return this.rebuilds && slides % (this.windowDuration / this.slideDuration) === 0;
  }

  private async recompute(time: number): Promise<Batch<[K, V]>> {
    const panes = await this.reduced.slice(time - this.windowDuration + this.reduced.slideDuration, time);
    const fromCore = this.window()?.recompute(time, panes);
    if (fromCore) return fromCore as unknown as Batch<[K, V]>;
    const union = unionBatches(panes);
    const parts = reduceByKeyPartitions(union.partitions, this.f, this.numPartitions).map((p) => p.filter(this.keep));
    return new Batch(parts, this.numPartitions);
  }

  private window(): SumWindowState | undefined {
    if (this.sumWindow) this.coreWindow ??= this.reduced.ssc.core.createSumWindow?.(this.numPartitions, this.dropZero);
    return this.coreWindow;
  }

  private merge(key: K, groups: V[][], nOld: number): V {
    const [prev, ...rest] = groups;
    const oldValues = rest.slice(0, nOld).flat();
    const newValues = rest.slice(nOld).flat();
    if (prev!.length === 0 && this.dropZero && oldValues.length > 0) {
      // With values of both signs a key's sum can reach 0, and the key leave, while panes holding
      // it are still in the window. Its previous value is then 0, and those panes must still be
      // subtracted when they leave (as the wasm core's resident window does).
      const value = this.inv(0 as V, oldValues.reduce(this.f));
      return newValues.length > 0 ? this.f(value, newValues.reduce(this.f)) : value;
    }
    if (prev!.length === 0) {
      if (newValues.length === 0) {
        throw new FlintError(
          'KEY_CONSISTENCY',
          `reduceByKeyAndWindow: key ${JSON.stringify(key)} left the window but was not in the previous window's result; ` +
            `a filterFunc must only drop keys whose value is back at the identity (e.g. a count of 0), ` +
            `and keys must hash consistently`,
        );
      }
      return newValues.reduce(this.f);
    }
    let value = prev![0] as V;
    if (oldValues.length > 0) value = this.inv(value, oldValues.reduce(this.f));
    if (newValues.length > 0) value = this.f(value, newValues.reduce(this.f));
    return value;
  }
}
