// Workload: Structured Streaming's event-time windowed aggregation with a watermark (10-minute
// tumbling windows, 10-minute watermark, append mode), on text and on numeric columns:
//   text:    CSV files of `timestamp,word` lines (one file per batch) read by the csv file source;
//            count per (window, word)
//   numeric: the rate source's rows (timestamp, value), 1000 s per batch on a manual clock;
//            count and sum(value) per window
// Contestants: Flint's wasm and js cores, idiomatic JS over the same bytes / rows (split lines,
// a Map keyed by window and word, watermark eviction), and DuckDB (bench/peers) reading the same
// files with its CSV reader / generating the same rows in SQL. Each contestant runs in a child
// process of its own (its peak RSS is its own), rounds interleave contestants, and every
// contestant must emit the same windows. Ratios are medians of per-round ratios to idiomatic JS.
// Rows: BENCH_SQL_ROWS (full run 50M, quick 2M); rounds: BENCH_SQL_ROUNDS (full 3, quick 1);
// BENCH_SQL_DATASETS (`text,numeric`) and BENCH_SQL_ONLY (contestants) narrow the run.
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FlintSession, functions as F, ManualClock, Trigger, type Row } from '../../src/index.js';
import { childConfig, finish, log, progress, runChild } from '../lib/child.js';
import { openDuckDb } from '../lib/peers.js';

const WINDOW_MS = 10 * 60_000;
const START = Date.UTC(2024, 0, 1);
const WORDS = 1000;
/** Rows per CSV file (one batch) and per rate batch. */
const BATCH_ROWS = 1_000_000;
/** Rate source speed: 1000 s of it is one batch (50M rows span 83 ten-minute windows). */
const RATE = BATCH_ROWS / 1000;

const CONTESTANTS = ['wasm core', 'js core', 'idiomatic JS', 'DuckDB'] as const;
type Contestant = (typeof CONTESTANTS)[number];
type Dataset = 'text' | 'numeric';

/** What a contestant's child reports. */
interface Outcome {
  seconds: number;
  peakRssMb: number;
  /** Emitted windows, order-independent: count of groups, total of counts, and a hash. */
  check: string;
}

// ---- the data --------------------------------------------------------------------------------

/** Writes `rows` CSV lines into files of BATCH_ROWS under `dir`: 100 ms apart, up to 5 minutes late, skewed words; seeded. */
function writeText(dir: string, rows: number): void {
  let seed = 42;
  const rand = (): number => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  mkdirSync(dir, { recursive: true });
  for (let file = 0; file * BATCH_ROWS < rows; file++) {
    const lines: string[] = [];
    for (let i = file * BATCH_ROWS; i < Math.min(rows, (file + 1) * BATCH_ROWS); i++) {
      const t = START + i * 100 - Math.floor(rand() * 300_000);
      lines.push(`${new Date(t).toISOString().slice(0, 23).replace('T', ' ')},w${Math.floor(WORDS * rand() * rand())}`);
    }
    writeFileSync(join(dir, `part-${String(file).padStart(5, '0')}.csv`), `${lines.join('\n')}\n`);
  }
  // One late-enough line closes every window.
  writeFileSync(join(dir, 'part-99999.csv'), `${new Date(START + rows * 100 + 2 * WINDOW_MS).toISOString().slice(0, 23).replace('T', ' ')},end\n`);
}

function files(dir: string): string[] {
  return readdirSync(dir).sort().map((f) => join(dir, f));
}

// ---- checks ----------------------------------------------------------------------------------

/** An order-independent digest of emitted groups. */
class Digest {
  private groups = 0;
  private total = 0;
  private hash = 0;
  add(start: number, key: string, n: number, s = 0): void {
    this.groups++;
    this.total += n;
    let h = 0x811c9dc5;
    const text = `${start}|${key}|${n}|${s}`;
    for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
    this.hash = (this.hash + (h >>> 0)) % 0x100000000;
  }
  toString(): string {
    return `${this.groups} groups, ${this.total} rows, hash ${this.hash.toString(16)}`;
  }
}

// ---- contestants: text -----------------------------------------------------------------------

async function flintText(core: 'js' | 'wasm', dir: string): Promise<Digest> {
  const flint = new FlintSession({ master: 'local[1]', core });
  const digest = new Digest();
  const counts = flint.readStream
    .schema({ timestamp: 'timestamp', word: 'string' })
    .option('maxFilesPerTrigger', 1)
    .csv(dir)
    .withWatermark('timestamp', '10 minutes')
    .groupBy(F.window(F.col('timestamp'), '10 minutes'), F.col('word'))
    .count();
  const query = await counts.writeStream
    .outputMode('append')
    .foreachBatch(async (df) => {
      for (const r of (await df.collect()) as Row[]) digest.add(((r.window as Row).start as Date).getTime(), r.word as string, r.count as number);
    })
    .start();
  await query.processAllAvailable();
  await flint.stop();
  return digest;
}

