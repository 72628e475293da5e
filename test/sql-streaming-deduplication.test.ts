// Ported from Spark's StreamingDeduplicationSuite: dropDuplicates on all or some columns, several
// in a row, with a watermark (state evicted, late rows dropped and counted), across a restart.
// Both cores.
import { afterEach, describe, it } from 'vitest';
import { functions as F, schemaOf } from '../src/index.js';
import { CORES } from './support/harness.js';
import { cleanUp, session, StreamTest } from './support/stream-test.js';

const { col, timestamp_seconds } = F;
afterEach(cleanUp);

describe.each(CORES)('StreamingDeduplicationSuite (%s core)', (core) => {
  it('deduplicate with all columns', async () => {
    const flint = session(core);
    const input = flint.memoryStream('in', schemaOf({ value: 'string' }));
    const t = new StreamTest(flint, input.toDF().dropDuplicates(), 'append');
    await t.start();
    input.addData('a');
    await t.checkNewAnswer(['a']);
    t.assertNumStateRows(1, 1);
    input.addData('a');
    await t.checkNewAnswer();
    t.assertNumStateRows(1, 0);
    input.addData('a', 'b');
    await t.checkNewAnswer(['b']);
    t.assertNumStateRows(2, 1);
  });

  it('deduplicate with some columns', async () => {
    const flint = session(core);
    const input = flint.memoryStream('in', schemaOf({ _1: 'string', _2: 'long' }));
    const t = new StreamTest(flint, input.toDF().dropDuplicates('_1'), 'append');
    await t.start();
    input.addData({ _1: 'a', _2: 1 });
    await t.checkNewAnswer(['a', 1]);
    t.assertNumStateRows(1, 1);
    input.addData({ _1: 'a', _2: 2 }); // dropped
    await t.checkNewAnswer();
    t.assertNumStateRows(1, 0);
    input.addData({ _1: 'b', _2: 1 });
    await t.checkNewAnswer(['b', 1]);
    t.assertNumStateRows(2, 1);
  });

  it('multiple deduplicates', async () => {
    const flint = session(core);
    const input = flint.memoryStream('in', schemaOf({ _1: 'string', _2: 'long' }));
    const t = new StreamTest(flint, input.toDF().dropDuplicates().dropDuplicates('_1'), 'append');
    await t.start();
    input.addData({ _1: 'a', _2: 1 });
    await t.checkNewAnswer(['a', 1]);
    input.addData({ _1: 'a', _2: 1 }); // dropped by both
    await t.checkNewAnswer();
    input.addData({ _1: 'a', _2: 2 }); // dropped by the second
    await t.checkNewAnswer();
  });

  it('deduplicate with watermark', async () => {
    const flint = session(core);
    const input = flint.memoryStream('in', schemaOf({ value: 'long' }));
    const result = input
      .toDF()
      .withColumn('eventTime', timestamp_seconds(col('value')))
      .withWatermark('eventTime', '10 seconds')
      .dropDuplicates()
      .select(col('eventTime').cast('long'));
    const t = new StreamTest(flint, result, 'append');
    await t.start();
    const tens = [10, 11, 12, 13, 14, 15];
    input.addData(...tens, ...tens, ...tens, ...tens, ...tens);
    await t.checkAnswer(...tens.map((v) => [v]));
    t.assertNumStateRows(6, 6);
    input.addData(25); // advances the watermark to 15 s; the no-data batch drops rows <= 15
    await t.checkNewAnswer([25]);
    t.assertNumStateRows(1, 1);
    input.addData(10); // behind the watermark: dropped
    await t.checkNewAnswer();
    t.assertNumStateRows(1, 0, 1);
    input.addData(45); // advances the watermark to 35 s
    await t.checkNewAnswer([45]);
    t.assertNumStateRows(1, 1);
  });

  it('deduplicate with watermark: state survives a restart', async () => {
    const flint = session(core);
    const input = flint.memoryStream('in', schemaOf({ value: 'long' }));
    const result = input.toDF().withColumn('eventTime', timestamp_seconds(col('value'))).withWatermark('eventTime', '10 seconds').dropDuplicates('value', 'eventTime').select(col('value'));
    const t = new StreamTest(flint, result, 'append');
    await t.start();
    input.addData(1, 2);
    await t.checkNewAnswer([1], [2]);
    await t.stop();
    await t.start();
    input.addData(1, 2, 3);
    await t.checkNewAnswer([3]);
  });
});
