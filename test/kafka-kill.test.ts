// The Kafka kill test: a job reading a 3-partition topic into updateStateByKey is SIGKILLed
// while a producer writes, restarted with getOrCreate each time, and its final counts must be
// exact: the checkpoint's offsets and the batch log's ranges make every record count once.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { CORES } from './support/harness.js';
import { mulberry32, randomInt } from './support/random-text.js';
import { sleep, waitFor } from './support/sources-helpers.js';
import { describeKafka, startMockCluster, type MockCluster } from './kafka/mock-cluster.js';
import { testClient } from './kafka/kafka-helpers.js';

const JOB = new URL('./fixtures/kafka-kill-job.mjs', import.meta.url).pathname;
const KILLS = 4;
const PARTITIONS = 3;

let cluster: MockCluster;
const children: ChildProcess[] = [];
const dirs: string[] = [];

/** Starts the job; `fixed` gives it a group and its partitions (`assign`), else it subscribes in a group of its own. */
function startJob(core: string, topic: string, root: string, fixed?: { group: string; partitions: number[] }): { child: ChildProcess; started: Promise<void> } {
  // A group per run: positions come from the checkpoint, not the group, and a killed member
  // would hold a shared group's rebalance for its whole session timeout (several seconds a restart).
  const group = fixed?.group ?? `kill-${topic}-${children.length}`;
  const args = [JOB, core, cluster.bootstrap, topic, group, join(root, 'ckpt'), join(root, 'out'), ...(fixed ? [fixed.partitions.join(',')] : [])];
  const child = spawn(process.execPath, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let out = '';
  let err = '';
  child.stderr!.on('data', (d: Buffer) => void (err += d.toString()));
  if (process.env.FLINT_KEEP_KILL_DIRS) child.stderr!.pipe(createWriteStream(join(root, `job-${child.pid}.log`)));
  child.on('exit', (code) => void (code !== null && console.error(`kafka-kill-job exited ${code}: ${err}`)));
  const t0 = Date.now();
  const started = new Promise<void>((resolve, reject) => {
    // A start that hangs (a group join that never completes) fails with the job's own log, not the test's timeout.
    const timer = setTimeout(() => reject(new Error(`the ${core} job${fixed ? ` on partitions ${fixed.partitions.join(',')}` : ''} did not start in 60 s; its stderr:\n${err.slice(-4000)}`)), 60_000);
    child.stdout!.on('data', (d: Buffer) => {
      if (!(out += d.toString()).includes('started')) return;
      clearTimeout(timer);
      if (process.env.FLINT_KILL_LOG) console.error(`${core} job ${fixed?.partitions.join(',') ?? ''} started in ${Date.now() - t0} ms`);
      resolve();
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`the job exited (${code ?? signal}) before it started: ${err}`));
    });
  });
  started.catch(() => undefined); // a job killed after it started
  return { child, started };
}

/** Word counts of the newest complete `state-<time>` directory. */
function latestState(root: string): Map<string, number> {
  const dir = join(root, 'out');
  const times = existsSync(dir)
    ? readdirSync(dir).flatMap((n) => {
        const m = /^state-(\d+)$/.exec(n);
        return m && existsSync(join(dir, n, '_SUCCESS')) ? [Number(m[1])] : [];
      })
    : [];
  const counts = new Map<string, number>();
  if (times.length === 0) return counts;
  const latest = join(dir, `state-${Math.max(...times)}`);
  try {
    for (const part of readdirSync(latest).filter((p) => p.startsWith('part-'))) {
      for (const line of readFileSync(join(latest, part), 'utf8').split('\n')) {
        const m = /^\((.*),(\d+)\)$/.exec(line);
        if (m) counts.set(m[1]!, Number(m[2]));
      }
    }
  } catch (error) {
    // A batch run again after a restart replaces its directory: read it at the next poll.
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    return new Map();
  }
  return counts;
}

/**
 * Produces random lines of words to `topic` until stopped: message by message, `line(partition)`
 * gives its words. `totals` counts the words of acknowledged sends only: what Kafka has.
 */
async function startFeed(topic: string, rng: () => number, partitions: number, line: (partition: number) => string[]) {
  const totals = new Map<string, number>();
  let records = 0;
  const producer = testClient(cluster.brokers).producer();
  await producer.connect();
  let producing = true;
  const running = (async () => {
    while (producing) {
      const messages = Array.from({ length: 1 + randomInt(rng, 20) }, () => {
        const partition = randomInt(rng, partitions);
        const words = line(partition);
        return { words, message: { value: words.join(' '), partition } };
      });
      await producer.send({ topic, acks: -1, messages: messages.map((m) => m.message) });
      for (const { words } of messages) for (const w of words) totals.set(w, (totals.get(w) ?? 0) + 1);
      records += messages.length;
      await sleep(20 + randomInt(rng, 40));
    }
  })();
  return {
    totals,
    records: () => records,
    stop: async () => {
      producing = false;
      await running;
      await producer.disconnect();
    },
  };
}

