// Chained stateful operators in append mode, ported from Spark's MultiStatefulOperatorsSuite:
// window aggregation -> window aggregation (over the window column, or window_time(window)),
// three aggregations, deduplication -> aggregation, aggregation -> deduplication, and a join on
// equal event times -> aggregation (a join on a time interval before one is refused, as in Spark). Each
// operator judges late rows by the previous batch's watermark and evicts by the current one, so
// the rows one emits when the watermark passes them still count downstream. Stateful operators are
// numbered top-down as in Spark (progress lists the one nearest the sink first).
//
// One difference from Spark, kept on purpose: Flint counts numRowsDroppedByWatermark per input row,
// Spark per partially aggregated group (Spark's op1 reports 2 for the 10 late rows of two windows).
import { afterEach, describe, expect, it } from 'vitest';
import { functions as F, schemaOf, type DataFrame, type Value } from '../src/index.js';
import { CORES } from './support/harness.js';
import { cleanUp, session, StreamTest } from './support/stream-test.js';

const { col, count, sum, window, window_time, timestamp_seconds, expr } = F;
afterEach(cleanUp);

const range = (from: number, to: number): { value: number }[] => Array.from({ length: to - from + 1 }, (_, i) => ({ value: from + i }));

/** Spark's assertNumStateRows(Seq) and assertNumRowsDroppedByWatermark(Seq) of MultiStatefulOperatorsSuite. */
function expectOperators(t: StreamTest, totals: number[], dropped: number[]): void {
  const progress = t.query!.recentProgress;
  expect(progress.at(-1)!.stateOperators.map((s) => s.numRowsTotal)).toEqual(totals);
  const withData = progress.filter((p) => p.numInputRows > 0).at(-1)!;
  expect(withData.stateOperators.map((s) => s.numRowsDroppedByWatermark)).toEqual(dropped);
}

