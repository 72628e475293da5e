// SumWindow: the resident window table of reduceByKeyAndWindow(sum, subtract) (or of Spark's
// spelling of it, `(a, b) => a + b` and `(a, b) => a - b`), kept in the main thread's kernel
// instance. A slide folds in only the panes that enter and leave the window, so its cost follows
// the panes' keys, not the window's length.
import type { Batch } from '../../batch/batch.js';
import type { SumWindowState } from '../core.js';
import { KIND, OP, type Kernels } from './kernel-instance.js';
import { packPairs } from './pack-pairs.js';
import { PackedBatch } from './packed-tables.js';

let nextId = 0;

/**
 * The window as one resident combiner of f64 values (JS numbers, so results equal the js core's
 * bit for bit). Several panes entering or leaving together are summed first, then applied once,
 * as the js core computes `f(inv(prev, reduce(old)), reduce(new))`.
 */
export class KernelSumWindow implements SumWindowState {
  private readonly name = `window-${nextId++}`;
  private lastTime: number | undefined;
  private generation: number;
  /** The last window written out whole, and the keys version it had: later ones share its keys. */
  private keysOf: { batch: PackedBatch; version: number } | undefined;

  /** With `dropZeros`, keys whose sum is back at 0 leave the window; otherwise they stay (Spark). */
  constructor(
    private readonly kernels: Kernels,
    private readonly numPartitions: number,
    private readonly dropZeros: boolean,
  ) {
    this.generation = kernels.generation;
  }

  slide(time: number, previousTime: number, previous: Batch<[string, number]> | undefined, oldPanes: Batch<unknown>[], newPanes: Batch<unknown>[]): Batch<[string, number]> | undefined {
    if (!allPacked(oldPanes) || !allPacked(newPanes)) return this.invalidate();
    const win = this.window();
    if (this.lastTime !== previousTime) {
      // Not the window this state last produced (first window, or after a fallback): rebuild,
      // from a window the js core computed too. Kernel-packed buffers carry their probe hashes.
      const fromKernels = previous instanceof PackedBatch;
      const packed = previous === undefined ? undefined : fromKernels ? previous.packed : packPairs(previous, this.numPartitions);
      if (previous !== undefined && packed === undefined) return this.invalidate();
      this.kernels.clear(win);
      if (packed !== undefined) this.kernels.mergePacked(win, packed, OP.sum, fromKernels);
    }
    this.apply(win, oldPanes, OP.subtract);
    this.apply(win, newPanes, OP.sum);
    return this.emit(win, time);
  }

  recompute(time: number, panes: Batch<unknown>[]): Batch<[string, number]> | undefined {
    if (!allPacked(panes)) return this.invalidate();
    const win = this.window();
    this.kernels.clear(win);
    for (const pane of panes) this.kernels.mergePacked(win, pane.packed, OP.sum);
    return this.emit(win, time);
  }

  close(): void {
    this.kernels.freeResident(this.name);
    this.keysOf = undefined;
  }

  private window(): number {
    // A replaced kernel instance lost the resident table: rebuild from the previous window.
    if (this.generation !== this.kernels.generation) {
      this.generation = this.kernels.generation;
      this.lastTime = undefined;
      this.keysOf = undefined;
    }
    return this.kernels.resident(this.name, this.numPartitions, KIND.f64, { trackZeros: this.dropZeros, denseValues: true });
  }

  private apply(win: number, panes: PackedBatch[], op: typeof OP.sum | typeof OP.subtract): void {
    if (panes.length === 1) {
      this.kernels.mergePacked(win, panes[0]!.packed, op);
    } else if (panes.length > 1) {
      const total = this.kernels.combiner(this.numPartitions, KIND.f64, 'window-panes');
      for (const pane of panes) this.kernels.mergePacked(total, pane.packed, OP.sum);
      this.kernels.merge(win, total, op);
    }
  }

  // A slide changes the values of a few keys and the key set rarely: while the keys stay put, the
  // window is written out as values only, beside the key sections of the last whole one.
  private emit(win: number, time: number): PackedBatch {
    if (this.dropZeros) this.kernels.dropZeros(win);
    this.lastTime = time;
    const version = this.kernels.keysVersion(win);
    if (this.keysOf?.version === version) {
      const { batch } = this.keysOf;
      return batch.withValues(this.kernels.packValues(win, batch.count()));
    }
    const batch = new PackedBatch(this.kernels.pack(win));
    this.keysOf = { batch, version };
    return batch;
  }

  private invalidate(): undefined {
    this.lastTime = undefined;
    return undefined;
  }
}

function allPacked(batches: Batch<unknown>[]): batches is PackedBatch[] {
  return batches.every((b) => b instanceof PackedBatch);
}
