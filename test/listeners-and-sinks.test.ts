// Listener events with Spark's BatchInfo fields, saveAsTextFiles layout, slice/remember, and a
// real-time run on the system clock.
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Batch, type BatchInfo, ManualClock, StreamingContext } from '../src/index.js';

describe('streaming listeners', () => {
  it('receive submitted, started and completed events with BatchInfo fields', async () => {
    const clock = new ManualClock(0);
    const ssc = new StreamingContext({ batchInterval: 1000, master: 'local[2]', clock, out: { write: () => true } });
    const events: string[] = [];
    const completed: BatchInfo[] = [];
    ssc.addStreamingListener({
      onStreamingStarted: () => void events.push('started'),
      onBatchSubmitted: ({ batchInfo }) => void events.push(`submitted ${batchInfo.batchTime}`),
      onBatchStarted: ({ batchInfo }) => void events.push(`batch started ${batchInfo.batchTime}`),
      onOutputOperationStarted: ({ outputOperationInfo: o }) => void events.push(`op ${o.id} ${o.name}`),
      onBatchCompleted: ({ batchInfo }) => {
        events.push(`completed ${batchInfo.batchTime}`);
        completed.push(batchInfo);
      },
    });
    const s = ssc.queueStream([[1, 2, 3], [4]]);
    s.foreachRDD(() => undefined);
    s.count().print();
    await ssc.start();
    await clock.advance(2000);
    await ssc.stop();
    expect(events.slice(0, 6)).toEqual([
      'started',
      'submitted 1000',
      'batch started 1000',
      'op 0 foreachRDD',
      'op 1 print(10)',
      'completed 1000',
    ]);
    expect(completed.map((b) => [b.batchTime, b.numRecords])).toEqual([
      [1000, 3],
      [2000, 1],
    ]);
    for (const b of completed) {
      expect(b.submissionTime).toBe(b.batchTime);
      expect(b.schedulingDelay).toBe(b.processingStartTime! - b.submissionTime);
      expect(b.processingDelay).toBe(b.processingEndTime! - b.processingStartTime!);
      expect(b.totalDelay).toBe(b.schedulingDelay! + b.processingDelay!);
    }
  });

  it('count the batch cut in the scheduling delay: submission is the batch time', async () => {
    // A clock that moves while the input is cut: the slow source below takes CUT_MS of it.
    class CuttingClock extends ManualClock {
      spent = 0;
      override now(): number {
        return super.now() + this.spent;
      }
    }
    const CUT_MS = 300;
    const clock = new CuttingClock(0);
    const cuts: { before: number; after: number }[] = [];
    const slowInput = (items: number[]): Batch<number> =>
      new Batch<number>({
        numPartitions: 1,
        materialize: () => {
          const before = clock.now();
          clock.spent += CUT_MS;
          cuts.push({ before, after: clock.now() });
          return [items];
        },
      });
    const ssc = new StreamingContext({ batchInterval: 1000, master: 'local[2]', core: 'js', clock, out: { write: () => true } });
    const submitted: BatchInfo[] = [];
    const completed: BatchInfo[] = [];
    ssc.addStreamingListener({
      onBatchSubmitted: ({ batchInfo }) => void submitted.push(batchInfo),
      onBatchCompleted: ({ batchInfo }) => void completed.push(batchInfo),
    });
    const got: number[][] = [];
    ssc.queueStream([slowInput([1, 2]), slowInput([3])]).foreachRDD((b) => void got.push(b.collect()));
    await ssc.start();
    await clock.advance(2000);
    await ssc.stop();
    expect(got).toEqual([[1, 2], [3]]);
    expect(cuts.length).toBeGreaterThanOrEqual(2);
    expect(completed.map((b) => b.batchTime)).toEqual([1000, 2000]);
    for (const [i, b] of completed.entries()) {
      const cut = cuts[i]!;
      expect(submitted[i]!.submissionTime).toBe(b.batchTime);
      expect(b.submissionTime).toBe(b.batchTime);
      // The cut began at or after the batch time and ended before processing started.
      expect(cut.before).toBeGreaterThanOrEqual(b.submissionTime);
      expect(b.processingStartTime!).toBeGreaterThanOrEqual(cut.after);
      expect(b.schedulingDelay!).toBeGreaterThanOrEqual(cut.after - cut.before);
      expect(b.totalDelay).toBe(b.processingEndTime! - b.batchTime);
    }
  });

  it('a throwing listener does not stop the batch', async () => {
    const clock = new ManualClock(0);
    const ssc = new StreamingContext({ batchInterval: 1000, master: 'local[2]', clock, out: { write: () => true } });
    const got: number[] = [];
    ssc.addStreamingListener({ onBatchStarted: () => { throw new Error('listener bug'); } });
    ssc.queueStream([[7]]).foreachRDD((b) => void got.push(...b.collect()));
    await ssc.start();
    await clock.advance(1000);
    await ssc.stop();
    expect(got).toEqual([7]);
  });
});

