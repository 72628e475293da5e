// Scale-out with consumer groups: 3 Flint processes in one group share a 4-partition topic while
// a producer writes a known corpus; one is SIGKILLed midway and the group gives its partitions to
// the others. Every batch writes one file per range it read (idempotent: a range read twice is
// the same file), and the files must tile each partition's offsets from 0 to its end, with the
// corpus's exact word counts: nothing lost, nothing counted twice.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { mulberry32, randomInt } from './support/random-text.js';
import { sleep, waitFor } from './support/sources-helpers.js';
import { describeKafka, startMockCluster, type MockCluster } from './kafka/mock-cluster.js';
import { testClient } from './kafka/kafka-helpers.js';

const JOB = new URL('./fixtures/kafka-group-job.mjs', import.meta.url).pathname;
const PARTITIONS = 4;

let cluster: MockCluster;
let root: string;
const children: ChildProcess[] = [];

interface RangeFile {
  from: number;
  until: number;
  records: number;
  counts: Record<string, number>;
}

/** The range files of each partition, by their first offset. */
function rangeFiles(): Map<number, Map<number, RangeFile[]>> {
  const byPartition = new Map<number, Map<number, RangeFile[]>>();
  for (const name of readdirSync(join(root, 'out'))) {
    const m = /^p(\d+)-(\d+)-(\d+)\.json$/.exec(name);
    if (!m) continue;
    const file = { from: Number(m[2]), until: Number(m[3]), ...JSON.parse(readFileSync(join(root, 'out', name), 'utf8')) } as RangeFile;
    const froms = byPartition.get(Number(m[1])) ?? new Map<number, RangeFile[]>();
    byPartition.set(Number(m[1]), froms);
    froms.set(file.from, [...(froms.get(file.from) ?? []), file]);
  }
  return byPartition;
}

/** Ranges that tile `[0, end)` (a path through the files by offset), or undefined when there is a gap. */
function tiling(froms: Map<number, RangeFile[]> | undefined, end: number, at = 0): RangeFile[] | undefined {
  if (at === end) return [];
  for (const file of froms?.get(at) ?? []) {
    if (file.until > end) continue;
    const rest = tiling(froms, end, file.until);
    if (rest) return [file, ...rest];
  }
  return undefined;
}

function startJob(core: string): { child: ChildProcess; started: Promise<void> } {
  const child = spawn(process.execPath, [JOB, core, cluster.bootstrap, 'shared', 'flint-group', join(root, 'out')], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  let err = '';
  child.stderr!.on('data', (d: Buffer) => void (err += d.toString()));
  child.on('exit', (code) => void (code !== null && code !== 0 && console.error(`kafka-group-job exited ${code}: ${err}`)));
  const started = new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()).includes('started') && resolve());
    child.once('exit', (code, signal) => reject(new Error(`the job exited (${code ?? signal}) before it started: ${err}`)));
  });
  started.catch(() => undefined); // a job killed after it started
  return { child, started };
}

describeKafka('scale-out across processes with a consumer group (mock Kafka cluster)', () => {
  beforeAll(async () => {
    cluster = await startMockCluster({ shared: PARTITIONS });
    root = mkdtempSync(join(tmpdir(), 'flint-kafka-group-'));
    mkdirSync(join(root, 'out'));
  });
  afterAll(async () => {
    for (const c of children) c.kill('SIGKILL');
    await cluster?.stop();
    if (!process.env.FLINT_KEEP_KILL_DIRS) rmSync(root, { recursive: true, force: true });
  });

  it('3 processes share 4 partitions; one is SIGKILLed midway; the union of their range files is exact', async () => {
    const seed = Date.now() % 100_000;
    const rng = mulberry32(seed);
    // Both cores in one group: the processes alternate.
    // One joins at a time: each join is a rebalance that the members already in must take part in.
    const jobs: ReturnType<typeof startJob>[] = [];
    for (const core of ['wasm', 'js', 'wasm']) {
      jobs.push(startJob(core));
      await jobs.at(-1)!.started;
    }
    const producer = testClient(cluster.brokers).producer();
    await producer.connect();
    const totals = new Map<string, number>();
    const ends = new Array<number>(PARTITIONS).fill(0);
    for (let round = 0; round < 60; round++) {
      if (round === 30) {
        jobs[1]!.child.kill('SIGKILL');
        await once(jobs[1]!.child, 'exit');
      }
      const messages = Array.from({ length: 1 + randomInt(rng, 30) }, () => {
        const line = Array.from({ length: 1 + randomInt(rng, 6) }, () => `w${randomInt(rng, 50)}`);
        for (const w of line) totals.set(w, (totals.get(w) ?? 0) + 1);
        return { value: line.join(' '), partition: randomInt(rng, PARTITIONS) };
      });
      await producer.send({ topic: 'shared', acks: -1, messages });
      for (const m of messages) ends[m.partition]!++;
      await sleep(50 + randomInt(rng, 100));
    }
    await producer.disconnect();
    // The killed member's partitions move once its session (3 s) times out.
    await waitFor(() => {
      const files = rangeFiles();
      return ends.every((end, p) => tiling(files.get(p), end) !== undefined);
    }, `every partition's offsets to be covered (seed ${seed}, in ${root})`, 45_000);
    const files = rangeFiles();
    const counted = new Map<string, number>();
    let records = 0;
    for (let p = 0; p < PARTITIONS; p++) {
      for (const file of tiling(files.get(p), ends[p]!)!) {
        records += file.records;
        for (const [w, n] of Object.entries(file.counts)) counted.set(w, (counted.get(w) ?? 0) + n);
      }
    }
    const sorted = (m: Map<string, number>) => [...m].sort(([a], [b]) => (a < b ? -1 : 1));
    expect(records).toBe(ends.reduce((a, b) => a + b, 0));
    expect(sorted(counted), `seed ${seed}`).toEqual(sorted(totals));
    // Every process read some partition, and the killed one's partitions went on in another.
    const readers = [...files.values()].map((f) => new Set([...f.values()].flat().map((r) => (r as RangeFile & { pid: number }).pid)));
    expect(new Set(readers.flatMap((r) => [...r])).size).toBe(3);
    expect(readers.some((r) => r.has(jobs[1]!.child.pid!) && r.size > 1)).toBe(true);
    console.log(`scale-out test: ${records} records over ${PARTITIONS} partitions, 3 processes, 1 SIGKILLed; readers per partition ${readers.map((r) => r.size).join(',')}; seed ${seed}`);
    await Promise.all(jobs.filter((_, i) => i !== 1).map(async ({ child }) => {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }));
  }, 90_000);
});
