// Benchmark: word count from Kafka, one Flint process (wasm and js cores) and 2 and 3 processes, against a plain KafkaJS
// consumer counting into a Map, in the same run, on librdkafka's mock cluster (build/mock-cluster,
// built by .ci/run or the Kafka tests). The corpus is produced first, to one topic per contestant;
// the clock runs from the contestant's group join to its last record counted. The mock is an
// in-memory broker on the same machine: its speed is not a real broker's.
//   npm run bench:kafka
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import kafkajs from 'kafkajs';
import { machineLine } from '../machine.js';

/** librdkafka's mock cluster, built by .ci/run or the Kafka tests. */
export const MOCK = fileURLToPath(new URL('../../../build/mock-cluster', import.meta.url));
const WORKER = fileURLToPath(new URL('./worker.js', import.meta.url));
const PARTITIONS = 4;
const SEND_BATCH = 5000;

interface Progress {
  t: number;
  records: number;
  partitions: number[];
  processingMs?: number;
}

function corpus(records: number): string[] {
  let seed = 42;
  const next = (n: number): number => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 8) % n;
  return Array.from({ length: records }, () => Array.from({ length: 1 + next(8) }, () => `w${next(2000)}`).join(' '));
}

async function startMock(topics: string[]): Promise<{ brokers: string[]; stop: () => void }> {
  if (!existsSync(MOCK)) throw new Error(`${MOCK} is missing: build it with gcc -O2 -o build/mock-cluster test/kafka/mock-cluster.c $(pkg-config --cflags --libs rdkafka)`);
  const child = spawn(MOCK, ['1', ...topics.map((t) => `${t}:${PARTITIONS}`)], { stdio: ['pipe', 'pipe', 'inherit'] });
  const first = await createInterface({ input: child.stdout! })[Symbol.asyncIterator]().next();
  return { brokers: String(first.value).split(' ')[1]!.split(','), stop: () => void child.kill('SIGTERM') };
}

/** Produces `lines` to `topic` round-robin over the partitions; resolves the seconds it took. */
async function produce(brokers: string[], topic: string, lines: string[]): Promise<number> {
  const producer = new kafkajs.Kafka({ brokers, logLevel: kafkajs.logLevel.NOTHING }).producer();
  await producer.connect();
  const started = performance.now();
  const sends: Promise<unknown>[] = [];
  for (let i = 0; i < lines.length; i += SEND_BATCH) {
    const messages = lines.slice(i, i + SEND_BATCH).map((value, j) => ({ value, partition: (i + j) % PARTITIONS }));
    sends.push(producer.send({ topic, acks: -1, messages }));
    if (sends.length >= 4) await sends.shift();
  }
  await Promise.all(sends);
  const seconds = (performance.now() - started) / 1000;
  await producer.disconnect();
  return seconds;
}

/**
 * Runs one worker per entry of `partitionSets` (all partitions, by subscription, when it is empty)
 * on the topic that holds the corpus, each with a group of its own so no join waits for another;
 * resolves the seconds from the first join to the last record counted by any of them.
 */
async function contestant(brokers: string[], topic: string, args: string[], total: number, partitionSets: number[][] = []): Promise<{ seconds: number; processingMs: number }> {
  const runs = partitionSets.length === 0 ? [[]] : partitionSets.map((ps) => [ps.join(',')]);
  const lastOf = runs.map(() => ({ records: 0, t: 0, processingMs: 0, joinedAt: Infinity }));
  const children = runs.map((extra, k) =>
    spawn(process.execPath, [WORKER, args[0]!, brokers.join(','), topic, `bench-${topic}-${k}`, ...args.slice(1), ...extra], { stdio: ['ignore', 'pipe', 'inherit'] }),
  );
  await new Promise<void>((resolve) => {
    children.forEach((child, k) =>
      createInterface({ input: child.stdout! }).on('line', (line) => {
        const p = JSON.parse(line) as Progress & { joined?: boolean };
        const last = lastOf[k]!;
        if (p.joined) last.joinedAt = Math.min(last.joinedAt, p.t);
        Object.assign(last, { records: p.records, t: p.t, processingMs: p.processingMs ?? 0 });
        if (lastOf.reduce((n, l) => n + l.records, 0) >= total) resolve();
      }),
    );
  });
  for (const child of children) child.kill('SIGTERM');
  const seconds = (Math.max(...lastOf.map((l) => l.t)) - Math.min(...lastOf.map((l) => l.joinedAt))) / 1000;
  return { seconds, processingMs: lastOf.reduce((n, l) => n + l.processingMs, 0) };
}

