// Workload 1: word count of one batch (tokenize + reduceByKey) of a Zipf corpus (100k distinct
// words) by every contestant: idiomatic JS, Flint's js core, Flint's wasm core on 1 worker and on
// local[*], RxJS two ways, DuckDB, the C reference and a raw byte scan. Medians of MB/s and words/s.
// Every contestant's top 10 is checked against idiomatic JS on the same bytes before timing.
import { writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Bench } from 'tinybench';
import { JsCore } from '../../src/core/js/js-core.js';
import { WasmCore } from '../../src/core/wasm/wasm-core.js';
import { zipfCorpus } from '../corpus.js';
import { childConfig, finish, log, progress } from '../lib/child.js';
import { flintCount, textBatch } from '../lib/flint.js';
import { loadRxjs, openDuckDb } from '../lib/peers.js';
import { checkTopTen, countWords, topTen } from '../lib/top-ten.js';
import type { Group, WordCountResult, WordCountRow } from '../lib/results.js';
import { buildReference, runByteScan, runReference } from '../reference/build.js';

/** A contestant timed in process: `run` is timed; `top10` is checked first. */
interface Contestant {
  name: string;
  group: Group;
  input: Buffer;
  run(): unknown;
  top10(): Promise<string> | string;
  warmups: number;
}

const DISTINCT = 100_000;

/** The first `mb` MB of `corpus`, cut at a line end. */
function prefix(corpus: Buffer, mb: number): Buffer {
  if (mb * 1e6 >= corpus.length) return corpus;
  return corpus.subarray(0, corpus.indexOf(10, mb * 1e6) + 1);
}

async function main(): Promise<void> {
  const config = childConfig();
  const { mb, iterations } = config.wordcount;
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
  const flint = (core: JsCore | WasmCore, batch: ReturnType<typeof textBatch>, partitions: number) => ({
    run: async () => (await flintCount(core, batch, partitions)).count(),
    top10: async () => topTen((await flintCount(core, batch, partitions)).collect()),
    warmups: 3, // workers tier their kernels up and size their tables, as in a long stream
  });
  const contestants: Contestant[] = [
    { name: 'idiomatic JS (split + Map)', group: 'baseline', input: corpus, run: () => countWords(corpus), top10: () => expectedTop(corpus), warmups: 1 },
    { name: 'Flint js core', group: 'flint', input: jsSample, ...flint(js, jsBatch, 2) },
    { name: 'Flint wasm core, 1 worker', group: 'flint', input: corpus, ...flint(wasm1, single, 2) },
    { name: `Flint wasm core, local[*] (${n} workers)`, group: 'flint', input: corpus, ...flint(wasmN, multi, n) },
    { name: 'RxJS, typical (groupBy per word)', group: 'peer', input: slowSample, run: () => rx.typicalWordCount(slowSample), top10: () => topTen(rx.typicalWordCount(slowSample)), warmups: 1 },
    { name: 'RxJS, lines batched into a Map', group: 'peer', input: corpus, run: () => rx.batchedWordCount(corpus), top10: () => topTen(rx.batchedWordCount(corpus)), warmups: 1 },
    {
      name: `DuckDB, SQL over the file (${duck.threads} threads)`,
      group: 'peer',
      input: corpus,
      run: () => duck.wordCountTop10(file),
      top10: async () => topTen(await duck.wordCountTop10(file)),
      warmups: 1,
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
  const steps = contestants.length + 1;
  for (const [i, c] of contestants.entries()) {
    const inputMb = c.input.length / 1e6;
    progress((i + 1) / (steps + 1), `${c.name} (${inputMb.toFixed(0)} MB)`);
    checkTopTen(c.name, `the first ${inputMb.toFixed(1)} MB of the corpus`, await c.top10(), expectedTop(c.input));
    const bench = new Bench({ iterations, time: 0, warmupIterations: c.warmups, warmupTime: 0 });
    bench.add(c.name, async () => void (await c.run()));
    await bench.run();
    const p50 = (bench.tasks[0]!.result as { latency?: { p50: number } }).latency?.p50;
    if (p50 === undefined) throw new Error(`${c.name}: no timing (${JSON.stringify(bench.tasks[0]!.result)})`);
    rows.push(row(c, inputMb, inputMb / (p50 / 1000)));
    log(`  ${c.name}: ${rows.at(-1)!.mbPerS.toFixed(1)} MB/s`);
  }
  await Promise.all([wasm1.close(), wasmN.close(), js.close()]);
  duck.close();

  progress(steps / (steps + 1), 'C reference and raw byte scan');
  const skipped: string[] = [];
  const ref = buildReference(join(tmpdir(), 'flint-bench'));
  if (ref.binary) {
    const c = runReference(ref.binary, file, iterations, 2);
    const name = 'C -O2 reference (same algorithm, 1 thread)';
    checkTopTen(name, 'the corpus', c.top10, expected.get(corpus)!);
    rows.push(row({ name, group: 'limit' }, corpus.length / 1e6, c.mbPerS));
    rows.push(row({ name: 'raw byte scan (C, SSE2, memory-speed ceiling)', group: 'limit' }, corpus.length / 1e6, runByteScan(ref.binary, file, iterations).mbPerS));
  } else {
    skipped.push(ref.skipped!);
  }
  const result: WordCountResult = { mb, distinct: DISTINCT, words, iterations, top10: expected.get(corpus)!, rows, skipped };
  finish(result);
}

await main();
