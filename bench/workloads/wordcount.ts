// Workload 1: word count of one batch (tokenize + reduceByKey) of a Zipf corpus (100k distinct
// words) by every contestant: idiomatic JS, Flint's js core, Flint's wasm core on 1 worker (also
// with the program in Spark's spellings) and on local[*], RxJS two ways, DuckDB, the C reference and a raw byte scan. Medians of MB/s and words/s.
// Every contestant's top 10 is checked against idiomatic JS on the same bytes before timing;
// rounds interleave the contestants in an order that rotates every round.
import { writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Bench } from 'tinybench';
import { JsCore } from '../../src/core/js/js-core.js';
import { WasmCore } from '../../src/core/wasm/wasm-core.js';
import { zipfCorpus } from '../corpus.js';
import { childConfig, finish, log, progress } from '../lib/child.js';
import { flintCount, flintSparkCount, textBatch } from '../lib/flint.js';
import { loadRxjs, openDuckDb } from '../lib/peers.js';
import type { Group, WordCountResult, WordCountRow } from '../lib/results.js';
import { checkTopTen, countWords, topTen } from '../lib/top-ten.js';
import { collectGarbage, median } from '../machine.js';
import { otherThreadsCpuMs } from '../lib/thread-cpu.js';
import { buildReference, buildReferenceWasm, runByteScan, runReference, runReferencePair, runReferenceWasm } from '../reference/build.js';

/** A contestant timed in process: `run` is timed; `top10` is checked before any timing. */
interface Contestant {
  name: string;
  group: Group;
  input: Buffer;
  run(): unknown;
  top10(): Promise<string> | string;
}

const DISTINCT = 100_000;

/** One timed run of a contestant or of a reference, as MB/s. */
interface Step {
  name: string;
  sample(): Promise<number>;
}

/** Pause before each in-process run, ms: lets V8 finish sweeping the heap `collectGarbage` left. */
const SETTLE_MS = 100;

/** Per round, a worker-pool contestant's wall time and the CPU time of its process's other threads. */
type ThreadTimes = Map<string, { wallMs: number[]; workerCpuMs: number[] }>;

/** `c` as a step: one run timed by tinybench on a collected, settled heap; with `threads`, its threads' CPU is recorded too. */
function timed(c: Contestant, threads?: ThreadTimes): Step {
  return {
    name: c.name,
    async sample() {
      collectGarbage();
      await sleep(SETTLE_MS);
      const bench = new Bench({ iterations: 1, time: 0, warmup: false });
      bench.add(c.name, async () => void (await c.run()));
      const [cpu0, t0] = [otherThreadsCpuMs(), performance.now()];
      await bench.run();
      const [cpu1, wall] = [otherThreadsCpuMs(), performance.now() - t0];
      if (threads && cpu0 !== undefined && cpu1 !== undefined) {
        const entry = threads.get(c.name) ?? threads.set(c.name, { wallMs: [], workerCpuMs: [] }).get(c.name)!;
        entry.wallMs.push(wall);
        entry.workerCpuMs.push(cpu1 - cpu0);
      }
      const mean = (bench.getTask(c.name)!.result as { latency?: { mean: number } }).latency?.mean;
      if (mean === undefined) throw new Error(`${c.name}: no timing (${JSON.stringify(bench.getTask(c.name)!.result)})`);
      return c.input.length / 1e6 / (mean / 1000);
    },
  };
}

/** `xs` started at index `k` (mod its length) and wrapped around. */
function rotated<T>(xs: T[], k: number): T[] {
  const at = k % xs.length;
  return [...xs.slice(at), ...xs.slice(0, at)];
}

/** The first `mb` MB of `corpus`, cut at a line end. */
function prefix(corpus: Buffer, mb: number): Buffer {
  if (mb * 1e6 >= corpus.length) return corpus;
  return corpus.subarray(0, corpus.indexOf(10, mb * 1e6) + 1);
}

