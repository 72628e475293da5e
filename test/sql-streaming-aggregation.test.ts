// Ported from Spark's StreamingAggregationSuite and the Structured Streaming examples and guide:
// running counts in update and complete mode across restarts, sorting after an aggregation,
// several keys, typed lambdas, the StructuredNetworkWordCount(Windowed) examples, and the guide's
// windowed word count with a 10-minute watermark in each output mode. Both cores.
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { wordCounts } from '../examples/structured-network-word-count.js';
import { windowedCounts } from '../examples/structured-network-word-count-windowed.js';
import { sensorWindows } from '../examples/structured-rate-watermark.js';
import { FlintSession, functions as F, ManualClock, schemaOf, Trigger, type OutputMode, type Row } from '../src/index.js';
import { CORES } from './support/harness.js';
import { waitFor } from './support/sources-helpers.js';
import { cleanUp, session, track, sorted, StreamTest, tuple } from './support/stream-test.js';

const { col, count, sum, avg, min, max, lower, window } = F;
const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) s.close();
  await cleanUp();
});

function ints(flint: FlintSession, name = 'input') {
  return [flint.memoryStream(name, schemaOf({ value: 'long' })), flint.readStream.format('memory').option('name', name).load()] as const;
}

describe.each(CORES)('StreamingAggregationSuite (%s core)', (core) => {
  it('simple count, update mode (with a restart)', async () => {
    const flint = session(core);
    const [input, df] = ints(flint);
    const t = new StreamTest(flint, df.groupBy(col('value')).agg(count('*')), 'update');
    await t.start();
    input.addData(3);
    await t.checkNewAnswer([3, 1]);
    input.addData(3, 2);
    await t.checkNewAnswer([3, 2], [2, 1]);
    await t.stop();
    await t.start();
    input.addData(3, 2, 1);
    await t.checkNewAnswer([3, 3], [2, 2], [1, 1]);
    input.addData(4, 4, 4, 4);
    await t.checkNewAnswer([4, 4]);
  });

  it('simple count, complete mode (with a restart)', async () => {
    const flint = session(core);
    const [input, df] = ints(flint);
    const t = new StreamTest(flint, df.groupBy(col('value')).agg(count('*')), 'complete');
    await t.start();
    input.addData(3);
    await t.checkAnswer([3, 1]);
    input.addData(2);
    await t.checkAnswer([3, 1], [2, 1]);
    await t.stop();
    await t.start();
    input.addData(3, 2, 1);
    await t.checkAnswer([3, 2], [2, 2], [1, 1]);
    input.addData(4, 4, 4, 4);
    await t.checkAnswer([4, 4], [3, 2], [2, 2], [1, 1]);
  });

  it('sort after aggregate in complete mode', async () => {
    const flint = session(core);
    const [input, df] = ints(flint);
    const q = await df.groupBy(col('value')).agg(count('*')).toDF('value', 'count').orderBy(col('count').desc())
      .writeStream.format('memory').queryName('sorted').outputMode('complete').start();
    const last = async (): Promise<unknown[]> => {
      await q.processAllAvailable();
      return ((await flint.table('sorted').collect()) as Row[]).map(tuple);
    };
    input.addData(3);
    expect(await last()).toEqual([[3, 1]]);
    input.addData(2, 3);
    expect(await last()).toEqual([[3, 2], [2, 1]]);
    input.addData(3, 2, 1);
    expect(await last()).toEqual([[3, 3], [2, 2], [1, 1]]);
    input.addData(4, 4, 4, 4);
    expect(await last()).toEqual([[4, 4], [3, 3], [2, 2], [1, 1]]);
    await q.stop();
  });

  it('multiple keys', async () => {
    const flint = session(core);
    const [input, df] = ints(flint);
    const t = new StreamTest(flint, df.groupBy(col('value'), col('value').plus(1)).agg(count('*')), 'update');
    await t.start();
    input.addData(1, 2);
    await t.checkNewAnswer([1, 2, 1], [2, 3, 1]);
    input.addData(1, 2);
    await t.checkNewAnswer([1, 2, 2], [2, 3, 2]);
  });

  it('sum, avg, min and max, with Spark column names', async () => {
    const flint = session(core);
    const [input, df] = ints(flint);
    const agg = df.groupBy(col('value').mod(2).as('parity')).agg(count('value'), sum('value'), avg('value'), min('value'), max('value'));
    expect(agg.columns).toEqual(['parity', 'count(value)', 'sum(value)', 'avg(value)', 'min(value)', 'max(value)']);
    const t = new StreamTest(flint, agg, 'complete');
    await t.start();
    input.addData(1, 2, 3, 4, 5);
    await t.checkAnswer([1, 3, 9, 3, 1, 5], [0, 2, 6, 3, 2, 4]);
  });

  it('typed map, flatMap and filter over as<T>()', async () => {
    const flint = session(core);
    const input = flint.memoryStream<{ name: string; age: number }>('people', schemaOf({ name: 'string', age: 'long' }));
    const people = flint.readStream.format('memory').option('name', 'people').load().as<{ name: string; age: number }>();
    const adults = people.filter((p) => p.age >= 18).map((p) => ({ name: p.name.toUpperCase(), nextAge: p.age + 1 }));
    const letters = people.flatMap((p) => [...p.name]).toDF();
    const a = new StreamTest(flint, adults.toDF(), 'append');
    const l = new StreamTest(flint, letters, 'append');
    await a.start();
    await l.start();
    input.addData({ name: 'ann', age: 30 }, { name: 'bo', age: 12 });
    await a.checkNewAnswer(['ANN', 31]);
    await l.checkNewAnswer(['a'], ['n'], ['n'], ['b'], ['o']);
  });

  it('append mode on an aggregation without a watermark is refused at start()', async () => {
    const flint = session(core);
    const [, df] = ints(flint);
    await expect(df.groupBy(col('value')).count().writeStream.format('memory').queryName('x').start()).rejects.toThrow(
      /Append output mode not supported when there are streaming aggregations on streaming DataFrames\/DataSets without watermark; add withWatermark/,
    );
  });
});

