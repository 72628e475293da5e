// Kill tests: a Flint job in its own process is SIGKILLed at random points while input keeps
// arriving, restarted with getOrCreate each time, and its final results must be exact: nothing
// lost, nothing counted twice. Needs the built package (npm test builds it first).
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { once } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CORES } from './support/harness.js';
import { mulberry32, randomInt, type Rng } from './support/random-text.js';
import { sleep, waitFor } from './support/sources-helpers.js';

const JOB = new URL('./fixtures/kill-job.mjs', import.meta.url).pathname;
const KILLS = 4;
const BATCH = 200;
const WINDOW = 10 * BATCH;

const children: ChildProcess[] = [];
const started = new WeakMap<ChildProcess, { out: string }>();
const dirs: string[] = [];
afterEach(() => {
  for (const c of children.splice(0)) c.kill('SIGKILL');
  // FLINT_KEEP_KILL_DIRS=1 keeps the directories of a failing run for a look.
  for (const d of dirs.splice(0)) if (!process.env.FLINT_KEEP_KILL_DIRS) rmSync(d, { recursive: true, force: true });
});

/** Writes files of random words into `dir`, each moved in whole, and keeps the expected totals. */
class Producer {
  readonly totals = new Map<string, number>();
  records = 0;
  private n = 0;

  constructor(
    private readonly dir: string,
    private readonly rng: Rng,
  ) {}

  writeFile(): void {
    const lines: string[] = [];
    for (let i = randomInt(this.rng, 30); i >= 0; i--) {
      const line = Array.from({ length: 1 + randomInt(this.rng, 6) }, () => `w${randomInt(this.rng, 40)}`);
      for (const w of line) this.totals.set(w, (this.totals.get(w) ?? 0) + 1);
      this.records += line.length;
      lines.push(line.join(' '));
    }
    const name = `f${String(this.n++).padStart(5, '0')}.txt`;
    writeFileSync(join(this.dir, `.${name}`), lines.join('\n') + '\n');
    renameSync(join(this.dir, `.${name}`), join(this.dir, name));
  }
}

function startJob(mode: string, core: string, root: string, input = join(root, 'in')): ChildProcess {
  const child = spawn(process.execPath, [JOB, mode, core, input, join(root, 'ckpt'), join(root, 'out')], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  child.stderr!.on('data', (d: Buffer) => void (err += d.toString()));
  child.stdout!.on('data', (d: Buffer) => void (started.get(child)!.out += d.toString()));
  started.set(child, { out: '' });
  child.on('exit', (code) => {
    if (code !== null) console.error(`kill-job exited ${code}: ${err}`);
  });
  children.push(child);
  return child;
}

async function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) {
    child.kill('SIGKILL');
    await once(child, 'exit');
  }
}

/** Times of the complete `prefix-<time>` output directories. */
function outputTimes(root: string, prefix: string): number[] {
  const dir = join(root, 'out');
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const m = new RegExp(`^${prefix}-(\\d+)$`).exec(name);
    return m && existsSync(join(dir, name, '_SUCCESS')) ? [Number(m[1])] : [];
  });
}

/**
 * Word counts of the output directory `prefix-<time>`. A batch run again after a restart replaces
 * its directory, which can vanish under a reader for a moment: then it is read again, a bounded
 * number of times.
 */