async function main(): Promise<void> {
  const config = childConfig();
  const { mb, iterations, warmupRounds } = config.wordcount;
  progress(0, `generating a ${mb} MB corpus`);
  const corpus = zipfCorpus(mb * 1e6, DISTINCT);
  const file = join(tmpdir(), `flint-bench-corpus-${mb}.txt`);
  writeFileSync(file, corpus);
  const jsSample = prefix(corpus, config.wordcount.jsCoreMb);
  const slowSample = prefix(corpus, config.wordcount.slowMb);
  const expected = new Map<Buffer, string>();
  const expectedTop = (input: Buffer) => expected.get(input) ?? expected.set(input, topTen(countWords(input))).get(input)!;
  const fullCounts = countWords(corpus);
  expected.set(corpus, topTen(fullCounts));
  let words = 0;
  for (const n of fullCounts.values()) words += n;

  const n = availableParallelism();
  const js = new JsCore();
  const wasm1 = new WasmCore(1);
  const wasmN = new WasmCore(n);
  const rx = await loadRxjs();
  const duck = await openDuckDb();
  const single = textBatch(corpus, 1);
  const multi = textBatch(corpus, n);
  const jsBatch = textBatch(jsSample, 2);
  const flint = (core: JsCore | WasmCore, batch: ReturnType<typeof textBatch>, partitions: number, count = flintCount) => ({
    run: async () => (await count(core, batch, partitions)).count(),
    top10: async () => topTen((await count(core, batch, partitions)).collect()),
  });
  const wasm1Name = 'Flint wasm core, 1 worker';
  const wasmNName = `Flint wasm core, local[*] (${n} workers)`;
  const contestants: Contestant[] = [
    { name: 'idiomatic JS (split + Map)', group: 'baseline', input: corpus, run: () => countWords(corpus), top10: () => expectedTop(corpus) },
    { name: 'Flint js core', group: 'flint', input: jsSample, ...flint(js, jsBatch, 2) },
    { name: wasm1Name, group: 'flint', input: corpus, ...flint(wasm1, single, 2) },
    { name: "Flint wasm core, Spark's spellings (1 worker)", group: 'flint', input: corpus, ...flint(wasm1, single, 2, flintSparkCount) },
    { name: wasmNName, group: 'flint', input: corpus, ...flint(wasmN, multi, n) },
    { name: 'RxJS, typical (groupBy per word)', group: 'peer', input: slowSample, run: () => rx.typicalWordCount(slowSample), top10: () => topTen(rx.typicalWordCount(slowSample)) },
    { name: 'RxJS, lines batched into a Map', group: 'peer', input: corpus, run: () => rx.batchedWordCount(corpus), top10: () => topTen(rx.batchedWordCount(corpus)) },
    {
      name: `DuckDB, SQL over the file (${duck.threads} threads)`,
      group: 'peer',
      input: corpus,
      run: () => duck.wordCountTop10(file),
      top10: async () => topTen(await duck.wordCountTop10(file)),
    },
  ];

  const rows: WordCountRow[] = [];
  const row = (c: { name: string; group: Group }, inputMb: number, mbPerS: number): WordCountRow => ({
    name: c.name,
    group: c.group,
    mb: inputMb,
    mbPerS,
    wordsPerS: (mbPerS * words) / (corpus.length / 1e6),
  });
  for (const [i, c] of contestants.entries()) {
    const inputMb = c.input.length / 1e6;
    progress((0.2 * i) / contestants.length, `checking the top 10 of ${c.name} (${inputMb.toFixed(0)} MB)`);
    checkTopTen(c.name, `the first ${inputMb.toFixed(1)} MB of the corpus`, await c.top10(), expectedTop(c.input));
  }
  const skipped: string[] = [];
  const ref = buildReference(join(tmpdir(), 'flint-bench'));
  const refName = 'C -O2 reference (same algorithm, 1 thread)';
  if (ref.binary) checkTopTen(refName, 'the corpus', runReference(ref.binary, file, 1, 2).top10, expected.get(corpus)!);
  else skipped.push(ref.skipped!);
  const scanName = 'raw byte scan (C, SSE2, memory-speed ceiling)';
  // Two references at once, next to one alone: the speed-up this host gives two busy threads.
  const pairName = 'two C references at once, one process each (this host with 2 busy threads)';
  // The same C compiled to WebAssembly and run by V8: what V8's code generation alone costs the
  // algorithm, next to Flint's kernel.
  const refWasm = buildReferenceWasm(join(tmpdir(), 'flint-bench'));
  const refWasmName = 'C reference compiled to WASM (clang -O2, run by V8)';
  let refWasmCrashes = 0;
  const runRefWasm = () => {
    const r = runReferenceWasm(refWasm.wasm!, file, 1, 2);
    refWasmCrashes += r.crashes;
    if (r.keys !== fullCounts.size) throw new Error(`${refWasmName} counted ${r.keys} distinct words, not ${fullCounts.size}`);
    return r;
  };
  if (refWasm.wasm) checkTopTen(refWasmName, 'the corpus', runRefWasm().top10, expected.get(corpus)!);
  else skipped.push(refWasm.skipped!);

  // This machine's speed drifts by tens of percent within minutes (shared host), so contestants
  // run interleaved: each round runs every contestant once and medians are taken over rounds. The
  // order rotates by one place per round, so every contestant runs in every position (and after
  // every other) equally often: a contestant that leaves garbage, or that follows the C child
  // process, weighs on all of them alike. Each in-process run starts on a collected heap after a
  // short pause, so V8's background sweeping of the previous contestant's heap does not take the
  // core the next one runs on. The contestants the targets compare (the C reference, 1 worker,
  // local[*]) run back to back as one block whose order reverses every round, so each target ratio
  // comes from runs seconds apart, not up to a minute apart, with either one first equally often.
  // The first rounds warm up: kernels tier up, tables size themselves.
  const threadTimes: ThreadTimes = new Map();
  const steps: Step[] = contestants.map((c) => timed(c, c.name === wasm1Name || c.name === wasmNName ? threadTimes : undefined));
  if (ref.binary) {
    steps.push({ name: refName, sample: async () => runReference(ref.binary!, file, 1, 2).mbPerS });
    steps.push({ name: scanName, sample: async () => runByteScan(ref.binary!, file, 1).mbPerS });
    steps.push({ name: pairName, sample: async () => (await runReferencePair(ref.binary!, file, 1, 2)).mbPerS });
  }
  if (refWasm.wasm) steps.push({ name: refWasmName, sample: async () => runRefWasm().mbPerS });
  const samples = new Map<string, number[]>(steps.map((s) => [s.name, []]));
  const paired = [refName, pairName, wasm1Name, wasmNName];
  const block = paired.flatMap((name) => steps.filter((s) => s.name === name));
  const units = [block, ...steps.filter((s) => !paired.includes(s.name)).map((s) => [s])];
  const rounds = warmupRounds + iterations;
  for (let round = 0; round < rounds; round++) {
    progress(0.2 + (0.8 * round) / rounds, `round ${round + 1} of ${rounds}${round < warmupRounds ? ' (warm-up)' : ''}`);
    for (const step of rotated(units, round).flatMap((unit) => (round % 2 === 0 ? unit : [...unit].reverse()))) {
      const mbPerS = await step.sample();
      if (round >= warmupRounds) samples.get(step.name)!.push(mbPerS);
    }
  }
  const limits = [refName, pairName, refWasmName, scanName].map((name) => ({ name, group: 'limit' as const, input: corpus }));
  for (const c of [...contestants, ...limits]) {
    const xs = samples.get(c.name) ?? [];
    if (xs.length > 0) rows.push(row(c, c.input.length / 1e6, median(xs)));
  }
  for (const r of rows) log(`  ${r.name}: ${r.mbPerS.toFixed(1)} MB/s`);
  if (refWasmCrashes > 0) log(`  (${refWasmName}: Node's WASI crashed ${refWasmCrashes} child processes; only complete results were used)`);
  await Promise.all([wasm1.close(), wasmN.close(), js.close()]);
  duck.close();
  const perRound = Object.fromEntries([...samples].filter(([, xs]) => xs.length > 0));
  const threads: NonNullable<WordCountResult['threads']> = {};
  for (const [name, { wallMs, workerCpuMs }] of threadTimes) {
    const workers = name === wasmNName ? n : 1;
    const measured = (xs: number[]) => xs.slice(warmupRounds);
    const [walls, cpus] = [measured(wallMs), measured(workerCpuMs)];
    if (walls.length === 0) continue;
    threads[name] = {
      workers,
      busyShare: median(walls.map((w, i) => cpus[i]! / (w * workers))),
      workerCpuMsPerMb: median(cpus.map((c) => c / (corpus.length / 1e6))),
    };
  }
  const result: WordCountResult = { mb, distinct: DISTINCT, words, iterations, top10: expected.get(corpus)!, rows, skipped, rounds: perRound, threads };
  finish(result);
}

await main();
