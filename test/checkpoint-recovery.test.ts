// Checkpoint recovery in-process, on both cores: a run stopped without warning and restarted with
// getOrCreate must produce, batch for batch, what one uninterrupted run produces, for every kind
// of state (updateStateByKey, mapWithState, inverse windows, resident kernel windows, min/max
// two-stacks windows, plain windows).
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { TextBatch } from '../src/batch/text-batch.js';
import {
  DStream,
  ManualClock,
  State,
  StateSpec,
  StreamingContext,
  max,
  pair,
  subtract,
  sum,
  words,
  type CheckpointInfo,
  type CheckpointProblem,
} from '../src/index.js';
import { CORES } from './support/harness.js';
import { mulberry32, randomLines, textBatch } from './support/random-text.js';

const INTERVAL = 1000;

/** A pipeline under test: from lines to the stream whose batches are compared. */
type Pipeline = (lines: DStream<string>) => DStream<unknown>;

const PIPELINES: Record<string, Pipeline> = {
  updateStateByKey: (lines) =>
    lines
      .flatMap(words)
      .map(pair(1))
      .reduceByKey(sum)
      .updateStateByKey<string, number, number>((values, state) => values.reduce((a, b) => a + b, state ?? 0)),
  'mapWithState with a timeout': (lines) =>
    lines
      .flatMap(words)
      .map(pair(1))
      .mapWithState(
        StateSpec.function((key: string, value: number | undefined, state: State<number>) => {
          if (state.isTimingOut()) return [key, -1];
          const total = (state.getOption() ?? 0) + (value ?? 0);
          state.update(total);
          return [key, total];
        }).timeout(3 * INTERVAL),
      )
      .checkpoint(4 * INTERVAL),
  'reduceByKeyAndWindow(sum, subtract)': (lines) =>
    lines.flatMap(words).map(pair(1)).reduceByKeyAndWindow(sum, subtract, 5 * INTERVAL, INTERVAL),
  "reduceByKeyAndWindow in Spark's spelling, slide 2": (lines) =>
    lines
      .flatMap(words)
      .map((w) => [w, 1] as [string, number])
      .reduceByKeyAndWindow(
        (a, b) => a + b,
        (a, b) => a - b,
        4 * INTERVAL,
        2 * INTERVAL,
      ),
  'reduceByKeyAndWindow(max) (two stacks)': (lines) =>
    lines
      .flatMap(words)
      .map(pair(1))
      .reduceByKey(sum)
      .reduceByKeyAndWindow(max, 4 * INTERVAL, 2 * INTERVAL),
  'countByWindow and a plain window': (lines) =>
    lines.countByWindow(3 * INTERVAL, INTERVAL).union(lines.window(3 * INTERVAL, INTERVAL).count()),
  'countByValueAndWindow over a lambda pipeline': (lines) =>
    lines.flatMap((l) => l.split(/\s+/).filter((w) => w.length > 0)).countByValueAndWindow(6 * INTERVAL, 3 * INTERVAL),
};

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function inputs(seed: number, n: number): TextBatch[] {
  const rng = mulberry32(seed);
  return Array.from({ length: n }, () => textBatch(randomLines(rng, 12, { vocabulary: ['a', 'b', 'c', 'd', 'é', '日本'] }), 2));
}

/** A context as a program's factory makes it; each run gets the whole input again, as a restarted program would. */
function factory(core: 'js' | 'wasm', dir: string, start: number, input: TextBatch[], pipeline: Pipeline, out: Map<number, unknown>): () => StreamingContext {
  return () => {
    const ssc = new StreamingContext({ batchInterval: INTERVAL, master: 'local[2]', core, clock: new ManualClock(start) });
    ssc.checkpoint(dir);
    pipeline(ssc.queueStream([...input])).foreachRDD((batch, time) => void out.set(time, batch.glom().collect()));
    return ssc;
  };
}

async function run(ssc: StreamingContext, batches: number): Promise<void> {
  await ssc.start();
  await (ssc.clock as ManualClock).advance(batches * INTERVAL);
  await ssc.awaitTerminationOrTimeout(0);
}

describe.each(CORES)('checkpoint recovery on the %s core', (core) => {
  it.each(Object.keys(PIPELINES))('%s: a restart gives the uninterrupted results', async (name) => {
    const pipeline = PIPELINES[name]!;
    const input = inputs(name.length, 30);
    const expected = new Map<number, unknown>();
    const fresh = mkdtempSync(join(tmpdir(), 'flint-ckpt-'));
    dirs.push(fresh);
    const reference = factory(core, fresh, 0, input, pipeline, expected)();
    await run(reference, 30);
    await reference.stop();

    const dir = mkdtempSync(join(tmpdir(), 'flint-ckpt-'));
    dirs.push(dir);
    const got = new Map<number, unknown>();
    const first = StreamingContext.getOrCreate(dir, factory(core, dir, 0, input, pipeline, got));
    await run(first, 17);
    await first.stop(); // not graceful: no final checkpoint, as after a crash
    // The second run starts 3 batches later, as after a short outage: the batches it missed run first.
    const second = StreamingContext.getOrCreate(dir, factory(core, dir, 20 * INTERVAL, input, pipeline, got));
    await run(second, 10);
    await second.stop();
    expect([...got.keys()].sort((a, b) => a - b)).toEqual([...expected.keys()].sort((a, b) => a - b));
    for (const [time, batch] of expected) expect(got.get(time), `batch at ${time} ms`).toEqual(batch);
  });
});