function output(root: string, prefix: string, time: number): Map<string, number> {
  const dir = join(root, 'out', `${prefix}-${time}`);
  for (let tries = 0; tries < 10_000; tries++) {
    try {
      const counts = new Map<string, number>();
      for (const part of readdirSync(dir).filter((p) => p.startsWith('part-'))) {
        for (const line of readFileSync(join(dir, part), 'utf8').split('\n')) {
          const pair = /^\((.*),(-?\d+)\)$/.exec(line);
          if (pair) counts.set(pair[1]!, (counts.get(pair[1]!) ?? 0) + Number(pair[2]));
        }
      }
      return counts;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  return new Map(); // gone for now (its writer died between the renames): the callers poll again
}

/** Word counts of every `prefix-<time>` output directory, by time. */
function outputs(root: string, prefix: string): Map<number, Map<string, number>> {
  return new Map(outputTimes(root, prefix).map((t) => [t, output(root, prefix, t)]));
}

/** Polls `condition` every 200 ms (reading outputs is not free) until it holds or `timeout` passes. */
async function eventually(condition: () => boolean, what: string, timeout: number): Promise<void> {
  for (let waited = 0; !condition(); waited += 200) {
    if (waited >= timeout) throw new Error(`timed out after ${timeout} ms waiting for ${what}`);
    await sleep(200);
  }
}

function add(into: Map<string, number>, from: Map<string, number>, sign = 1): void {
  for (const [k, v] of from) into.set(k, (into.get(k) ?? 0) + sign * v);
}

function sorted(m: Map<string, number>): [string, number][] {
  return [...m].filter(([, v]) => v !== 0).sort(([a], [b]) => (a < b ? -1 : 1));
}

/**
 * Runs `mode` on `core`: input arrives for the whole run, the job is killed KILLS times at random
 * points and restarted; returns the producer and the root directory once input has stopped and
 * the last run has caught up (`caughtUp` decides when).
 */
async function killAndRestart(mode: string, core: string, seed: number, caughtUp: (root: string, p: Producer) => boolean): Promise<{ root: string; producer: Producer }> {
  const root = mkdtempSync(join(tmpdir(), `flint-kill-${mode}-`));
  dirs.push(root);
  mkdirSync(join(root, 'in'));
  const rng = mulberry32(seed);
  const producer = new Producer(join(root, 'in'), rng);
  let producing = true;
  let feeding: Promise<void> | undefined;
  const feed = async () => {
    while (producing) {
      producer.writeFile();
      await sleep(20 + randomInt(rng, 40));
    }
  };
  try {
    for (let run = 0; run <= KILLS; run++) {
      const child = startJob(mode, core, root);
      await waitFor(() => started.get(child)!.out.includes('started'), 'the job to start', 15_000);
      // Files already in the directory at the very first start are not new data: feed after it.
      feeding ??= feed();
      if (run === KILLS) break;
      await sleep(300 + randomInt(rng, 1200));
      await kill(child);
    }
  } finally {
    producing = false;
    await feeding;
  }
  await eventually(() => caughtUp(root, producer), `the last run to process all input (in ${root})`, 30_000);
  return { root, producer };
}

/**
 * A line server with acknowledgements: it sends "seq word ..." lines in order, at most `total`,
 * and on every new connection starts again after the last line acknowledged ("ack <seq>"). It
 * remembers which lines it sent more than once.
 */
class AckingServer {
  readonly server: Server;
  readonly totals = new Map<string, number>();
  readonly resent = new Set<number>();
  acked = 0;
  private readonly lines: string[] = [];
  private readonly sentOnce = new Set<number>();
  private current: Socket | undefined;

  constructor(rng: Rng, total: number) {
    for (let seq = 1; seq <= total; seq++) {
      const ws = Array.from({ length: 1 + randomInt(rng, 5) }, () => `w${randomInt(rng, 30)}`);
      for (const w of ws) this.totals.set(w, (this.totals.get(w) ?? 0) + 1);
      this.lines.push(`${seq} ${ws.join(' ')}\n`);
    }
    this.server = createServer((socket) => this.serve(socket));
  }

  async listen(): Promise<number> {
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    return (this.server.address() as AddressInfo).port;
  }

  private serve(socket: Socket): void {
    this.current?.destroy();
    this.current = socket;
    let next = this.acked; // index of the next line to send
    let acks = '';
    socket.on('data', (d: Buffer) => {
      acks += d.toString();
      const parts = acks.split('\n');
      acks = parts.pop()!;
      for (const p of parts) this.acked = Math.max(this.acked, Number(p.split(' ')[1]));
    });
    socket.on('error', () => undefined);
    const pump = (): void => {
      if (socket.destroyed || this.current !== socket) return;
      const end = Math.min(this.lines.length, next + 25);
      for (; next < end; next++) {
        if (this.sentOnce.has(next + 1)) this.resent.add(next + 1);
        this.sentOnce.add(next + 1);
        socket.write(this.lines[next]!);
      }
      if (next < this.lines.length) setTimeout(pump, 10);
    };
    pump();
  }
}

describe('stopGracefullyOnShutdown', () => {
  it('SIGTERM finishes the received batches, writes a final checkpoint after the last one and exits 0', async () => {
    const root = mkdtempSync(join(tmpdir(), 'flint-sigterm-'));
    dirs.push(root);
    mkdirSync(join(root, 'in'));
    const producer = new Producer(join(root, 'in'), mulberry32(7));
    const child = startJob('state', 'js', root);
    await waitFor(() => started.get(child)!.out.includes('started'), 'the job to start', 15_000);
    for (let i = 0; i < 10; i++) {
      producer.writeFile();
      await sleep(50);
    }
    await sleep(3 * BATCH);
    child.kill('SIGTERM');
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(0);
    const lastOutput = Math.max(...outputTimes(root, 'state'));
    const checkpoints = readdirSync(join(root, 'ckpt')).filter((n) => n.startsWith('checkpoint-')).map((n) => Number(n.slice(11)));
    expect(Math.max(...checkpoints)).toBe(lastOutput);
    expect(sorted(output(root, 'state', lastOutput))).toEqual(sorted(producer.totals));
  }, 30_000);
});

describe.each(CORES)('kill tests on the %s core', (core) => {
  it(`socket source with the write-ahead log and a stateful count: ${KILLS} SIGKILLs, nothing lost, nothing counted twice`, async () => {
    const seed = Date.now() % 100_000;
    const rng = mulberry32(seed);
    const total = 4000;
    const source = new AckingServer(rng, total);
    const port = await source.listen();
    const root = mkdtempSync(join(tmpdir(), 'flint-kill-socket-'));
    dirs.push(root);
    try {
      for (let run = 0; run <= KILLS; run++) {
        const child = startJob('socket', core, root, String(port));
        await waitFor(() => started.get(child)!.out.includes('started'), 'the job to start', 15_000);
        if (run === KILLS) break;
        await sleep(300 + randomInt(rng, 1200));
        await kill(child);
      }
      const latest = () => {
        const times = outputTimes(root, 'state');
        if (times.length === 0) return undefined;
        const dir = join(root, 'out', `state-${Math.max(...times)}`);
        const text = readdirSync(dir).filter((p) => p.startsWith('part-')).map((p) => readFileSync(join(dir, p), 'utf8')).join('');
        return text.trim() === '' ? undefined : (JSON.parse(text) as { maxSeq: number; counts: Record<string, number>; duplicates: number[] });
      };
      await eventually(() => latest()?.maxSeq === total, `every line to be counted (in ${root})`, 30_000);
      const state = latest()!;
      expect(sorted(new Map(Object.entries(state.counts))), `seed ${seed}`).toEqual(sorted(source.totals));
      // Lines counted again could only be lines the server sent again after a lost acknowledgement.
      expect(state.duplicates.filter((seq) => !source.resent.has(seq)), `seed ${seed}: duplicates not resent`).toEqual([]);
      console.log(`socket kill test (${core}): ${total} lines, ${KILLS} kills, ${source.resent.size} resent, ${state.duplicates.length} kept aside as resent`);
    } finally {
      source.server.close();
    }
  }, 90_000);

  it(`file source with updateStateByKey: ${KILLS} SIGKILLs, exact totals`, async () => {
    const seed = Date.now() % 100_000;
    const latestState = (root: string) => {
      const times = outputTimes(root, 'state');
      return times.length === 0 ? new Map<string, number>() : output(root, 'state', Math.max(...times));
    };
    const { root, producer } = await killAndRestart('state', core, seed, (root, p) => {
      const state = latestState(root);
      return [...p.totals].every(([w, n]) => (state.get(w) ?? 0) >= n);
    });
    // One more batch, so a late double count would show.
    await sleep(3 * BATCH);
    expect(sorted(latestState(root)), `seed ${seed}`).toEqual(sorted(producer.totals));
    console.log(`file + updateStateByKey kill test (${core}): ${producer.records} words, ${KILLS} kills, totals exact`);
  }, 90_000);

  it(`file source with an incremental window: ${KILLS} SIGKILLs, every window exact`, async () => {
    const seed = Date.now() % 100_000;
    // A batch's output is final once the run that wrote it has caught up past it.
    const seen = new Map<number, Map<string, number>>();
    const sumBatches = (root: string) => {
      const total = new Map<string, number>();
      for (const t of outputTimes(root, 'batch')) {
        if (!seen.has(t)) seen.set(t, output(root, 'batch', t));
        add(total, seen.get(t)!);
      }
      return total;
    };
    const { root, producer } = await killAndRestart('window', core, seed, (root, p) => {
      const total = sumBatches(root);
      return [...p.totals].every(([w, n]) => (total.get(w) ?? 0) >= n);
    });
    await sleep(WINDOW + 4 * BATCH);
    seen.clear();
    expect(sorted(sumBatches(root)), `seed ${seed}: every record in exactly one batch`).toEqual(sorted(producer.totals));
    const batches = outputs(root, 'batch');
    const windows = outputs(root, 'window');
    expect(windows.size).toBeGreaterThan(5);
    console.log(`file + window kill test (${core}): ${producer.records} words, ${KILLS} kills, ${windows.size} windows checked`);
    for (const [t, window] of windows) {
      const expected = new Map<string, number>();
      for (let b = t - WINDOW + BATCH; b <= t; b += BATCH) add(expected, batches.get(b) ?? new Map());
      expect(sorted(window), `seed ${seed}: window at ${t} ms`).toEqual(sorted(expected));
    }
  }, 90_000);
});