describe.each(CORES)('Structured Streaming examples (%s core)', (core) => {
  it('StructuredNetworkWordCount prints Spark console batches', async () => {
    let out = '';
    const flint = session(core, { out: { write: (s: string) => void (out += s) } });
    const input = flint.memoryStream('lines', schemaOf({ value: 'string' }));
    const lines = flint.readStream.format('memory').option('name', 'lines').load();
    const q = await wordCounts(lines).orderBy('word').writeStream.outputMode('complete').format('console').start();
    input.addData('apache spark');
    await q.processAllAvailable();
    input.addData('apache hadoop');
    await q.processAllAvailable();
    await q.stop();
    expect(out).toBe(
      [
        '-------------------------------------------',
        'Batch: 0',
        '-------------------------------------------',
        '+------+-----+',
        '|  word|count|',
        '+------+-----+',
        '|apache|    1|',
        '| spark|    1|',
        '+------+-----+',
        '',
        '-------------------------------------------',
        'Batch: 1',
        '-------------------------------------------',
        '+------+-----+',
        '|  word|count|',
        '+------+-----+',
        '|apache|    2|',
        '|hadoop|    1|',
        '| spark|    1|',
        '+------+-----+',
        '',
        '',
      ].join('\n'),
    );
  });

  it('StructuredNetworkWordCount reads a real socket (127.0.0.1, random port)', async () => {
    const clients: Socket[] = [];
    const server = createServer((socket) => {
      clients.push(socket);
      socket.write('to be or\nnot to be\n');
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    const flint = session(core);
    const lines = flint.readStream.format('socket').option('host', '127.0.0.1').option('port', port).load();
    const q = await wordCounts(lines).writeStream.outputMode('complete').format('memory').queryName('net').start();
    const table = async (): Promise<unknown[][]> => sorted(((await flint.table('net').collect()) as Row[]).map(tuple));
    let latest: unknown[][] = [];
    await waitFor(() => {
      void table().then((t) => (latest = t));
      return latest.length === 4;
    }, 'counts of the socket lines');
    expect(await table()).toEqual([['be', 2], ['not', 1], ['or', 1], ['to', 2]]);
    for (const c of clients) c.destroy();
    await q.stop();
  });

  it('StructuredNetworkWordCountWindowed counts words per sliding window, ordered by window', async () => {
    let out = '';
    const flint = session(core, { out: { write: (s: string) => void (out += s) } });
    const input = flint.memoryStream('stamped', schemaOf({ value: 'string', timestamp: 'timestamp' }));
    const lines = flint.readStream.format('memory').option('name', 'stamped').load();
    const q = await windowedCounts(lines, '10 seconds', '5 seconds').writeStream.outputMode('complete').format('console').option('truncate', 'false').start();
    input.addData({ value: 'cat dog', timestamp: new Date(Date.UTC(2024, 0, 1, 12, 0, 7)) });
    await q.processAllAvailable();
    await q.stop();
    const table = out.split('\n').slice(3).join('\n');
    expect(table).toBe(
      [
        '+------------------------------------------+----+-----+',
        '|window                                    |word|count|',
        '+------------------------------------------+----+-----+',
        '|{2024-01-01 12:00:00, 2024-01-01 12:00:10}|cat |1    |',
        '|{2024-01-01 12:00:00, 2024-01-01 12:00:10}|dog |1    |',
        '|{2024-01-01 12:00:05, 2024-01-01 12:00:15}|cat |1    |',
        '|{2024-01-01 12:00:05, 2024-01-01 12:00:15}|dog |1    |',
        '+------------------------------------------+----+-----+',
        '',
        '',
      ].join('\n'),
    );
  });
});

describe.each(CORES)('structured-rate-watermark example (%s core)', (core) => {
  it('writes each 10-second window once, after the watermark passes it', async () => {
    const clock = new ManualClock(1_700_000_000_000); // a whole 10 s: windows start with the source
    const flint = new FlintSession({ master: 'local[2]', core, clock });
    track(flint);
    const rate = flint.readStream.format('rate').option('rowsPerSecond', 2).load();
    const q = await sensorWindows(rate).writeStream.outputMode('append').format('memory').queryName('sensors').trigger(Trigger.ProcessingTime('1 second')).start();
    // The batch at 16 s brings rows up to 15.5 s, so the watermark becomes 10.5 s; the batch at
    // 17 s runs under it and closes [0 s, 10 s).
    await clock.advance(16_000);
    expect(await flint.table('sensors').count()).toBe(0);
    await clock.advance(1000);
    await q.stop();
    const start = new Date(1_700_000_000_000);
    const end = new Date(1_700_000_010_000);
    // Values 0..19 fall in the first window: even ones are sensor 0, odd ones sensor 1.
    expect(sorted(((await flint.table('sensors').collect()) as Row[]).map((r) => [(r.window as Row).start, (r.window as Row).end, r.sensor, r.readings, r.total]))).toEqual([
      [start, end, 0, 10, 90],
      [start, end, 1, 10, 100],
    ]);
  });
});

// The programming guide's windowed word count: 10-minute windows sliding every 5 minutes, a
// 10-minute watermark, the same events in each output mode (expected tables worked out by hand).
const at = (m: number): Date => new Date(Date.UTC(2024, 0, 1, 12, m));
const M = (m: number): number => at(m).getTime();
const BATCHES: [string, number][][] = [
  [['dog', 7], ['owl', 8]],
  [['dog', 14], ['cat', 9]],
  [['cat', 15], ['dog', 8], ['owl', 13], ['owl', 21]],
  [['donkey', 4], ['owl', 17]],
];

describe.each(CORES)('windowed word count with a watermark (%s core)', (core) => {
  const run = async (mode: OutputMode) => {
    const flint = session(core);
    const input = flint.memoryStream('words', schemaOf({ word: 'string', timestamp: 'timestamp' }));
    const words = flint.readStream.format('memory').option('name', 'words').load();
    const counts = words
      .withWatermark('timestamp', '10 minutes')
      .groupBy(window(col('timestamp'), '10 minutes', '5 minutes'), lower(col('word')).as('word'))
      .count()
      .select(col('window.start'), col('word'), col('count'));
    const t = new StreamTest(flint, counts, mode);
    await t.start();
    const add = (batch: [string, number][]): void => void input.addData(...batch.map(([word, m]) => ({ word, timestamp: at(m) })));
    return { t, add };
  };

  it('update mode: changed windows each batch; late rows dropped', async () => {
    const { t, add } = await run('update');
    add(BATCHES[0]!);
    await t.checkNewAnswer([M(0), 'dog', 1], [M(5), 'dog', 1], [M(0), 'owl', 1], [M(5), 'owl', 1]);
    add(BATCHES[1]!);
    await t.checkNewAnswer([M(5), 'dog', 2], [M(10), 'dog', 1], [M(0), 'cat', 1], [M(5), 'cat', 1]);
    add(BATCHES[2]!);
    await t.checkNewAnswer(
      [M(10), 'cat', 1], [M(15), 'cat', 1], [M(0), 'dog', 2], [M(5), 'dog', 3],
      [M(5), 'owl', 2], [M(10), 'owl', 1], [M(15), 'owl', 1], [M(20), 'owl', 1],
    );
    add(BATCHES[3]!); // donkey at 12:04 is behind the watermark 12:11 in both its windows
    await t.checkNewAnswer([M(10), 'owl', 2], [M(15), 'owl', 2]);
    const dropped = t.query!.recentProgress.reduce((n, p) => n + p.stateOperators[0]!.numRowsDroppedByWatermark, 0);
    expect(dropped).toBe(2);
  });

  it('append mode: each window once, after the watermark passes its end', async () => {
    const { t, add } = await run('append');
    add(BATCHES[0]!);
    await t.checkNewAnswer();
    add(BATCHES[1]!);
    await t.checkNewAnswer();
    add(BATCHES[2]!); // watermark 12:21 - 10 = 12:11 closes [12:00, 12:10)
    await t.checkNewAnswer([M(0), 'dog', 2], [M(0), 'owl', 1], [M(0), 'cat', 1]);
    add(BATCHES[3]!);
    await t.checkNewAnswer();
    add([['x', 40]]); // watermark 12:30 closes every window up to [12:20, 12:30)
    await t.checkNewAnswer(
      [M(5), 'dog', 3], [M(5), 'owl', 2], [M(5), 'cat', 1],
      [M(10), 'dog', 1], [M(10), 'cat', 1], [M(10), 'owl', 2],
      [M(15), 'cat', 1], [M(15), 'owl', 2],
      [M(20), 'owl', 1],
    );
  });

  it('complete mode: the whole table each batch, nothing evicted', async () => {
    const { t, add } = await run('complete');
    for (const b of BATCHES) add(b);
    await t.checkAnswer(
      [M(-5), 'donkey', 1],
      [M(0), 'dog', 2], [M(0), 'owl', 1], [M(0), 'cat', 1], [M(0), 'donkey', 1],
      [M(5), 'dog', 3], [M(5), 'owl', 2], [M(5), 'cat', 1],
      [M(10), 'dog', 1], [M(10), 'cat', 1], [M(10), 'owl', 2],
      [M(15), 'cat', 1], [M(15), 'owl', 2],
      [M(20), 'owl', 1],
    );
  });
});
