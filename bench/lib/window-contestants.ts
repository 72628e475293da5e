// The contestants of the sliding-window workloads (per-slide cost, and peak RSS of a large
// window): Flint with and without the inverse on both cores, RxJS two ways, DuckDB in SQL. Each
// opens a window of a given number of slides that moves one pane per `slide`.
import { availableParallelism } from 'node:os';
import type { Group } from './results.js';
import { openFlintWindow } from './flint.js';
import { loadRxjs, openDuckDb } from './peers.js';
import { topTen } from './top-ten.js';

/** A window being slid: one pane per call; `top10` is its current window's. */
export interface WindowRun {
  slide(pane: Buffer): unknown;
  top10(): Promise<string> | string;
  close(): unknown;
}

/** A way to keep a sliding word count. */
export interface WindowContestant {
  name: string;
  group: Group;
  open(windowPanes: number): Promise<WindowRun>;
}

/** Every window contestant; `close` frees what they share (the DuckDB database). */
export async function windowContestants(): Promise<{ list: WindowContestant[]; close(): void }> {
  const n = availableParallelism();
  const rx = await loadRxjs();
  const duck = await openDuckDb();
  const flint = (core: 'wasm' | 'js', inverse: boolean): WindowContestant => ({
    name: `Flint ${core}, ${inverse ? 'incremental (sum/subtract)' : 'recompute (reduce, window, reduce)'}`,
    group: 'flint',
    async open(windowPanes) {
      const w = await openFlintWindow(core, `local[${n}]`, windowPanes, inverse);
      return { slide: (pane) => w.slide(pane), top10: () => topTen(w.latest()?.toLocalIterator() ?? []), close: () => w.close() };
    },
  });
  const list: WindowContestant[] = [
    flint('wasm', true),
    flint('wasm', false),
    flint('js', true),
    flint('js', false),
    {
      name: 'RxJS, typical (windowTime + groupBy)',
      group: 'peer',
      open: async (windowPanes) => {
        const w = rx.typicalWindow(windowPanes);
        return { ...w, slide: (pane) => w.slide(pane), top10: () => topTen(w.pairs()) };
      },
    },
    {
      name: 'RxJS, panes (bufferTime + scan, subtracting)',
      group: 'peer',
      open: async (windowPanes) => {
        const w = rx.paneWindow(windowPanes);
        return { slide: (pane) => w.slide(pane), top10: () => topTen(w.pairs()), close: () => w.close() };
      },
    },
    {
      name: `DuckDB, SQL recompute per slide (${duck.threads} threads)`,
      group: 'peer',
      open: async (windowPanes) => {
        const w = await duck.openWindow(windowPanes);
        return { slide: (pane) => w.slide(pane), top10: async () => topTen(await w.top10()), close: () => w.close() };
      },
    },
  ];
  return { list, close: () => duck.close() };
}
