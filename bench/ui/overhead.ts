// `npm run bench:ui`: what the web UI costs the TCP streaming workload. Each round runs the wasm
// word count of bench/stream once with the UI off and once with it on and a live viewer (the
// page's event stream plus a poll of statistics, batches and /metrics every second), in
// alternating order. Two measures, each with its own rounds:
// - flat out: the generator offers more than the job can take; MB/s processed is the text of the
//   batches that finished in the window, per second of the window;
// - at a fixed rate the job sustains: MB per second of processing time (the text of the window's
//   batches over their summed processing delays), which the UI's work on the same thread inflates.
// With each, the CPU time of the job's process per MB (the viewer runs in a process of its own, as
// a browser would). A third measure runs the job with no input: the CPU ms per second the UI and
// its viewer add to the job's process, to set against what the job spends flat out. Reports each round, the medians and the ratio on/off. BENCH_UI_ROUNDS (default 6),
// BENCH_UI_SECONDS (window, default 10), BENCH_UI_FIXED_MB (fixed rate, default 20 MB/s).
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { zipfCorpus } from '../corpus.js';
import { machineLine } from '../machine.js';
import { benchScript } from '../lib/paths.js';
import { percentile } from '../lib/stats.js';
import { Generator, StreamingJob } from '../stream/job.js';

const ROUNDS = Number(process.env.BENCH_UI_ROUNDS ?? 6);
const FIXED_MB_PER_S = Number(process.env.BENCH_UI_FIXED_MB ?? 20);
const WINDOW_S = Number(process.env.BENCH_UI_SECONDS ?? 10);
/** Batches run before the window, so the job is at full speed. */
const SETTLE_S = 3;
/** Offered rate, MB/s: more than the job processes. */
const OFFERED_MB_PER_S = 1000;

interface Run {
  /** Text of the batches that finished in the window, MB per second of the window. */
  mbPerS: number;
  /** The same text per second of the batches' summed processing delays. */
  processingMbPerS: number;
  /** CPU time of the job's process (main thread and pool workers) in the window, ms per MB processed. */
  cpuMsPerMb: number;
  /** The same CPU time, ms per second of the window. */
  cpuMsPerS: number;
  viewer?: { events: number; polls: number; failures: number };
}

async function run(gen: Generator, avgLineBytes: number, ui: boolean, offeredMbPerS: number): Promise<Run> {
  const job = await StreamingJob.start('wasm', `local[${availableParallelism()}]`, gen.port, { ui });
  const finished: { end: number; records: number; processing: number }[] = [];
  job.ssc.addStreamingListener({
    onBatchCompleted: ({ batchInfo: b }) => void finished.push({ end: b.processingEndTime!, records: b.numRecords, processing: b.processingDelay! }),
  });
  const viewer = ui ? fork(benchScript('ui/live-client.js'), [job.ssc.uiWebUrl!], { stdio: ['ignore', 'pipe', 'inherit', 'ipc'] }) : undefined;
  let report = '';
  viewer?.stdout!.on('data', (chunk) => (report += chunk));
  gen.setRate(offeredMbPerS);
  await sleep(SETTLE_S * 1000);
  const start = Date.now();
  const cpuStart = process.cpuUsage();
  await sleep(WINDOW_S * 1000);
  const cpu = process.cpuUsage(cpuStart);
  const end = Date.now();
  gen.setRate(0);
  const inWindow = finished.filter((b) => b.end > start && b.end <= end);
  const mb = (inWindow.reduce((n, b) => n + b.records, 0) * avgLineBytes) / 1e6;
  const processingSeconds = inWindow.reduce((n, b) => n + b.processing, 0) / 1000;
  if (viewer) {
    viewer.disconnect();
    await once(viewer, 'exit');
  }
  await job.stop();
  const cpuMs = (cpu.user + cpu.system) / 1000;
  return { mbPerS: mb / ((end - start) / 1000), processingMbPerS: mb / processingSeconds, cpuMsPerMb: cpuMs / mb, cpuMsPerS: cpuMs / ((end - start) / 1000), ...(viewer && { viewer: JSON.parse(report) as Run['viewer'] }) };
}

