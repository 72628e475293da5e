// stop() always returns: an output that never settles is abandoned after the limit (2 s, or
// gracefulTimeout) and reported to listeners, a backlog is cut at gracefulTimeout, and stop()
// called from inside an output does not wait for that output. Every test relies on the harness
// timeout to catch a hang; none asserts how fast anything was.
import { describe, expect, it } from 'vitest';
import { ManualClock, StreamingContext, type OutputOperationInfo } from '../src/index.js';
import { JobScheduler } from '../src/scheduler/job-scheduler.js';
import { ListenerBus } from '../src/scheduler/listener.js';
import type { Job } from '../src/streaming/graph.js';
import { settlesWithin } from '../src/streaming/time-limit.js';
import { CORES, type TestCore } from './support/harness.js';
import { waitFor } from './support/sources-helpers.js';

const never = (): Promise<void> => new Promise<void>(() => {});

/** A context on a manual clock with what its listeners saw. */
function context(core: TestCore) {
  const clock = new ManualClock(0);
  const ssc = new StreamingContext({ batchInterval: 1000, master: 'local[2]', core, clock });
  const started: string[] = [];
  const completed: OutputOperationInfo[] = [];
  const batchesCompleted: number[] = [];
  ssc.addStreamingListener({
    onOutputOperationStarted: ({ outputOperationInfo }) => void started.push(`${outputOperationInfo.name}@${outputOperationInfo.batchTime}`),
    onOutputOperationCompleted: ({ outputOperationInfo }) => void completed.push(outputOperationInfo),
    onBatchCompleted: ({ batchInfo }) => void batchesCompleted.push(batchInfo.batchTime),
  });
  return { clock, ssc, started, completed, batchesCompleted };
}

describe.each(CORES)('stop() with outputs that do not finish (%s core)', (core) => {
  it('a non-graceful stop abandons an output that never settles after 2 s and reports it', async () => {
    const env = context(core);
    const ran: string[] = [];
    const s = env.ssc.queueStream([[1], [2]]);
    s.foreachRDD(() => never());
    s.foreachRDD((_, t) => void ran.push(`second@${t}`));
    await env.ssc.start();
    // The clock's advance waits for the batch, which never ends: it is not awaited.
    void env.clock.advance(1000);
    await waitFor(() => env.started.length === 1, 'the first output to start');
    await env.ssc.stop();
    expect(env.ssc.getState()).toBe('STOPPED');
    await expect(env.ssc.awaitTermination()).resolves.toBeUndefined();
    expect(ran).toEqual([]);
    expect(env.completed).toHaveLength(1);
    expect(env.completed[0]!.failureReason).toMatch(/^FlintError \[OUTPUT_ABANDONED\]: output foreachRDD of batch 1000 ms did not finish within 2000 ms of stop\(\)/);
    expect(env.batchesCompleted).toEqual([1000]);
  });

  it('a graceful stop abandons it at gracefulTimeout and drops the batches queued behind it', async () => {
    const env = context(core);
    const seen: number[] = [];
    env.ssc.queueStream([[1], [2], [3]]).foreachRDD((b) => (seen.push(...b.collect()), never()));
    await env.ssc.start();
    void env.clock.advance(3000);
    await waitFor(() => env.started.length === 1, 'the first output to start');
    await env.ssc.stop({ graceful: true, gracefulTimeout: 100 });
    expect(seen).toEqual([1]);
    expect(env.completed.map((op) => op.failureReason)).toEqual([expect.stringContaining('did not finish within gracefulTimeout (100 ms)')]);
    expect(env.ssc.getState()).toBe('STOPPED');
  });

  it('a graceful stop works through a backlog only until gracefulTimeout', async () => {
    const env = context(core);
    const seen: number[] = [];
    const queue = Array.from({ length: 200 }, (_, i) => [i]);
    env.ssc.queueStream(queue).foreachRDD(async (b) => {
      seen.push(...b.collect());
      await new Promise((resolve) => setTimeout(resolve, 20));
    });
    await env.ssc.start();
    void env.clock.advance(200_000);
    await waitFor(() => seen.length > 0, 'the first batch');
    await env.ssc.stop({ graceful: true, gracefulTimeout: 200 });
    expect(env.ssc.getState()).toBe('STOPPED');
    expect(seen.length).toBeLessThan(200);
  });

  it('a graceful stop with gracefulTimeout: Infinity processes every received batch', async () => {
    const env = context(core);
    const seen: number[] = [];
    env.ssc.queueStream([[1], [2], [3]]).foreachRDD(async (b) => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      seen.push(...b.collect());
    });
    await env.ssc.start();
    const advancing = env.clock.advance(3000);
    await env.ssc.stop({ graceful: true, gracefulTimeout: Number.POSITIVE_INFINITY });
    await advancing;
    expect(seen).toEqual([1, 2, 3]);
    expect(env.completed.every((op) => op.failureReason === undefined)).toBe(true);
  });
});

