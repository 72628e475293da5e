// Custom receivers (ssc.receiverStream): store, batching by time, restart, reportError, stop.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FlintError, Receiver } from '../src/index.js';
import { flat, record, sourceContext, type SourceTestEnv, waitFor } from './support/sources-helpers.js';

/** A receiver the test drives by hand, logging its lifecycle. */
class HandReceiver<T> extends Receiver<T> {
  readonly log: string[] = [];
  // Fields a subclass may well have: the base class must not claim these names.
  supervisor = 'mine';
  started = 0;

  constructor(private readonly onStartData: readonly T[] = []) {
    super();
  }

  onStart(): void {
    this.started++;
    this.log.push('start');
    if (this.onStartData.length > 0) this.store(this.onStartData);
  }

  onStop(): void {
    this.log.push('stop');
  }
}

let contexts: SourceTestEnv[] = [];
afterEach(async () => {
  for (const env of contexts) await env.ssc.stop();
  contexts = [];
});

function context(): SourceTestEnv {
  const env = sourceContext();
  contexts.push(env);
  return env;
}

async function started<T>(receiver: Receiver<T>) {
  const env = context();
  const batches = record(env.ssc.receiverStream(receiver));
  await env.ssc.start();
  return { ...env, batches };
}

const messages = (env: SourceTestEnv): string[] => env.errors.map((e) => e.lastErrorMessage);

