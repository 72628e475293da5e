// The columnar event-time aggregation against the row path: the same generated inputs (random
// lateness, nulls, several batches) through both, in every output mode, on both cores, over the
// memory source and the CSV file source; the batches they write must be equal, row for row. A
// checkpoint written by one path must restart on the other.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { functions as F, ManualClock, schemaOf, Trigger, type CoreName, type DataFrame, type OutputMode, type Row, type Value } from '../src/index.js';
import { ColumnarWindowAggregateExec } from '../src/sql/execution/columnar-window-aggregate-exec.js';
import { planQuery } from '../src/sql/execution/planner.js';
import { StateStoreSaveExec } from '../src/sql/execution/state-store-save-exec.js';
import { cleanUp, session, tempDir } from './support/stream-test.js';

afterEach(cleanUp);

const CORES: CoreName[] = ['js', 'wasm'];
const MODES: OutputMode[] = ['append', 'update', 'complete'];
const MIN = 60_000;
const START = Date.UTC(2024, 0, 1);

interface Event {
  ts: Date | null;
  word: string | null;
  v: number | null;
}

/** Seeded events: times mostly increasing, up to `lateness` ms late, some nulls. */
function events(n: number, seed: number, lateness: number): Event[] {
  let s = seed;
  const rand = (): number => ((s = (s * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  return Array.from({ length: n }, (_, i) => ({
    ts: rand() < 0.02 ? null : new Date(START + i * 7_000 - Math.floor(rand() * lateness)),
    word: rand() < 0.05 ? null : ['a', 'bb', 'ccc', 'é', 'a b', 'w5'][Math.floor(rand() * 6)]!,
    v: rand() < 0.1 ? null : Math.floor(rand() * 200) - 100,
  }));
}

type Query = (df: DataFrame) => DataFrame;

const QUERIES: [string, Query][] = [
  ['tumbling count by word', (df) => df.withWatermark('ts', '10 minutes').groupBy(F.window(F.col('ts'), '10 minutes'), F.col('word')).count()],
  [
    'sliding sum/avg/min/max/count(v) by v % key',
    (df) =>
      df
        .withWatermark('ts', '5 minutes')
        .groupBy(F.col('word'), F.window(F.col('ts'), '10 minutes', '5 minutes'), F.col('v'))
        .agg(F.sum('v'), F.avg('v'), F.min('v'), F.max('v'), F.count('v'), F.count('*')),
  ],
  ['window only, no watermark', (df) => df.groupBy(F.window('ts', '15 minutes')).agg(F.count('word'), F.sum('v'))],
];

/** Every batch a query writes, rows as tuples (timestamps as ms, windows as [start, end]). */
async function run(df: DataFrame, mode: OutputMode, feed: (batch: number) => boolean, checkpoint?: string): Promise<Value[][][]> {
  const batches: Value[][][] = [];
  let writer = df.writeStream.outputMode(mode).foreachBatch(async (b) => {
    batches.push(((await b.collect()) as Row[]).map(tuple));
  });
  if (checkpoint) writer = writer.option('checkpointLocation', checkpoint);
  const query = await writer.start();
  for (let i = 0; feed(i); i++) await query.processAllAvailable();
  await query.processAllAvailable();
  await query.stop();
  return batches;
}

function tuple(row: Row): Value[] {
  return Object.values(row).map((v) => (v instanceof Date ? v.getTime() : v !== null && typeof v === 'object' && !Array.isArray(v) ? Object.values(v).map((d) => (d as Date).getTime()) : v));
}

/** The batches of `query` over `input` in `batchSize` pieces through the memory source. */
async function overMemory(core: CoreName, columnar: boolean, query: Query, mode: OutputMode, input: Event[], batchSize: number): Promise<Value[][][]> {
  const flint = session(core, { columnarAggregation: columnar });
  const stream = flint.memoryStream<Event>('events', schemaOf({ ts: 'timestamp', word: 'string', v: 'long' }));
  const df = query(stream.toDF());
  const plan = planQuery(df.logicalPlan, undefined, { columnarAggregation: columnar });
  expect(plan.stateful[0]).toBeInstanceOf(columnar ? ColumnarWindowAggregateExec : StateStoreSaveExec);
  return run(df, mode, (i) => {
    const piece = input.slice(i * batchSize, (i + 1) * batchSize);
    if (piece.length > 0) stream.addData(...piece);
    return piece.length > 0;
  });
}

describe('columnar window aggregation equals the row path', () => {
  for (const core of CORES) {
    for (const mode of MODES) {
      for (const [name, query] of QUERIES) {
        // Append needs a watermark (UnsupportedOperationChecker).
        if (mode === 'append' && name.includes('no watermark')) continue;
        it(`${name}, ${mode} mode, memory source (${core} core)`, async () => {
          const input = events(600, 7 + name.length, 12 * MIN);
          const rows = await overMemory(core, false, query, mode, input, 97);
          const columns = await overMemory(core, true, query, mode, input, 97);
          expect(rows.flat().length).toBeGreaterThan(0);
          expect(columns).toEqual(rows);
        });
      }
    }
  }

  // The tumbling count by word is the query the wasm core reads CSV for in its kernel; every third
  // file has times with an offset, which the kernel leaves to the row parser's conversion, and
  // every fourth quoted words, which it leaves to the row parser.
  for (const core of CORES) {
    for (const [name, query] of [QUERIES[0]!, QUERIES[1]!]) {
      it.each(MODES)(`CSV file source, ${name}, %s mode (${core} core)`, async (mode) => {
        const input = events(500, 3, 9 * MIN);
        const results: Value[][][][] = [];
        for (const columnar of [false, true]) {
          const dir = tempDir();
          const flint = session(core, { columnarAggregation: columnar });
          const df = flint.readStream.schema({ ts: 'timestamp', word: 'string', v: 'long' }).option('header', true).option('maxFilesPerTrigger', 1).csv(dir);
          const counts = query(df);
          let file = 0;
          results.push(
            await run(counts, mode, (i) => {
              const piece = input.slice(i * 60, (i + 1) * 60);
              if (piece.length === 0) return false;
              writeFileSync(join(dir, `part-${String(file++).padStart(4, '0')}.csv`), csvOf(piece, i % 3 === 0 ? ' ' : i % 3 === 1 ? 'T' : '+', i % 4 === 2));
              return true;
            }),
          );
        }
        expect(results[0]!.flat().length).toBeGreaterThan(0);
        expect(results[1]).toEqual(results[0]);
      });
    }
  }

  it.each(CORES)('rate source, typed arrays straight from the generator (%s core)', async (core) => {
    const results: Value[][][][] = [];
    for (const columnar of [false, true]) {
      const clock = new ManualClock(100_000);
      const flint = session(core, { clock, columnarAggregation: columnar });
      const rate = flint.readStream.format('rate').option('rowsPerSecond', 7).option('numPartitions', 2).load();
      const df = rate.withWatermark('timestamp', '1 second').groupBy(F.window('timestamp', '2 seconds', '1 second'), F.col('value')).agg(F.sum('value'), F.count('*'));
      const wide = rate.withWatermark('timestamp', '1 second').groupBy(F.window('timestamp', '2 seconds')).agg(F.sum('value'), F.max('value'));
      for (const q of [df, wide]) {
        const batches: Value[][][] = [];
        const query = await q.writeStream.outputMode('append').trigger(Trigger.ProcessingTime('1 second')).foreachBatch(async (b) => {
          batches.push(((await b.collect()) as Row[]).map(tuple));
        }).start();
        for (let i = 0; i < 6; i++) await clock.advance(1000);
        await query.stop();
        results.push(batches);
      }
    }
    expect(results[0]!.flat().length).toBeGreaterThan(0);
    expect(results[1]!.flat().length).toBeGreaterThan(0);
    expect(results[2]).toEqual(results[0]);
    expect(results[3]).toEqual(results[1]);
  });

  it.each(CORES)('a checkpoint written by one path restarts on the other (%s core)', async (core) => {
    const input = events(400, 11, 8 * MIN);
    const answers: Value[][][] = [];
    for (const [first, second] of [
      [false, false],
      [true, false],
      [false, true],
    ]) {
      const checkpoint = tempDir();
      const out: Value[][] = [];
      for (const [half, columnar] of [
        [0, first],
        [1, second],
      ] as [number, boolean][]) {
        const flint = session(core, { columnarAggregation: columnar });
        const stream = flint.memoryStream<Event>('events', schemaOf({ ts: 'timestamp', word: 'string', v: 'long' }));
        stream.addData(...input.slice(0, 200 * half));
        const df = QUERIES[1]![1](stream.toDF());
        const batches = await run(df, 'append', (i) => {
          const piece = input.slice(200 * half + i * 50, Math.min(200 * (half + 1), 200 * half + (i + 1) * 50));
          if (piece.length > 0) stream.addData(...piece);
          return piece.length > 0;
        }, checkpoint);
        out.push(...batches.flat());
      }
      answers.push(out);
    }
    expect(answers[0]!.length).toBeGreaterThan(0);
    expect(answers[1]).toEqual(answers[0]);
    expect(answers[2]).toEqual(answers[0]);
  });
});

function csvOf(rows: Event[], t: ' ' | 'T' | '+', quoted = false): string {
  const ts = (d: Date | null): string => (d === null ? '' : t === 'T' ? d.toISOString() : t === '+' ? d.toISOString().replace('Z', '+00:00') : d.toISOString().replace('T', ' ').replace('Z', ''));
  return `ts,word,v\n${rows.map((r) => `${ts(r.ts)},${quoted && r.word ? `"${r.word}"` : (r.word ?? '')},${r.v ?? ''}`).join('\n')}\n`;
}