/** Runs the updateStateByKey pipeline 27 batches into `dir` (checkpoints at 10 s and 20 s), stopped as after a crash. */
async function crashedRun(dir: string, input: TextBatch[], out = new Map<number, unknown>()): Promise<void> {
  const ssc = StreamingContext.getOrCreate(dir, factory('js', dir, 0, input, PIPELINES.updateStateByKey!, out));
  await run(ssc, 27);
  await ssc.stop();
}

function flipByte(path: string, at: number): void {
  const data = readFileSync(path);
  data[at < 0 ? data.length + at : at]! ^= 0xff;
  writeFileSync(path, data);
}

describe('damaged checkpoints', () => {
  const input = inputs(99, 40);

  async function uninterrupted(): Promise<Map<number, unknown>> {
    const dir = mkdtempSync(join(tmpdir(), 'flint-ckpt-'));
    dirs.push(dir);
    const expected = new Map<number, unknown>();
    const ssc = factory('js', dir, 0, input, PIPELINES.updateStateByKey!, expected)();
    await run(ssc, 40);
    await ssc.stop();
    return expected;
  }

  it.each([
    ['a flipped byte in the newest metadata', (dir: string) => flipByte(join(dir, 'checkpoint-20000'), -3), 'fails its checksum'],
    ['a truncated newest data file', (dir: string) => truncateSync(join(dir, 'data', '20000'), 40), 'truncated or torn'],
    ['a newest metadata file cut inside its header', (dir: string) => truncateSync(join(dir, 'checkpoint-20000'), 10), 'truncated'],
  ])('%s: recovery falls back to the previous checkpoint, says so, and loses nothing', async (_, damage, reason) => {
    const dir = mkdtempSync(join(tmpdir(), 'flint-ckpt-'));
    dirs.push(dir);
    const got = new Map<number, unknown>();
    await crashedRun(dir, input, got);
    damage(dir);
    const problems: CheckpointProblem[] = [];
    const warnings: string[] = [];
    const onWarning = (w: Error): void => void warnings.push(w.message);
    process.on('warning', onWarning);
    try {
      const ssc = StreamingContext.getOrCreate(dir, factory('js', dir, 27 * INTERVAL, input, PIPELINES.updateStateByKey!, got));
      ssc.addStreamingListener({ onCheckpointFallback: ({ problem }) => void problems.push(problem) });
      await run(ssc, 13);
      await ssc.stop();
    } finally {
      process.off('warning', onWarning);
    }
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ time: 20_000, fallbackTime: 10_000 });
    expect(problems[0]!.message).toContain(reason);
    expect(problems[0]!.message).toContain(dir);
    await new Promise((r) => setImmediate(r));
    expect(warnings.some((w) => w.includes(problems[0]!.message))).toBe(true);
    const expected = await uninterrupted();
    for (const [time, batch] of expected) expect(got.get(time), `batch at ${time} ms`).toEqual(batch);
  });

  it('with no usable checkpoint, getOrCreate fails with CHECKPOINT_CORRUPT naming the directory and the way out', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'flint-ckpt-'));
    dirs.push(dir);
    await crashedRun(dir, input);
    flipByte(join(dir, 'checkpoint-20000'), 30);
    flipByte(join(dir, 'checkpoint-10000'), 30);
    const create = factory('js', dir, 27 * INTERVAL, input, PIPELINES.updateStateByKey!, new Map());
    expect(() => StreamingContext.getOrCreate(dir, create)).toThrow(
      expect.objectContaining({
        code: 'CHECKPOINT_CORRUPT',
        message: expect.stringMatching(new RegExp(`no checkpoint in "${dir}".*checkpoint-20000.*checkpoint-10000.*new checkpoint directory`)),
      }),
    );
  });

  it('a torn last batch-log record is a crash, not damage: no fallback, no warning', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'flint-ckpt-'));
    dirs.push(dir);
    await crashedRun(dir, input);
    const logs = readdirSync(join(dir, 'batches')).sort();
    const last = join(dir, 'batches', logs.at(-1)!);
    truncateSync(last, statSync(last).size - 3);
    const problems: CheckpointProblem[] = [];
    const got = new Map<number, unknown>();
    const ssc = StreamingContext.getOrCreate(dir, factory('js', dir, 27 * INTERVAL, input, PIPELINES.updateStateByKey!, got));
    ssc.addStreamingListener({ onCheckpointFallback: ({ problem }) => void problems.push(problem) });
    await run(ssc, 13);
    await ssc.stop();
    expect(problems).toEqual([]);
    const expected = await uninterrupted();
    for (const [time, batch] of expected) if (time > 20_000) expect(got.get(time), `batch at ${time} ms`).toEqual(batch);
  });
});

