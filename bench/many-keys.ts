// `npm run bench:many-keys`: peak memory of one batch with millions of distinct keys (issue 15's
// "many keys": a 45 MB batch of 5M distinct words under 1 GB RSS on the wasm core, 1.5 GB on the
// js core). The job is `lines.flatMap(words).map(pair(1)).reduceByKey(sum)` on a ManualClock,
// its result consumed one of three ways: `count()`, `take(10)` in foreachRDD, or foreachRDD
// reading every pair. Each core x consumer runs in a fresh process and reports its peak RSS
// (`process.resourceUsage().maxRSS`), the RSS before the first batch (input text included) and
// the batch times. `--window` instead measures the 1M-key sliding window of BENCHMARKS.md
// section 4 (reduceByKeyAndWindow with inverse) on both cores, as bench/workloads/memory.ts does.
// Usage: node dist/bench/many-keys.js [--keys N] [--batches N] [--only core/consumer] [--window]
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Batch } from '../src/batch/batch.js';
import { ManualClock, pair, StreamingContext, sum, words, type CoreName } from '../src/index.js';
import { vocabulary } from './corpus.js';
import { openFlintWindow, textBatch } from './lib/flint.js';
import type { TextBatch } from '../src/batch/text-batch.js';

/** How a run reads each batch's counts. */
type Consumer = 'count' | 'take10' | 'foreachRDD';

/** One child's figures. */
interface ManyKeysRun {
  name: string;
  baselineMb: number;
  peakMb: number;
  batchMs: number[];
  /** CPU time of the whole process (all threads) over the batches, s: steadier than wall time on a shared host. */
  cpuS: number;
  /** What the consumer saw (keys counted, or the first key taken): equal across cores. */
  check: string;
}

const CONSUMERS: Consumer[] = ['count', 'take10', 'foreachRDD'];
const CORES: CoreName[] = ['wasm', 'js'];
const MASTER = 'local[2]';
const BATCH_MS = 1000;

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : fallback;
}

const cpuSeconds = (since: NodeJS.CpuUsage): number => {
  const { user, system } = process.cpuUsage(since);
  return Math.round((user + system) / 1e5) / 10;
};
const rssMb = (): number => Math.round(process.memoryUsage.rss() / 2 ** 20);
const peakMb = (): number => Math.round(process.resourceUsage().maxRSS / 1024);

/** `keys` distinct words (the corpus's, each with a trailing 'k'), each once, 12 to a line: 45 MB at 5M keys. */
function distinctText(keys: number): Buffer {
  const words = vocabulary(keys).map((w) => w + 'k');
  const chunks: Buffer[] = [];
  for (let i = 0; i < words.length; i += 12 * 4096) {
    const lines: string[] = [];
    for (let j = i; j < Math.min(words.length, i + 12 * 4096); j += 12) lines.push(words.slice(j, Math.min(j + 12, i + 12 * 4096)).join(' '));
    chunks.push(Buffer.from(lines.join('\n') + '\n'));
  }
  return Buffer.concat(chunks);
}

/** Wires the consumer to `counts`; `seen` receives what it read from each batch. */
function consume(counts: ReturnType<typeof wordCounts>, consumer: Consumer, seen: (check: string) => void): void {
  if (consumer === 'count') return counts.count().foreachRDD((b) => seen(String(b.collect()[0])));
  counts.foreachRDD((b: Batch<[string, number]>) => {
    if (consumer === 'take10') return seen(JSON.stringify(b.take(10)[0]));
    let keys = 0;
    let total = 0;
    for (const p of b.partitions) {
      for (const [, v] of p) {
        keys++;
        total += v;
      }
    }
    seen(`${keys} keys, total ${total}`);
  });
}

function wordCounts(ssc: StreamingContext, queue: TextBatch[]) {
  return ssc.queueStream<string>(queue).flatMap(words).map(pair(1)).reduceByKey(sum);
}

