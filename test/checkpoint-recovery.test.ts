// Checkpoint recovery in-process, on both cores: a run stopped without warning and restarted with
// getOrCreate must produce, batch for batch, what one uninterrupted run produces, for every kind
// of state (updateStateByKey, mapWithState, inverse windows, resident kernel windows, min/max
// two-stacks windows, plain windows).
import { mkdtempSync, rmSync } from 'node:fs';
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
    const { readdirSync } = await import('node:fs');
    expect(readdirSync(dir).filter((n) => n.startsWith('checkpoint-')).sort()).toEqual(['checkpoint-20000', 'checkpoint-30000']);
  });
});
