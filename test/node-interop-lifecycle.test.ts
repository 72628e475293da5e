// The context's lifecycle with Node's conventions: an AbortSignal given to start() or
// awaitTermination() stops it gracefully, and `await using` stops it at the end of the block.
// Both cores.
import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { FlintError, ManualClock, StreamingContext } from '../src/index.js';
import { CORES, type TestCore } from './support/harness.js';
import { sleep } from './support/sources-helpers.js';

function context(core: TestCore) {
  const clock = new ManualClock(0);
  const ssc = new StreamingContext({ batchInterval: 1000, master: 'local[2]', core, clock });
  const seen: number[] = [];
  ssc.queueStream([[1], [2], [3]]).foreachRDD((batch) => void seen.push(...batch.collect()));
  return { clock, ssc, seen };
}

/** Runs batches until the context has stopped: a graceful stop waits for the queue to drain. */
async function advanceUntilStopped(clock: ManualClock, ssc: StreamingContext): Promise<void> {
  for (let i = 0; ssc.getState() !== 'STOPPED'; i++) {
    if (i > 1000) throw new Error('the context did not stop');
    await clock.advance(1000);
    await sleep(5);
  }
}

describe.each(CORES)('AbortSignal and await using (%s core)', (core) => {
  it('start({ signal }): aborting stops the context gracefully, after the received data is processed', async () => {
    const { clock, ssc, seen } = context(core);
    const controller = new AbortController();
    await ssc.start({ signal: controller.signal });
    await clock.advance(1000);
    expect(seen).toEqual([1]);
    controller.abort();
    await advanceUntilStopped(clock, ssc);
    await expect(ssc.awaitTermination()).resolves.toBeUndefined();
    expect(seen).toEqual([1, 2, 3]);
    // The context no longer listens to a signal that may outlive it.
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('start({ signal }) with a signal already aborted rejects with its reason and stops the context', async () => {
    const { ssc, seen } = context(core);
    const reason = new Error('cancelled before start');
    await expect(ssc.start({ signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    expect(ssc.getState()).toBe('STOPPED');
    await expect(ssc.start()).rejects.toMatchObject({ code: 'CONTEXT_STOPPED' });
    await expect(ssc.start({ signal: AbortSignal.abort() })).rejects.toMatchObject({ code: 'CONTEXT_STOPPED' });
    expect(seen).toEqual([]);
  });

  it('start() with a default abort reason rejects with an AbortError', async () => {
    const { ssc } = context(core);
    await expect(ssc.start({ signal: AbortSignal.abort() })).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('awaitTermination({ signal }): aborting stops the context gracefully and the wait resolves', async () => {
    const { clock, ssc, seen } = context(core);
    await ssc.start();
    const controller = new AbortController();
    const waiting = ssc.awaitTermination({ signal: controller.signal });
    await clock.advance(1000);
    controller.abort();
    await advanceUntilStopped(clock, ssc);
    await expect(waiting).resolves.toBeUndefined();
    expect(seen).toEqual([1, 2, 3]);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('awaitTermination({ signal }) with a signal already aborted stops the context', async () => {
    const { clock, ssc, seen } = context(core);
    await ssc.start();
    const waiting = ssc.awaitTermination({ signal: AbortSignal.abort() });
    await advanceUntilStopped(clock, ssc);
    await expect(waiting).resolves.toBeUndefined();
    expect(seen).toEqual([1, 2, 3]);
  });

  it('a wait whose signal is never aborted stops listening once the context stops', async () => {
    const { ssc } = context(core);
    await ssc.start();
    const { signal } = new AbortController();
    const waiting = ssc.awaitTermination({ signal });
    await ssc.stop();
    await waiting;
    expect(getEventListeners(signal, 'abort')).toHaveLength(0);
  });

  it('checks the signal', async () => {
    const { ssc } = context(core);
    const notASignal = { aborted: false } as unknown as AbortSignal;
    await expect(ssc.start({ signal: notASignal })).rejects.toThrow(/start\(\) options.signal must be an AbortSignal/);
    await expect(ssc.awaitTermination({ signal: notASignal })).rejects.toBeInstanceOf(FlintError);
    expect(ssc.getState()).toBe('INITIALIZED');
    await ssc.stop();
  });

  it('await using stops the context gracefully at the end of the block', async () => {
    const clock = new ManualClock(0);
    const seen: number[] = [];
    let outer: StreamingContext | undefined;
    let driving: Promise<void> | undefined;
    {
      await using ssc = new StreamingContext({ batchInterval: 1000, master: 'local[2]', core, clock });
      outer = ssc;
      ssc.queueStream([[1], [2], [3]]).foreachRDD((batch) => void seen.push(...batch.collect()));
      await ssc.start();
      await clock.advance(1000);
      expect(seen).toEqual([1]);
      // Batches go on while the block's end stops the context: a graceful stop processes them.
      driving = advanceUntilStopped(clock, ssc);
    }
    expect(outer.getState()).toBe('STOPPED');
    await driving;
    expect(seen).toEqual([1, 2, 3]);
  });

  it('await using stops the context when the block throws', async () => {
    let outer: StreamingContext | undefined;
    const run = async (): Promise<void> => {
      await using ssc = new StreamingContext({ batchInterval: 1000, master: 'local[2]', core, clock: new ManualClock(0) });
      outer = ssc;
      // Nothing queued: a graceful stop on a clock nobody advances would wait for it (gracefulTimeout).
      ssc.queueStream<number>([]).print();
      await ssc.start();
      throw new Error('the job gave up');
    };
    await expect(run()).rejects.toThrow('the job gave up');
    expect(outer!.getState()).toBe('STOPPED');
  });
});
