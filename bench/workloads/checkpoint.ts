// Workload 5, checkpoints: what writing them adds to a steady batch, and how long a restart takes.
// For each core and each stateful pipeline (updateStateByKey with `keys` keys of state,
// reduceByKeyAndWindow(sum, subtract) with `keys` keys in its window), two processes run the same
// job on ManualClocks, batch k in one and then in the other, each batch as soon as the one before
// is done: one checkpoints at the default interval (10 batches), the other not while measured. Then fresh processes restart from the last checkpoint: getOrCreate and start (the
// checkpoint read, verified and put back), and the first batch. `checkpoint.js job ...` and
// `checkpoint.js restart ...` are those children.
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FILE_KIND, readCheckedFile } from '../../src/checkpoint/checked-file.js';
import { CheckpointFiles, type CheckpointMetadata } from '../../src/checkpoint/checkpoint-files.js';
import { batchKey, readDataFile } from '../../src/checkpoint/data-file.js';
import type { CoreName } from '../../src/core/core.js';
import type { CheckpointInfo } from '../../src/scheduler/listener.js';
import { BATCH_MS, CheckpointInput, CheckpointJob, INTERVAL, MASTER, PANES } from '../lib/checkpoint-job.js';
import { childConfig, finish, forkBench, log, progress, runChild } from '../lib/child.js';
import type { BenchConfig } from '../lib/config.js';
import { benchScript } from '../lib/paths.js';
import type { CheckpointPipeline, CheckpointResult, CheckpointRow } from '../lib/results.js';
import { machineLine, median } from '../machine.js';

const SCRIPT = benchScript('workloads/checkpoint.js');
const HEAP_MB = 12288;

/** What a job process answers. */
type JobReply = { kind: 'ready' } | { kind: 'batch'; ms: number; keys: number } | { kind: 'stopped'; checkpoints: CheckpointInfo[] };

/** A restart, timed in a fresh process. */
interface Restart {
  startMs: number;
  firstBatchMs: number;
  keys: number;
}

/** A {@link CheckpointJob} in a process of its own: one job's garbage is never collected on the other's time. */
class JobProcess {
  private waiting: { resolve: (r: JobReply) => void; reject: (e: Error) => void } | undefined;
  private output = '';

  private constructor(private readonly child: ChildProcess) {
    const keep = (chunk: Buffer) => (this.output = (this.output + chunk.toString('utf8')).slice(-4000));
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    child.on('message', (reply: JobReply) => this.settle((w) => w.resolve(reply)));
    child.on('exit', (code) => this.settle((w) => w.reject(new Error(`checkpoint job exited (${code}):\n${this.output.trim()}`))));
  }

  static async start(config: BenchConfig, core: CoreName, pipeline: CheckpointPipeline, dir: string, deferred: boolean): Promise<JobProcess> {
    const job = new JobProcess(forkBench(SCRIPT, { config, args: ['job', core, pipeline, dir, String(deferred)], heapMb: HEAP_MB }));
    await job.next();
    return job;
  }

  /** Runs batch `k`: its wall time and the keys in the state (or window) after it. */
  async batch(k: number): Promise<{ ms: number; keys: number }> {
    this.child.send({ batch: k });
    const reply = await this.next();
    if (reply.kind !== 'batch') throw new Error(`checkpoint job answered ${reply.kind} to a batch`);
    return reply;
  }

  /** Stops the context; the checkpoints it wrote. */
  async stop(): Promise<CheckpointInfo[]> {
    this.child.send({ stop: true });
    const reply = await this.next();
    if (reply.kind !== 'stopped') throw new Error(`checkpoint job answered ${reply.kind} to stop`);
    return reply.checkpoints;
  }

  private next(): Promise<JobReply> {
    return new Promise((resolve, reject) => (this.waiting = { resolve, reject }));
  }

  private settle(f: (w: NonNullable<JobProcess['waiting']>) => void): void {
    const w = this.waiting;
    this.waiting = undefined;
    if (w) f(w);
  }
}