const sorted = (m: Map<string, number>) => [...m].sort(([a], [b]) => (a < b ? -1 : 1));

describeKafka('Kafka kill test (mock Kafka cluster)', () => {
  beforeAll(async () => {
    cluster = await startMockCluster({ ...Object.fromEntries(CORES.map((c) => [`kill-${c}`, PARTITIONS])), 'kill-assign': 4 });
  });
  afterEach(() => {
    for (const c of children.splice(0)) c.kill('SIGKILL');
    for (const d of dirs.splice(0)) if (!process.env.FLINT_KEEP_KILL_DIRS) rmSync(d, { recursive: true, force: true });
  });
  afterAll(async () => cluster?.stop());

  it.each(CORES)(`updateStateByKey over a Kafka topic: ${KILLS} SIGKILLs while producing, exact totals (%s core)`, async (core) => {
    const seed = Date.now() % 100_000;
    const rng = mulberry32(seed);
    const topic = `kill-${core}`;
    const root = mkdtempSync(join(tmpdir(), 'flint-kafka-kill-'));
    dirs.push(root);
    const feed = await startFeed(topic, rng, PARTITIONS, () => Array.from({ length: 1 + randomInt(rng, 6) }, () => `w${randomInt(rng, 40)}`));
    const { totals } = feed;
    const startedAt = performance.now();
    try {
      for (let run = 0; run <= KILLS; run++) {
        const { child, started } = startJob(core, topic, root);
        await started;
        if (run === KILLS) break;
        await sleep(300 + randomInt(rng, 1200));
        child.kill('SIGKILL');
        await once(child, 'exit');
      }
    } finally {
      await feed.stop();
    }
    const caughtUp = () => {
      const counts = latestState(root);
      return [...totals].every(([w, n]) => (counts.get(w) ?? 0) >= n);
    };
    await waitFor(caughtUp, `the last run to count every record (in ${root})`, 30_000);
    await sleep(600); // a few more batches, so a late double count would show
    expect(sorted(latestState(root)), `seed ${seed}`).toEqual(sorted(totals));
    console.log(`Kafka kill test (${core}): ${feed.records()} records, ${KILLS} kills, ${Math.round(performance.now() - startedAt)} ms`);
  }, 120_000);

  it('two processes with fixed partitions (assign) in one group: one SIGKILLed and restarted twice keeps its state, exact totals', async () => {
    const seed = Date.now() % 100_000;
    const rng = mulberry32(seed);
    const topic = 'kill-assign';
    const group = `assign-kill-${seed}`;
    const roots = [0, 1].map(() => mkdtempSync(join(tmpdir(), 'flint-kafka-assign-kill-')));
    dirs.push(...roots);
    // Each word lives in one partition (w<i> in partition i % 4), so its state is in one process.
    const feed = await startFeed(topic, rng, 4, (partition) => Array.from({ length: 1 + randomInt(rng, 6) }, () => `w${4 * randomInt(rng, 10) + partition}`));
    const { totals } = feed;
    const cores = ['wasm', 'js'];
    const start = (i: number) => startJob(cores[i]!, topic, roots[i]!, { group, partitions: i === 0 ? [0, 1] : [2, 3] });
    try {
      await start(0).started;
      for (let run = 0; run <= 2; run++) {
        const { child, started } = start(1);
        await started;
        if (run === 2) break;
        await sleep(500 + randomInt(rng, 1500));
        child.kill('SIGKILL');
        await once(child, 'exit');
      }
    } finally {
      await feed.stop();
    }
    const union = () => new Map([...latestState(roots[0]!), ...latestState(roots[1]!)]);
    // The restarted member holds the group's rebalance until the killed one's session (3 s) ends.
    const deadline = Date.now() + 60_000;
    for (let counts = union(); ![...totals].every(([w, n]) => (counts.get(w) ?? 0) >= n); counts = union()) {
      if (Date.now() > deadline) {
        const short = [...totals].filter(([w, n]) => (counts.get(w) ?? 0) !== n).map(([w, n]) => `${w} (partition ${Number(w.slice(1)) % 4}): ${counts.get(w) ?? 0} of ${n}`);
        throw new Error(`after 60 s the processes' totals differ (seed ${seed}, in ${roots.join(', ')}): ${short.join('; ')}`);
      }
      await sleep(100);
    }
    await sleep(600);
    expect(sorted(union()), `seed ${seed}`).toEqual(sorted(totals));
    // Each process counted only the words of its own partitions.
    expect([...latestState(roots[0]!).keys()].every((w) => Number(w.slice(1)) % 4 < 2)).toBe(true);
    expect([...latestState(roots[1]!).keys()].every((w) => Number(w.slice(1)) % 4 >= 2)).toBe(true);
    // Four starts of up to 60 s each (a join waits out the killed member's session) and 60 s to catch
    // up: past those the test fails with the job's log, before this limit.
  }, 330_000);
});
