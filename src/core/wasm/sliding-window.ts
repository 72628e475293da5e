// KernelSlidingWindow: the resident two-stacks window of reduceByKeyAndWindow(min|max) without an
// inverse (assembly/window.ts), kept in the main thread's kernel instance. Each slide pushes only
// the panes that entered and evicts the ones that left.
import type { Batch } from '../../batch/batch.js';
import type { SlidingReducer, SlidingWindowState } from '../core.js';
import { OP, type Kernels } from './kernel-instance.js';
import { PackedBatch } from './packed-tables.js';

/**
 * Mirrors the kernel window's panes as the PackedBatch objects they came from, so a slide is
 * found by identity: the panes that stay must be, in order, the newest held ones. Anything else
 * (first window, a fallback, a recomputed pane) rebuilds the window from its panes.
 */
export class KernelSlidingWindow implements SlidingWindowState {
  private readonly op: (typeof OP)[keyof typeof OP];
  private window: number;
  private generation: number;
  private held: readonly PackedBatch[] = [];

  constructor(
    private readonly kernels: Kernels,
    reducer: SlidingReducer,
    private readonly numPartitions: number,
  ) {
    this.window = kernels.slidingNew(numPartitions, OP[reducer]);
    this.generation = kernels.generation;
    this.op = OP[reducer];
  }

  // A replaced kernel instance lost the resident window: start a new one, rebuilt from the panes.
  private current(): number {
    if (this.generation !== this.kernels.generation) {
      this.generation = this.kernels.generation;
      this.window = this.kernels.slidingNew(this.numPartitions, this.op);
      this.held = [];
    }
    return this.window;
  }

  slide(panes: readonly Batch<unknown>[]): Batch<[string, number]> | undefined {
    this.current();
    if (!panes.every((p) => p instanceof PackedBatch && p.numPartitions === this.numPartitions)) {
      this.kernels.slidingEvict(this.window, this.held.length);
      this.held = [];
      return undefined;
    }
    const next = panes as readonly PackedBatch[];
    const leaving = leavingCount(this.held, next);
    this.kernels.slidingEvict(this.window, leaving);
    for (const pane of next.slice(this.held.length - leaving)) this.kernels.slidingPush(this.window, pane.packed);
    this.held = [...next];
    return new PackedBatch(this.kernels.pack(this.kernels.slidingResult(this.window)));
  }

  close(): void {
    if (this.generation === this.kernels.generation) this.kernels.slidingFree(this.window);
  }
}

/**
 * How many of the oldest `held` panes leave so that the rest are a prefix of `panes`; all of
 * them when the window did not move as a queue.
 */
export function leavingCount<T>(held: readonly T[], panes: readonly T[]): number {
  const start = panes.length === 0 ? -1 : held.indexOf(panes[0]!);
  if (start < 0) return held.length;
  const kept = held.length - start;
  if (kept > panes.length) return held.length;
  for (let i = 1; i < kept; i++) if (held[start + i] !== panes[i]) return held.length;
  return start;
}