/** One contestant's run. */
export interface KafkaRow {
  name: string;
  /** From the first group join to the last record counted. */
  seconds: number;
  recordsPerS: number;
  /** Flint's batch processing time summed over its processes, ms (absent for the plain consumer). */
  processingMs?: number;
}

/** The Kafka word count: every contestant on the same records. */
export interface KafkaResult {
  records: number;
  partitions: number;
  valueMiB: number;
  rows: KafkaRow[];
  /** Records/s of producing the corpus, per topic. */
  producedPerS: number[];
}

// Several Flint processes split the partitions statically (options.assign), each in a group of its
// own: the figure is the scale-out of the work itself; a group's rebalances are a one-off cost of
// a join (seconds with the mock), measured by the tests, not here.
const CONTESTANTS: [string, string[], number[][]?][] = [
  ['kafkajs consumer, counting into a Map', ['kafkajs']],
  ['Flint wasm core, local[1]', ['flint', 'wasm']],
  ['Flint js core', ['flint', 'js']],
  ['Flint wasm core, 2 processes (partitions 0-1, 2-3)', ['flint', 'wasm'], [[0, 1], [2, 3]]],
  ['Flint wasm core, 3 processes (partitions 0-1, 2, 3)', ['flint', 'wasm'], [[0, 1], [2], [3]]],
];

/** Runs every contestant on `records` records on a fresh mock cluster; `onRow` sees each as it ends. */
export async function kafkaBench(records: number, onRow: (row: KafkaRow) => void = () => undefined): Promise<KafkaResult> {
  const lines = corpus(records);
  const topics = CONTESTANTS.map((_, i) => `bench${i}`);
  const mock = await startMock(topics);
  try {
    const produced: number[] = [];
    for (const topic of topics) produced.push(records / (await produce(mock.brokers, topic, lines)));
    const rows: KafkaRow[] = [];
    for (const [i, [name, args, partitionSets]] of CONTESTANTS.entries()) {
      const { seconds, processingMs } = await contestant(mock.brokers, topics[i]!, args, records, partitionSets);
      const row: KafkaRow = { name, seconds, recordsPerS: records / seconds, ...(args[0] === 'flint' ? { processingMs } : {}) };
      rows.push(row);
      onRow(row);
    }
    const valueMiB = lines.reduce((n, l) => n + l.length, 0) / 2 ** 20;
    return { records, partitions: PARTITIONS, valueMiB, rows, producedPerS: produced };
  } finally {
    mock.stop();
  }
}

async function main(): Promise<void> {
  const records = Number(process.env.KAFKA_BENCH_RECORDS ?? 200_000);
  console.log(`Kafka word count, ${records} records, ${PARTITIONS} partitions, mock cluster; ${machineLine()}`);
  console.log('| contestant | seconds from join to last record | records/s | vs kafkajs | Flint batch processing (sum) |');
  console.log('| --- | ---: | ---: | ---: | ---: |');
  let baseline: number | undefined;
  const r = await kafkaBench(records, (row) => {
    baseline ??= row.seconds;
    const flint = row.processingMs === undefined ? '' : `${(row.processingMs / 1000).toFixed(2)} s`;
    console.log(`| ${row.name} | ${row.seconds.toFixed(2)} | ${Math.round(row.recordsPerS)} | ${(baseline / row.seconds).toFixed(2)}x | ${flint} |`);
  });
  console.log(`\n${r.valueMiB.toFixed(1)} MiB of values. Producing the corpus with kafkajs (acks=all, ${SEND_BATCH} records a request, 4 in flight): ${r.producedPerS.map(Math.round).join(', ')} records/s.`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
