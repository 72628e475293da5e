// Benchmark: the per-slide cost of reduceByKeyAndWindow(max) without an inverse at window/slide
// = 10 and 600, with the wasm core's two-stacks window against recomputing every window (Spark's
// reduceByKey, window, reduceByKey, which Flint's js core runs, and the same recomputation in
// kernels). Run with `npm run bench:minmax`.
import os from 'node:os';
import { Bench } from 'tinybench';
import { Batch, unionBatches } from '../src/batch/batch.js';
import { reduceByKeyPartitions } from '../src/batch/shuffle.js';
import { KIND, Kernels, OP, separatorTable } from '../src/core/wasm/kernel-instance.js';
import { PackedBatch } from '../src/core/wasm/packed-tables.js';
import { KernelSlidingWindow } from '../src/core/wasm/sliding-window.js';
import { max } from '../src/functions/building-blocks.js';
import { zipfCorpus } from './corpus.js';

/** Text per pane (one slide of input) and the Zipf vocabulary it is drawn from. */
const PANE_BYTES = 8 << 10;
const VOCABULARY = 10_000;
/** Distinct panes generated; the stream cycles through them (each slide gets a new pane object). */
const DISTINCT_PANES = 64;
const PARTITIONS = 2;
const LENGTHS = [10, 600] as const;

/** Per-batch reductions with max, as the wasm core produces them: packed buffers. */
function makePanes(kernels: Kernels): ArrayBuffer[] {
  const corpus = zipfCorpus(PANE_BYTES * DISTINCT_PANES, VOCABULARY, 7);
  const seps = separatorTable(' ');
  const panes: ArrayBuffer[] = [];
  let from = 0;
  for (let i = 0; i < DISTINCT_PANES; i++) {
    const to = corpus.indexOf(10, from + PANE_BYTES) + 1 || corpus.length;
    const c = kernels.combiner(PARTITIONS, KIND.f64, 'bench-pane');
    kernels.addTokens(c, corpus.subarray(from, to), seps, (i * 37) % 101, KIND.f64, OP.max);
    panes.push(kernels.pack(c));
    from = to;
  }
  return panes;
}

/** A window of `length` panes moving one pane per slide, handing each window to `compute`. */
class Slider {
  private readonly window: PackedBatch[] = [];
  private next = 0;

  constructor(
    private readonly panes: readonly ArrayBuffer[],
    private readonly length: number,
    private readonly compute: (window: readonly Batch<unknown>[]) => unknown,
    /** Frees what the method keeps between slides. */
    readonly close: () => void = () => undefined,
  ) {
    while (this.window.length < length) this.enter();
    compute(this.window);
  }

  slide(): unknown {
    this.enter();
    this.window.shift();
    return this.compute(this.window);
  }

  private enter(): void {
    this.window.push(new PackedBatch(this.panes[this.next++ % this.panes.length]!));
    if (this.window.length > this.length + 1) throw new Error('window overflow');
  }
}

async function main(): Promise<void> {
  const kernels = new Kernels();
  const panes = makePanes(kernels);
  const methods = {
    'two-stacks (wasm)': (length: number) => {
      const state = new KernelSlidingWindow(kernels, 'max', PARTITIONS);
      return new Slider(panes, length, (w) => state.slide(w), () => state.close());
    },
    // What the js core's reduceByKey runs on the window's union, synchronously.
    'Spark recomputation (js)': (length: number) =>
      new Slider(panes, length, (w) => {
        const union = unionBatches(w as Batch<[string, number]>[]);
        return new Batch(reduceByKeyPartitions(union.partitions, max, PARTITIONS), PARTITIONS);
      }),
    'recomputation in kernels': (length: number) =>
      new Slider(panes, length, (w) => {
        const c = kernels.combiner(PARTITIONS, KIND.f64, 'bench-recompute');
        for (const pane of w) kernels.mergePacked(c, (pane as PackedBatch).packed, OP.max);
        return new PackedBatch(kernels.pack(c));
      }),
  };

  const bench = new Bench({ time: 1500, iterations: 20, warmupIterations: 5 });
  for (const [method, make] of Object.entries(methods)) {
    for (const length of LENGTHS) {
      let slider: Slider | undefined;
      bench.add(`${method}, W/S=${length}`, () => slider!.slide(), {
        beforeAll: () => void (slider = make(length)),
        afterAll: () => slider!.close(),
      });
    }
  }
  await bench.run();

  const stats = new Map<string, { p50: number; mean: number; runs: number }>();
  for (const task of bench.tasks) {
    const r = task.result;
    if (r.state !== 'completed') throw new Error(`${task.name}: ${r.state}`, { cause: r.state === 'errored' ? r.error : undefined });
    stats.set(task.name, { p50: r.latency.p50, mean: r.latency.mean, runs: task.runs });
  }
  const cpu = os.cpus();
  console.log(`reduceByKeyAndWindow(max), one pane per slide, ${PARTITIONS} partitions, panes of ${PANE_BYTES >> 10} KB of Zipf words (${VOCABULARY} distinct)`);
  console.log(`machine: ${cpu[0]?.model ?? 'unknown CPU'} x${cpu.length}, Node ${process.version}, ${os.platform()}`);
  console.table(
    [...stats].map(([name, s]) => ({ task: name, 'median ms/slide': s.p50.toFixed(3), 'mean ms/slide': s.mean.toFixed(3), slides: s.runs })),
  );
  const p50 = (method: string, length: number): number => stats.get(`${method}, W/S=${length}`)!.p50;
  const [short, long] = LENGTHS;
  const ratio = (a: number, b: number): string => (a / b).toFixed(2);
  for (const method of Object.keys(methods)) {
    console.log(`${method}: median per slide at W/S=${long} / W/S=${short} = ${ratio(p50(method, long), p50(method, short))}`);
  }
  for (const length of LENGTHS) {
    console.log(
      `W/S=${length}: Spark recomputation / two-stacks = ${ratio(p50('Spark recomputation (js)', length), p50('two-stacks (wasm)', length))}, ` +
        `kernel recomputation / two-stacks = ${ratio(p50('recomputation in kernels', length), p50('two-stacks (wasm)', length))}`,
    );
  }
  console.log('(two-stacks results stay packed and are decoded only at output)');
  // A flip every W/S slides costs about W/S merges of window-sized tables: the median misses it,
  // so measure whole cycles of W/S slides, after one cycle that grows the memory.
  for (const length of LENGTHS) {
    const slider = methods['two-stacks (wasm)'](length);
    const { amortized, worst, keys } = cycles(slider, length);
    slider.close();
    console.log(
      `two-stacks (wasm), W/S=${length}: amortized ${amortized.toFixed(3)} ms/slide over 2 full cycles, ` +
        `slowest slide (a flip) ${worst.toFixed(1)} ms, ${keys} keys in the window`,
    );
  }
}

/** Mean and worst slide time over two cycles of `length` slides, after a warm-up cycle. */
function cycles(slider: Slider, length: number): { amortized: number; worst: number; keys: number } {
  for (let i = 0; i < length; i++) slider.slide();
  let worst = 0;
  let last: unknown;
  const start = performance.now();
  for (let i = 0; i < 2 * length; i++) {
    const t = performance.now();
    last = slider.slide();
    worst = Math.max(worst, performance.now() - t);
  }
  return { amortized: (performance.now() - start) / (2 * length), worst, keys: (last as Batch<unknown>).count() };
}

await main();
