// The js core's resident window for reduceByKeyAndWindow(sum, subtract) (or Spark's spelling of
// it): one Map per output partition, updated by the panes that leave and enter, so a slide costs
// what those panes hold plus writing the window out, not a cogroup of the whole window.
import { Batch } from '../../batch/batch.js';
import type { SumWindowState } from '../core.js';

type Tables = Map<string, number>[];

/** A lone surrogate (a paired one is matched as one code point, outside this class). */
const LONE_SURROGATE = /\p{Cs}/u;

/**
 * The window as it would be computed from the previous one, `f(inv(prev, reduce(old)),
 * reduce(new))` per key, with the same key order: the previous window's keys keep their places
 * and new keys follow in the order the leaving, then the entering, panes list them. Several panes
 * leaving or entering together are summed first (a left fold in pane order), then applied once.
 */
export class JsSumWindow implements SumWindowState {
  private tables: Tables;
  private lastTime: number | undefined;

  /** With `dropZeros`, keys whose sum is back at 0 leave the window; otherwise they stay (Spark). */
  constructor(
    private readonly numPartitions: number,
    private readonly dropZeros: boolean,
  ) {
    this.tables = emptyTables(numPartitions);
  }

  slide(time: number, previousTime: number, previous: Batch<[string, number]> | undefined, oldPanes: Batch<unknown>[], newPanes: Batch<unknown>[]): Batch<[string, number]> | undefined {
    if (!this.holds(oldPanes) || !this.holds(newPanes)) return this.invalidate();
    if (this.lastTime !== previousTime) {
      // Not the window this state last produced (first window, or after a fallback): take over the
      // previous window as given.
      this.tables = emptyTables(this.numPartitions);
      if (previous !== undefined && !this.load(previous)) return this.invalidate();
    }
    const leaving = this.summed(oldPanes);
    const entering = this.summed(newPanes);
    if (leaving === undefined || entering === undefined) return this.invalidate();
    for (const [p, table] of this.tables.entries()) {
      for (const [key, v] of leaving[p]!) {
        const current = table.get(key);
        // A key can be back at 0 and gone while panes holding it are still in the window: its value
        // is then 0. Without dropZeros keys never leave, and one missing is not this window's.
        if (current === undefined && !this.dropZeros) return this.invalidate();
        table.set(key, (current ?? 0) - v);
      }
      for (const [key, v] of entering[p]!) {
        const current = table.get(key);
        table.set(key, current === undefined ? v : current + v);
      }
      if (this.dropZeros) {
        for (const key of leaving[p]!.keys()) if (table.get(key) === 0) table.delete(key);
        for (const key of entering[p]!.keys()) if (table.get(key) === 0) table.delete(key);
      }
    }
    return this.emit(time);
  }

  recompute(time: number, panes: Batch<unknown>[]): Batch<[string, number]> | undefined {
    if (!this.holds(panes)) return this.invalidate();
    const all = this.summed(panes);
    if (all === undefined) return this.invalidate();
    if (this.dropZeros) for (const table of all) for (const [key, v] of table) if (v === 0) table.delete(key);
    this.tables = all;
    return this.emit(time);
  }

  close(): void {
    this.tables = [];
    this.lastTime = undefined;
  }

  /** Panes this window can read: hash-partitioned as the window is (or with no partition at all). */
  private holds(panes: Batch<unknown>[]): boolean {
    return panes.every((b) => b.hashPartitions === this.numPartitions || b.numPartitions === 0);
  }

  /** The previous window into the tables; false when it is not a window of `[string, number]` this state can hold. */
  private load(previous: Batch<[string, number]>): boolean {
    if (previous.hashPartitions !== this.numPartitions) return false;
    for (const [p, partition] of previous.partitions.entries()) {
      const table = this.tables[p]!;
      for (const entry of partition as readonly unknown[]) {
        const [key, v] = entry as [unknown, unknown];
        // A lone surrogate is a key whose UTF-8 form is another key's: the kernels' windows refuse
        // it, and so does this one, so both cores fall back at the same slides.
        if (typeof key !== 'string' || typeof v !== 'number' || LONE_SURROGATE.test(key)) return false;
        if (!(this.dropZeros && v === 0)) table.set(key, v);
      }
    }
    return true;
  }

  /** Per partition, each key's values over `panes` folded left in pane order; undefined for non-numeric pairs. */
  private summed(panes: Batch<unknown>[]): Tables | undefined {
    const tables = emptyTables(this.numPartitions);
    for (const pane of panes) {
      for (const [p, partition] of pane.partitions.entries()) {
        const table = tables[p]!;
        for (const entry of partition as readonly unknown[]) {
          const [key, v] = entry as [unknown, unknown];
          if (typeof key !== 'string' || typeof v !== 'number') return undefined;
          const current = table.get(key);
          table.set(key, current === undefined ? v : current + v);
        }
      }
    }
    return tables;
  }

  private emit(time: number): Batch<[string, number]> {
    this.lastTime = time;
    // Fresh pairs: the tables change at the next slide, the batch must not.
    return new Batch(
      this.tables.map((table) => [...table]),
      this.numPartitions,
    );
  }

  private invalidate(): undefined {
    this.lastTime = undefined;
    return undefined;
  }
}

function emptyTables(n: number): Tables {
  return Array.from({ length: n }, () => new Map<string, number>());
}
