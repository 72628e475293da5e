// `for await (const [time, batch] of stream)`: the loop gets exactly the batches foreachRDD gets,
// still readable after their outputs returned; a slow loop holds the job back instead of
// buffering; `break` detaches the loop so that the job and stop() go on. Both cores.
import { describe, expect, it } from 'vitest';
import { Batch, FlintError, ManualClock, pair, StreamingContext, sum, words, type DStream, type OutputOperationInfo } from '../src/index.js';
import { blockOfLines, TextBatch } from '../src/batch/text-batch.js';
import { CORES, type TestCore } from './support/harness.js';
import { sleep, waitFor } from './support/sources-helpers.js';

/** Lines of text per batch, as receivers give them (bytes), so the wasm core counts in its kernels. */
const TEXT = [['a b a', 'c a'], ['b b'], [], ['a c', 'c c d'], ['d'], ['a a a a']];

function textBatches(): Batch<string>[] {
  return TEXT.map((lines) => new TextBatch([[blockOfLines(lines)]]));
}

function context(core: TestCore) {
  const clock = new ManualClock(0);
  const ssc = new StreamingContext({ batchInterval: 1000, master: 'local[2]', core, clock });
  const completed: OutputOperationInfo[] = [];
  ssc.addStreamingListener({ onOutputOperationCompleted: ({ outputOperationInfo }) => void completed.push(outputOperationInfo) });
  return { clock, ssc, completed };
}

function wordCounts(ssc: StreamingContext): DStream<[string, number]> {
  return ssc.queueStream(textBatches()).flatMap(words).map(pair(1)).reduceByKey(sum);
}

/** Runs `loop` over `batches`, recording what it saw; resolves when the iteration ends. */
async function drain<T>(batches: AsyncIterable<[number, Batch<T>]>, each?: (time: number, batch: Batch<T>) => Promise<void> | void) {
  const seen: [number, Batch<T>][] = [];
  for await (const [time, batch] of batches) {
    seen.push([time, batch]);
    await each?.(time, batch);
  }
  return seen;
}

