// The StreamingQuery handle and flint.streams (Spark's StreamingQuerySuite and
// StreamingQueryManagerSuite in small): ids, status, progress JSON fields, awaitTermination,
// failures surfaced as exceptions, listeners; and mapGroupsWithState with processing-time and
// event-time timeouts (FlatMapGroupsWithStateSuite in small).
import { afterEach, describe, expect, it } from 'vitest';
import { GroupStateTimeout, ManualClock, schemaOf, Trigger, type GroupState, type QueryProgressEvent } from '../src/index.js';
import { CORES } from './support/harness.js';
import { cleanUp, session, StreamTest } from './support/stream-test.js';

afterEach(cleanUp);

describe('StreamingQuery', () => {
  it('reports ids, name, status and progress with Spark\'s fields', async () => {
    const flint = session();
    const input = flint.memoryStream('in', schemaOf({ v: 'long' }));
    const q = await input.toDF().groupBy('v').count().writeStream.format('memory').outputMode('update').queryName('counts').start();
    expect(q.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(q.runId).not.toBe(q.id);
    expect(q.name).toBe('counts');
    expect(q.isActive).toBe(true);
    expect(q.lastProgress).toBeNull();
    input.addData(1, 1, 2);
    await q.processAllAvailable();
    const p = q.lastProgress!;
    expect(Object.keys(p).sort()).toEqual(
      ['batchDuration', 'batchId', 'durationMs', 'eventTime', 'id', 'inputRowsPerSecond', 'name', 'numInputRows', 'processedRowsPerSecond', 'runId', 'sink', 'sources', 'stateOperators', 'timestamp'].sort(),
    );
    expect(p).toMatchObject({ id: q.id, runId: q.runId, name: 'counts', batchId: 0, numInputRows: 3, sink: { description: 'MemorySink', numOutputRows: 2 } });
    expect(p.sources).toEqual([expect.objectContaining({ startOffset: null, endOffset: 3, numInputRows: 3 })]);
    expect(p.stateOperators[0]).toMatchObject({ numRowsTotal: 2, numRowsUpdated: 2, numRowsDroppedByWatermark: 0 });
    expect(Object.keys(p.durationMs).sort()).toEqual(['addBatch', 'commitOffsets', 'getBatch', 'latestOffset', 'queryPlanning', 'triggerExecution', 'walCommit']);
    expect(q.status).toEqual(expect.objectContaining({ isTriggerActive: expect.any(Boolean), message: expect.any(String) }));
    expect(await q.awaitTermination(20)).toBe(false);
    await q.stop();
    expect(q.isActive).toBe(false);
    expect(await q.awaitTermination(20)).toBe(true);
  });

  it('a failing batch stops the query; awaitTermination rejects and exception says why', async () => {
    const flint = session();
    const input = flint.memoryStream('in', schemaOf({ v: 'long' }));
    const q = await input.toDF().writeStream.foreachBatch(() => {
      throw new Error('sink is down');
    }).start();
    input.addData(1);
    await expect(q.awaitTermination()).rejects.toThrow(/terminated with exception: sink is down/);
    expect(q.isActive).toBe(false);
    expect(q.exception).toMatchObject({ code: 'QUERY_FAILED' });
    await expect(q.processAllAvailable()).rejects.toThrow(/sink is down/);
  });
});

describe('flint.streams', () => {
  it('lists active queries, gets them by id, wakes awaitAnyTermination, and tells listeners', async () => {
    const flint = session();
    const events: string[] = [];
    const progress: QueryProgressEvent[] = [];
    flint.streams.addListener({
      onQueryStarted: (e) => void events.push(`started ${e.name}`),
      onQueryProgress: (e) => void progress.push(e),
      onQueryTerminated: (e) => void events.push(`terminated ${e.exception}`),
    });
    const input = flint.memoryStream('in', schemaOf({ v: 'long' }));
    const a = await input.toDF().writeStream.format('memory').queryName('a').start();
    const b = await input.toDF().writeStream.format('memory').queryName('b').start();
    expect(flint.streams.active.map((q) => q.name).sort()).toEqual(['a', 'b']);
    expect(flint.streams.get(a.id)).toBe(a);
    await expect(input.toDF().writeStream.format('memory').queryName('a').start()).rejects.toThrow(/name a as a query with that name is already active/);
    input.addData(1);
    await a.processAllAvailable();
    const any = flint.streams.awaitAnyTermination();
    await b.stop();
    await any;
    expect(flint.streams.active).toEqual([a]);
    expect(events).toEqual(['started a', 'started b', 'terminated null']);
    expect(progress.some((e) => e.progress.name === 'a' && e.progress.numInputRows === 1)).toBe(true);
  });
});

describe.each(CORES)('mapGroupsWithState (%s core)', (core) => {
  it('keeps a running count per key; a processing-time timeout fires for an idle key', async () => {
    const clock = new ManualClock(0);
    const flint = session(core, { clock });
    const input = flint.memoryStream('in', schemaOf({ user: 'string' }));
    const counts = input
      .toDF()
      .as<{ user: string }>()
      .groupByKey((r) => r.user)
      .mapGroupsWithState(GroupStateTimeout.ProcessingTimeTimeout, (user: string, rows, state: GroupState<number>) => {
        if (state.hasTimedOut) {
          const total = state.get();
          state.remove();
          return { user, count: total, expired: true };
        }
        const total = (state.getOption() ?? 0) + rows.length;
        state.update(total);
        state.setTimeoutDuration('10 seconds');
        return { user, count: total, expired: false };
      }, schemaOf({ user: 'string', count: 'long', expired: 'boolean' }));
    const t = new StreamTest(flint, counts.toDF(), 'update');
    await t.start(Trigger.ProcessingTime('1 second'));
    input.addData('a', 'a', 'b');
    await clock.advance(1000);
    input.addData('a');
    await clock.advance(1000);
    expect(await t.all()).toEqual([['a', 2, false], ['b', 1, false], ['a', 3, false]]);
    // Timeouts at 11 s (b, set at 1 s) and 12 s (a, set at 2 s) fire in the first batch after them.
    await clock.advance(10_000); // batches up to 12 s
    expect((await t.all()).slice(3)).toEqual([['b', 1, true]]);
    await clock.advance(1000);
    expect((await t.all()).slice(4)).toEqual([['a', 3, true]]);
    expect(t.numStateRows()).toBe(0);
  });

  it('flatMapGroupsWithState with an event-time timeout closes sessions once the watermark passes', async () => {
    const flint = session(core);
    const input = flint.memoryStream('ev', schemaOf({ user: 'string', at: 'timestamp' }));
    const sessionsOut = input
      .toDF()
      .withWatermark('at', '10 seconds')
      .as<{ user: string; at: Date }>()
      .groupByKey((r) => r.user)
      .flatMapGroupsWithState('append', GroupStateTimeout.EventTimeTimeout, (user: string, rows, state: GroupState<{ n: number; last: number }>) => {
        if (state.hasTimedOut) {
          const s = state.get();
          state.remove();
          return [{ user, events: s.n }];
        }
        const last = Math.max(state.getOption()?.last ?? 0, ...rows.map((r) => r.at.getTime()));
        state.update({ n: (state.getOption()?.n ?? 0) + rows.length, last });
        state.setTimeoutTimestamp(last + 5000);
        return [];
      }, schemaOf({ user: 'string', events: 'long' }));
    const t = new StreamTest(flint, sessionsOut.toDF(), 'append');
    await t.start();
    input.addData({ user: 'a', at: new Date(1000) }, { user: 'a', at: new Date(2000) }, { user: 'b', at: new Date(3000) });
    await t.checkNewAnswer();
    input.addData({ user: 'c', at: new Date(20_000) }); // watermark 10 s passes a (7 s) and b (8 s)
    await t.checkNewAnswer(['a', 2], ['b', 1]);
    expect(t.numStateRows()).toBe(1);
  });
});