/** In a child: a job answering batch and stop requests (see {@link JobProcess}). */
async function jobChild([core, pipeline, dir, deferred]: string[]): Promise<void> {
  const input = new CheckpointInput(childConfig().checkpoint.keys);
  const job = new CheckpointJob(core as CoreName, pipeline as CheckpointPipeline, input, dir!, { deferred: deferred === 'true' });
  await job.ssc.start();
  const reply = (r: JobReply) => process.send!(r);
  process.on('message', (m: { batch?: number; stop?: boolean }) => {
    const answer = m.stop
      ? job.ssc.stop().then((): JobReply => ({ kind: 'stopped', checkpoints: job.checkpoints }))
      : job.batch(m.batch!).then((ms): JobReply => ({ kind: 'batch', ms, keys: job.keys }));
    answer.then(reply).then(
      () => m.stop && process.disconnect(),
      (error: unknown) => {
        process.stderr.write(`${(error as Error)?.stack ?? String(error)}\n`);
        process.exit(1);
      },
    );
  });
  reply({ kind: 'ready' });
}

/** In a child: getOrCreate and start on `dir` as it stands, then (when it held a checkpoint at `time`) the next batch. */
async function restartChild([core, pipeline, dir, time]: string[]): Promise<Restart> {
  const input = new CheckpointInput(childConfig().checkpoint.keys);
  const at = Number(time);
  const started = performance.now();
  const job = new CheckpointJob(core as CoreName, pipeline as CheckpointPipeline, input, dir!, { recover: true, time: at });
  await job.ssc.start();
  const startMs = performance.now() - started;
  const firstBatchMs = at > 0 ? await job.batch(at / BATCH_MS + 1) : 0;
  await job.ssc.stop();
  return { startMs, firstBatchMs, keys: job.keys };
}

/**
 * Cost per batch over whole checkpoint cycles: the median of each position in the cycle (the
 * checkpoint, and the window's rebuild from its panes, fall on fixed positions), averaged.
 */
function cycleMean(times: readonly number[]): number {
  let total = 0;
  for (let phase = 0; phase < INTERVAL; phase++) total += median(times.filter((_, i) => i % INTERVAL === phase));
  return total / INTERVAL;
}

/** Bytes of the stateful stream's batch in the checkpoint at `time` (the window's panes not counted). */
function stateBytes(dir: string, time: number): number {
  const files = new CheckpointFiles(dir);
  const metadata = JSON.parse(readCheckedFile(files.metadata(time), FILE_KIND.metadata).toString('utf8')) as CheckpointMetadata;
  let bytes = 0;
  for (const [id, [at, file]] of Object.entries(metadata.states)) bytes += readDataFile(files.data(file)).get(batchKey(id, at))!.byteLength;
  return bytes;
}

/**
 * Runs `pipeline` on `core` with and without checkpoints alternately (whole cycles of 10 batches,
 * at most `cycles`, none begun after `budgetSeconds`), then restarts it from its last checkpoint.
 */