describe.each(CORES)('multiple stateful operators, append mode (%s core)', (core) => {
  const setUp = () => {
    const flint = session(core);
    const input = flint.memoryStream<{ value: number }>('numbers', schemaOf({ value: 'long' }));
    const events = input.toDF().withColumn('eventTime', timestamp_seconds(col('value'))).withWatermark('eventTime', '0 seconds');
    return { flint, input, events };
  };
  const startOf = (df: DataFrame, ...rest: string[]): DataFrame => df.select(col('window').getField('start').cast('long'), ...rest.map((c) => col(c)));

  it('window agg -> window agg', async () => {
    const { flint, input, events } = setUp();
    const stream = events
      .groupBy(window(col('eventTime'), '5 seconds').as('window'))
      .agg(count('*').as('count'))
      .groupBy(window(col('window'), '10 seconds'))
      .agg(count('*').as('count'), sum('count').as('sum'));
    const t = new StreamTest(flint, startOf(stream, 'count', 'sum'), 'append');
    await t.start();
    input.addData(...range(10, 21));
    await t.checkNewAnswer([10, 2, 10]);
    expectOperators(t, [0, 1], [0, 0]);
    input.addData(...range(10, 29));
    await t.checkNewAnswer();
    expectOperators(t, [1, 1], [0, 10]);
    input.addData({ value: 30 }, { value: 31 });
    await t.checkNewAnswer([20, 2, 12]);
    expectOperators(t, [0, 1], [0, 0]);
  });

  it('agg -> agg -> agg over window_time(window)', async () => {
    const { flint, input, events } = setUp();
    const stream = events
      .groupBy(window(col('eventTime'), '5 seconds').as('window'))
      .agg(count('*').as('count'))
      .groupBy(window(window_time(col('window')), '10 seconds'))
      .agg(count('*').as('count'), sum('count').as('sum'))
      .groupBy(window(window_time(col('window')), '20 seconds'))
      .agg(count('*').as('count'), sum('sum').as('sum'))
      .select(col('window').getField('start').cast('long'), col('window').getField('end').cast('long'), col('count'), col('sum'));
    const t = new StreamTest(flint, stream, 'append');
    await t.start();
    input.addData(...range(0, 37));
    await t.checkNewAnswer([0, 20, 2, 20]);
    expectOperators(t, [1, 1, 1], [0, 0, 0]);
    input.addData(...range(30, 60));
    await t.checkNewAnswer([20, 40, 2, 23], [40, 60, 2, 20]);
    // Spark: [0, 0, 1] (one partially aggregated group, [30, 35)); here its 5 rows.
    expectOperators(t, [0, 0, 1], [0, 0, 5]);
  });

  it('stream deduplication -> aggregation', async () => {
    const flint = session(core);
    const input = flint.memoryStream<{ value: number }>('numbers', schemaOf({ value: 'long' }));
    const deduplicated = input.toDF().withColumn('eventTime', timestamp_seconds(col('value'))).withWatermark('eventTime', '10 seconds').dropDuplicates('value', 'eventTime');
    const stream = deduplicated.groupBy(window(col('eventTime'), '5 seconds').as('window')).agg(count('*').as('count'), sum('value').as('sum'));
    const t = new StreamTest(flint, startOf(stream, 'count'), 'append');
    await t.start();
    input.addData(...range(1, 15));
    await t.checkNewAnswer([0, 4]);
    expectOperators(t, [3, 10], [0, 0]);
  });

  it('aggregation -> stream deduplication, without and with an event-time key', async () => {
    const { flint, input, events } = setUp();
    const agg = events.groupBy(window(col('eventTime'), '5 seconds').as('window')).agg(count('*').as('count')).withColumn('windowEnd', expr('window.end'));
    const noEventTime = agg.dropDuplicates('count', 'windowEnd').select(col('windowEnd').cast('long'), col('count'));
    const t = new StreamTest(flint, noEventTime, 'append');
    await t.start();
    input.addData({ value: 1 }, { value: 5 }, { value: 10 }, { value: 15 });
    await t.checkNewAnswer([5, 1], [10, 1], [15, 1]);
    expectOperators(t, [3, 1], [0, 0]);
    await t.stop();

    const { flint: flint2, input: input2, events: events2 } = setUp();
    // Spark's window_time is end - 1 µs (4999999 µs); Flint's timestamps are ms, so it is end - 1 ms.
    const withEventTime = events2
      .groupBy(window(col('eventTime'), '5 seconds').as('window'))
      .agg(count('*').as('count'))
      .withColumn('windowEnd', expr('window.end'))
      .withColumn('windowTime', expr('window_time(window)'))
      .dropDuplicates('count', 'windowEnd', 'windowTime')
      .select(col('windowEnd').cast('long'), col('windowTime').cast('double').multiply(1000), col('count'));
    const t2 = new StreamTest(flint2, withEventTime, 'append');
    await t2.start();
    input2.addData({ value: 1 }, { value: 5 }, { value: 10 }, { value: 15 });
    await t2.checkNewAnswer([5, 4999, 1], [10, 9999, 1], [15, 14999, 1]);
    // The deduplication keys go as the watermark (15 s) passes their window_time.
    expectOperators(t2, [0, 1], [0, 0]);
  });

  it('what Spark refuses: chained aggregations in update or complete mode; one without a watermark in append mode', async () => {
    const { events } = setUp();
    const chained = events.groupBy(window(col('eventTime'), '5 seconds').as('window')).agg(count('*').as('count')).groupBy(window(col('window'), '10 seconds')).count();
    for (const mode of ['update', 'complete'] as const) {
      await expect(chained.writeStream.format('memory').queryName(`m_${mode}`).outputMode(mode).start()).rejects.toThrow(/Multiple streaming aggregations are not supported with streaming DataFrames\/Datasets in update or complete output mode/);
    }
    const unwatermarked = events.groupBy(window(col('eventTime'), '5 seconds').as('window')).agg(count('*').as('count')).groupBy('count').count();
    await expect(unwatermarked.writeStream.format('memory').queryName('u').outputMode('append').start()).rejects.toThrow(/Append output mode not supported when there are streaming aggregations on streaming DataFrames\/DataSets without watermark/);
  });

  const twoStreams = () => {
    const flint = session(core);
    const input1 = flint.memoryStream<{ value: number }>('input1', schemaOf({ value: 'long' }));
    const input2 = flint.memoryStream<{ value: number }>('input2', schemaOf({ value: 'long' }));
    const df1 = input1.toDF().withColumnRenamed('value', 'value1').withColumn('eventTime1', timestamp_seconds(col('value1'))).withWatermark('eventTime1', '0 seconds');
    const df2 = input2.toDF().withColumnRenamed('value', 'value2').withColumn('eventTime2', timestamp_seconds(col('value2'))).withWatermark('eventTime2', '0 seconds');
    return { flint, input1, input2, df1, df2 };
  };

  it('join -> window agg', async () => {
    const { flint, input1, input2, df1, df2 } = twoStreams();
    const stream = df1.join(df2, expr('eventTime1 = eventTime2'), 'inner').groupBy(window(col('eventTime1'), '5 seconds').as('window')).agg(count('*').as('count'));
    const t = new StreamTest(flint, startOf(stream, 'count'), 'append');
    await t.start();
    input1.addData(...range(1, 4));
    input2.addData(...range(1, 4));
    await t.checkNewAnswer();
    expectOperators(t, [1, 0], [0, 0]);
    input1.addData({ value: 5 });
    input2.addData({ value: 5 });
    await t.checkNewAnswer([0, 4]);
    expectOperators(t, [1, 0], [0, 0]);
  });

  it('join on a time interval -> window agg is refused (a correctness issue with one global watermark)', async () => {
    const { flint, df1, df2 } = twoStreams();
    const ranged = df2.withColumn('eventTime2End', timestamp_seconds(col('value2').plus(1))).withColumn('start2', timestamp_seconds(col('value2')));
    const stream = df1
      .join(ranged, expr('eventTime1 >= eventTime2 AND eventTime1 < eventTime2End AND eventTime1 = start2'), 'inner')
      .groupBy(window(col('eventTime1'), '5 seconds').as('window'))
      .agg(count('*').as('count'));
    await expect(new StreamTest(flint, stream, 'append').start()).rejects.toThrow(/Detected pattern of possible 'correctness' issue/);
  });

  it('window_time in SQL text, and its value: the window end minus 1 ms', async () => {
    const flint = session(core);
    const df = flint.createDataFrame([{ t: new Date(12_000) }], schemaOf({ t: 'timestamp' })).groupBy(window(col('t'), '10 seconds')).count().selectExpr('window_time(window) AS wt');
    const [row] = (await df.collect()) as { wt: Value }[];
    expect(row!.wt).toEqual(new Date(19_999));
  });
});
