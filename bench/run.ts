// `npm run bench` (everything) and `npm run bench:quick` (a reduced run in about 6 minutes): installs
// the peers, runs each workload in its own process with a progress bar, and regenerates
// BENCHMARKS.md, its SVG charts and bench/report/results.json from the results. A contestant that
// disagrees on the top 10 fails the run, and no report is written.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cpus, totalmem } from 'node:os';
import { runChild } from './lib/child.js';
import { configFor, WORKLOADS, type BenchConfig, type WorkloadName } from './lib/config.js';
import { benchScript } from './lib/paths.js';
import { installPeers } from './lib/peers.js';
import type { Results } from './lib/results.js';
import { reportPaths, writeReport } from './report/write.js';

/** Rough seconds per workload, to weigh the progress bar. */
function estimate(w: WorkloadName, c: BenchConfig): number {
  switch (w) {
    case 'wordcount':
      return c.wordcount.mb * 1.2 + 10;
    case 'window':
      return c.window.lengths.length * 7 * Math.min(c.window.budgetSeconds, 20);
    case 'streaming':
      return 5 * 9 * (c.streaming.stepSeconds + c.streaming.settleBatches);
    case 'memory':
      return 40 + c.memory.soakSeconds;
    case 'checkpoint':
      return (c.checkpoint.keys / 1e6) * (60 + 60 * c.checkpoint.cycles);
    case 'first-batch':
      return 2 * c.firstBatch.rounds * (2 + c.firstBatch.batches * c.firstBatch.mb * 0.05);
    case 'top-k':
      return 5 + c.topK.mb * 0.3;
    case 'state':
      return (4 * c.state.keys / 1e6) * (4 + 3 * c.state.batches);
    case 'kafka':
      return 10 + c.kafka.records / 20_000;
    case 'sql':
      return c.mode === 'quick' ? 40 : 900;
  }
}

/** A one-line progress bar on stderr (redrawn on a terminal, printed on change otherwise). */
class ProgressBar {
  private readonly tty = process.stderr.isTTY === true;
  private lastLine = '';
  private readonly started = performance.now();

  constructor(private readonly total: number) {}

  draw(doneSeconds: number, label: string): void {
    const fraction = Math.min(1, doneSeconds / this.total);
    const width = 28;
    const filled = Math.round(fraction * width);
    const elapsed = Math.round((performance.now() - this.started) / 1000);
    const line = `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${(fraction * 100).toFixed(0).padStart(3)}% ${clock(elapsed)}  ${label}`;
    if (this.tty) process.stderr.write(`\r\x1b[K${line.slice(0, (process.stderr.columns ?? 120) - 1)}`);
    else if (line.replace(/\[.*?\]\s+\d+% \S+/, '') !== this.lastLine.replace(/\[.*?\]\s+\d+% \S+/, '')) process.stderr.write(`${line}\n`);
    this.lastLine = line;
  }

  /** Prints a line above the bar. */
  log(text: string): void {
    if (this.tty) process.stderr.write(`\r\x1b[K${text}\n${this.lastLine}`);
    else process.stderr.write(`${text}\n`);
  }

  done(): void {
    if (this.tty) process.stderr.write('\n');
  }
}

function clock(seconds: number): string {
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}

async function main(): Promise<void> {
  const mode = process.argv.includes('--quick') ? 'quick' : 'full';
  const config = configFor(mode);
  const started = new Date();
  const t0 = performance.now();
  console.error(`Flint benchmarks, ${mode} run: ${config.workloads.join(', ')}`);
  console.error(installPeers());
  const weights = config.workloads.map((w) => estimate(w, config));
  const bar = new ProgressBar(weights.reduce((a, b) => a + b, 0));
  const results: Results = {
    mode,
    machine: `${cpus()[0]?.model.trim() ?? 'unknown CPU'}, ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB, ${process.platform} ${process.arch}`,
    node: process.version,
    date: started.toISOString(),
    seconds: 0,
    config,
    measured: {},
  };
  for (const w of config.workloads) results.measured![w] = { date: results.date, mode, node: process.version };
  const paths = reportPaths();
  if (process.env.BENCH_KEEP) keepEarlier(results, join(paths.chartDir, 'results.json'));
  let before = 0;
  for (const [i, workload] of config.workloads.entries()) {
    let fraction = 0;
    bar.draw(before, workload);
    const result = await runChild<unknown>(benchScript(`workloads/${workload}.js`), {
      config,
      heapMb: 12288,
      onProgress: (f, label) => {
        if (f !== null) fraction = f;
        bar.draw(before + fraction * weights[i]!, `${workload}: ${label}`);
      },
      onLog: (text) => bar.log(text),
    });
    (results as unknown as Record<string, unknown>)[workload] = result;
    // The soak run streams at half the rate the wasm core sustained over TCP.
    const sustained = results.streaming?.rows.find((r) => /local\[\*\]/.test(r.name) && !/write-ahead log/.test(r.name))?.best?.mbPerS;
    if (workload === 'streaming' && sustained && !process.env.BENCH_SOAK_RATE) config.memory.soakMbPerS = sustained / 2;
    before += weights[i]!;
  }
  bar.draw(before, 'writing the report');
  bar.done();
  results.seconds = Math.round((performance.now() - t0) / 1000);
  const headline = writeReport(results, paths);
  console.error(`\nWrote ${paths.markdown} and the charts in ${paths.chartDir} (${clock(results.seconds)}).`);
  console.error(headline.join('\n'));
}

/**
 * BENCH_KEEP=1: the workloads this run does not measure keep their figures from the last report's
 * results.json, with the date they were measured (their sections say so), e.g. to re-measure one
 * workload after a change without an hour-long run.
 */
function keepEarlier(results: Results, file: string): void {
  if (!existsSync(file)) return;
  const earlier = JSON.parse(readFileSync(file, 'utf8')) as Results;
  for (const w of WORKLOADS) {
    const figures = (earlier as unknown as Record<string, unknown>)[w];
    if (results.config.workloads.includes(w) || figures === undefined) continue;
    (results as unknown as Record<string, unknown>)[w] = figures;
    results.measured![w] = earlier.measured?.[w] ?? { date: earlier.date, mode: earlier.mode, node: earlier.node };
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`\nbenchmark failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
