// The js core's resident window for reduceByKeyAndWindow(sum, subtract) (or Spark's spelling of
// it): one table per output partition, updated by the panes that leave and enter, so a slide costs
// what those panes hold plus writing the window out, not a cogroup of the whole window.
import type { Batch } from '../../batch/batch.js';
import { NumberPairsBatch, type PairColumns } from '../../batch/number-pairs.js';
import type { SumWindowState } from '../core.js';
import { columnsOf, WindowPartition } from './window-partition.js';

/** A lone surrogate (a paired one is matched as one code point, outside this class). */
const LONE_SURROGATE = /\p{Cs}/u;

const NO_PAIRS: PairColumns = { keys: [], values: new Float64Array(0) };

/**
 * The window as it would be computed from the previous one, `f(inv(prev, reduce(old)),
 * reduce(new))` per key, with the same key order: the previous window's keys keep their places
 * and new keys follow in the order the leaving, then the entering, panes list them. Several panes
 * leaving or entering together are summed first (a left fold in pane order), then applied once.
 */
export class JsSumWindow implements SumWindowState {
  private parts: WindowPartition[];
  private lastTime: number | undefined;

  /** With `dropZeros`, keys whose sum is back at 0 leave the window; otherwise they stay (Spark). */
  constructor(
    private readonly numPartitions: number,
    private readonly dropZeros: boolean,
  ) {
    this.parts = this.emptyParts();
  }

  slide(time: number, previousTime: number, previous: Batch<[string, number]> | undefined, oldPanes: Batch<unknown>[], newPanes: Batch<unknown>[]): Batch<[string, number]> | undefined {
    if (!this.holds(oldPanes) || !this.holds(newPanes)) return this.invalidate();
    if (this.lastTime !== previousTime) {
      // Not the window this state last produced (first window, or after a fallback): take over the
      // previous window as given.
      this.parts = this.emptyParts();
      if (previous !== undefined && !this.load(previous)) return this.invalidate();
    }
    const leaving = this.combined(oldPanes);
    const entering = this.combined(newPanes);
    if (leaving === undefined || entering === undefined) return this.invalidate();
    for (const [p, part] of this.parts.entries()) {
      const zeros = this.dropZeros ? [] : undefined;
      // A key can be back at 0 and gone while panes holding it are still in the window: its value
      // is then 0. Without dropZeros keys never leave, and one missing is not this window's.
      if (!part.subtract(leaving[p]!, this.dropZeros, zeros)) return this.invalidate();
      part.add(entering[p]!, zeros, true);
      if (zeros !== undefined) part.dropZeros(zeros);
    }
    return this.emit(time);
  }

  recompute(time: number, panes: Batch<unknown>[]): Batch<[string, number]> | undefined {
    if (!this.holds(panes)) return this.invalidate();
    const parts = this.summed(panes, this.dropZeros, true);
    if (parts === undefined) return this.invalidate();
    this.parts = parts;
    return this.emit(time);
  }

  close(): void {
    this.parts = [];
    this.lastTime = undefined;
  }

  /** Panes this window can read: hash-partitioned as the window is (or with no partition at all). */
  private holds(panes: Batch<unknown>[]): boolean {
    return panes.every((b) => b.hashPartitions === this.numPartitions || b.numPartitions === 0);
  }

  /** The previous window into the tables; false when it is not a window this state can hold. */
  private load(previous: Batch<[string, number]>): boolean {
    if (previous.hashPartitions !== this.numPartitions) return false;
    const columns = columnsOf(previous);
    // A lone surrogate is a key whose UTF-8 form is another key's: the kernels' windows refuse
    // it, and so does this one, so both cores fall back at the same slides.
    if (columns === undefined || columns.some((c) => c.keys.some((k) => LONE_SURROGATE.test(k)))) return false;
    for (const [p, part] of this.parts.entries()) {
      const zeros = this.dropZeros ? [] : undefined;
      part.add(columns[p]!, zeros);
      if (zeros !== undefined) part.dropZeros(zeros);
    }
    return true;
  }

  /** Per partition, the pairs of `panes`: one pane's own, or several summed first. */
  private combined(panes: Batch<unknown>[]): readonly PairColumns[] | undefined {
    const [pane] = panes;
    if (panes.length === 1 && pane!.numPartitions === this.numPartitions) return columnsOf(pane!);
    return this.summed(panes, false)?.map((part) => part.columns());
  }

  /**
   * Per partition, each key's values over `panes` folded left in pane order (keys at 0 dropped
   * when `dropZeros`); undefined for non-numeric pairs. With `remember`, the partitions remember
   * where each pane's keys went, for when the pane leaves.
   */
  private summed(panes: Batch<unknown>[], dropZeros: boolean, remember = false): WindowPartition[] | undefined {
    const parts = this.emptyParts();
    const zeros = parts.map((): string[] | undefined => (dropZeros ? [] : undefined));
    for (const pane of panes) {
      if (pane.numPartitions === 0) continue;
      const columns = columnsOf(pane);
      if (columns === undefined) return undefined;
      for (const [p, part] of parts.entries()) part.add(columns[p] ?? NO_PAIRS, zeros[p], remember);
    }
    for (const [p, part] of parts.entries()) if (zeros[p] !== undefined) part.dropZeros(zeros[p]);
    return parts;
  }

  private emit(time: number): Batch<[string, number]> {
    this.lastTime = time;
    // Fresh columns: the tables change at the next slide, the batch must not.
    return new NumberPairsBatch(this.parts.map((part) => part.columns()));
  }

  private invalidate(): undefined {
    this.lastTime = undefined;
    return undefined;
  }

  private emptyParts(): WindowPartition[] {
    return Array.from({ length: this.numPartitions }, () => new WindowPartition());
  }
}
