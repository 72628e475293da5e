// `npm run bench:state`: updateStateByKey summing word counts over many keys in state (issue 15's
// "many keys": a batch with 5M keys in state in under 5 s on either core). The program is the
// checkpoint workload's (bench/lib/checkpoint-job.ts): the state starts with every key as
// `initialState`, each batch has keys / 10 words drawn uniformly from them, checkpoints deferred
// beyond the run. Each core runs in a fresh process; a batch time is the ManualClock advance that
// runs it; the steady figure is the median of the batches after the first (which also takes in
// the initial state). Peak RSS is the process's maximum resident set.
// `--update runningSum` uses Flint's tagged runningSum, which skips the keys without new values,
// instead of the same sum written as a lambda (called for every key, as Spark does).
// Usage: node dist/bench/state-keys.js [--keys N] [--batches N] [--update lambda|runningSum] [--core js|wasm]
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runningSum, type CoreName } from '../src/index.js';
import { CheckpointInput, CheckpointJob } from './lib/checkpoint-job.js';

/** One core's run. */
export interface StateRun {
  core: CoreName;
  /** `lambda` (a sum written as a function, called for every key) or `runningSum`. */
  update: string;
  keys: number;
  batches: number[];
  steadyMedian: number;
  peakRssMb: number;
  stateKeys: number;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : fallback;
}

async function runOne(core: CoreName, keys: number, batches: number, update: string): Promise<StateRun> {
  const dir = mkdtempSync(join(tmpdir(), 'flint-state-bench-'));
  try {
    const input = new CheckpointInput(keys);
    const job = new CheckpointJob(core, 'updateStateByKey', input, dir, { deferred: true, ...(update === 'runningSum' ? { update: runningSum } : {}) });
    await job.ssc.start();
    const times: number[] = [];
    for (let k = 1; k <= batches; k++) times.push(await job.batch(k));
    const stateKeys = job.keys;
    await job.ssc.stop();
    return {
      core,
      update,
      keys,
      batches: times.map((t) => Math.round(t)),
      steadyMedian: Math.round(median(times.slice(1))),
      peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
      stateKeys,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs one core in a fresh process (for its own peak RSS) and returns its figures. */
export function stateRun(core: CoreName, keys: number, batches: number, update: string): StateRun {
  const out = execFileSync(
    process.execPath,
    ['--max-old-space-size=12288', fileURLToPath(import.meta.url), '--core', core, '--keys', String(keys), '--batches', String(batches), '--update', update],
    { encoding: 'utf8', maxBuffer: 1 << 20 },
  );
  return JSON.parse(out.trim().split('\n').pop()!) as StateRun;
}

async function main(): Promise<void> {
  const keys = Number(arg('keys', '5000000'));
  const batches = Number(arg('batches', '4'));
  const update = arg('update', 'lambda');
  const only = process.argv.includes('--core') ? (arg('core', 'js') as CoreName) : undefined;
  if (only) {
    process.stdout.write(JSON.stringify(await runOne(only, keys, batches, update)) + '\n');
    return;
  }
  console.log(`updateStateByKey, ${keys} keys in state, ${keys / 10} words per batch, ${batches} batches, update: ${update}`);
  console.log('| core | batch times (ms) | steady median (ms) | peak RSS (MB) | keys |');
  console.log('|---|---|---:|---:|---:|');
  for (const core of ['wasm', 'js'] as CoreName[]) {
    const r = stateRun(core, keys, batches, update);
    console.log(`| ${r.core} | ${r.batches.join(', ')} | ${r.steadyMedian} | ${r.peakRssMb} | ${r.stateKeys} |`);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
