// `npm run bench:ui`: what the web UI costs the TCP streaming workload. The generator offers more
// than the job can take, so the job runs flat out; each round runs the wasm word count of
// bench/stream once with the UI off and once with it on and a live viewer (the page's event
// stream plus a poll of statistics, batches and /metrics every second), in alternating order, and
// measures MB/s processed: the records of the batches that finished in the window. Reports the
// medians and the ratio on/off, and each round's. BENCH_UI_ROUNDS (default 4), BENCH_UI_SECONDS
// (window, default 10).
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { zipfCorpus } from '../corpus.js';
import { machineLine } from '../machine.js';
import { benchScript } from '../lib/paths.js';
import { percentile } from '../lib/stats.js';
import { Generator, StreamingJob } from '../stream/job.js';

const ROUNDS = Number(process.env.BENCH_UI_ROUNDS ?? 4);
const WINDOW_S = Number(process.env.BENCH_UI_SECONDS ?? 10);
/** Batches run before the window, so the job is at full speed. */
const SETTLE_S = 3;
/** Offered rate, MB/s: more than the job processes. */
const OFFERED_MB_PER_S = 1000;

interface Run {
  mbPerS: number;
  viewer?: { events: number; polls: number; failures: number };
}

async function run(gen: Generator, avgLineBytes: number, ui: boolean): Promise<Run> {
  const job = await StreamingJob.start('wasm', `local[${availableParallelism()}]`, gen.port, { ui });
  const finished: { end: number; records: number }[] = [];
  job.ssc.addStreamingListener({ onBatchCompleted: ({ batchInfo }) => void finished.push({ end: batchInfo.processingEndTime!, records: batchInfo.numRecords }) });
  const viewer = ui ? fork(benchScript('ui/live-client.js'), [job.ssc.uiWebUrl!], { stdio: ['ignore', 'pipe', 'inherit', 'ipc'] }) : undefined;
  let report = '';
  viewer?.stdout!.on('data', (chunk) => (report += chunk));
  gen.setRate(OFFERED_MB_PER_S);
  await sleep(SETTLE_S * 1000);
  const start = Date.now();
  await sleep(WINDOW_S * 1000);
  const end = Date.now();
  gen.setRate(0);
  const records = finished.filter((b) => b.end > start && b.end <= end).reduce((n, b) => n + b.records, 0);
  if (viewer) {
    viewer.disconnect();
    await once(viewer, 'exit');
  }
  await job.stop();
  const mbPerS = (records * avgLineBytes) / 1e6 / ((end - start) / 1000);
  return { mbPerS, ...(viewer && { viewer: JSON.parse(report) as Run['viewer'] }) };
}

async function main(): Promise<void> {
  const corpus = zipfCorpus(32e6, 100_000, 11);
  const lines = corpus.reduce((n, byte) => n + (byte === 10 ? 1 : 0), 0);
  const avgLineBytes = corpus.length / lines;
  const file = join(tmpdir(), `flint-bench-ui-${process.pid}.txt`);
  writeFileSync(file, corpus);
  const gen = await Generator.start(file);
  const off: number[] = [];
  const on: number[] = [];
  const ratios: number[] = [];
  console.log(`web UI overhead, TCP word count (wasm, local[${availableParallelism()}]), ${ROUNDS} rounds of ${WINDOW_S} s; ${machineLine()}`);
  try {
    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 === 0 ? [false, true] : [true, false];
      const results = new Map<boolean, Run>();
      for (const ui of order) results.set(ui, await run(gen, avgLineBytes, ui));
      const [a, b] = [results.get(false)!, results.get(true)!];
      off.push(a.mbPerS);
      on.push(b.mbPerS);
      ratios.push(b.mbPerS / a.mbPerS);
      const v = b.viewer!;
      console.log(
        `round ${round + 1} (${order.map((u) => (u ? 'on' : 'off')).join(', ')}): off ${a.mbPerS.toFixed(1)} MB/s, on ${b.mbPerS.toFixed(1)} MB/s (${v.events} events, ${v.polls} polls, ${v.failures} failed), on/off ${(b.mbPerS / a.mbPerS).toFixed(3)}`,
      );
    }
  } finally {
    await gen.stop();
  }
  const median = (xs: number[]) => percentile(xs, 50);
  console.log(`median: off ${median(off).toFixed(1)} MB/s, on ${median(on).toFixed(1)} MB/s; on/off of medians ${(median(on) / median(off)).toFixed(3)}, median of round ratios ${median(ratios).toFixed(3)}`);
}

await main();