async function measure(config: BenchConfig, core: CoreName, pipeline: CheckpointPipeline, label: (step: string, f: number) => void): Promise<CheckpointRow> {
  const { cycles, budgetSeconds, recoveries } = config.checkpoint;
  const what = `${core} core, ${pipeline}`;
  const dirs = [0, 1].map(() => mkdtempSync(join(tmpdir(), 'flint-bench-checkpoint-')));
  try {
    const jobs = await Promise.all([false, true].map((deferred, i) => JobProcess.start(config, core, pipeline, dirs[i]!, deferred)));
    // One at a time (two at once would share the cores), first one, then the other.
    const both = async (k: number) => {
      const out = [];
      for (const i of k % 2 === 0 ? [0, 1] : [1, 0]) out[i] = await jobs[i]!.batch(k);
      return out as { ms: number; keys: number }[];
    };
    // The window fills first (its first checkpoint writes all its panes); the state starts full.
    const fill = pipeline === 'reduceByKeyAndWindow' ? PANES : 0;
    for (let k = 1; k <= fill; k++) await both(k);
    const times: [number[], number[]] = [[], []];
    const keys = new Set<number>();
    const started = performance.now();
    let k = fill + 1;
    let measured = 0;
    while (measured < cycles && (measured === 0 || performance.now() - started < budgetSeconds * 1000)) {
      for (const end = k + INTERVAL; k < end; k++) {
        (await both(k)).forEach((b, i) => (times[i]!.push(b.ms), keys.add(b.keys)));
        label('side by side', ((measured + (k - fill) / INTERVAL) / cycles) * 0.7);
      }
      measured++;
    }
    const [written, deferred] = await Promise.all(jobs.map((j) => j.stop()));
    const lastTime = (k - 1) * BATCH_MS;
    const counted = written!.filter((c) => c.time > fill * BATCH_MS);
    if (counted.length !== measured || counted.at(-1)?.time !== lastTime) throw new Error(`${what}: expected ${measured} checkpoints, the last at ${lastTime} ms`);
    if (deferred!.some((c) => c.time > 0)) throw new Error(`${what}: the job without checkpoints wrote one`);
    if (keys.size !== 1) throw new Error(`${what}: the batches held ${[...keys].join(', ')} keys`);
    const restarts: Restart[] = [];
    for (let i = 0; i < recoveries; i++) {
      label('restart', 0.7 + (0.3 * i) / recoveries);
      restarts.push(await runChild<Restart>(SCRIPT, { config, args: ['restart', core, pipeline, dirs[0]!, String(lastTime)], heapMb: HEAP_MB }));
    }
    const [count] = keys;
    if (restarts.some((r) => r.keys !== count)) throw new Error(`${what}: ${restarts.map((r) => r.keys).join(', ')} keys after restarts, expected ${count}`);
    rmSync(dirs[1]!, { recursive: true, force: true });
    const fresh = await runChild<Restart>(SCRIPT, { config, args: ['restart', core, pipeline, dirs[1]!, '0'], heapMb: HEAP_MB });
    const [withMs, withoutMs] = times;
    const [cycleWithMs, cycleWithoutMs] = [cycleMean(withMs), cycleMean(withoutMs)];
    return {
      core,
      pipeline,
      keys: count!,
      interval: INTERVAL,
      cycles: measured,
      withMs,
      withoutMs,
      medianWithMs: median(withMs),
      medianWithoutMs: median(withoutMs),
      cycleWithMs,
      cycleWithoutMs,
      overheadMs: cycleWithMs - cycleWithoutMs,
      ratio: cycleWithMs / cycleWithoutMs,
      checkpointMs: median(counted.map((c) => c.durationMs)),
      checkpointBytes: median(counted.map((c) => c.bytesWritten)),
      stateBytes: stateBytes(dirs[0]!, lastTime),
      recoveryStartMs: median(restarts.map((r) => r.startMs)),
      recoveryFirstBatchMs: median(restarts.map((r) => r.firstBatchMs)),
      freshStartMs: fresh.startMs,
      recoveries,
    };
  } finally {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const config = childConfig();
  const cases: [CoreName, CheckpointPipeline][] = [
    ['wasm', 'reduceByKeyAndWindow'],
    ['js', 'reduceByKeyAndWindow'],
    ['wasm', 'updateStateByKey'],
    ['js', 'updateStateByKey'],
  ];
  const rows: CheckpointRow[] = [];
  for (const [i, [core, pipeline]] of cases.entries()) {
    const row = await measure(config, core, pipeline, (step, f) => progress((i + f) / cases.length, `${core} core, ${pipeline}: ${step}`));
    log(
      `  ${core} core, ${pipeline}: ${row.cycleWithMs.toFixed(0)} ms per batch with checkpoints, ${row.cycleWithoutMs.toFixed(0)} ms ` +
        `without (${row.ratio.toFixed(2)}x, ${row.cycles} cycles); checkpoint ${row.checkpointMs.toFixed(0)} ms; restart ${row.recoveryStartMs.toFixed(0)} ms`,
    );
    rows.push(row);
  }
  const { keys, cycles, budgetSeconds } = config.checkpoint;
  const result: CheckpointResult = {
    date: new Date().toISOString(),
    machine: machineLine(),
    keys,
    recordsPerBatch: keys / PANES,
    batchMs: BATCH_MS,
    windowPanes: PANES,
    cycles,
    budgetSeconds,
    master: MASTER,
    rows,
  };
  finish(result);
}

const [mode, ...args] = process.argv.slice(2);
if (mode === 'job') await jobChild(args);
else if (mode === 'restart') finish(await restartChild(args));
else await main();
