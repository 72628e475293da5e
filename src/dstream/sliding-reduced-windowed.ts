// SlidingReducedWindowedDStream: reduceByKeyAndWindow(min|max) without an inverse. Spark
// recomputes every window (reduceByKey, window, reduceByKey: one merge per pane per slide); a
// core that keeps a sliding window instead runs the two-stacks algorithm over the panes:
//
//   parent panes (per-batch reductions), window W = 7 panes:
//   time ->   p0   p1   p2   p3 | p4   p5   p6      p7 enters, p0 leaves
//            +-------------------+--------------+
//   front:   |a0.3 a1.3 a2.3 a3.3|              |   ai.3 = f(pi .. p3), suffix aggregates;
//            | ^top              |              |   pop = drop the top (a0.3 for p0)
//            +-------------------+--------------+
//   back:                        |   f(p4..p6)  |   push = fold p7 into one aggregate
//                                +--------------+
//   window = f(front top, back); when the front runs empty, the back panes flip into it.
//
// Every pane is pushed, flipped and popped once, so a slide costs a few table merges however
// long the window is. Results, key order included, equal Spark's recomputation, which this
// operator falls back to when the core keeps no window or the panes are not in its form.
import { unionBatches, type Batch } from '../batch/batch.js';
import type { SlidingReducer, SlidingWindowState } from '../core/core.js';
import { buildingBlockOf } from '../functions/building-blocks.js';
import type { DStream } from './dstream.js';
import type { Operator } from './operator.js';
import { checkWindow } from './windowed.js';

/** `min` or `max` when `f` is Flint's tagged reducer of that name (no inverse). */
export function slidingReducerOf(f: unknown): SlidingReducer | undefined {
  const kind = buildingBlockOf(f)?.kind;
  return kind === 'min' || kind === 'max' ? kind : undefined;
}

/** reduceByKey(f).window(W, S).reduceByKey(f), kept incrementally by the core when it can. */
export class SlidingReducedWindowedDStream<K, V> implements Operator<[K, V]> {
  readonly name = 'SlidingReducedWindowedDStream';
  readonly dependencies: readonly DStream<[K, V]>[];
  readonly windowDuration: number;
  readonly slideDuration: number;
  private coreWindow: SlidingWindowState | undefined;

  /** `reduced` is the parent already reduced per batch with `f`, Flint's `reducer`. */
  constructor(
    private readonly reduced: DStream<[K, V]>,
    private readonly f: (a: V, b: V) => V,
    private readonly reducer: SlidingReducer,
    windowDuration: number,
    slideDuration: number,
    readonly numPartitions: number,
  ) {
    [this.windowDuration, this.slideDuration] = checkWindow(reduced.slideDuration, windowDuration, slideDuration);
    this.dependencies = [reduced];
  }

  get parentRememberExtra(): number {
    return this.windowDuration;
  }

  async compute(time: number): Promise<Batch<[K, V]>> {
    const panes = await this.reduced.slice(time - this.windowDuration + this.reduced.slideDuration, time);
    const fromCore = this.window()?.slide(panes);
    if (fromCore) return fromCore as unknown as Batch<[K, V]>;
    return this.reduced.ssc.core.reduceByKey(unionBatches(panes), this.f, this.numPartitions);
  }

  private window(): SlidingWindowState | undefined {
    this.coreWindow ??= this.reduced.ssc.core.createSlidingWindow?.(this.reducer, this.numPartitions);
    return this.coreWindow;
  }
}
