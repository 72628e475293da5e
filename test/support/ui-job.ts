// A streaming job with the web UI on, for the UI tests: a word count over queued text batches on
// a ManualClock, plus an output that fails on chosen batches; the listener's BatchInfo is kept
// to compare with what the UI serves.
import { ManualClock, StreamingContext, pair, sum, words, type BatchInfo, type UIOptions } from '../../src/index.js';
import type { TestCore } from './harness.js';
import { textBatch } from './random-text.js';

/** The lines of each batch: a varying number, so rates and delays differ from batch to batch. */
export function uiJobLines(batches: number): string[][] {
  return Array.from({ length: batches }, (_, i) => Array.from({ length: 3 + ((i * 7) % 11) }, (_, j) => `w${j % 5} v${(i + j) % 3} flint`));
}

/** A started job with the UI on; `runBatches(n)` runs the next `n` batches by the clock. */
export async function startUiJob(core: TestCore, options: { batches: number; failAt?: number[]; ui?: UIOptions }) {
  const clock = new ManualClock(0);
  const ssc = new StreamingContext({
    batchInterval: 1000,
    master: 'local[2]',
    core,
    clock,
    appName: `ui test ${core}`,
    out: { write: () => true },
    ui: { port: 0, ...options.ui },
  });
  const completed: BatchInfo[] = [];
  ssc.addStreamingListener({ onBatchCompleted: ({ batchInfo }) => void completed.push(batchInfo) });
  const lines = ssc.queueStream(uiJobLines(options.batches).map((l) => textBatch(l, 2)));
  const counts: [string, number][][] = [];
  lines.flatMap(words).map(pair(1)).reduceByKey(sum).foreachRDD((b) => void counts.push(b.collect()));
  lines.foreachRDD((_, time) => {
    if (options.failAt?.includes(time)) throw new Error(`output failed on purpose at ${time}`);
  });
  // A failing output makes awaitTermination reject; the tests read that from the UI instead.
  ssc.awaitTermination().catch(() => undefined);
  await ssc.start();
  const runBatches = async (n: number): Promise<void> => {
    for (let i = 0; i < n; i++) await clock.advance(1000).catch(() => undefined);
  };
  return { ssc, clock, completed, counts, runBatches, url: ssc.uiWebUrl! };
}