describe.each(CORES)('DStream as an async iterable (%s core)', (core) => {
  it('for await gets exactly the batches foreachRDD gets, readable after their outputs returned', async () => {
    const { clock, ssc } = context(core);
    const counts = wordCounts(ssc);
    const viaForeach: [number, [string, number][][]][] = [];
    counts.foreachRDD((batch, time) => void viaForeach.push([time, batch.partitions.map((p) => [...p])]));
    // Entered before start(): the loop's first next() registers nothing, the iterator did.
    const loop = drain(counts);
    await ssc.start();
    await clock.advance(TEXT.length * 1000);
    await ssc.stop();
    const viaLoop = await loop;
    // Read only now, after every batch's outputs returned and the core's buffers were reused.
    expect(viaLoop.map(([time, batch]) => [time, batch.partitions.map((p) => [...p])])).toEqual(viaForeach);
    expect(viaForeach.map(([time]) => time)).toEqual([1000, 2000, 3000, 4000, 5000, 6000]);
    expect(viaForeach[0]![1].flat()).toEqual(expect.arrayContaining([['a', 3], ['b', 1], ['c', 1]]));
  });

  it.each([0, 1, 3])('a slow loop keeps at most highWaterMark (%i) finished-by-the-job batches waiting for it', async (highWaterMark) => {
    const { clock, ssc } = context(core);
    const batches = wordCounts(ssc).iterator({ highWaterMark });
    let batchesDone = 0;
    ssc.addStreamingListener({ onBatchCompleted: () => void batchesDone++ });
    const waiting: number[] = [];
    let finished = 0;
    const loop = drain(batches, async () => {
      // The job has every chance to run ahead while the loop dawdles; only the bound stops it.
      await sleep(15);
      waiting.push(batchesDone - finished);
      finished++;
    });
    await ssc.start();
    await clock.advance(TEXT.length * 1000);
    await ssc.stop();
    expect((await loop).map(([time]) => time)).toEqual([1000, 2000, 3000, 4000, 5000, 6000]);
    expect(Math.max(...waiting)).toBeLessThanOrEqual(highWaterMark);
    expect(batches.unfinished).toBe(0);
  });

  it('the job waits for a loop that has not asked yet, and runs on once it does', async () => {
    const { clock, ssc } = context(core);
    const batches = wordCounts(ssc).iterator();
    let batchesDone = 0;
    ssc.addStreamingListener({ onBatchCompleted: () => void batchesDone++ });
    await ssc.start();
    const advanced = clock.advance(TEXT.length * 1000);
    // One batch fits the queue; the second batch's output waits for the loop.
    await waitFor(() => batches.unfinished === 2, 'the second batch to be handed over');
    await sleep(20);
    expect(batchesDone).toBe(1);
    const seen = await drain(batches, async (time) => {
      if (time === 6000) await ssc.stop();
    });
    await advanced;
    expect(seen.map(([time]) => time)).toEqual([1000, 2000, 3000, 4000, 5000, 6000]);
  });

  it('break detaches the loop: later batches run without waiting, and stop() abandons nothing', async () => {
    const { clock, ssc, completed } = context(core);
    const counts = wordCounts(ssc);
    const later: number[] = [];
    counts.foreachRDD((_, time) => void later.push(time));
    const seen: number[] = [];
    const loop = (async () => {
      for await (const [time] of counts) {
        seen.push(time);
        if (seen.length === 2) break;
      }
    })();
    await ssc.start();
    await clock.advance(TEXT.length * 1000);
    await loop;
    await ssc.stop();
    expect(seen).toEqual([1000, 2000]);
    expect(later).toEqual([1000, 2000, 3000, 4000, 5000, 6000]);
    expect(completed.filter((op) => op.failureReason !== undefined)).toEqual([]);
  });

  it.each([
    [false, [1000, 2000]],
    [true, [1000, 2000, 3000, 4000, 5000, 6000]],
  ])('stop({ graceful: %s }) called inside the loop does not wait for the loop, which gets every batch the stop ran', async (graceful, expected) => {
    const { clock, ssc, completed } = context(core);
    const batches = wordCounts(ssc).iterator({ highWaterMark: 0 });
    await ssc.start();
    const advanced = clock.advance(TEXT.length * 1000);
    const seen = await drain(batches, async (time) => {
      if (time === 2000) await ssc.stop({ graceful });
    });
    await advanced;
    // A graceful stop drains the queue of the queueStream, so its batches run, and reach the loop.
    expect(seen.map(([time]) => time)).toEqual(expected);
    expect(ssc.getState()).toBe('STOPPED');
    expect(completed.filter((op) => op.failureReason !== undefined)).toEqual([]);
  });

  it('iteration ends when the context stops, also one that never started', async () => {
    const { ssc } = context(core);
    const batches = wordCounts(ssc).iterator();
    const loop = drain(batches);
    await ssc.stop();
    expect(await loop).toEqual([]);
  });

  it('iterating after start() is refused with a FlintError that says how to iterate', async () => {
    const { ssc } = context(core);
    const counts = wordCounts(ssc);
    counts.print();
    await ssc.start();
    try {
      expect(() => counts[Symbol.asyncIterator]()).toThrow(FlintError);
      expect(() => counts.iterator()).toThrow(/cannot iterate .* after the StreamingContext has started.*stream\.iterator\(\); await ssc\.start\(\)/);
      expect(() => counts.toReadable()).toThrow(expect.objectContaining({ code: 'CONTEXT_STARTED' }));
    } finally {
      await ssc.stop();
    }
  });

  it('checks highWaterMark', () => {
    const { ssc } = context(core);
    const counts = wordCounts(ssc);
    expect(() => counts.iterator({ highWaterMark: -1 })).toThrow(/highWaterMark must be a whole number of batches >= 0, got -1/);
    expect(() => counts.iterator({ highWaterMark: 1.5 })).toThrow(FlintError);
  });
});
