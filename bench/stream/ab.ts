// A/B of the TCP streaming job between builds (a developer's tool, not part of `npm run bench`):
// `node dist/bench/stream/ab.js <distA> <distB> [...]` runs the streaming workload's job from each
// build's own `bench/stream/job.js`, alternating builds in every round (the order reverses each
// round), at fixed input rates, each run in a fresh process. Per run it reports the main thread's
// CPU per MB received (from /proc/self/task/<pid>/stat: process.cpuUsage counts the workers too),
// the whole process's CPU per MB, the received rate, processing p50/max and latency p50/p99, and
// whether the rate was sustained by the streaming workload's rules. Env: AB_RATES (MB/s, comma
// separated; default 80), AB_SECONDS (judged seconds per run, default 6), AB_ROUNDS (default 3),
// AB_MASTERS (default `local[2]`), AB_CORPUS_MB (default 32).
import { fork } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { zipfCorpus } from '../corpus.js';
import { percentile } from '../lib/stats.js';
import { threadCpuMs } from '../lib/thread-cpu.js';

interface RunResult {
  build: string;
  master: string;
  rate: number;
  mainCpuMsPerMb: number;
  processCpuMsPerMb: number;
  receivedMbPerS: number;
  processingP50: number;
  processingMax: number;
  latencyP50: number;
  latencyP99: number;
  pending: number;
  sustained: boolean;
}

const BATCH_MS = 1000;

/** CPU ms of this process's main thread (user + system), from /proc. */
const mainThreadCpuMs = (): number => threadCpuMs(process.pid);

async function child(dist: string, master: string, rate: number, seconds: number, corpusFile: string): Promise<void> {
  const jobs = await import(pathToFileURL(join(dist, 'bench/stream/job.js')).href);
  const corpus = readFileSync(corpusFile);
  let lines = 0;
  for (let i = corpus.indexOf(10); i !== -1; i = corpus.indexOf(10, i + 1)) lines++;
  const avgLineBytes = corpus.length / lines;
  const gen = await jobs.Generator.start(corpusFile);
  const job = await jobs.StreamingJob.start('wasm', master, gen.port);
  gen.setRate(rate);
  await sleep(2 * BATCH_MS);
  const t0 = Date.now();
  const [main0, proc0, sent0] = [mainThreadCpuMs(), process.cpuUsage(), gen.stats.sentBytes];
  await sleep(seconds * 1000);
  const t1 = Date.now();
  const [main1, proc1, sent1] = [mainThreadCpuMs(), process.cpuUsage(proc0), gen.stats.sentBytes];
  const { dueBytes, sentBytes, backlogBytes } = gen.stats;
  const lastTime = Math.floor(t1 / BATCH_MS) * BATCH_MS;
  for (let waited = 0; waited < 2 * BATCH_MS && (job.batches.at(-1)?.time ?? 0) < lastTime; waited += 50) await sleep(50);
  const pending = job.pending;
  const judged = job.batches.filter((b: { time: number }) => b.time > t0 && b.time <= t1);
  gen.setRate(0);
  await job.stop();
  await gen.stop();
  const mb = (sent1 - sent0) / 1e6;
  const processing = judged.map((b: { processingDelay: number }) => b.processingDelay);
  const latencies = judged.flatMap((b: { latencies: number[] }) => b.latencies);
  const received = (judged.reduce((n: number, b: { numRecords: number }) => n + b.numRecords, 0) * avgLineBytes) / 1e6 / judged.length;
  const processingMax = Math.max(...processing);
  const deficit = dueBytes - sentBytes + backlogBytes;
  const result: RunResult = {
    build: dist,
    master,
    rate,
    mainCpuMsPerMb: (main1 - main0) / mb,
    processCpuMsPerMb: (proc1.user + proc1.system) / 1000 / mb,
    receivedMbPerS: received,
    processingP50: percentile(processing, 50),
    processingMax,
    latencyP50: percentile(latencies, 50),
    latencyP99: percentile(latencies, 99),
    pending,
    sustained: judged.length > 0 && pending <= 1 && processingMax < BATCH_MS && deficit <= 0.1 * rate * 1e6 && received >= 0.9 * rate,
  };
  process.send!(result);
}

function runChild(dist: string, master: string, rate: number, seconds: number, corpusFile: string): Promise<RunResult> {
  const script = fileURLToPath(import.meta.url);
  const c = fork(script, ['--child', dist, master, String(rate), String(seconds), corpusFile], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((done, fail) => {
    let result: RunResult | undefined;
    c.on('message', (m: RunResult) => (result = m));
    c.on('exit', (code) => (result ? done(result) : fail(new Error(`child exited ${code}`))));
  });
}

const median = (xs: number[]) => percentile(xs, 50);

async function main(): Promise<void> {
  const [, , ...args] = process.argv;
  if (args[0] === '--child') return child(args[1]!, args[2]!, Number(args[3]), Number(args[4]), args[5]!);
  const builds = args.map((a) => resolve(a));
  const rates = (process.env.AB_RATES ?? '80').split(',').map(Number);
  const masters = (process.env.AB_MASTERS ?? 'local[2]').split(',');
  const seconds = Number(process.env.AB_SECONDS ?? 6);
  const rounds = Number(process.env.AB_ROUNDS ?? 3);
  const corpusFile = join(tmpdir(), `flint-ab-corpus-${process.pid}.txt`);
  writeFileSync(corpusFile, zipfCorpus(Number(process.env.AB_CORPUS_MB ?? 32) * 1e6, 100_000, 11));
  const all: RunResult[] = [];
  for (const master of masters) {
    for (const rate of rates) {
      for (let r = 0; r < rounds; r++) {
        const order = r % 2 === 0 ? builds : [...builds].reverse();
        for (const b of order) {
          const res = await runChild(b, master, rate, seconds, corpusFile);
          all.push(res);
          console.error(JSON.stringify({ ...res, build: b.split('/').slice(-2).join('/') }, (_k, v) => (typeof v === 'number' ? Math.round(v * 100) / 100 : v)));
        }
      }
      const base = all.filter((x) => x.master === master && x.rate === rate && x.build === builds[0]);
      for (const b of builds) {
        const rs = all.filter((x) => x.master === master && x.rate === rate && x.build === b);
        // A run with no batch judged (far behind) reports null over IPC: it is left out of medians.
        const show = (xs: number[]) => {
          const v = median(xs.filter((x) => Number.isFinite(x)));
          return Number.isFinite(v) ? v.toFixed(2) : 'n/a';
        };
        const m = (f: (x: RunResult) => number) => show(rs.map(f));
        const ratio = (f: (x: RunResult) => number) => show(rs.map((x, i) => f(x) / f(base[i]!)));
        console.log(
          `${master} ${rate} MB/s ${b}: main CPU ${m((x) => x.mainCpuMsPerMb)} ms/MB (x${ratio((x) => x.mainCpuMsPerMb)}), process CPU ${m((x) => x.processCpuMsPerMb)} ms/MB, ` +
            `received ${m((x) => x.receivedMbPerS)} MB/s, processing p50 ${m((x) => x.processingP50)} max ${m((x) => x.processingMax)}, ` +
            `latency p50 ${m((x) => x.latencyP50)} p99 ${m((x) => x.latencyP99)}, sustained ${rs.filter((x) => x.sustained).length}/${rs.length}`,
        );
      }
    }
  }
  rmSync(corpusFile, { force: true });
}

await main();