describe.each(CORES)('stop() called from inside an output (%s core)', (core) => {
  it.each([false, true])('returns with the context stopped (graceful: %s), and no batch runs after it', async (graceful) => {
    const env = context(core);
    const log: string[] = [];
    const s = env.ssc.queueStream([[1], [2], [3]]);
    s.foreachRDD(async (b, t) => {
      log.push(`first@${t}`);
      if (b.collect()[0] === 2) {
        await env.ssc.stop({ graceful });
        log.push(`after stop: ${env.ssc.getState()}`);
      }
    });
    s.foreachRDD((_, t) => void log.push(`second@${t}`));
    await env.ssc.start();
    await env.clock.advance(3000);
    await env.ssc.awaitTermination();
    expect(log).toEqual(['first@1000', 'second@1000', 'first@2000', 'after stop: STOPPED']);
    // The stopping output's batch is reported completed, without a failure.
    expect(env.batchesCompleted).toEqual([1000, 2000]);
    expect(env.completed.map((op) => op.failureReason)).toEqual([undefined, undefined, undefined]);
  });

  it('also from a transform of the batch the output reads', async () => {
    const env = context(core);
    let state = '';
    env.ssc
      .queueStream([[1]])
      .transform(async (b) => {
        await env.ssc.stop();
        state = env.ssc.getState();
        return b;
      })
      .foreachRDD(() => undefined);
    await env.ssc.start();
    await env.clock.advance(1000);
    expect(state).toBe('STOPPED');
  });
});

describe('stop() arguments', () => {
  it('rejects a gracefulTimeout that is not a number of ms, without stopping', async () => {
    const { ssc } = context('js');
    ssc.queueStream([[1]]).print();
    await ssc.start();
    for (const bad of [-1, Number.NaN, '10' as unknown as number]) {
      await expect(ssc.stop({ graceful: true, gracefulTimeout: bad })).rejects.toThrow(/options\.gracefulTimeout must be a number of ms >= 0/);
    }
    expect(ssc.getState()).toBe('ACTIVE');
    await ssc.stop();
  });

});

describe('settlesWithin', () => {
  it('tells whether work settled before the limit, rejections included', async () => {
    expect(await settlesWithin(Promise.resolve(1), 1000)).toBe(true);
    expect(await settlesWithin(Promise.reject(new Error('x')), 1000)).toBe(true);
    expect(await settlesWithin(never(), 10)).toBe(false);
    // No limit: a timer longer than setTimeout's maximum would fire at once instead.
    expect(await settlesWithin(new Promise((r) => setTimeout(r, 5)), Number.POSITIVE_INFINITY)).toBe(true);
    expect(await settlesWithin(new Promise((r) => setTimeout(r, 5)), 2 ** 40)).toBe(true);
  });
});

describe('JobScheduler', () => {
  it('starts each queued batch on a new turn of the event loop, so a backlog cannot starve timers', async () => {
    const scheduler = new JobScheduler(new ManualClock(0), new ListenerBus(), { onJobError: () => {}, onBatchDone: () => {} });
    const log: string[] = [];
    const job = (name: string, after?: () => void): Job => ({ id: 0, name, time: 0, run: async () => (log.push(name), after?.()) });
    const a = scheduler.submit({ time: 1000, jobs: [job('A', () => setImmediate(() => log.push('event loop')))], numRecords: 0 });
    const b = scheduler.submit({ time: 2000, jobs: [job('B')], numRecords: 0 });
    await Promise.all([a, b]);
    expect(log).toEqual(['A', 'event loop', 'B']);
  });

  it('reports an abandoned batch completed to listeners, but not done to the context', async () => {
    const done: number[] = [];
    const completed: number[] = [];
    const bus = new ListenerBus();
    bus.add({ onBatchCompleted: ({ batchInfo }) => void completed.push(batchInfo.batchTime) });
    const scheduler = new JobScheduler(new ManualClock(0), bus, { onJobError: () => {}, onBatchDone: (time) => void done.push(time) });
    let started = false;
    const run = (): Promise<void> => ((started = true), never());
    void scheduler.submit({ time: 1000, jobs: [{ id: 0, name: 'foreachRDD', time: 1000, run }], numRecords: 0 });
    await waitFor(() => started, 'the job to start');
    await scheduler.stop(true, 10, 'within 10 ms');
    expect(completed).toEqual([1000]);
    expect(done).toEqual([]);
  });
});
