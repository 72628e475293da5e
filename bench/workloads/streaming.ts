// Workload 3: end-to-end streaming over a real TCP socket. A generator process writes Zipf text to
// 127.0.0.1 at a rate raised step by step; Flint (and the RxJS peer) count words per 1-second batch. A rate is
// sustained when every batch's processing delay stays under the interval, the scheduling delay
// does not grow, and the socket keeps up (all text written and received). Reported: the highest
// sustained rate per contestant and, at that rate, the latency from a record's writing to its
// appearance in the output (p50, p99). Flint wasm local[*] also runs with the write-ahead log on, right
// after it runs without, for the log's cost. BENCH_STREAMING_ONLY (a regular expression) keeps the
// contestants whose name it matches, e.g. `local\[\*\]` for that pair alone.
import { writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { zipfCorpus } from '../corpus.js';
import { childConfig, finish, log, progress } from '../lib/child.js';
import type { BenchConfig } from '../lib/config.js';
import { percentile } from '../lib/stats.js';
import { addCounts, checkTopTen, countWords, topTen } from '../lib/top-ten.js';
import { BATCH_MS, Generator, RxjsStreamingJob, StreamingJob, type BatchRecord, type Job } from '../stream/job.js';
import type { StepCpu, StepResult, StreamingResult, StreamingRow, WalPair } from '../lib/results.js';
import type { ThreadSplit } from '../lib/thread-cpu.js';

/**
 * Name suffix of the contestant whose socket receiver appends to the write-ahead log (a temporary
 * checkpoint directory, fsync'd on the log's group commit and before each batch).
 */
export const WAL_SUFFIX = 'write-ahead log';

/** Input rates above this are not tried, MB/s. */
const MAX_RATE = 1000;

/** The corpus the generator cycles through, with what a range of its lines should count. */
class CycledCorpus {
  readonly lineStarts: number[] = [0];
  private readonly all: Map<string, number>;
  /** Words in one cycle. */
  readonly words: number;

  constructor(readonly bytes: Buffer) {
    for (let i = bytes.indexOf(10); i !== -1; i = bytes.indexOf(10, i + 1)) this.lineStarts.push(i + 1);
    this.all = countWords(bytes);
    this.words = [...this.all.values()].reduce((a, b) => a + b, 0);
  }

  get lines(): number {
    return this.lineStarts.length - 1;
  }

  /** Top 10 of `count` lines starting at line `first` of the endless cycle. */
  top10(first: number, count: number): string {
    const total = addCounts(new Map(), this.all, Math.floor(count / this.lines));
    let at = first % this.lines;
    for (let left = count % this.lines; left > 0; ) {
      const n = Math.min(left, this.lines - at);
      countWords(this.bytes.subarray(this.lineStarts[at]!, this.lineStarts[at + n]!), total);
      left -= n;
      at = (at + n) % this.lines;
    }
    return topTen(total);
  }
}

/** The job's and the generator's CPU at one moment. */
interface CpuMark {
  wall: number;
  job: ThreadSplit | undefined;
  generator: number | undefined;
}

function cpuMark(job: Job, gen: Generator): CpuMark {
  return { wall: performance.now(), job: job.threads(), generator: gen.cpuMs() };
}

/** CPU per MB between two marks, `mb` having been received in between. */
function cpuBetween(a: CpuMark, b: CpuMark, mb: number): StepCpu | undefined {
  if (!a.job || !b.job || a.generator === undefined || b.generator === undefined || mb <= 0) return undefined;
  const main = b.job.mainMs - a.job.mainMs;
  const workers = b.job.workersMs - a.job.workersMs;
  const helpers = b.job.helpersMs - a.job.helpersMs;
  const generator = b.generator - a.generator;
  return {
    mainMsPerMb: main / mb,
    workersMsPerMb: workers / mb,
    helpersMsPerMb: helpers / mb,
    generatorMsPerMb: generator / mb,
    busyCores: (main + workers + helpers + generator) / (b.wall - a.wall),
  };
}

/** Judges the batches of one step that ran from `start` to `end` (ms) at `mbPerS`. */
function judge(batches: BatchRecord[], mbPerS: number, start: number, end: number, avgLineBytes: number, deficitBytes: number, pending: number): StepResult {
  const judged = batches.filter((b) => b.time > start && b.time <= end);
  const processing = judged.map((b) => b.processingDelay);
  const latencies = judged.flatMap((b) => b.latencies);
  const received = judged.reduce((n, b) => n + b.numRecords, 0) * avgLineBytes;
  const step: StepResult = {
    mbPerS,
    ok: true,
    batches: judged.length,
    receivedMbPerS: judged.length ? received / 1e6 / ((judged.length * BATCH_MS) / 1000) : 0,
    processingP50: percentile(processing, 50),
    processingMax: Math.max(...processing),
    schedulingMax: Math.max(...judged.map((b) => b.schedulingDelay)),
    latencyP50: percentile(latencies, 50),
    latencyP99: percentile(latencies, 99),
  };
  const fail = (reason: string) => Object.assign(step, { ok: false, reason });
  if (judged.length === 0) return fail('no batch completed');
  if (pending > 1) return fail(`${pending} batches queued`);
  if (step.processingMax >= BATCH_MS) return fail(`processing delay ${step.processingMax.toFixed(0)} ms >= ${BATCH_MS} ms`);
  const [first, last] = [judged[0]!, judged.at(-1)!];
  // The scheduling delay includes each batch's cut, which varies with the batch; a queue shows as growth beyond that.
  if (last.schedulingDelay > first.schedulingDelay + 100) return fail(`scheduling delay grew to ${last.schedulingDelay} ms`);
  if (deficitBytes > 0.1 * mbPerS * 1e6) return fail(`the socket fell behind by ${(deficitBytes / 1e6).toFixed(1)} MB`);
  if (step.receivedMbPerS < 0.9 * mbPerS) return fail(`received ${step.receivedMbPerS.toFixed(1)} MB/s`);
  return step;
}

/**
 * Runs `mbPerS` on a started job for `settleBatches` batches, which are not judged (the change of rate is
 * in flight), then for `seconds`, which are.
 */
async function runStep(job: Job, gen: Generator, mbPerS: number, config: BenchConfig['streaming'], avgLineBytes: number): Promise<StepResult> {
  gen.setRate(mbPerS);
  await sleep(config.settleBatches * BATCH_MS);
  const start = Date.now();
  const before = cpuMark(job, gen);
  await sleep(config.stepSeconds * 1000);
  const end = Date.now();
  const after = cpuMark(job, gen);
  const { dueBytes, sentBytes, backlogBytes } = gen.stats;
  const lastTime = Math.floor(end / BATCH_MS) * BATCH_MS;
  for (let waited = 0; waited < 2 * BATCH_MS && (job.batches.at(-1)?.time ?? 0) < lastTime; waited += 50) await sleep(50);
  const step = judge(job.batches, mbPerS, start, end, avgLineBytes, dueBytes - sentBytes + backlogBytes, job.pending);
  const cpu = cpuBetween(before, after, (step.receivedMbPerS * (end - start)) / 1000);
  return cpu ? { ...step, cpu } : step;
}

/** Checks the top 10 of `batches` against the corpus lines each one received (batches in order). */
function verify(name: string, batches: BatchRecord[], corpus: CycledCorpus, pick: (b: BatchRecord) => boolean): number {
  let line = 0;
  let checked = 0;
  for (const b of batches) {
    if (pick(b) && b.numRecords > 0) {
      checkTopTen(name, `batch ${b.time} (${b.numRecords} lines)`, b.top10, corpus.top10(line, b.numRecords));
      checked++;
    }
    line += b.numRecords;
  }
  return checked;
}

/** Raises the rate until it is not sustained, then bisects (geometrically) between the two in fresh jobs. */
async function searchRate(
  name: string,
  start: (port: number) => Promise<Job>,
  gen: Generator,
  corpus: CycledCorpus,
  config: BenchConfig['streaming'],
): Promise<StreamingRow> {
  const avgLineBytes = corpus.bytes.length / corpus.lines;
  const row: StreamingRow = { name, group: name.startsWith('Flint') ? 'flint' : 'peer', steps: [], verifiedBatches: 0 };
  let failed: number | undefined;
  const job = await start(gen.port);
  for (let rate = config.startMbPerS; rate <= MAX_RATE && failed === undefined; rate *= config.factor) {
    progress(null, `${name}: ${rate.toFixed(1)} MB/s`);
    const step = await runStep(job, gen, rate, config, avgLineBytes);
    row.steps.push(step);
    log(`  ${name}, ${rate.toFixed(1)} MB/s: ${step.ok ? 'sustained' : `not sustained (${step.reason})`}`);
    if (step.ok) row.best = step;
    else failed = rate;
  }
  gen.setRate(0);
  await job.stop();
  // The first batch with data and the largest one are recounted from the corpus lines they got.
  const withData = job.batches.filter((b) => b.numRecords > 0 && !b.noOutput);
  const largest = withData.reduce((a, b) => (b.numRecords > a.numRecords ? b : a), withData[0]);
  row.verifiedBatches = verify(name, job.batches, corpus, (b) => b === withData[0] || b === largest);
  // Without any sustained rate yet, lower rates are tried (up to 3) even when not refining.
  for (let i = 0; failed !== undefined && (i < config.refineSteps || (!row.best && i < 3)); i++) {
    const rate = row.best ? Math.sqrt(row.best.mbPerS * failed) : failed / config.factor;
    const probe = await start(gen.port);
    progress(null, `${name}: ${rate.toFixed(1)} MB/s (refining)`);
    const step = await runStep(probe, gen, rate, config, avgLineBytes);
    gen.setRate(0);
    await probe.stop();
    row.steps.push(step);
    log(`  ${name}, ${rate.toFixed(1)} MB/s: ${step.ok ? 'sustained' : `not sustained (${step.reason})`}`);
    if (step.ok && step.mbPerS > (row.best?.mbPerS ?? 0)) row.best = step;
    else if (!step.ok) failed = rate;
  }
  return row;
}

/** Rounds of the paired measurement of the write-ahead log (each runs both jobs once). */
const WAL_PAIR_ROUNDS = 3;

/**
 * Runs the job without and with the write-ahead log at 3/4 of the lower of their highest sustained
 * rates, each in a fresh job for one judged step, alternating which goes first: the two see the same
 * minutes of the host, and the figures (processing delay, latency) are not bound to the search's steps.
 */
async function walPair(off: (port: number) => Promise<Job>, on: (port: number) => Promise<Job>, mbPerS: number, gen: Generator, corpus: CycledCorpus, config: BenchConfig['streaming']): Promise<WalPair> {
  const avgLineBytes = corpus.bytes.length / corpus.lines;
  const pair: WalPair = { mbPerS, rounds: WAL_PAIR_ROUNDS, without: [], with: [] };
  for (let i = 0; i < WAL_PAIR_ROUNDS; i++) {
    const order: ['without' | 'with', (port: number) => Promise<Job>][] = [['without', off], ['with', on]];
    if (i % 2 === 1) order.reverse();
    for (const [which, start] of order) {
      progress(null, `write-ahead log pair, round ${i + 1}: ${which} at ${mbPerS.toFixed(1)} MB/s`);
      const job = await start(gen.port);
      const step = await runStep(job, gen, mbPerS, config, avgLineBytes);
      gen.setRate(0);
      await job.stop();
      pair[which].push(step);
      log(`  write-ahead log pair, round ${i + 1}, ${which}: processing p50 ${step.processingP50.toFixed(0)} ms, latency p50 ${step.latencyP50.toFixed(0)} ms${step.ok ? '' : ` (not sustained: ${step.reason})`}`);
    }
  }
  return pair;
}

async function main(): Promise<void> {
  const config = childConfig();
  const { corpusMb } = config.streaming;
  const n = availableParallelism();
  const corpus = new CycledCorpus(zipfCorpus(corpusMb * 1e6, 100_000, 11));
  const file = join(tmpdir(), `flint-bench-stream-${process.pid}.txt`);
  writeFileSync(file, corpus.bytes);
  const gen = await Generator.start(file);
  const only = process.env.BENCH_STREAMING_ONLY ? new RegExp(process.env.BENCH_STREAMING_ONLY) : undefined;
  const plainName = `Flint wasm core, local[*] (${n} workers)`;
  const walName = `${plainName}, ${WAL_SUFFIX}`;
  const all: [string, (port: number) => Promise<Job>][] = [
    ['Flint js core', (port) => StreamingJob.start('js', `local[${n}]`, port)],
    ['Flint wasm core, 1 worker', (port) => StreamingJob.start('wasm', 'local[1]', port)],
    [plainName, (port) => StreamingJob.start('wasm', `local[${n}]`, port)],
    // Right after the same job without it, so the two searches share the same minutes of the host.
    [walName, (port) => StreamingJob.start('wasm', `local[${n}]`, port, { writeAheadLog: true })],
    ['RxJS, lines batched into a Map (bufferTime)', (port) => RxjsStreamingJob.start(port)],
  ];
  const contestants = all.filter(([name]) => !only || only.test(name));
  const rows: StreamingRow[] = [];
  for (const [i, [name, start]] of contestants.entries()) {
    progress(i / contestants.length, name);
    rows.push(await searchRate(name, start, gen, corpus, config.streaming));
  }
  const [off, on] = [all.find(([name]) => name === plainName), all.find(([name]) => name === walName)];
  const [offRow, onRow] = [rows.find((r) => r.name === plainName), rows.find((r) => r.name === walName)];
  let pair: WalPair | undefined;
  if (off && on && offRow?.best && onRow?.best) {
    pair = await walPair(off[1], on[1], 0.75 * Math.min(offRow.best.mbPerS, onRow.best.mbPerS), gen, corpus, config.streaming);
  }
  await gen.stop();
  const result: StreamingResult = {
    batchMs: BATCH_MS,
    stepSeconds: config.streaming.stepSeconds,
    settleBatches: config.streaming.settleBatches,
    refineSteps: config.streaming.refineSteps,
    corpusMb,
    wordsPerMb: corpus.words / (corpus.bytes.length / 1e6),
    cores: n,
    rows,
    ...(pair && { walPair: pair }),
  };
  finish(result);
}

await main();
