// `npm run bench:first-batch`: how much slower the first batch of a fresh context is than its
// steady batches, on the same input, for both cores (issue 15's target: first <= 1.5x steady).
// Each round is a fresh process (fresh worker threads, fresh JIT state): start() timed, then
// BENCH_FIRST_BATCHES batches of the same text (a word count, `flatMap(words).map(pair(1))
// .reduceByKey(sum)`, then `count()`), each timed as the ManualClock advance that runs it. The
// steady time is the median of the batches after the second; the ratio is first / steady per
// round, and the report gives the median over rounds.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { TextBatch } from '../src/batch/text-batch.js';
import { type CoreName, ManualClock, pair, StreamingContext, sum, words } from '../src/index.js';
import { zipfCorpus } from './corpus.js';
import { textBatch } from './lib/flint.js';

/** One fresh context's timings, ms. */
export interface FirstBatchRound {
  start: number;
  first: number;
  steady: number;
  ratio: number;
}

/** Per core: the rounds and their medians. */
export interface FirstBatchResult {
  core: CoreName;
  mb: number;
  rounds: FirstBatchRound[];
  medianRatio: number;
  medianStart: number;
  medianFirst: number;
  medianSteady: number;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/** Runs one fresh context in this process and returns its timings. */
async function oneRound(core: CoreName, mb: number, batches: number): Promise<FirstBatchRound> {
  const text = zipfCorpus(mb * 1e6);
  const clock = new ManualClock(0);
  const ssc = new StreamingContext({ batchInterval: 1000, master: 'local[2]', core, clock, out: { write: () => true } });
  const queue: TextBatch[] = [];
  ssc
    .queueStream<string>(queue)
    .flatMap(words)
    .map(pair(1))
    .reduceByKey(sum)
    .foreachRDD((b) => void b.count());
  const t0 = performance.now();
  await ssc.start();
  const start = performance.now() - t0;
  const times: number[] = [];
  for (let i = 0; i < batches; i++) {
    queue.push(textBatch(text, 2));
    const t = performance.now();
    await clock.advance(1000);
    times.push(performance.now() - t);
  }
  await ssc.stop();
  const steady = median(times.slice(2));
  return { start, first: times[0]!, steady, ratio: times[0]! / steady };
}

/** Runs `rounds` fresh processes per core; returns the results per core. */
export function firstBatch(cores: CoreName[], mb: number, rounds: number, batches: number): FirstBatchResult[] {
  const script = fileURLToPath(import.meta.url);
  return cores.map((core) => {
    const all: FirstBatchRound[] = [];
    for (let r = 0; r < rounds; r++) {
      const out = execFileSync(process.execPath, [script, '--child', core, String(mb), String(batches)], { encoding: 'utf8' });
      all.push(JSON.parse(out) as FirstBatchRound);
    }
    return {
      core,
      mb,
      rounds: all,
      medianRatio: median(all.map((r) => r.ratio)),
      medianStart: median(all.map((r) => r.start)),
      medianFirst: median(all.map((r) => r.first)),
      medianSteady: median(all.map((r) => r.steady)),
    };
  });
}

async function main(): Promise<void> {
  const [, , flag, core, mb, batches] = process.argv;
  if (flag === '--child') {
    process.stdout.write(JSON.stringify(await oneRound(core as CoreName, Number(mb), Number(batches))));
    return;
  }
  const size = Number(process.env.BENCH_FIRST_MB ?? 16);
  const rounds = Number(process.env.BENCH_FIRST_ROUNDS ?? 5);
  const n = Number(process.env.BENCH_FIRST_BATCHES ?? 8);
  const cores = (process.env.BENCH_FIRST_CORES ?? 'wasm,js').split(',') as CoreName[];
  for (const r of firstBatch(cores, size, rounds, n)) {
    console.log(
      `${r.core} core, ${r.mb} MB per batch, ${r.rounds.length} fresh contexts: first/steady ${r.medianRatio.toFixed(2)}x ` +
        `(first ${r.medianFirst.toFixed(0)} ms, steady ${r.medianSteady.toFixed(0)} ms, start() ${r.medianStart.toFixed(0)} ms); ` +
        `per round ${r.rounds.map((x) => x.ratio.toFixed(2)).join(' ')}`,
    );
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
