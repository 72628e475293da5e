// Flint as a contestant: a word count of one batch on a core, and a sliding word count driven by a
// ManualClock (one pane per slide), with or without the inverse function.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Batch } from '../../src/batch/batch.js';
import { countLines, TextBatch } from '../../src/batch/text-batch.js';
import type { Core, CoreName } from '../../src/core/core.js';
import { ManualClock, pair, StreamingContext, subtract, sum, words } from '../../src/index.js';

/** `text` (whole lines) as a batch cut into `partitions` at line boundaries. */
export function textBatch(text: Uint8Array, partitions: number): TextBatch {
  return TextBatch.fromBlocks([{ bytes: text, lines: countLines(text) }], partitions);
}

/** `text.flatMap(words).map(pair(1)).reduceByKey(sum)` on `core`, into `partitions`. */
export function flintCount(core: Core, text: TextBatch, partitions: number): Promise<Batch<[string, number]>> {
  return core.reduceByKey(text.flatMap(words).map(pair(1)), sum, partitions);
}

/**
 * The same count written as Spark's NetworkWordCount is, which a program ported from Spark keeps:
 * `flatMap((line) => line.split(' ')).map((w) => [w, 1]).reduceByKey((a, b) => a + b)`.
 */
export function flintSparkCount(core: Core, text: TextBatch, partitions: number): Promise<Batch<[string, number]>> {
  return core.reduceByKey(
    text.flatMap((line) => line.split(' ')).map((w) => [w, 1]),
    (a, b) => a + b,
    partitions,
  );
}

/** A sliding word count that moves one slide per `slide(pane)`; `latest()` is the last window. */
export interface FlintWindow {
  slide(pane: Uint8Array): Promise<void>;
  latest(): Batch<[string, number]> | undefined;
  close(): Promise<void>;
}

/** Slide of the windows, ms (batch interval = slide). */
export const SLIDE_MS = 1000;

/**
 * Starts `lines.flatMap(words).map(pair(1)).reduceByKeyAndWindow(...)` over `windowPanes` slides
 * on a ManualClock: incremental with `sum`/`subtract` when `inverse`, otherwise Spark's reduce,
 * window, reduce. Each slide's window is counted (its keys are not decoded).
 */
export async function openFlintWindow(core: CoreName, master: string, windowPanes: number, inverse: boolean): Promise<FlintWindow> {
  const clock = new ManualClock(0);
  const ssc = new StreamingContext({ batchInterval: SLIDE_MS, master, core, clock });
  const checkpoint = mkdtempSync(join(tmpdir(), 'flint-bench-window-'));
  ssc.checkpoint(checkpoint);
  const queue: TextBatch[] = [];
  const counts = ssc.queueStream<string>(queue).flatMap(words).map(pair(1));
  const W = windowPanes * SLIDE_MS;
  const windowed = inverse ? counts.reduceByKeyAndWindow(sum, subtract, W, SLIDE_MS) : counts.reduceByKeyAndWindow(sum, W, SLIDE_MS);
  let latest: Batch<[string, number]> | undefined;
  windowed.foreachRDD((batch) => {
    latest = batch;
    batch.count();
  });
  await ssc.start();
  const partitions = ssc.defaultParallelism;
  return {
    async slide(pane) {
      queue.push(textBatch(pane, partitions));
      await clock.advance(SLIDE_MS);
    },
    latest: () => latest,
    async close() {
      await ssc.stop();
      rmSync(checkpoint, { recursive: true, force: true });
    },
  };
}