/** The query written directly over the same files: split lines, a Map per window and word, the watermark from the previous batch. */
function idiomaticText(dir: string): Digest {
  const state = new Map<string, number>();
  const digest = new Digest();
  let watermark = 0;
  const evict = (): void => {
    for (const [key, n] of state) {
      const bar = key.indexOf('|');
      const start = Number(key.slice(0, bar));
      if (start + WINDOW_MS <= watermark) {
        digest.add(start, key.slice(bar + 1), n);
        state.delete(key);
      }
    }
  };
  for (const path of files(dir)) {
    let max = -Infinity;
    for (const line of readFileSync(path, 'utf8').split('\n')) {
      if (line === '') continue;
      const [ts, word] = line.split(',');
      const t = Date.parse(`${ts!.replace(' ', 'T')}Z`);
      if (t > max) max = t;
      const start = t - (t % WINDOW_MS);
      if (start + WINDOW_MS <= watermark) continue;
      const key = `${start}|${word}`;
      state.set(key, (state.get(key) ?? 0) + 1);
    }
    evict();
    if (max - WINDOW_MS > watermark) {
      watermark = max - WINDOW_MS; // a no-data batch under the new watermark, as Spark runs one
      evict();
    }
  }
  return digest;
}

async function duckText(dir: string): Promise<Digest> {
  const db = await openDuckDb();
  try {
    const q = (await db.openWatermarkedWindowCount(WINDOW_MS, WINDOW_MS)) as unknown as { batchCsv(path: string): Promise<void>; results(): Promise<[number, string, number][]> };
    for (const path of files(dir)) await q.batchCsv(path);
    const digest = new Digest();
    for (const [start, word, n] of await q.results()) digest.add(start, word, n);
    return digest;
  } finally {
    db.close();
  }
}

// ---- contestants: numeric --------------------------------------------------------------------

async function flintNumeric(core: 'js' | 'wasm', rows: number): Promise<Digest> {
  const clock = new ManualClock(START);
  const flint = new FlintSession({ master: 'local[1]', core, clock });
  const digest = new Digest();
  const sums = flint.readStream
    .format('rate')
    .option('rowsPerSecond', RATE)
    .option('numPartitions', 1)
    .load()
    .withWatermark('timestamp', '10 minutes')
    .groupBy(F.window('timestamp', '10 minutes'))
    .agg(F.count('*'), F.sum('value'));
  const query = await sums.writeStream
    .outputMode('append')
    .trigger(Trigger.ProcessingTime('1000 seconds'))
    .foreachBatch(async (df) => {
      for (const r of (await df.collect()) as Row[]) digest.add(((r.window as Row).start as Date).getTime(), '', r['count(1)'] as number, r['sum(value)'] as number);
    })
    .start();
  for (let done = 0; done < rows; done += BATCH_ROWS) await clock.advance(1_000_000);
  await query.stop();
  await flint.stop();
  return digest;
}

/** The rate source's rows as objects, batch by batch, into a Map per window start. */
function idiomaticNumeric(rows: number): Digest {
  const state = new Map<number, { n: number; s: number }>();
  const digest = new Digest();
  let watermark = 0;
  for (let from = 0; from < rows; from += BATCH_ROWS) {
    const startMs = START + (from / RATE) * 1000;
    const batch: { timestamp: Date; value: number }[] = [];
    for (let v = from; v < from + BATCH_ROWS; v++) batch.push({ timestamp: new Date(startMs + Math.round((v - from) * (1000 / RATE))), value: v });
    let max = -Infinity;
    for (const row of batch) {
      const t = row.timestamp.getTime();
      if (t > max) max = t;
      const start = t - (t % WINDOW_MS);
      if (start + WINDOW_MS <= watermark) continue;
      const acc = state.get(start);
      if (acc) {
        acc.n++;
        acc.s += row.value;
      } else state.set(start, { n: 1, s: row.value });
    }
    for (const [start, acc] of state) {
      if (start + WINDOW_MS > watermark) continue;
      digest.add(start, '', acc.n, acc.s);
      state.delete(start);
    }
    if (max - WINDOW_MS > watermark) watermark = max - WINDOW_MS;
  }
  return digest;
}