describe('saveAsTextFiles', () => {
  it('writes prefix-<time>.suffix directories with one part file per partition', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'flint-save-'));
    const clock = new ManualClock(0);
    const ssc = new StreamingContext({ batchInterval: 1000, master: 'local[2]', clock, out: { write: () => true } });
    ssc.queueStream<[string, number]>([[['a', 1], ['b', 2], ['c', 3]]], { numPartitions: 2 }).saveAsTextFiles(join(dir, 'out'), 'txt');
    ssc.queueStream<number>([[1]], { numPartitions: 1 }).saveAsTextFiles(join(dir, 'plain'));
    await ssc.start();
    await clock.advance(2000);
    await ssc.stop();
    expect(readdirSync(dir).sort()).toEqual(['out-1000.txt', 'out-2000.txt', 'plain-1000', 'plain-2000']);
    expect(readdirSync(join(dir, 'out-1000.txt')).sort()).toEqual(['_SUCCESS', 'part-00000', 'part-00001']);
    expect(readFileSync(join(dir, 'out-1000.txt', 'part-00000'), 'utf8')).toBe('(a,1)\n');
    expect(readFileSync(join(dir, 'out-1000.txt', 'part-00001'), 'utf8')).toBe('(b,2)\n(c,3)\n');
    expect(readFileSync(join(dir, 'plain-2000', 'part-00000'), 'utf8')).toBe('');
  });
});

describe('slice and remember', () => {
  it('slice returns the remembered batches in a time range', async () => {
    const clock = new ManualClock(0);
    const ssc = new StreamingContext({ batchInterval: 1000, master: 'local[2]', clock, out: { write: () => true } });
    ssc.remember(10_000);
    const s = ssc.queueStream([[1], [2], [3], [4]]);
    s.print();
    await ssc.start();
    await clock.advance(4000);
    const batches = await s.slice(1500, 3000);
    expect(batches.map((b) => b.collect())).toEqual([[1], [2], [3]]);
    expect((await s.slice(0, 1000)).map((b) => b.collect())).toEqual([[1]]);
    await ssc.stop();
  });
});

describe('system clock', () => {
  it('runs batches in real time', async () => {
    const ssc = new StreamingContext({ batchInterval: 50, master: 'local[2]' });
    const times: number[] = [];
    ssc.queueStream<number>([]).foreachRDD((_, t) => void times.push(t));
    await ssc.start();
    const deadline = Date.now() + 5000;
    while (times.length < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    await ssc.stop();
    expect(times.length).toBeGreaterThanOrEqual(3);
    expect(times[1]! - times[0]!).toBe(50);
    expect(times[0]! % 50).toBe(0);
  });
});

describe('receiver info', () => {
  it('counts lines skipped for exceeding maxLineBytes', async () => {
    const { mkdir, writeFile, rename } = await import('node:fs/promises');
    const dir = mkdtempSync(join(tmpdir(), 'flint-dropped-'));
    const inbox = join(dir, 'in');
    await mkdir(inbox);
    const clock = new ManualClock(0);
    const ssc = new StreamingContext({ batchInterval: 1000, master: 'local[2]', clock });
    const dropped: number[] = [];
    ssc.addStreamingListener({ onReceiverError: ({ receiverInfo }) => void dropped.push(receiverInfo.droppedRecords) });
    const lines: string[] = [];
    ssc.textFileStream(inbox, { maxLineBytes: 4 }).foreachRDD((b) => void lines.push(...b.collect()));
    await ssc.start();
    await writeFile(join(dir, 'f'), 'ok\ntoo long\nfine\nalso too long\n');
    await rename(join(dir, 'f'), join(inbox, 'f'));
    await clock.advance(1000);
    await ssc.stop();
    expect(lines).toEqual(['ok', 'fine']);
    expect(dropped).toEqual([1, 2]);
  });

  it('graceful stop returns after its timeout even if a ManualClock never advances', async () => {
    const clock = new ManualClock(0);
    const ssc = new StreamingContext({ batchInterval: 1000, master: 'local[2]', clock });
    ssc.queueStream([[1]]).foreachRDD(() => undefined);
    await ssc.start();
    await ssc.stop({ graceful: true, gracefulTimeout: 50 });
    expect(ssc.getState()).toBe('STOPPED');
  });
});
