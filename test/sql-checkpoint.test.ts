// Checkpoint locations with Spark's layout (metadata, offsets/N before batch N, commits/N after it,
// state/<operator>/0, sources/<i>), restarts that resume exactly, a batch logged but not committed
// run again with its offsets, and the triggers once and availableNow. Both cores.
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FlintSession, functions as F, ManualClock, schemaOf, Trigger } from '../src/index.js';
import { CORES } from './support/harness.js';
import { cleanUp, session, sorted, StreamTest, tempDir } from './support/stream-test.js';

const { col, count, window } = F;
afterEach(cleanUp);

const ints = (flint: FlintSession) => [flint.memoryStream('input', schemaOf({ value: 'long' })), flint.readStream.format('memory').option('name', 'input').load()] as const;

describe.each(CORES)('checkpoint location (%s core)', (core) => {
  it("writes Spark's layout: metadata, offsets/N, commits/N, state/0/0 deltas", async () => {
    const flint = session(core);
    const [input, df] = ints(flint);
    const dir = tempDir();
    const t = new StreamTest(flint, df.groupBy(col('value')).count(), 'update', dir);
    const q = await t.start();
    input.addData(1, 2);
    await t.checkNewAnswer([1, 1], [2, 1]);
    input.addData(2);
    await t.checkNewAnswer([2, 2]);
    await t.stop();
    expect(readdirSync(dir).sort()).toEqual(['commits', 'metadata', 'offsets', 'state']);
    expect(readdirSync(join(dir, 'offsets')).filter((f) => !f.startsWith('.')).sort()).toEqual(['0', '1']);
    expect(readdirSync(join(dir, 'commits')).filter((f) => !f.startsWith('.')).sort()).toEqual(['0', '1']);
    expect(readdirSync(join(dir, 'state', '0', '0')).filter((f) => !f.startsWith('.')).sort()).toEqual(['1.delta', '2.delta']);
    // The query id survives a restart; the run id does not.
    const again = await t.start();
    expect(again.id).toBe(q.id);
    expect(again.runId).not.toBe(q.runId);
  });

  it('a batch with offsets but no commit runs again after a restart, with the same rows', async () => {
    const flint = session(core);
    const [input, df] = ints(flint);
    const dir = tempDir();
    const t = new StreamTest(flint, df.groupBy(col('value')).count(), 'complete', dir);
    await t.start();
    input.addData(1, 1);
    await t.checkAnswer([1, 2]);
    input.addData(1, 3);
    await t.checkAnswer([1, 3], [3, 1]);
    await t.stop();
    // As if the process died after batch 1 wrote its output but before its commit and state.
    rmSync(join(dir, 'commits', '1'));
    rmSync(join(dir, 'state', '0', '0', '2.delta'));
    await t.start();
    input.addData(3);
    await t.checkAnswer([1, 3], [3, 2]);
    expect(t.query!.recentProgress.map((p) => [p.batchId, p.numInputRows])).toEqual([[1, 2], [2, 1]]);
  });

  it('keeps the offsets and commits of the last 100 batches', async () => {
    const clock = new ManualClock(0);
    const flint = session(core, { clock });
    const [input, df] = ints(flint);
    const dir = tempDir();
    const t = new StreamTest(flint, df, 'append', dir);
    await t.start(Trigger.ProcessingTime(1000));
    for (let i = 0; i < 103; i++) {
      input.addData(i);
      await clock.advance(1000);
    }
    await t.stop();
    const entries = (log: string): number[] => readdirSync(join(dir, log)).filter((f) => /^\d+$/.test(f)).map(Number).sort((a, b) => a - b);
    expect(entries('offsets')).toEqual(Array.from({ length: 100 }, (_, i) => i + 3));
    expect(entries('commits')).toEqual(Array.from({ length: 100 }, (_, i) => i + 3));
    await t.start(Trigger.ProcessingTime(1000)); // and a restart still resumes after batch 102
    input.addData(103);
    await clock.advance(1000);
    expect(t.query!.lastProgress).toMatchObject({ batchId: 103, numInputRows: 1 });
  });

  it('a changed query (another source count) is refused on restart', async () => {
    const flint = session(core);
    const [input, df] = ints(flint);
    const dir = tempDir();
    const t = new StreamTest(flint, df, 'append', dir);
    await t.start();
    input.addData(1);
    await t.checkNewAnswer([1]);
    await t.stop();
    const other = flint.memoryStream('other', schemaOf({ value: 'long' })).toDF();
    const q = df.union(other).writeStream.format('memory').queryName('changed').option('checkpointLocation', dir).start();
    await expect(q).rejects.toThrow(/offset log has 1 sources, this query has 2/);
  });
});

