// Ported from Spark's StreamingDeduplicationWithinWatermarkSuite: dropDuplicatesWithinWatermark on
// all columns and on some, keys kept until the watermark passes event time plus the delay, late
// rows dropped and counted, the error without a watermark, and a restart. Both cores.
import { afterEach, describe, expect, it } from 'vitest';
import { functions as F, schemaOf } from '../src/index.js';
import { CORES } from './support/harness.js';
import { cleanUp, session, StreamTest, tempDir } from './support/stream-test.js';

const { col, timestamp_seconds } = F;
afterEach(cleanUp);

describe.each(CORES)('StreamingDeduplicationWithinWatermarkSuite (%s core)', (core) => {
  it('deduplicate without event time column should result in error', async () => {
    const flint = session(core);
    const df = flint.memoryStream('in', schemaOf({ value: 'long' })).toDF().dropDuplicatesWithinWatermark();
    await expect(new StreamTest(flint, df, 'append').start()).rejects.toThrow(/dropDuplicatesWithinWatermark is not supported in streaming DataFrames\/DataSets without watermark/);
  });

  it('deduplicate with all columns with event time column', async () => {
    const flint = session(core);
    const input = flint.memoryStream('in', schemaOf({ value: 'long' }));
    const result = input
      .toDF()
      .withColumn('eventTime', timestamp_seconds(col('value')))
      .withWatermark('eventTime', '10 seconds')
      .dropDuplicatesWithinWatermark()
      .select(col('eventTime').cast('long'));
    const t = new StreamTest(flint, result, 'append');
    await t.start();
    const range = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, i) => a + i);
    input.addData(...[1, 2, 3, 4, 5].flatMap(() => range(10, 15)));
    await t.checkNewAnswer(...range(10, 15).map((n) => [n]));
    t.assertNumStateRows(6, 6);
    input.addData(...range(13, 17)); // 13 to 15 are duplicates
    await t.checkNewAnswer([16], [17]);
    t.assertNumStateRows(8, 2);
    input.addData(5); // behind the watermark (7 s)
    await t.checkNewAnswer();
    t.assertNumStateRows(8, 0, 1);
    input.addData(35); // the watermark moves to 25 s: keys expiring by then go
    await t.checkNewAnswer([35]);
    t.assertNumStateRows(3, 1);
    input.addData(55);
    await t.checkNewAnswer([55]);
    t.assertNumStateRows(1, 1);
  });

  it('deduplicate with some columns with event time column, across a restart', async () => {
    const flint = session(core);
    const input = flint.memoryStream('in', schemaOf({ _1: 'string', _2: 'long' }));
    const result = input
      .toDF()
      .withColumn('eventTime', timestamp_seconds(col('_2')))
      .withWatermark('eventTime', '2 seconds')
      .dropDuplicatesWithinWatermark('_1')
      .select(col('_1'), col('eventTime').cast('long'));
    const t = new StreamTest(flint, result, 'append', tempDir());
    await t.start();
    input.addData({ _1: 'a', _2: 17 }); // watermark 15; "a" expires at 19
    await t.checkNewAnswer(['a', 17]);
    t.assertNumStateRows(1, 1);
    input.addData({ _1: 'a', _2: 16 });
    await t.checkNewAnswer();
    t.assertNumStateRows(1, 0);
    input.addData({ _1: 'a', _2: 13 }); // behind the watermark
    await t.checkNewAnswer();
    t.assertNumStateRows(1, 0, 1);
    await t.stop();
    await t.start();
    input.addData({ _1: 'b', _2: 22 }, { _1: 'c', _2: 21 }); // watermark 20: "a" (19) goes
    await t.checkNewAnswer(['b', 22], ['c', 21]);
    t.assertNumStateRows(2, 2);
    input.addData({ _1: 'a', _2: 21 }); // new again
    await t.checkNewAnswer(['a', 21]);
    t.assertNumStateRows(3, 1);
    input.addData({ _1: 'd', _2: 25 }); // watermark 23: "a" and "c" (23) go
    await t.checkNewAnswer(['d', 25]);
    t.assertNumStateRows(2, 1);
  });
});
