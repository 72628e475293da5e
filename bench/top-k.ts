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

async function main(): Promise<void> {
  const mb = Number(process.env.BENCH_TOPK_MB ?? 40);
  const rounds = Number(process.env.BENCH_TOPK_ROUNDS ?? 11);
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
  console.log(`top 10 of ${counts.count()} distinct words (${mb} MB of Zipf text), ${rounds} rounds:`);
  for (const [name, f] of ways) {
    const generic: number[] = [];
    const selected: number[] = [];
    for (let r = 0; r < rounds; r++) {
      // The generic path: the same packed batch's pairs decoded and sorted, as Batch does for any batch.
      const [g, expected] = time(() => f(new Batch(fresh().partitions)));
      const [s, got] = time(() => f(fresh()));
      if (JSON.stringify(got) !== JSON.stringify(expected)) throw new Error(`${name}: the selection differs from the generic path`);
      generic.push(g);
      selected.push(s);
    }
    const ratios = generic.map((g, i) => g / selected[i]!);
    console.log(
      `  ${name}: generic ${median(generic).toFixed(1)} ms, on the packed values ${median(selected).toFixed(2)} ms, ` +
        `${median(ratios).toFixed(0)}x (median of per-round ratios)`,
    );
  }
}

await main();
