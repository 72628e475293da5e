// Per-slide cost of a sliding word count at window/slide = 10 and 600: the incremental window
// (reduceByKeyAndWindow with sum/subtract: resident on the wasm core) against Spark's
// recomputation (reduceByKey, window, reduceByKey), on each core. Medians from the same run.
//
//   npm run bench:window        (BENCH_PANE_KB=256 per batch, BENCH_SLIDES=40 measured slides)
import { Bench } from 'tinybench';
import type { CoreName } from '../src/core/core.js';
import { zipfCorpus } from './corpus.js';
import { openFlintWindow } from './lib/flint.js';
import { machineLine } from './machine.js';

const PANE_KB = Number(process.env.BENCH_PANE_KB ?? 256);
const SLIDES = Number(process.env.BENCH_SLIDES ?? 40);
const DISTINCT_PANES = 64;

const panes = Array.from({ length: DISTINCT_PANES }, (_, i) => zipfCorpus(PANE_KB * 1000, 100_000, 1000 + i));

interface Run {
  advance(): Promise<void>;
  stop(): Promise<void>;
}

// A window whose stream gets the pane texts round robin, forever, filled before it is measured.
async function start(core: CoreName, windowSlides: number, inverse: boolean): Promise<Run> {
  const window = await openFlintWindow(core, 'local[2]', windowSlides, inverse);
  let next = 0;
  const advance = () => window.slide(panes[next++ % DISTINCT_PANES]!);
  for (let i = 0; i < windowSlides + 5; i++) await advance(); // fill the window first
  return { advance, stop: () => window.close() };
}

async function main(): Promise<void> {
  console.log(`sliding word count, ${PANE_KB} KB of Zipf text per batch, slide = 1 batch, ${SLIDES} slides measured`);
  console.log(machineLine());
  const cases: [CoreName, boolean, string][] = [
    ['wasm', true, 'wasm core, incremental (sum/subtract)'],
    ['js', true, 'js core, incremental (sum/subtract)'],
    ['wasm', false, 'wasm core, recompute (Spark without inverse)'],
  ];
  const results = new Map<string, Map<number, number>>();
  for (const [core, inverse, label] of cases) {
    const row = new Map<number, number>();
    for (const windowSlides of [10, 600]) {
      if (!inverse && windowSlides === 600 && core === 'js') continue;
      const run = await start(core, windowSlides, inverse);
      const bench = new Bench({ iterations: SLIDES, time: 0, warmupIterations: 3, warmupTime: 0 });
      bench.add(`${label} W/S=${windowSlides}`, run.advance);
      await bench.run();
      const p50 = (bench.tasks[0]!.result as { latency: { p50: number } }).latency.p50;
      row.set(windowSlides, p50);
      await run.stop();
      console.log(`  ${label}, W/S=${windowSlides}: ${p50.toFixed(2)} ms per slide (median)`);
    }
    results.set(label, row);
  }
  console.log('\n| path | W/S=10 ms/slide | W/S=600 ms/slide | 600 vs 10 |');
  console.log('|---|---:|---:|---:|');
  for (const [label, row] of results) {
    const a = row.get(10)!;
    const b = row.get(600)!;
    console.log(`| ${label} | ${a.toFixed(2)} | ${b.toFixed(2)} | ${(b / a).toFixed(2)}x |`);
  }
}

await main();
