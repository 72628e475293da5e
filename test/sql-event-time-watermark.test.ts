// Ported from Spark's EventTimeWatermarkSuite: windowed counts with a watermark in append and
// update mode, late rows dropped, state evicted, session windows, the watermark of two streams,
// recovery from a checkpoint location, and event-time statistics in progress. Both cores.
import { afterEach, describe, expect, it } from 'vitest';
import { FlintSession, functions as F, type MemoryStream, type OutputMode, type Row } from '../src/index.js';
import { CORES } from './support/harness.js';
import { cleanUp, session, StreamTest, tempDir } from './support/stream-test.js';

const { col, count, sum, window, session_window } = F;
afterEach(cleanUp);

// inputData.toDF().withColumn("eventTime", $"value".cast("timestamp")).withWatermark("eventTime", "10 seconds")
function eventTimes(flint: FlintSession, name = 'input'): [MemoryStream<Row>, ReturnType<FlintSession['createDataFrame']>] {
  const input = flint.memoryStream(name);
  const df = flint.readStream.format('memory').option('name', name).schema({ value: 'long' }).load();
  return [input, df.withColumn('eventTime', col('value').cast('timestamp')).withWatermark('eventTime', '10 seconds')];
}

// .groupBy(window($"eventTime", "5 seconds") as 'window).agg(count("*") as 'count)
//   .select($"window".getField("start").cast("long"), $"count")
function windowedCount(flint: FlintSession, name?: string): [MemoryStream<Row>, ReturnType<FlintSession['createDataFrame']>] {
  const [input, df] = eventTimes(flint, name);
  return [
    input,
    df
      .groupBy(window(col('eventTime'), '5 seconds').as('window'))
      .agg(count('*').as('count'))
      .select(col('window').getField('start').cast('long'), col('count')),
  ];
}

