// Per-slide cost of a sliding word count at window/slide = 10 and 600: the incremental window
// (reduceByKeyAndWindow with sum/subtract: resident on the wasm core) against Spark's
// recomputation (reduceByKey, window, reduceByKey), on each core. Medians from the same run.
//
//   npm run bench:window        (BENCH_PANE_KB=256 per batch, BENCH_SLIDES=40 measured slides)
import { Bench } from 'tinybench';
import { TextBatch } from '../src/batch/text-batch.js';
import type { CoreName } from '../src/core/core.js';
import { ManualClock, pair, StreamingContext, subtract, sum, words } from '../src/index.js';
import { zipfCorpus } from './corpus.js';
import { machineLine } from './machine.js';

const PANE_KB = Number(process.env.BENCH_PANE_KB ?? 256);
const SLIDES = Number(process.env.BENCH_SLIDES ?? 40);
const DISTINCT_PANES = 64;
const BATCH = 1000;

const panes = Array.from({ length: DISTINCT_PANES }, (_, i) => zipfCorpus(PANE_KB * 1000, 100_000, 1000 + i));

interface Run {
  advance(): Promise<void>;
  stop(): Promise<void>;
}

// A context whose queue hands out the pane texts round robin, forever.
async function start(core: CoreName, windowSlides: number, inverse: boolean): Promise<Run> {
  const clock = new ManualClock(0);
  const ssc = new StreamingContext({ batchInterval: BATCH, master: 'local[2]', core, clock });
  ssc.checkpoint(`/tmp/flint-bench-window-${process.pid}`);
  let next = 0;
  const queue: TextBatch[] = [];
  const refill = () => {
    while (queue.length < 4) queue.push(TextBatch.fromBlocks([{ bytes: panes[next++ % DISTINCT_PANES]!, lines: 0 }], 2));
  };
  refill();
  const counts = ssc.queueStream<string>(queue).flatMap(words).map(pair(1));
  const W = windowSlides * BATCH;
  const windowed = inverse ? counts.reduceByKeyAndWindow(sum, subtract, W, BATCH) : counts.reduceByKeyAndWindow(sum, W, BATCH);
  windowed.foreachRDD((b) => void b.count());
  await ssc.start();
  const advance = async () => {
    refill();
    await clock.advance(BATCH);
  };
  for (let i = 0; i < windowSlides + 5; i++) await advance(); // fill the window first
  return { advance, stop: () => ssc.stop() };
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
