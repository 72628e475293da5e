// current_timestamp() / now() / unix_timestamp() (Spark's CurrentTimestamp): in a stream, every row of
// a micro-batch gets the batch's timestamp (Spark's CurrentBatchTimestamp), and a batch run again
// after a restart gets the timestamp it was logged with, not the time of the rerun; a static query
// gets the one instant it ran at; SQL reads CURRENT_TIMESTAMP without parentheses too.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { functions as F, ManualClock, schemaOf, Trigger, type DataFrame, type Row } from '../src/index.js';
import { CORES } from './support/harness.js';
import { cleanUp, session, tempDir } from './support/stream-test.js';

const { col, current_timestamp, expr, now, unix_timestamp } = F;
afterEach(cleanUp);

describe.each(CORES)('current_timestamp on a stream (%s core)', (core) => {
  it("gives every row of a batch the batch's timestamp; a batch run again after a restart keeps it", async () => {
    const clock = new ManualClock(0);
    const flint = session(core, { clock });
    const input = flint.memoryStream('words', schemaOf({ word: 'string' }));
    const df = input.toDF().select(col('word'), current_timestamp().as('t'), expr('unix_timestamp()').as('s'));
    const dir = tempDir();
    const seen: [number, string, number, number][] = [];
    const start = () =>
      df.writeStream
        .option('checkpointLocation', dir)
        .trigger(Trigger.ProcessingTime('1 second'))
        .foreachBatch((batch: DataFrame, batchId: number) =>
          batch.collect().then((rows) => {
            for (const r of rows as Row[]) seen.push([batchId, r.word as string, (r.t as Date).getTime(), r.s as number]);
          }),
        )
        .start();
    let query = await start();
    input.addData({ word: 'a' }, { word: 'b' });
    await clock.advance(1000);
    input.addData({ word: 'c' });
    await clock.advance(1000);
    await query.stop();
    expect(seen).toEqual([
      [0, 'a', 1000, 1],
      [0, 'b', 1000, 1],
      [1, 'c', 2000, 2],
    ]);
    // As if the process died after batch 1's output, before its commit: it runs again, at 2 s.
    rmSync(join(dir, 'commits', '1'));
    await clock.advance(60_000);
    seen.length = 0;
    query = await start();
    await clock.advance(1000);
    input.addData({ word: 'd' });
    await clock.advance(1000);
    await query.stop();
    expect(seen).toEqual([
      [1, 'c', 2000, 2],
      [2, 'd', 64_000, 64],
    ]);
  });
});

describe('current_timestamp on static DataFrames and in SQL', () => {
  it('is one instant for the whole query, the time it ran; now() and CURRENT_TIMESTAMP are the same function', async () => {
    const flint = session('js');
    const df = flint.createDataFrame(Array.from({ length: 50 }, (_, i) => ({ i })), schemaOf({ i: 'long' }));
    df.createOrReplaceTempView('t');
    const before = Date.now();
    const rows = (await flint.sql('SELECT i, current_timestamp() AS a, CURRENT_TIMESTAMP AS b, now() AS c, unix_timestamp() AS s FROM t').collect()) as Row[];
    const after = Date.now();
    const instant = (rows[0]!.a as Date).getTime();
    expect(instant).toBeGreaterThanOrEqual(before);
    expect(instant).toBeLessThanOrEqual(after);
    for (const r of rows) {
      expect([(r.a as Date).getTime(), (r.b as Date).getTime(), (r.c as Date).getTime()]).toEqual([instant, instant, instant]);
      expect(r.s).toBe(Math.floor(instant / 1000));
    }
  });

  it("has Spark's column names and type", () => {
    const df = session('js').createDataFrame([{ i: 1 }], schemaOf({ i: 'long' }));
    const out = df.select(current_timestamp(), now(), unix_timestamp());
    expect(out.columns).toEqual(['current_timestamp()', 'now()', 'unix_timestamp(current_timestamp(), yyyy-MM-dd HH:mm:ss)']);
    expect(out.schema!.fields.map((f) => f.dataType)).toEqual(['timestamp', 'timestamp', 'long']);
  });

  it('refuses arguments', () => {
    const df = session('js').createDataFrame([{ i: 1 }], schemaOf({ i: 'long' }));
    expect(() => df.select(expr('current_timestamp(i)'))).toThrow(/current_timestamp\(\) takes no arguments/);
  });
});