describe('receiverStream', () => {
  it('puts what is stored between two batch times into the later batch', async () => {
    const r = new HandReceiver<number>();
    const { clock, batches } = await started(r);
    await clock.advance(1000); // batch 1000: nothing stored yet
    r.store(1);
    r.store([2, 3]);
    await clock.advance(1000); // batch 2000
    r.store([]);
    await clock.advance(1000); // batch 3000
    r.store(4);
    await clock.advance(500);
    r.store(5);
    await clock.advance(500); // batch 4000
    expect(batches.map((b) => b.flat())).toEqual([[], [1, 2, 3], [], [4, 5]]);
  });

  it('cuts each batch into defaultParallelism partitions, as parallelize does', async () => {
    const r = new HandReceiver<number>();
    const { clock, batches } = await started(r);
    r.store([1, 2, 3, 4, 5]);
    await clock.advance(1000);
    expect(batches).toEqual([[[1, 2], [3, 4, 5]]]);
  });

  it('storeItem stores an array as one item; store spreads it', async () => {
    const r = new HandReceiver<[string, number]>();
    const { clock, batches } = await started(r);
    r.storeItem(['a', 1]);
    r.store([['b', 2], ['c', 3]]);
    await clock.advance(1000);
    expect(flat(batches)).toEqual([['a', 1], ['b', 2], ['c', 3]]);
  });

  it('keeps data stored from inside onStart', async () => {
    const { clock, batches } = await started(new HandReceiver(['hello']));
    await clock.advance(1000);
    expect(flat(batches)).toEqual(['hello']);
  });

  it('reportError reaches onReceiverError and the receiver keeps running', async () => {
    const r = new HandReceiver<number>();
    const env = await started(r);
    r.reportError('upstream is slow', new Error('timeout'));
    expect(env.errors).toHaveLength(1);
    expect(env.errors[0]).toMatchObject({ name: 'HandReceiver', lastErrorMessage: 'upstream is slow', lastErrorTime: 0 });
    expect(env.errors[0]!.lastError).toContain('Error: timeout');
    r.store(7);
    await env.clock.advance(1000);
    expect(flat(env.batches)).toEqual([7]);
    expect(r.isStarted()).toBe(true);
  });

  it('restart stops, reports, waits and starts again; data stored meanwhile is dropped', async () => {
    const r = new HandReceiver<number>();
    const env = await started(r);
    r.restart('lost the feed', undefined, 20);
    r.restart('again', undefined, 20); // a restart is pending: reported only
    expect(r.isStopped()).toBe(true);
    r.store(1); // while stopped
    await waitFor(() => r.log.length === 3, 'the restart');
    expect(r.log).toEqual(['start', 'stop', 'start']);
    expect(r.isStarted()).toBe(true);
    r.store(2);
    await env.clock.advance(1000);
    expect(flat(env.batches)).toEqual([2]);
    expect(messages(env)).toEqual(['restarting receiver in 20 ms: lost the feed', 'restarting receiver in 20 ms: again']);
  });

  it('restart after onStart threw is reported; ssc.stop() cancels the pending restart', async () => {
    class Failing extends Receiver<number> {
      starts = 0;
      onStart(): void {
        this.starts++;
        throw new Error('no credentials');
      }
      onStop(): void {}
    }
    // The restart timer itself is watched: counting the process's timers also counts the test
    // runner's own, which come and go.
    const setTimer = vi.spyOn(globalThis, 'setTimeout');
    const clearTimer = vi.spyOn(globalThis, 'clearTimeout');
    const r = new Failing();
    const env = await started(r);
    expect(env.ssc.getState()).toBe('ACTIVE');
    expect(messages(env)).toEqual(['restarting receiver in 2000 ms: onStart failed: no credentials']);
    await waitFor(() => setTimer.mock.calls.some(([, ms]) => ms === 2000), 'the restart timer');
    const restartTimer = setTimer.mock.results[setTimer.mock.calls.findIndex(([, ms]) => ms === 2000)]!.value as NodeJS.Timeout;
    await env.ssc.stop();
    expect(clearTimer).toHaveBeenCalledWith(restartTimer);
    setTimer.mockRestore();
    clearTimer.mockRestore();
    expect(r.starts).toBe(1);
    expect(r.isStopped()).toBe(true);
  });

  it('stop(message) stops the receiver for good: reported, later data and restarts ignored, empty batches go on', async () => {
    const r = new HandReceiver<number>();
    const env = await started(r);
    r.store(1);
    r.stop('source exhausted');
    expect(r.isStopped()).toBe(true);
    await waitFor(() => r.log.length === 2, 'onStop');
    r.store(2);
    r.restart('late', undefined, 0);
    await new Promise((resolve) => setTimeout(resolve, 10));
    await env.clock.advance(2000);
    expect(env.batches.map((b) => b.flat())).toEqual([[1], []]);
    expect(r.log).toEqual(['start', 'stop']);
    expect(messages(env)[0]).toBe('receiver stopped: source exhausted');
  });

  it('ssc.stop() awaits onStop, and stores after it are ignored without error', async () => {
    let closed = false;
    class Slow extends Receiver<number> {
      onStart(): void {}
      async onStop(): Promise<void> {
        await new Promise((resolve) => setTimeout(resolve, 20));
        closed = true;
      }
    }
    const r = new Slow();
    const env = await started(r);
    await env.ssc.stop();
    expect(closed).toBe(true);
    expect(r.isStopped()).toBe(true);
    expect(env.stopped).toEqual(['Slow']);
    expect(() => r.store(1)).not.toThrow();
  });

  it('an onStop that throws is reported and the stop still completes', async () => {
    class BadStop extends Receiver<number> {
      onStart(): void {}
      onStop(): void {
        throw new Error('close failed');
      }
    }
    const env = await started(new BadStop());
    await env.ssc.stop();
    expect(env.ssc.getState()).toBe('STOPPED');
    expect(messages(env)).toEqual(['onStop failed: close failed']);
  });

  it('uses the given stream name in listener events', async () => {
    const env = context();
    const r = new HandReceiver<number>();
    env.ssc.receiverStream(r, 'my-feed').foreachRDD(() => undefined);
    await env.ssc.start();
    r.reportError('x');
    expect(env.errors[0]!.name).toBe('my-feed');
  });

  it('rejects receiver calls before a stream runs it, and one receiver in two streams', () => {
    const r = new HandReceiver<number>();
    for (const call of [() => r.store(1), () => r.storeItem(1), () => r.reportError('x'), () => r.restart('x'), () => r.stop('x')]) {
      expect(call).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('pass it to ssc.receiverStream() first') }));
    }
    expect(r.isStopped()).toBe(true);
    const env = context();
    env.ssc.receiverStream(r);
    expect(() => env.ssc.receiverStream(r)).toThrow(FlintError);
    expect(() => env.ssc.receiverStream(r)).toThrow(/already used by a stream; create one Receiver per receiverStream\(\)/);
  });

  it('rejects a negative or non-finite restart delay', async () => {
    const r = new HandReceiver<number>();
    await started(r);
    expect(() => r.restart('x', undefined, -1)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => r.restart('x', undefined, Number.NaN)).toThrow(/delayMs must be a non-negative number of ms/);
    expect(r.isStarted()).toBe(true);
  });
});