describe.each(CORES)('triggers (%s core)', (core) => {
  it('once: one batch with everything available, then the query stops', async () => {
    const flint = session(core);
    const [input, df] = ints(flint);
    input.addData(1, 2, 3);
    const t = new StreamTest(flint, df, 'append');
    const q = await t.start(Trigger.Once());
    await q.awaitTermination();
    expect(q.isActive).toBe(false);
    expect(sorted(await t.all())).toEqual([[1], [2], [3]]);
    expect(q.recentProgress).toHaveLength(1);
  });

  it('availableNow: what is there at start, in as many batches as maxFilesPerTrigger needs, then stop', async () => {
    const { writeFileSync } = await import('node:fs');
    const flint = session(core);
    const dir = tempDir('flint-sql-in-');
    for (let i = 0; i < 5; i++) writeFileSync(join(dir, `f${i}.txt`), `line ${i}\n`);
    const lines = flint.readStream.format('text').option('maxFilesPerTrigger', 2).load(dir);
    const t = new StreamTest(flint, lines, 'append');
    const q = await t.start(Trigger.AvailableNow());
    writeFileSync(join(dir, 'late.txt'), 'too late\n'); // arrives after the start: not taken
    expect(await q.awaitTermination(10_000)).toBe(true);
    expect(q.recentProgress.map((p) => p.numInputRows)).toEqual([2, 2, 1]);
    expect(sorted(await t.all())).toEqual([0, 1, 2, 3, 4].map((i) => [`line ${i}`]));
  });

  it('once with a checkpoint: successive runs continue where the last ended (EventTimeWatermarkSuite)', async () => {
    const flint = session(core);
    const [input, df] = ints(flint);
    const dir = tempDir();
    const q = df
      .withColumn('eventTime', col('value').cast('timestamp'))
      .withWatermark('eventTime', '10 seconds')
      .groupBy(window(col('eventTime'), '5 seconds').as('window'))
      .agg(count('*').as('count'))
      .select(col('window').getField('start').cast('long'), col('count'));
    const t = new StreamTest(flint, q, 'append', dir);
    const runOnce = async (...values: number[]): Promise<unknown[][]> => {
      input.addData(...values);
      const query = await t.start(Trigger.Once());
      await query.awaitTermination();
      return t.all(); // each run writes to a new memory sink, as in Spark
    };
    expect(await runOnce(10, 11, 12)).toEqual([]);
    expect(await runOnce(25)).toEqual([]); // watermark becomes 15 after this run
    expect(await runOnce(50)).toEqual([[10, 3]]); // runs under watermark 15
    expect(await runOnce(50)).toEqual([[25, 1]]); // runs under watermark 40: [25, 30) closes; [15, 20) never had rows
  });

  it('processingTime on a ManualClock: one batch per interval', async () => {
    const clock = new ManualClock(0);
    const flint = session(core, { clock });
    const [input, df] = ints(flint);
    const t = new StreamTest(flint, df, 'append');
    const q = await t.start(Trigger.ProcessingTime('1 second'));
    input.addData(1);
    await clock.advance(1000);
    input.addData(2, 3);
    await clock.advance(1000);
    await clock.advance(1000); // no data: no batch
    expect(q.recentProgress.map((p) => [p.batchId, p.numInputRows, p.timestamp])).toEqual([
      [0, 1, '1970-01-01T00:00:01.000Z'],
      [1, 2, '1970-01-01T00:00:02.000Z'],
    ]);
  });
});
