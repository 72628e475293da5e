// Benchmark: Structured Streaming's event-time windowed count with a watermark (10-minute tumbling
// windows, 10-minute watermark, append mode) on Flint's js and wasm cores against the same query in
// idiomatic JS (a Map per window and word, evicted by the watermark). Every contestant must give the
// same final counts. Rows arrive in batches, event times mostly increasing with some lateness.
// DuckDB (bench/peers, when installed) runs the same query in SQL. Run with `npm run bench:sql`
// (BENCH_ROWS rows, default 1M; BENCH_BATCH rows per batch, default 100k; BENCH_ROUNDS, default 3).
import os from 'node:os';
import { FlintSession, functions as F, schemaOf, type Row } from '../src/index.js';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { openDuckDb, PEERS_DIR } from './lib/peers.js';

const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const BATCH = Number(process.env.BENCH_BATCH ?? 100_000);
const WORDS = 1000;
const WINDOW_MS = 10 * 60_000;
const START = Date.UTC(2024, 0, 1);

type Event = {
  word: string;
  timestamp: Date;
};

/** Events 100 ms apart, each up to 5 minutes late, words from a skewed vocabulary; seeded. */
function events(): Event[] {
  let seed = 42;
  const rand = (): number => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  const vocabulary = Array.from({ length: WORDS }, (_, i) => `w${i}`);
  return Array.from({ length: ROWS }, (_, i) => ({
    word: vocabulary[Math.floor(WORDS * rand() * rand())]!,
    timestamp: new Date(START + i * 100 - Math.floor(rand() * 300_000)),
  }));
}

/** Final (window start, word) -> count, as "start|word" keys. */
type Result = Map<string, number>;

async function flint(core: 'js' | 'wasm', input: Event[]): Promise<Result> {
  const session = new FlintSession({ master: 'local[1]', core });
  const stream = session.memoryStream<Event>('events', schemaOf({ word: 'string', timestamp: 'timestamp' }));
  const counts = stream
    .toDF()
    .withWatermark('timestamp', '10 minutes')
    .groupBy(F.window(F.col('timestamp'), '10 minutes'), F.col('word'))
    .count();
  const result: Result = new Map();
  const query = await counts.writeStream.outputMode('append').foreachBatch(async (df) => {
    for (const r of (await df.collect()) as Row[]) result.set(`${((r.window as Row).start as Date).getTime()}|${r.word}`, r.count as number);
  }).start();
  for (let i = 0; i < input.length; i += BATCH) {
    for (let j = i; j < Math.min(i + BATCH, input.length); j += 10_000) stream.addData(...input.slice(j, Math.min(j + 10_000, i + BATCH)));
    await query.processAllAvailable();
  }
  stream.addData({ word: 'end', timestamp: new Date(START + ROWS * 100 + 2 * WINDOW_MS) }); // closes every window
  await query.processAllAvailable();
  await session.stop();
  return result;
}

/** The same query written directly: a Map per batch, the watermark from the previous batch. */
async function idiomatic(input: Event[]): Promise<Result> {
  const state = new Map<string, number>();
  const result: Result = new Map();
  let watermark = 0;
  const run = (batch: Event[]): void => {
    let max = -Infinity;
    for (const e of batch) {
      const t = e.timestamp.getTime();
      if (t > max) max = t;
      const start = t - (t % WINDOW_MS);
      if (start + WINDOW_MS <= watermark) continue;
      const key = `${start}|${e.word}`;
      state.set(key, (state.get(key) ?? 0) + 1);
    }
    const next = max - WINDOW_MS;
    for (;;) {
      for (const [key, n] of state) {
        if (Number(key.slice(0, key.indexOf('|'))) + WINDOW_MS <= watermark) {
          result.set(key, n);
          state.delete(key);
        }
      }
      if (next <= watermark) break;
      watermark = next; // a no-data batch under the new watermark, as Spark runs one
    }
  };
  for (let i = 0; i < input.length; i += BATCH) run(input.slice(i, i + BATCH));
  run([{ word: 'end', timestamp: new Date(START + ROWS * 100 + 2 * WINDOW_MS) }]);
  return result;
}

/** The same query in DuckDB (in-process, all cores), when the bench peers are installed. */
async function duckdb(input: Event[]): Promise<Result> {
  const db = await openDuckDb();
  try {
    const q = await db.openWatermarkedWindowCount(WINDOW_MS, WINDOW_MS);
    for (let i = 0; i < input.length; i += BATCH) await q.batch(input.slice(i, i + BATCH).map((e) => [e.timestamp.getTime(), e.word]));
    await q.batch([[START + ROWS * 100 + 2 * WINDOW_MS, 'end']]);
    return new Map((await q.results()).map(([start, word, n]) => [`${start}|${word}`, n]));
  } finally {
    db.close();
  }
}

/** Rounds per contestant, interleaved, so load on a shared machine hits them alike; the median counts. */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const input = events();
const contestants: [string, () => Promise<Result>][] = [
  ['idiomatic JS', () => idiomatic(input)],
  ['Flint js core', () => flint('js', input)],
  ['Flint wasm core', () => flint('wasm', input)],
];
if (existsSync(join(PEERS_DIR, 'node_modules', '@duckdb'))) contestants.push(['DuckDB', () => duckdb(input)]);
else console.log('DuckDB skipped: the bench peers are not installed (npm ci --prefix bench/peers)');
const seconds = new Map<string, number[]>(contestants.map(([name]) => [name, []]));
let reference: string | undefined;
for (let round = 0; round < ROUNDS; round++) {
  for (const [name, run] of contestants) {
    global.gc?.();
    const t = performance.now();
    const result = await run();
    seconds.get(name)!.push((performance.now() - t) / 1000);
    const canonical = JSON.stringify([...result].sort());
    reference ??= canonical;
    if (canonical !== reference) throw new Error(`${name} disagrees with idiomatic JS on the final counts`);
  }
}
const base = median(seconds.get('idiomatic JS')!);
console.log(`Event-time windowed count, ${ROWS} rows in batches of ${BATCH}, median of ${ROUNDS} interleaved rounds; ${os.cpus()[0]?.model ?? 'cpu'} x${os.cpus().length}, Node ${process.version}`);
for (const [name] of contestants) {
  const s = median(seconds.get(name)!);
  console.log(`${name.padEnd(16)} ${s.toFixed(2).padStart(7)} s ${Math.round(ROWS / s).toLocaleString('en-US').padStart(12)} rows/s  ${(base / s).toFixed(2)}x idiomatic JS  (rounds: ${seconds.get(name)!.map((x) => x.toFixed(2)).join(', ')} s)`);
}
console.log(`peak RSS ${Math.round(process.resourceUsage().maxRSS / 1024)} MB (whole run; includes the input rows, which the memory source keeps for replay)`);
