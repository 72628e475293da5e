// Per-batch word count (tokenize + reduceByKey) on a deterministic Zipf corpus: idiomatic JS,
// Flint's js core, Flint's wasm core on one worker and on local[2], and the C reference of the
// kernel's algorithm. Prints medians and ratios measured in the same run.
//
//   npm run bench:wordcount            (200 MB; BENCH_MB=50 for a quicker run)
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Bench } from 'tinybench';
import { JsCore } from '../src/core/js/js-core.js';
import { WasmCore } from '../src/core/wasm/wasm-core.js';
import { zipfCorpus } from './corpus.js';
import { flintCount, textBatch } from './lib/flint.js';
import { countWords as idiomaticJs, topTen } from './lib/top-ten.js';
import { collectGarbage, machineLine, median } from './machine.js';
import { buildReference, buildReferenceWasm, runReference, runReferenceWasm } from './reference/build.js';

const MB = Number(process.env.BENCH_MB ?? 200);
// The js core runs on the first JS_CORE_MB of the corpus (it used to build every token and pair
// as JS objects, gigabytes for 200 MB); its MB/s is comparable, its size is not.
const JS_CORE_MB = Math.min(MB, 20);
const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 5);
// Warm-up rounds: workers tier their kernels up and size their tables, as in a long stream.
const WARMUP_ROUNDS = 2;

async function main(): Promise<void> {
  console.log(`word count, ${MB} MB Zipf corpus (100k distinct words), medians of ${ITERATIONS} interleaved rounds`);
  console.log(machineLine());
  const corpus = zipfCorpus(MB * 1e6);
  const single = textBatch(corpus, 1);
  const jsSample = textBatch(corpus.subarray(0, corpus.indexOf(10, JS_CORE_MB * 1e6) + 1), 2);
  const double = textBatch(corpus, 2);
  const js = new JsCore();
  const wasm1 = new WasmCore(1);
  const wasm2 = new WasmCore(2);

  // Every contestant must find the same top 10.
  const expected = topTen(idiomaticJs(corpus));
  for (const [name, result] of [
    ['wasm 1', await flintCount(wasm1, single, 2)],
    ['wasm 2', await flintCount(wasm2, double, 2)],
  ] as const) {
    if (topTen(result.collect()) !== expected) throw new Error(`${name} disagrees on the top 10`);
  }

  const file = join(tmpdir(), `flint-corpus-${MB}.txt`);
  writeFileSync(file, corpus);
  const ref = buildReference(join(tmpdir(), 'flint-bench'));
  if (!ref.binary) console.log(ref.skipped);
  const refWasm = buildReferenceWasm(join(tmpdir(), 'flint-bench'));
  if (!refWasm.wasm) console.log(refWasm.skipped);

  // This machine's speed drifts by tens of percent within minutes (shared host), so contestants
  // run interleaved: each round runs every contestant once, and medians are taken over rounds.
  const contestants: [string, number, () => Promise<unknown> | unknown][] = [
    ['idiomatic JS (split + Map)', MB, () => idiomaticJs(corpus)],
    [`Flint js core (first ${JS_CORE_MB} MB)`, JS_CORE_MB, async () => (await flintCount(js, jsSample, 2)).count()],
    ['Flint wasm core, 1 worker', MB, async () => (await flintCount(wasm1, single, 2)).count()],
    ['Flint wasm core, local[2]', MB, async () => (await flintCount(wasm2, double, 2)).count()],
  ];
  const samples = new Map<string, number[]>(contestants.map(([name]) => [name, []]));
  const refName = 'C -O2 reference (same algorithm)';
  if (ref.binary) samples.set(refName, []);
  const refWasmName = 'C reference compiled to WASM (run by V8)';
  if (refWasm.wasm) samples.set(refWasmName, []);
  const rounds = WARMUP_ROUNDS + ITERATIONS;
  for (let round = 0; round < rounds; round++) {
    // One tinybench run per round, one iteration per contestant.
    const bench = new Bench({ iterations: 1, time: 0, warmup: false });
    // Each contestant starts on a collected heap: with two cores, V8 collecting the previous
    // contestant's garbage in the background would take a core from the next one.
    for (const [name, , fn] of contestants) bench.add(name, fn, { beforeEach: collectGarbage });
    await bench.run();
    if (round < WARMUP_ROUNDS) continue;
    for (const [name, mb] of contestants) {
      const task = bench.getTask(name)!;
      samples.get(name)!.push(mb / ((task.result as { latency: { mean: number } }).latency.mean / 1000));
    }
    if (ref.binary) samples.get(refName)!.push(runReference(ref.binary, file, 1, 2).mbPerS);
    if (refWasm.wasm) samples.get(refWasmName)!.push(runReferenceWasm(refWasm.wasm, file, 1, 2).mbPerS); // crashes are retried inside
    process.stderr.write(`\rround ${round + 1 - WARMUP_ROUNDS}/${ITERATIONS}`);
  }
  process.stderr.write('\n');
  const rows = new Map<string, number>([...samples].map(([name, xs]) => [name, median(xs)]));

  const wasm = rows.get('Flint wasm core, 1 worker')!;
  console.log('\n| contestant | MB/s (median) | words/s | vs wasm 1 worker |');
  console.log('|---|---:|---:|---:|');
  const wordsPerMb = countWords(corpus) / MB;
  for (const [name, mbps] of rows) {
    console.log(`| ${name} | ${mbps.toFixed(0)} | ${(mbps * wordsPerMb / 1e6).toFixed(1)} M | ${(mbps / wasm).toFixed(2)}x |`);
  }
  const ratio = (a: string, b: string) => (rows.get(a)! / rows.get(b)!).toFixed(2);
  console.log(`\nwasm 1 worker / idiomatic JS: ${ratio('Flint wasm core, 1 worker', 'idiomatic JS (split + Map)')}x (target >= 10)`);
  if (rows.has('C -O2 reference (same algorithm)')) {
    console.log(`wasm 1 worker / C -O2: ${ratio('Flint wasm core, 1 worker', 'C -O2 reference (same algorithm)')}x (target >= 1.0)`);
    if (rows.has(refWasmName)) console.log(`  for scale, the C reference as WASM / native: ${ratio(refWasmName, 'C -O2 reference (same algorithm)')}x`);
  }
  const perRound = (a: string, b: string) => median(samples.get(a)!.map((x, i) => x / samples.get(b)![i]!)).toFixed(2);
  console.log(`js core / idiomatic JS: ${perRound(`Flint js core (first ${JS_CORE_MB} MB)`, 'idiomatic JS (split + Map)')}x, median of per-round ratios (target >= 1.5)`);
  console.log(`wasm local[2] / wasm 1 worker: ${ratio('Flint wasm core, local[2]', 'Flint wasm core, 1 worker')}x (target >= 1.7)`);
  await Promise.all([wasm1.close(), wasm2.close(), js.close()]);
}

function countWords(corpus: Buffer): number {
  let n = 0;
  let inWord = false;
  for (let i = 0; i < corpus.length; i++) {
    const sep = corpus[i]! <= 0x20;
    if (!sep && !inWord) n++;
    inWord = !sep;
  }
  return n;
}

await main();
