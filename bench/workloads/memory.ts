// Workload 4, peak memory: a sliding word count whose window holds `keys` distinct keys (10 panes
// of keys/10 distinct words each, every key in one pane, repeated 1 to 3 times), run by each
// window contestant in a fresh process (`memory.js <index>`), which reports its peak RSS. The
// window is filled, slid 3 more times (every slide subtracts a pane and adds its keys back), and
// its top 10 checked. Then the soak run (soak.js) measures RSS over a long streaming run.
import { vocabulary } from '../corpus.js';
import { childConfig, finish, progress, runChild } from '../lib/child.js';
import { benchScript } from '../lib/paths.js';
import type { HeldMemory, MemoryResult, MemoryRow, SoakResult } from '../lib/results.js';
import { percentile } from '../lib/stats.js';
import { addCounts, checkTopTen, countWords, topTen } from '../lib/top-ten.js';
import { windowContestants } from '../lib/window-contestants.js';

const WINDOW_PANES = 10;
const EXTRA_SLIDES = 3;
/** Too slow or too large at a million keys, so not run here. */
const NOT_RUN: Record<string, string> = {
  'Flint js, recompute (reduce, window, reduce)': 'recomputes the whole window in JS maps every slide',
  'RxJS, typical (windowTime + groupBy)': 'one groupBy subject per key in each of the 10 open windows',
};

/** Pane `i` of `keys / WINDOW_PANES` distinct words, word k repeated 1 + k % 3 times, 12 to a line. */
function makePane(words: string[], i: number): Buffer {
  const per = words.length / WINDOW_PANES;
  const tokens: string[] = [];
  for (let k = i * per; k < (i + 1) * per; k++) for (let r = 0; r <= k % 3; r++) tokens.push(words[k]!);
  const lines: string[] = [];
  for (let t = 0; t < tokens.length; t += 12) lines.push(tokens.slice(t, t + 12).join(' '));
  return Buffer.from(lines.join('\n') + '\n');
}

/** In a child: runs contestant `index` and reports its RSS. */
async function measureOne(index: number): Promise<MemoryRow> {
  const { keys } = childConfig().memory;
  const words = vocabulary(keys);
  const panes = Array.from({ length: WINDOW_PANES }, (_, i) => makePane(words, i));
  const { list, close } = await windowContestants();
  const c = list[index]!;
  const run = await c.open(WINDOW_PANES);
  const baselineMb = process.memoryUsage.rss() / 2 ** 20;
  const times: number[] = [];
  for (let s = 0; s < WINDOW_PANES + EXTRA_SLIDES; s++) {
    const t = performance.now();
    await run.slide(panes[s % WINDOW_PANES]!);
    if (s >= WINDOW_PANES) times.push(performance.now() - t);
  }
  const held = process.memoryUsage();
  const atLastSlide: HeldMemory = {
    rssMb: held.rss / 2 ** 20,
    heapUsedMb: held.heapUsed / 2 ** 20,
    arrayBuffersMb: held.arrayBuffers / 2 ** 20,
    otherExternalMb: (held.external - held.arrayBuffers) / 2 ** 20,
  };
  const expected = topTen(panes.reduce((all, p) => addCounts(all, countWords(p)), new Map<string, number>()));
  checkTopTen(c.name, `a window of ${keys} distinct keys`, await run.top10(), expected);
  await run.close();
  close();
  return { name: c.name, group: c.group, baselineMb, peakMb: process.resourceUsage().maxRSS / 1024, slideMs: percentile(times, 50), atLastSlide };
}

async function main(): Promise<void> {
  if (process.argv[2] !== undefined) return finish(await measureOne(Number(process.argv[2])));
  const config = childConfig();
  const names = (await windowContestants().then((c) => (c.close(), c.list))).map((c) => c.name);
  const rows: MemoryRow[] = [];
  // The soak run gets as long as all peak measurements together, roughly, on the progress bar.
  const share = (done: number) => (done * 40) / (40 + config.memory.soakSeconds);
  for (const [i, name] of names.entries()) {
    if (NOT_RUN[name]) continue;
    progress(share(i / names.length), `${name}: a window of ${config.memory.keys} keys`);
    rows.push(await runChild<MemoryRow>(benchScript('workloads/memory.js'), { config, args: [String(i)], heapMb: 12288 }));
  }
  const soak = await runChild<SoakResult>(benchScript('workloads/soak.js'), {
    config,
    onProgress: (f, label) => progress(f === null ? null : share(1) + (1 - share(1)) * f, `soak: ${label}`),
  });
  const paneMb = makePane(vocabulary(config.memory.keys), 0).length / 1e6;
  const result: MemoryResult = {
    keys: config.memory.keys,
    windowPanes: WINDOW_PANES,
    paneMb,
    rows,
    notRun: Object.entries(NOT_RUN).map(([name, why]) => `${name}: ${why}`),
    soak,
  };
  finish(result);
}

await main();