/** In a child: `batches` batches of the same text on `core`, read by `consumer`. */
async function runBatch(core: CoreName, consumer: Consumer, keys: number, batches: number): Promise<ManyKeysRun> {
  const text = distinctText(keys);
  const clock = new ManualClock(0);
  const ssc = new StreamingContext({ batchInterval: BATCH_MS, master: MASTER, core, clock });
  const queue: TextBatch[] = [];
  let check = '';
  consume(wordCounts(ssc, queue), consumer, (c) => (check = c));
  await ssc.start();
  const baselineMb = rssMb();
  const batchMs: number[] = [];
  const cpu = process.cpuUsage();
  for (let b = 0; b < batches; b++) {
    queue.push(textBatch(text, ssc.defaultParallelism));
    const t = performance.now();
    await clock.advance(BATCH_MS);
    batchMs.push(Math.round(performance.now() - t));
  }
  await ssc.stop();
  return { name: `${core} ${consumer}`, baselineMb, peakMb: peakMb(), batchMs, cpuS: cpuSeconds(cpu), check: `${(text.length / 1e6).toFixed(1)} MB: ${check}` };
}

/** In a child: the 1M-key window of BENCHMARKS.md section 4 (10 panes, 3 slides past full). */
async function runWindow(core: CoreName, keys: number): Promise<ManyKeysRun> {
  const panes = 10;
  const words = vocabulary(keys);
  const per = keys / panes;
  const pane = (i: number): Buffer => {
    const tokens: string[] = [];
    for (let k = i * per; k < (i + 1) * per; k++) for (let r = 0; r <= k % 3; r++) tokens.push(words[k]!);
    const lines: string[] = [];
    for (let t = 0; t < tokens.length; t += 12) lines.push(tokens.slice(t, t + 12).join(' '));
    return Buffer.from(lines.join('\n') + '\n');
  };
  const input = Array.from({ length: panes }, (_, i) => pane(i));
  const run = await openFlintWindow(core, MASTER, panes, true);
  const baselineMb = rssMb();
  const batchMs: number[] = [];
  const cpu = process.cpuUsage();
  for (let s = 0; s < panes + 3; s++) {
    const t = performance.now();
    await run.slide(input[s % panes]!);
    batchMs.push(Math.round(performance.now() - t));
  }
  const check = `${run.latest()!.count()} keys in the window`;
  await run.close();
  return { name: `${core} window`, baselineMb, peakMb: peakMb(), batchMs: batchMs.slice(panes), cpuS: cpuSeconds(cpu), check };
}

async function main(): Promise<void> {
  const window = process.argv.includes('--window');
  const keys = Number(arg('keys', window ? '1000000' : '5000000'));
  const batches = Number(arg('batches', '2'));
  const child = arg('child', '');
  if (child) {
    const [core, consumer] = child.split('/') as [CoreName, Consumer | 'window'];
    const run = consumer === 'window' ? await runWindow(core, keys) : await runBatch(core, consumer, keys, batches);
    process.stdout.write(JSON.stringify(run) + '\n');
    return;
  }
  const only = arg('only', '');
  const cases = window ? CORES.map((c) => `${c}/window`) : CORES.flatMap((c) => CONSUMERS.map((k) => `${c}/${k}`));
  const self = fileURLToPath(import.meta.url);
  console.log(window ? `reduceByKeyAndWindow(sum, subtract) over ${keys} keys, 10 panes, ${MASTER}` : `one batch of ${keys} distinct words, word count, ${batches} batches, ${MASTER}`);
  console.log('| run | RSS before (MB) | peak RSS (MB) | batch times (ms) | CPU (s) | check |');
  console.log('|---|---:|---:|---|---:|---|');
  for (const c of cases.filter((c) => !only || only.split(',').includes(c))) {
    const args = ['--max-old-space-size=12288', self, '--child', c, '--keys', String(keys), '--batches', String(batches), ...(window ? ['--window'] : [])];
    const out = execFileSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 20 });
    const r = JSON.parse(out.trim().split('\n').pop()!) as ManyKeysRun;
    console.log(`| ${r.name} | ${r.baselineMb} | ${r.peakMb} | ${r.batchMs.join(', ')} | ${r.cpuS} | ${r.check} |`);
  }
}

await main();
