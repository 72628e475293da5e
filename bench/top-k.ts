// `npm run bench:top-k`: a top 10 of word counts on a batch the wasm kernels hold (about 100k
// distinct words, the hashtag pattern of Spark's guide): `sortBy(([w, n]) => [-n, w]).take(10)`
// and `top(10, byValue)`, selecting from the packed value column, against the generic path (the
// same pairs as a plain Batch: every key decoded, everything sorted). Medians of
// BENCH_TOPK_ROUNDS rounds, each timing both on a fresh PackedBatch of the same buffer (decoded
// keys are cached per batch, so a batch is never reused between timings).
import { Batch } from '../src/batch/batch.js';
import { WasmCore } from '../src/core/wasm/wasm-core.js';
import { PackedBatch } from '../src/core/wasm/packed-tables.js';
import { byValue } from '../src/index.js';
import { zipfCorpus } from './corpus.js';
import { flintCount, textBatch } from './lib/flint.js';
import { fileURLToPath } from 'node:url';

type Pair = [string, number];

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

function time<T>(f: () => T): [number, T] {
  const t = performance.now();
  const out = f();
  return [performance.now() - t, out];
}

/** One way of taking the top 10: the generic path's and the packed selection's medians. */
export interface TopKWay {
  way: string;
  genericMs: number;
  packedMs: number;
  /** Median of per-round ratios generic / packed. */
  ratio: number;
}

/** The top 10 of a `mb` MB Zipf word count, `rounds` rounds of each way. */
export interface TopKResult {
  mb: number;
  distinct: number;
  rounds: number;
  rows: TopKWay[];
}

/** Counts `mb` MB on the wasm core and times each way of taking its top 10, generic and on the packed values. */
export async function topK(mb: number, rounds: number): Promise<TopKResult> {
  const core = new WasmCore(2);
  const counts = await flintCount(core, textBatch(zipfCorpus(mb * 1e6), 2), 2);
  await core.close();
  if (!(counts instanceof PackedBatch)) throw new Error('the wasm core did not return a packed batch');
  const packed = counts.packed;
  const fresh = (): PackedBatch => new PackedBatch(packed);
  const ways: [string, (b: Batch<Pair>) => Pair[]][] = [
    ['sortBy(([w, n]) => [-n, w]).take(10)', (b) => b.sortBy(([w, n]) => [-n, w]).take(10)],
    ['top(10, byValue)', (b) => b.top(10, byValue)],
  ];
  const rows = ways.map(([way, f]): TopKWay => {
    const generic: number[] = [];
    const selected: number[] = [];
    for (let r = 0; r < rounds; r++) {
      // The generic path: the same packed batch's pairs decoded and sorted, as Batch does for any batch.
      const [g, expected] = time(() => f(new Batch(fresh().partitions)));
      const [s, got] = time(() => f(fresh()));
      if (JSON.stringify(got) !== JSON.stringify(expected)) throw new Error(`${way}: the selection differs from the generic path`);
      generic.push(g);
      selected.push(s);
    }
    return { way, genericMs: median(generic), packedMs: median(selected), ratio: median(generic.map((g, i) => g / selected[i]!)) };
  });
  return { mb, distinct: counts.count(), rounds, rows };
}

async function main(): Promise<void> {
  const mb = Number(process.env.BENCH_TOPK_MB ?? 40);
  const rounds = Number(process.env.BENCH_TOPK_ROUNDS ?? 11);
  const r = await topK(mb, rounds);
  console.log(`top 10 of ${r.distinct} distinct words (${mb} MB of Zipf text), ${rounds} rounds:`);
  for (const w of r.rows) {
    console.log(
      `  ${w.way}: generic ${w.genericMs.toFixed(1)} ms, on the packed values ${w.packedMs.toFixed(2)} ms, ` +
        `${w.ratio.toFixed(0)}x (median of per-round ratios)`,
    );
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
