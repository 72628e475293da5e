// Spark's StreamTest for Flint's Structured Streaming: start a query into a memory sink, add
// data, and check the answer after processAllAvailable, batch by batch (CheckNewAnswer) or as the
// whole table (CheckAnswer), across stops and restarts from a checkpoint location.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { CONF, FlintSession, functions, type CoreName, type DataFrame, type FlintSessionOptions, type OutputMode, type Row, type StreamingQuery, type StructType, type Trigger, type Value } from '../../src/index.js';

/** A row as a tuple of its values, timestamps as ms, for comparing with Spark's expected tuples. */
export function tuple(row: Row): Value[] {
  return Object.values(row).map((v) => (v instanceof Date ? v.getTime() : v));
}

/** Tuples in a stable order, so answers compare as sets (Spark's CheckAnswer does). */
export function sorted(rows: readonly Value[][]): Value[][] {
  return [...rows].sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : JSON.stringify(a) > JSON.stringify(b) ? 1 : 0));
}

/** Temporary directories removed by {@link removeTempDirs}. */
const dirs: string[] = [];

/** A new temporary directory. */
export function tempDir(prefix = 'flint-sql-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}

/** Removes the directories made by {@link tempDir}. */
export function removeTempDirs(): void {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
}

/** Sessions {@link cleanUp} stops. */
const sessions: FlintSession[] = [];

/** A `local[2]` session on `core`, stopped by {@link cleanUp}. */
export function session(core: CoreName = 'js', options: Omit<FlintSessionOptions, 'master' | 'core'> = {}): FlintSession {
  return track(new FlintSession({ master: 'local[2]', core, ...options }));
}

/** Has {@link cleanUp} stop a session made elsewhere. */
export function track(flint: FlintSession): FlintSession {
  sessions.push(flint);
  return flint;
}

/** For afterEach: stops the sessions of the test and removes its temporary directories. */
export async function cleanUp(): Promise<void> {
  await Promise.all(sessions.splice(0).map((s) => s.stop()));
  removeTempDirs();
}

/**
 * The value of SQL expression `sql` over the one row `row` of `schema`, on the js core, in session
 * time zone `zone`: how the function tests check Spark's documented values.
 */
export async function exprValue(sql: string, row: Row, schema: StructType, zone = 'UTC'): Promise<Value> {
  const flint = session('js');
  flint.conf.set(CONF.sessionTimeZone, zone);
  const df = flint.createDataFrame([row], schema);
  return ((await df.select(functions.expr(sql).as('v')).collect()) as Row[])[0]!.v ?? null;
}

/** Runs one query over a memory sink and checks its answers. */
export class StreamTest {
  query: StreamingQuery | undefined;
  private seen = 0;
  private checkedProgress = 0;
  private static n = 0;
  readonly name = `stream_test_${StreamTest.n++}`;

  constructor(
    private readonly flint: FlintSession,
    private readonly df: DataFrame,
    private readonly mode: OutputMode = 'append',
    private readonly checkpointLocation: string = tempDir('flint-sql-ckpt-'),
  ) {}

  /** Spark's StartStream. */
  async start(trigger?: Trigger): Promise<StreamingQuery> {
    let w = this.df.writeStream.format('memory').queryName(this.name).outputMode(this.mode).option('checkpointLocation', this.checkpointLocation);
    if (trigger) w = w.trigger(trigger);
    this.query = await w.start();
    this.seen = 0;
    this.checkedProgress = 0;
    return this.query;
  }

  /** Spark's StopStream. */
  async stop(): Promise<void> {
    await this.query?.stop();
  }

  /** Every row in the sink, as tuples. */
  async all(): Promise<Value[][]> {
    return ((await this.flint.table(this.name).collect()) as Row[]).map(tuple);
  }

  /** Spark's CheckNewAnswer: the rows added since the last check equal `expected` (as a set). */
  async checkNewAnswer(...expected: Value[][]): Promise<void> {
    await this.query!.processAllAvailable();
    const all = await this.all();
    const fresh = all.slice(this.seen);
    this.seen = all.length;
    expect(sorted(fresh)).toEqual(sorted(expected));
  }

  /** Spark's CheckAnswer: the whole table (complete mode: the latest result) equals `expected`. */
  async checkAnswer(...expected: Value[][]): Promise<void> {
    await this.query!.processAllAvailable();
    const all = await this.all();
    this.seen = all.length;
    expect(sorted(all)).toEqual(sorted(expected));
  }

  /**
   * Spark's StateStoreMetricsTest.assertNumStateRows: rows in the first stateful operator's state
   * after the last batch, and rows updated (and dropped by the watermark) over the batches since
   * the previous call.
   */
  assertNumStateRows(total: number, updated: number, droppedByWatermark?: number): void {
    const progress = this.query!.recentProgress;
    const fresh = progress.slice(this.checkedProgress);
    this.checkedProgress = progress.length;
    expect(progress.at(-1)?.stateOperators[0]?.numRowsTotal).toBe(total);
    expect(fresh.reduce((n, p) => n + p.stateOperators[0]!.numRowsUpdated, 0)).toBe(updated);
    if (droppedByWatermark !== undefined) expect(fresh.reduce((n, p) => n + p.stateOperators[0]!.numRowsDroppedByWatermark, 0)).toBe(droppedByWatermark);
  }

  /** numRowsTotal of the first stateful operator in the last progress (Spark's assertNumStateRows). */
  numStateRows(): number | undefined {
    return this.query!.lastProgress?.stateOperators[0]?.numRowsTotal;
  }
}