async function duckNumeric(rows: number): Promise<Digest> {
  const db = await openDuckDb();
  try {
    const q = await (db as unknown as { openWatermarkedWindowSum(w: number, d: number): Promise<{ batchRange(s: number, m: number, f: number, t: number): Promise<void>; results(): Promise<[number, number, number][]> }> }).openWatermarkedWindowSum(WINDOW_MS, WINDOW_MS);
    for (let from = 0; from < rows; from += BATCH_ROWS) await q.batchRange(START + (from / RATE) * 1000, 1000 / RATE, from, from + BATCH_ROWS);
    const digest = new Digest();
    for (const [start, n, s] of await q.results()) digest.add(start, '', n, s);
    return digest;
  } finally {
    db.close();
  }
}

// ---- child and parent ------------------------------------------------------------------------

async function runContestant(contestant: Contestant, dataset: Dataset, dir: string, rows: number): Promise<Outcome> {
  const t = performance.now();
  let digest: Digest;
  if (dataset === 'text') {
    digest = contestant === 'idiomatic JS' ? idiomaticText(dir) : contestant === 'DuckDB' ? await duckText(dir) : await flintText(contestant === 'wasm core' ? 'wasm' : 'js', dir);
  } else {
    digest = contestant === 'idiomatic JS' ? idiomaticNumeric(rows) : contestant === 'DuckDB' ? await duckNumeric(rows) : await flintNumeric(contestant === 'wasm core' ? 'wasm' : 'js', rows);
  }
  return { seconds: (performance.now() - t) / 1000, peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024), check: digest.toString() };
}

/** One dataset's figures per contestant. */
export interface SqlDatasetResult {
  rows: number;
  contestants: { name: Contestant; medianSeconds: number; rowsPerSecond: number; ratioToIdiomatic: number; peakRssMb: number; rounds: number[] }[];
  check: string;
}

/** The workload's result (also written to bench/report/sql.json for the report). */
export interface SqlResult {
  rounds: number;
  text: SqlDatasetResult;
  numeric: SqlDatasetResult;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function parent(): Promise<void> {
  const config = childConfig();
  const quick = config.mode === 'quick';
  const rows = Number(process.env.BENCH_SQL_ROWS ?? (quick ? 2_000_000 : 50_000_000));
  const rounds = Number(process.env.BENCH_SQL_ROUNDS ?? (quick ? 1 : 3));
  const only = (process.env.BENCH_SQL_ONLY ?? CONTESTANTS.join(',')).split(',') as Contestant[];
  const datasets = (process.env.BENCH_SQL_DATASETS ?? 'text,numeric').split(',') as Dataset[];
  const dir = join(tmpdir(), `flint-bench-sql-${process.pid}`);
  if (datasets.includes('text')) {
    progress(0, `writing ${rows} CSV rows`);
    writeText(dir, rows);
  }
  const self = fileURLToPath(import.meta.url);
  const result: Partial<SqlResult> = { rounds };
  try {
    for (const dataset of datasets) {
      const outcomes = new Map<Contestant, Outcome[]>(only.map((c) => [c, []]));
      for (let round = 0; round < rounds; round++) {
        for (const c of only) {
          progress(((dataset === 'numeric' ? rounds : 0) + round) / (2 * rounds), `${dataset}: ${c}, round ${round + 1}`);
          const o = await runChild<Outcome>(self, { config, args: ['child', c, dataset, dir, String(rows)], heapMb: 8192 });
          outcomes.get(c)!.push(o);
          log(`sql ${dataset} ${c}: ${o.seconds.toFixed(2)} s, peak RSS ${o.peakRssMb} MB, ${o.check}`);
        }
      }
      const checks = new Set([...outcomes.values()].flatMap((os) => os.map((o) => o.check)));
      if (checks.size !== 1) throw new Error(`sql ${dataset}: contestants disagree on the emitted windows: ${[...checks].join(' / ')}`);
      const base = outcomes.get('idiomatic JS');
      result[dataset] = {
        rows,
        check: [...checks][0]!,
        contestants: [...outcomes].map(([name, os]) => ({
          name,
          medianSeconds: median(os.map((o) => o.seconds)),
          rowsPerSecond: Math.round(rows / median(os.map((o) => o.seconds))),
          ratioToIdiomatic: base ? median(os.map((o, i) => base[i]!.seconds / o.seconds)) : NaN,
          peakRssMb: Math.max(...os.map((o) => o.peakRssMb)),
          rounds: os.map((o) => o.seconds),
        })),
      };
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const out = fileURLToPath(new URL('../../../bench/report/sql.json', import.meta.url));
  writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
  finish(result);
}

if (process.argv[2] === 'child') {
  const [, , , contestant, dataset, dir, rows] = process.argv;
  finish(await runContestant(contestant as Contestant, dataset as Dataset, dir!, Number(rows)));
  process.exit(0);
} else {
  await parent();
}
