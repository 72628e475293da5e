// Workload 2: sliding-window word count, one pane of Zipf text per slide, at window/slide from 2 to
// 600: the median cost of one slide for Flint with the inverse path (sum/subtract) and without it
// (reduce, window, reduce) on both cores, RxJS two ways and DuckDB recomputing with SQL. Each
// contestant fills its window first; one that spends longer than the budget on a length skips the
// longer ones. After the measured slides every contestant's top 10 of its current window is
// checked against a recount of the panes in it.
import { Bench } from 'tinybench';
import { zipfCorpus } from '../corpus.js';
import { childConfig, finish, log, progress } from '../lib/child.js';
import { SLIDE_MS } from '../lib/flint.js';
import { median } from '../machine.js';
import type { SideBySide, WindowResult, WindowRow } from '../lib/results.js';
import { addCounts, checkTopTen, countWords, topTen } from '../lib/top-ten.js';
import { windowContestants, type WindowContestant } from '../lib/window-contestants.js';

/** Distinct panes; the stream cycles through them. */
const DISTINCT_PANES = 64;

/** Panes of about `paneKb` KB cut at line ends from one corpus. */
function makePanes(paneKb: number): Buffer[] {
  // Each pane ends at the first line end after its size: the slack covers a line per pane.
  const corpus = zipfCorpus((paneKb * 1000 + 256) * DISTINCT_PANES, 100_000, 7);
  const panes: Buffer[] = [];
  let from = 0;
  for (let i = 0; i < DISTINCT_PANES; i++) {
    const to = corpus.indexOf(10, from + paneKb * 1000) + 1 || corpus.length;
    panes.push(corpus.subarray(from, to));
    from = to;
  }
  return panes;
}

/** The top 10 of the window of `length` panes after `pushed` slides, recounted from the panes. */
function expectedTop10(paneCounts: Map<string, number>[], pushed: number, length: number): string {
  const total = new Map<string, number>();
  const times = new Array<number>(DISTINCT_PANES).fill(0);
  for (let i = Math.max(0, pushed - length); i < pushed; i++) times[i % DISTINCT_PANES]!++;
  times.forEach((t, i) => t > 0 && addCounts(total, paneCounts[i]!, t));
  return topTen(total);
}

/** Median and mean ms per slide of `run` at `length`, or a reason it was skipped. */
async function measure(
  c: WindowContestant,
  length: number,
  panes: Buffer[],
  paneCounts: Map<string, number>[],
  slides: number,
  budgetMs: number,
): Promise<{ p50: number; mean: number } | { skipped: string }> {
  const run = await c.open(length);
  let pushed = 0;
  const slide = async () => void (await run.slide(panes[pushed++ % DISTINCT_PANES]!));
  try {
    const start = performance.now();
    let last = 0;
    for (let i = 0; i < length + 2; i++) {
      const t = performance.now();
      await slide();
      last = performance.now() - t;
      if (performance.now() - start > budgetMs) return { skipped: `filling a window of ${length} took over ${budgetMs / 1000} s` };
    }
    const left = budgetMs - (performance.now() - start);
    const iterations = Math.max(3, Math.min(slides, Math.floor(left / Math.max(last, 0.01))));
    const bench = new Bench({ iterations, time: 0, warmupIterations: 0, warmupTime: 0 });
    bench.add(c.name, slide);
    await bench.run();
    const latency = (bench.tasks[0]!.result as { latency?: { p50: number; mean: number } }).latency;
    if (!latency) throw new Error(`${c.name}: no timing (${JSON.stringify(bench.tasks[0]!.result)})`);
    checkTopTen(c.name, `a window of ${length} panes`, await run.top10(), expectedTop10(paneCounts, pushed, length));
    return { p50: latency.p50, mean: latency.mean };
  } finally {
    await run.close();
  }
}

/** The window lengths of the target: per-slide cost at W/S=600 within 1.3x of W/S=10. */
const TARGET_LENGTHS = [10, 600] as const;

/**
 * The target pair side by side: both windows open at once, filled, then slid alternately with the
 * same panes; medians of each. Measured one after the other, the two lengths can land minutes
 * apart on a shared host whose speed drifts by tens of percent; alternating slides cancels that.
 */
async function sideBySide(c: WindowContestant, panes: Buffer[], paneCounts: Map<string, number>[], slides: number): Promise<SideBySide> {
  const [short, long] = TARGET_LENGTHS;
  const runs = [await c.open(short), await c.open(long)] as const;
  const ms: [number[], number[]] = [[], []];
  try {
    let pushed = 0;
    for (; pushed < long + 2; pushed++) {
      const pane = panes[pushed % DISTINCT_PANES]!;
      if (pushed >= long + 2 - short) await runs[0].slide(pane);
      await runs[1].slide(pane);
    }
    for (let i = 0; i < slides; i++, pushed++) {
      const pane = panes[pushed % DISTINCT_PANES]!;
      for (const [k, run] of runs.entries()) {
        const t = performance.now();
        await run.slide(pane);
        ms[k]!.push(performance.now() - t);
      }
    }
    for (const [k, length] of TARGET_LENGTHS.entries()) {
      checkTopTen(c.name, `a window of ${length} panes (side by side)`, await runs[k]!.top10(), expectedTop10(paneCounts, pushed, length));
    }
  } finally {
    for (const run of runs) await run.close();
  }
  return { short, long, slides, shortMs: median(ms[0]), longMs: median(ms[1]) };
}

async function main(): Promise<void> {
  const { paneKb, lengths, slides, budgetSeconds } = childConfig().window;
  progress(0, `generating ${DISTINCT_PANES} panes of ${paneKb} KB`);
  const panes = makePanes(paneKb);
  const paneCounts = panes.map((p) => countWords(p));
  const { list, close } = await windowContestants();
  const rows: WindowRow[] = [];
  for (const [ci, c] of list.entries()) {
    const row: WindowRow = { name: c.name, group: c.group, perSlideMs: [], meanMs: [] };
    for (const [li, length] of lengths.entries()) {
      progress((ci + li / lengths.length) / list.length, `${c.name}, W/S=${length}`);
      const m = row.note === undefined ? await measure(c, length, panes, paneCounts, slides, budgetSeconds * 1000) : undefined;
      if (m && 'skipped' in m) row.note = `W/S >= ${length} skipped: ${m.skipped}`;
      row.perSlideMs.push(m && 'p50' in m ? m.p50 : null);
      row.meanMs.push(m && 'mean' in m ? m.mean : null);
      if (m && 'p50' in m) log(`  ${c.name}, W/S=${length}: ${m.p50.toFixed(2)} ms/slide`);
    }
    rows.push(row);
  }
  const incremental = list.find((c) => /wasm, incremental/.test(c.name))!;
  progress(1, `${incremental.name}, W/S=${TARGET_LENGTHS.join(' and ')} side by side`);
  const pair = await sideBySide(incremental, panes, paneCounts, 2 * slides);
  log(`  side by side: W/S=${pair.short} ${pair.shortMs.toFixed(2)} ms, W/S=${pair.long} ${pair.longMs.toFixed(2)} ms per slide`);
  close();
  const result: WindowResult = { paneKb, slideMs: SLIDE_MS, lengths, slides, budgetSeconds, rows, sideBySide: pair };
  finish(result);
}

await main();
