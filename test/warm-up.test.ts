// Warm start: start() warms the core up (workers started, kernels run on a synthetic text), and
// what the warm-up counted never shows in a batch's results, on either core.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { JsCore } from '../src/core/js/js-core.js';
import { WasmCore } from '../src/core/wasm/wasm-core.js';
import { type CoreName, ManualClock, pair, StreamingContext, sum, words } from '../src/index.js';
import { textBatch } from './support/random-text.js';

afterEach(() => vi.restoreAllMocks());

const LINES = ['w0 w1 w1 wa', 'x w0 wzz', '', 'w1 w0'];

async function firstBatchCounts(core: CoreName, warmUp: boolean): Promise<[string, number][]> {
  const clock = new ManualClock(0);
  const ssc = new StreamingContext({ batchInterval: 1000, master: 'local[2]', core, clock, warmUp, out: { write: () => true } });
  const got: [string, number][] = [];
  ssc
    .queueStream([textBatch(LINES, 2)])
    .flatMap(words)
    .map(pair(1))
    .reduceByKey(sum)
    .foreachRDD((b) => void got.push(...b.collect()));
  try {
    await ssc.start();
    await clock.advance(1000);
  } finally {
    await ssc.stop();
  }
  return got.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

describe.each(['js', 'wasm'] as const)('warm start (%s core)', (core) => {
  const Core = core === 'js' ? JsCore : WasmCore;

  it('start() warms the core up once; the first batch counts only its own words', async () => {
    const warmUp = vi.spyOn(Core.prototype, 'warmUp');
    const counts = await firstBatchCounts(core, true);
    expect(warmUp).toHaveBeenCalledTimes(1);
    // The warm-up text is made of words such as w0, w1, wa, wzz: none may be counted twice.
    expect(counts).toEqual([['w0', 3], ['w1', 3], ['wa', 1], ['wzz', 1], ['x', 1]]);
  });

  it('warmUp: false skips it, with the same results', async () => {
    const warmUp = vi.spyOn(Core.prototype, 'warmUp');
    expect(await firstBatchCounts(core, false)).toEqual([['w0', 3], ['w1', 3], ['wa', 1], ['wzz', 1], ['x', 1]]);
    expect(warmUp).not.toHaveBeenCalled();
  });
});