describe('a changed program', () => {
  it.each([
    [
      'a different window',
      (lines: DStream<string>) => lines.flatMap(words).map(pair(1)).reduceByKeyAndWindow(sum, subtract, 6 * INTERVAL, INTERVAL),
      /stream 1: the checkpoint has #1 ReducedWindowedDStream slide=1000 window=5000.*the program has #1 ReducedWindowedDStream slide=1000 window=6000/,
    ],
    [
      'another operator',
      (lines: DStream<string>) => lines.flatMap(words).map(pair(1)).reduceByKey(sum),
      /stream 1: the checkpoint has #1 ReducedWindowedDStream.*the program has #1 ShuffledDStream/,
    ],
  ])('%s fails with CHECKPOINT_INCOMPATIBLE naming the first stream that differs', async (_, changed, message) => {
    const dir = mkdtempSync(join(tmpdir(), 'flint-ckpt-'));
    dirs.push(dir);
    const ssc = factory('js', dir, 0, inputs(3, 12), PIPELINES['reduceByKeyAndWindow(sum, subtract)']!, new Map())();
    await run(ssc, 12);
    await ssc.stop();
    expect(() => StreamingContext.getOrCreate(dir, factory('js', dir, 12_000, inputs(3, 12), changed, new Map()))).toThrow(
      expect.objectContaining({ code: 'CHECKPOINT_INCOMPATIBLE', message: expect.stringMatching(message) }),
    );
  });

  it('a different batch interval fails with CHECKPOINT_INCOMPATIBLE', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'flint-ckpt-'));
    dirs.push(dir);
    const ssc = factory('js', dir, 0, inputs(3, 12), PIPELINES.updateStateByKey!, new Map())();
    await run(ssc, 12);
    await ssc.stop();
    const other = () => {
      const s = new StreamingContext({ batchInterval: 2 * INTERVAL, core: 'js', clock: new ManualClock(0) });
      PIPELINES.updateStateByKey!(s.queueStream<string>([])).print();
      return s;
    };
    expect(() => StreamingContext.getOrCreate(dir, other)).toThrow(
      expect.objectContaining({ code: 'CHECKPOINT_INCOMPATIBLE', message: expect.stringContaining('batch interval of 1000 ms, the program now uses 2000 ms') }),
    );
  });
});

describe('lifecycle with checkpoints', () => {
  it('a graceful stop leaves a checkpoint after the last batch: a restart re-runs nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'flint-ckpt-'));
    dirs.push(dir);
    const input = inputs(5, 20);
    const first = new Map<number, unknown>();
    const ssc = StreamingContext.getOrCreate(dir, factory('js', dir, 0, input, PIPELINES.updateStateByKey!, first));
    await run(ssc, 13);
    await ssc.stop({ graceful: true, gracefulTimeout: 0 });
    expect(readdirSync(dir)).toContain('checkpoint-13000');
    const second = new Map<number, unknown>();
    const again = StreamingContext.getOrCreate(dir, factory('js', dir, 13_000, input, PIPELINES.updateStateByKey!, second));
    await run(again, 2);
    await again.stop();
    expect([...second.keys()]).toEqual([14_000, 15_000]);
  });

  it('checkpoint() after start() is refused', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'flint-ckpt-'));
    dirs.push(dir);
    const ssc = factory('js', dir, 0, inputs(5, 2), PIPELINES.updateStateByKey!, new Map())();
    await ssc.start();
    expect(() => ssc.checkpoint(dir)).toThrow(expect.objectContaining({ code: 'CONTEXT_STARTED' }));
    await ssc.stop();
  });

  it('getActiveOrCreate returns the running context, and getOrCreate a fresh one on an empty directory', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'flint-ckpt-'));
    dirs.push(dir);
    const make = factory('js', dir, 0, inputs(5, 2), PIPELINES.updateStateByKey!, new Map());
    const ssc = StreamingContext.getOrCreate(dir, make);
    expect(ssc.getState()).toBe('INITIALIZED');
    await ssc.start();
    expect(StreamingContext.getActiveOrCreate(dir, make)).toBe(ssc);
    await ssc.stop();
    expect(StreamingContext.getActive()).toBeUndefined();
  });
});

describe('checkpoint files', () => {
  it('are written at the checkpoint interval and only the newest two are kept', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'flint-ckpt-'));
    dirs.push(dir);
    const written: CheckpointInfo[] = [];
    const ssc = factory('js', dir, 0, inputs(1, 40), PIPELINES.updateStateByKey!, new Map())();
    ssc.addStreamingListener({ onCheckpointCompleted: ({ checkpointInfo }) => void written.push(checkpointInfo) });
    await run(ssc, 35);
    await ssc.stop();
    expect(written.map((c) => c.time)).toEqual([10_000, 20_000, 30_000]);
    expect(readdirSync(dir).filter((n) => n.startsWith('checkpoint-')).sort()).toEqual(['checkpoint-20000', 'checkpoint-30000']);
  });
});