/** Runs `ROUNDS` alternating pairs at `offeredMbPerS`, prints each and the medians of `measure`. */
async function rounds(label: string, gen: Generator, avgLineBytes: number, offeredMbPerS: number, measure: (r: Run) => number, unit: string): Promise<void> {
  const off: number[] = [];
  const on: number[] = [];
  const ratios: number[] = [];
  const cpuOff: number[] = [];
  const cpuOn: number[] = [];
  console.log(`${label}:`);
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 === 0 ? [false, true] : [true, false];
    const results = new Map<boolean, Run>();
    for (const ui of order) results.set(ui, await run(gen, avgLineBytes, ui, offeredMbPerS));
    const [offRun, onRun] = [results.get(false)!, results.get(true)!];
    const [a, b] = [measure(offRun), measure(onRun)];
    off.push(a);
    on.push(b);
    ratios.push(b / a);
    cpuOff.push(offRun.cpuMsPerMb);
    cpuOn.push(onRun.cpuMsPerMb);
    const v = onRun.viewer!;
    const sequence = order.map((u) => (u ? 'on' : 'off')).join(', ');
    console.log(
      `  round ${round + 1} (${sequence}): off ${a.toFixed(1)}, on ${b.toFixed(1)} ${unit}, on/off ${(b / a).toFixed(3)}; ` +
        `${Number.isFinite(offRun.cpuMsPerMb) ? `CPU ms/MB off ${offRun.cpuMsPerMb.toFixed(1)}, on ${onRun.cpuMsPerMb.toFixed(1)}; ` : ''}viewer: ${v.events} events, ${v.polls} polls, ${v.failures} failed; load ${loadavg()[0]!.toFixed(1)}`,
    );
  }
  const median = (xs: number[]) => percentile(xs, 50);
  console.log(`  median: off ${median(off).toFixed(1)}, on ${median(on).toFixed(1)} ${unit}; on/off of the medians ${(median(on) / median(off)).toFixed(3)}, median of the rounds' on/off ${median(ratios).toFixed(3)}`);
  if (Number.isFinite(median(cpuOff))) {
    console.log(`  CPU of the job's process, median ms per MB: off ${median(cpuOff).toFixed(1)}, on ${median(cpuOn).toFixed(1)}; on/off ${(median(cpuOn) / median(cpuOff)).toFixed(3)}`);
  }
}

async function main(): Promise<void> {
  const corpus = zipfCorpus(32e6, 100_000, 11);
  const lines = corpus.reduce((n, byte) => n + (byte === 10 ? 1 : 0), 0);
  const avgLineBytes = corpus.length / lines;
  const file = join(tmpdir(), `flint-bench-ui-${process.pid}.txt`);
  writeFileSync(file, corpus);
  const gen = await Generator.start(file);
  console.log(`web UI overhead, TCP word count (wasm, local[${availableParallelism()}]), ${ROUNDS} rounds of ${WINDOW_S} s per measure; ${machineLine()}`);
  try {
    await rounds(`flat out (${OFFERED_MB_PER_S} MB/s offered), MB/s processed`, gen, avgLineBytes, OFFERED_MB_PER_S, (r) => r.mbPerS, 'MB/s');
    await rounds(`at ${FIXED_MB_PER_S} MB/s, MB per second of processing`, gen, avgLineBytes, FIXED_MB_PER_S, (r) => r.processingMbPerS, 'MB/s');
    // With no input the job's own work is small and steady, so what the UI adds stands out.
    await rounds('no input, CPU ms per second of the job process', gen, avgLineBytes, 0, (r) => r.cpuMsPerS, 'ms/s');
  } finally {
    await gen.stop();
    rmSync(file, { force: true });
  }
}

await main();