describe.each(CORES)('EventTimeWatermarkSuite (%s core)', (core) => {
  it('append mode: a window is emitted once, when the watermark passes its end', async () => {
    const flint = session(core);
    const [input, df] = windowedCount(flint);
    const t = new StreamTest(flint, df, 'append');
    await t.start();
    input.addData(10, 11, 12, 13, 14, 15);
    await t.checkNewAnswer();
    input.addData(25); // advance watermark to 15 seconds
    await t.checkNewAnswer([10, 5]);
    expect(t.numStateRows()).toBe(2);
    input.addData(10); // should not emit anything as data less than watermark
    await t.checkNewAnswer();
    expect(t.numStateRows()).toBe(2);
    const dropped = t.query!.recentProgress.reduce((n, p) => n + p.stateOperators[0]!.numRowsDroppedByWatermark, 0);
    expect(dropped).toBe(1);
  });

  it('update mode: changed windows every batch, late rows ignored', async () => {
    const flint = session(core);
    const [input, df] = windowedCount(flint);
    const t = new StreamTest(flint, df, 'update');
    await t.start();
    input.addData(10, 11, 12, 13, 14, 15);
    await t.checkNewAnswer([10, 5], [15, 1]);
    input.addData(25); // advance watermark to 15 seconds
    await t.checkNewAnswer([25, 1]);
    expect(t.numStateRows()).toBe(2);
    input.addData(10, 25); // ignore 10 as it is less than the watermark
    await t.checkNewAnswer([25, 2]);
    expect(t.numStateRows()).toBe(2);
    input.addData(10);
    await t.checkNewAnswer();
    expect(t.numStateRows()).toBe(2);
  });

  it('complete mode keeps every window (no eviction)', async () => {
    const flint = session(core);
    const [input, df] = windowedCount(flint);
    const t = new StreamTest(flint, df, 'complete');
    await t.start();
    input.addData(10, 11, 12, 13, 14, 15);
    await t.checkAnswer([10, 5], [15, 1]);
    input.addData(25);
    await t.checkAnswer([10, 5], [15, 1], [25, 1]);
    input.addData(10); // complete mode has no late rows to drop: the window is still in state
    await t.checkAnswer([10, 6], [15, 1], [25, 1]);
  });

  it('dropping old data', async () => {
    const flint = session(core);
    const [input, df] = windowedCount(flint);
    const t = new StreamTest(flint, df, 'append');
    await t.start();
    input.addData(10, 11, 12);
    await t.checkAnswer();
    input.addData(25); // advance watermark to 15 seconds
    await t.checkAnswer([10, 3]);
    input.addData(10); // should not emit anything as data less than watermark
    await t.checkAnswer([10, 3]);
  });

  it('event-time statistics and the watermark in progress', async () => {
    const flint = session(core);
    const [input, df] = windowedCount(flint);
    const t = new StreamTest(flint, df, 'append');
    await t.start();
    input.addData(15);
    await t.checkNewAnswer();
    const withData = t.query!.recentProgress.find((p) => p.numInputRows > 0)!;
    expect(withData.eventTime).toEqual({
      avg: '1970-01-01T00:00:15.000Z',
      max: '1970-01-01T00:00:15.000Z',
      min: '1970-01-01T00:00:15.000Z',
      watermark: '1970-01-01T00:00:00.000Z',
    });
    input.addData(20);
    await t.checkNewAnswer();
    const batches = t.query!.recentProgress;
    // The batch with 20 ran under the watermark 15 - 10 left; the no-data batch after it, under 20 - 10.
    expect(batches.filter((p) => p.numInputRows > 0).at(-1)!.eventTime.watermark).toBe('1970-01-01T00:00:05.000Z');
    expect(batches.at(-1)!.numInputRows).toBe(0);
    expect(batches.at(-1)!.eventTime.watermark).toBe('1970-01-01T00:00:10.000Z');
  });

  it('recovery: watermark and state survive a restart from the checkpoint location', async () => {
    const flint = session(core);
    const [input, df] = windowedCount(flint);
    const checkpoint = tempDir();
    const t = new StreamTest(flint, df, 'append', checkpoint);
    await t.start();
    input.addData(10, 11, 12, 13, 14, 15);
    await t.checkAnswer();
    input.addData(25); // advance watermark to 15 seconds
    await t.checkAnswer([10, 5]);
    await t.stop();
    await t.start();
    input.addData(10, 27, 30); // advance watermark to 20 seconds, 10 should be ignored
    await t.checkNewAnswer([15, 1]);
    await t.stop();
    await t.start();
    input.addData(17); // watermark should still be 20 seconds, 17 should be ignored
    await t.checkNewAnswer();
    input.addData(40); // advance watermark to 30 seconds, emit first data 25
    await t.checkNewAnswer([25, 2]);
  });

  it('watermark with 2 streams: the minimum of both, 0 until both have data', async () => {
    const flint = session(core);
    const [first, firstDf] = eventTimes(flint, 'first');
    const second = flint.memoryStream('second');
    const secondDf = flint.readStream.format('memory').option('name', 'second').schema({ value: 'long' }).load()
      .withColumn('eventTime', col('value').cast('timestamp'))
      .withWatermark('eventTime', '5 seconds');
    const union = firstDf.select(col('value')).union(secondDf.select(col('value'))).agg(sum('value'));
    const q = await union.writeStream.format('memory').outputMode('complete').queryName('two_streams').option('checkpointLocation', tempDir()).start();
    const watermarkAfter = async (firstData: number[], secondData: number[]): Promise<string | undefined> => {
      if (firstData.length) first.addData(...firstData);
      if (secondData.length) second.addData(...secondData);
      await q.processAllAvailable();
      first.addData(0); // a batch that runs under the new watermark
      await q.processAllAvailable();
      return q.recentProgress.filter((p) => p.numInputRows > 0).at(-1)!.eventTime.watermark;
    };
    expect(await watermarkAfter([11], [])).toBe('1970-01-01T00:00:00.000Z');
    expect(await watermarkAfter([], [6])).toBe('1970-01-01T00:00:01.000Z');
    expect(await watermarkAfter([], [8])).toBe('1970-01-01T00:00:01.000Z');
    expect(await watermarkAfter([21], [])).toBe('1970-01-01T00:00:03.000Z');
    await q.stop();
  });

  const sessionQuery = (flint: FlintSession): [MemoryStream<Row>, ReturnType<FlintSession['createDataFrame']>] => {
    const [input, df] = eventTimes(flint);
    return [
      input,
      df
        .withColumn('valuegroup', col('value').divide(10).cast('int'))
        .groupBy(session_window(col('eventTime'), '5 seconds').as('session'), col('valuegroup'))
        .agg(count('*').as('count'), sum('value').as('sum'))
        .select(col('valuegroup'), col('session').getField('start').cast('long'), col('session').getField('end').cast('long'), col('count'), col('sum')),
    ];
  };

  it('append mode - session', async () => {
    const flint = session(core);
    const [input, df] = sessionQuery(flint);
    const t = new StreamTest(flint, df, 'append');
    await t.start();
    input.addData(10, 11);
    await t.checkNewAnswer();
    input.addData(17);
    await t.checkNewAnswer();
    input.addData(25);
    await t.checkNewAnswer();
    input.addData(35);
    await t.checkNewAnswer([1, 10, 16, 2, 21], [1, 17, 22, 1, 17]);
    input.addData(10);
    await t.checkNewAnswer();
    input.addData(40);
    await t.checkNewAnswer([2, 25, 30, 1, 25]);
  });

  it('update mode - session', async () => {
    const flint = session(core);
    const [input, df] = sessionQuery(flint);
    const t = new StreamTest(flint, df, 'update');
    await t.start();
    input.addData(10, 11);
    await t.checkNewAnswer([1, 10, 16, 2, 21]);
    input.addData(17);
    await t.checkNewAnswer([1, 17, 22, 1, 17]);
    input.addData(25);
    await t.checkNewAnswer([2, 25, 30, 1, 25]);
    input.addData(35);
    await t.checkNewAnswer([3, 35, 40, 1, 35]);
    input.addData(10);
    await t.checkNewAnswer();
    input.addData(40);
    await t.checkNewAnswer([4, 40, 45, 1, 40]);
  });
});

describe.each(['append', 'update'] as OutputMode[])('dropDuplicates with a watermark (%s)', (mode) => {
  it('keeps the first row per key and forgets keys behind the watermark', async () => {
    const flint = session('js');
    const [input, df] = eventTimes(flint);
    const t = new StreamTest(flint, df.dropDuplicates('value', 'eventTime').select(col('value')), mode);
    await t.start();
    input.addData(1, 2, 2, 3);
    await t.checkNewAnswer([1], [2], [3]);
    input.addData(1, 25); // duplicate of 1; 25 moves the watermark to 15 s
    await t.checkNewAnswer([25]);
    expect(t.numStateRows()).toBe(1); // 1, 2, 3 evicted
    input.addData(2, 26); // 2 is behind the watermark: dropped, not emitted again
    await t.checkNewAnswer([26]);
  });
});
