// Lifecycle, batch-time alignment, output ordering and awaitTermination, driven by ManualClock.
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FlintError, ManualClock, pair, Seconds, StreamingContext, sum, words } from '../src/index.js';
import { blockOfLines, TextBatch } from '../src/batch/text-batch.js';
import { CORES } from './support/harness.js';

function context(start = 0, batchInterval = 1000) {
  const clock = new ManualClock(start);
  const ssc = new StreamingContext({ batchInterval, master: 'local[2]', clock });
  return { clock, ssc };
}

async function expectFlintError(p: Promise<unknown> | (() => unknown), code: string, text?: RegExp) {
  let error: unknown;
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(FlintError);
  expect((error as FlintError).code).toBe(code);
  if (text) expect((error as Error).message).toMatch(text);
}

describe('batch times', () => {
  it('first batch is the first multiple of the interval after start', async () => {
    const { clock, ssc } = context(2500);
    const times: number[] = [];
    ssc.queueStream<number>([]).foreachRDD((_, t) => void times.push(t));
    await ssc.start();
    await clock.advance(400);
    expect(times).toEqual([]);
    await clock.advance(100);
    expect(times).toEqual([3000]);
    await clock.advance(2000);
    expect(times).toEqual([3000, 4000, 5000]);
    await ssc.stop();
  });

  it('windowed streams emit only at multiples of their slide after zero time', async () => {
    const { clock, ssc } = context(0);
    const times: number[] = [];
    ssc.queueStream<number>([]).window(Seconds(3), Seconds(2)).foreachRDD((_, t) => void times.push(t));
    await ssc.start();
    await clock.advance(6000);
    expect(times).toEqual([2000, 4000, 6000]);
    await ssc.stop();
  });
});

describe('outputs', () => {
  it('run once per batch, one at a time, in definition order', async () => {
    const { clock, ssc } = context();
    const log: string[] = [];
    const s = ssc.queueStream([[1], [2]]);
    s.foreachRDD(async (b, t) => {
      await new Promise((r) => setTimeout(r, 5));
      log.push(`A${t}:${b.collect()}`);
    });
    s.map((x) => x * 10).foreachRDD((b, t) => void log.push(`B${t}:${b.collect()}`));
    await ssc.start();
    await clock.advance(2000);
    expect(log).toEqual(['A1000:1', 'B1000:10', 'A2000:2', 'B2000:20']);
    await ssc.stop();
  });

  it('print writes Spark\'s exact format with ... only past n', async () => {
    let text = '';
    const clock = new ManualClock(0);
    const ssc = new StreamingContext({ batchInterval: 1000, master: 'local[2]', clock, out: { write: (s) => (text += s) } });
    const s = ssc.queueStream([[['a', 5], ['b', 2], ['c', 1]], []]);
    s.print(2);
    s.print();
    await ssc.start();
    await clock.advance(2000);
    await ssc.stop();
    const rule = '-------------------------------------------';
    expect(text).toBe(
      [rule, 'Time: 1000 ms', rule, '(a,5)', '(b,2)', '...', '', ''].join('\n') +
        [rule, 'Time: 1000 ms', rule, '(a,5)', '(b,2)', '(c,1)', '', ''].join('\n') +
        [rule, 'Time: 2000 ms', rule, '', ''].join('\n') +
        [rule, 'Time: 2000 ms', rule, '', ''].join('\n'),
    );
  });
});

describe.each(CORES)('print(0) (%s core)', (core) => {
  it("prints each batch's header, with ... when the batch is not empty, as Spark does", async () => {
    let text = '';
    const clock = new ManualClock(0);
    const ssc = new StreamingContext({ batchInterval: 1000, master: 'local[2]', core, clock, out: { write: (s) => (text += s) } });
    const lines = (...l: string[]) => TextBatch.fromBlocks([blockOfLines(l)], 2);
    ssc.queueStream([lines('a b a'), lines()]).flatMap(words).map(pair(1)).reduceByKey(sum).print(0);
    await ssc.start();
    await clock.advance(2000);
    await ssc.stop();
    const rule = '-------------------------------------------';
    expect(text).toBe([rule, 'Time: 1000 ms', rule, '...', '', ''].join('\n') + [rule, 'Time: 2000 ms', rule, '', ''].join('\n'));
  });

  it('refuses a negative or fractional num', () => {
    const { ssc } = context();
    const s = ssc.queueStream([[1]]);
    for (const bad of [-1, 1.5, Number.NaN]) expect(() => s.print(bad)).toThrow(/print\(num\) needs a whole number of elements >= 0/);
  });
});

describe('lifecycle errors', () => {
  it('start without an output operation fails with a clear error', async () => {
    const { ssc } = context();
    ssc.queueStream([[1]]).map((x) => x);
    await expectFlintError(ssc.start(), 'NO_OUTPUT_OPERATIONS', /No output operations registered/);
  });

  it('operations cannot be added after start', async () => {
    const { ssc } = context();
    const s = ssc.queueStream([[1]]);
    s.print();
    await ssc.start();
    await expectFlintError(() => s.map((x) => x), 'CONTEXT_STARTED', /before start\(\)/);
    await expectFlintError(() => s.print(), 'CONTEXT_STARTED');
    await expectFlintError(() => ssc.queueStream([[2]]), 'CONTEXT_STARTED');
    await ssc.stop();
  });

  it('a stopped context cannot be restarted', async () => {
    const { ssc } = context();
    ssc.queueStream([[1]]).print();
    await ssc.start();
    await ssc.stop();
    expect(ssc.getState()).toBe('STOPPED');
    await expectFlintError(ssc.start(), 'CONTEXT_STOPPED', /create a new StreamingContext/);
  });

  it('starting twice is an error', async () => {
    const { ssc } = context();
    ssc.queueStream([[1]]).print();
    await ssc.start();
    await expectFlintError(ssc.start(), 'CONTEXT_STARTED');
    await ssc.stop();
  });

  it('stateful operations need a checkpoint directory', async () => {
    const { ssc } = context();
    ssc.queueStream<[string, number]>([]).updateStateByKey<string, number, number>((vs, s) => (s ?? 0) + vs.length).print();
    await expectFlintError(ssc.start(), 'CHECKPOINT_REQUIRED', /ssc\.checkpoint\(/);
  });

  it('inverse windows need a checkpoint directory, plain windows do not', async () => {
    const a = context();
    a.ssc.queueStream<[string, number]>([]).reduceByKeyAndWindow((x, y) => x + y, (x, y) => x - y, 2000, 1000).print();
    await expectFlintError(a.ssc.start(), 'CHECKPOINT_REQUIRED');
    const b = context();
    b.ssc.queueStream<[string, number]>([]).reduceByKeyAndWindow((x, y) => x + y, 2000, 1000).print();
    await b.ssc.start();
    await b.ssc.stop();
  });

  it('windows must be multiples of the parent slide, naming both durations', () => {
    const { ssc } = context();
    const s = ssc.queueStream<number>([]);
    expect(() => s.window(1500)).toThrow(/window duration 1500 ms must be a multiple of the parent's slide duration 1000 ms/);
    expect(() => s.window(2000, 500)).toThrow(/slide duration 500 ms must be a multiple of the parent's slide duration 1000 ms/);
    expect(() => s.window(4000, 2000).window(3000)).toThrow(/3000 ms .* 2000 ms/);
  });

  it('bad options are rejected with the fix', () => {
    expect(() => new StreamingContext({ batchInterval: 0 })).toThrow(/batchInterval must be greater than 0/);
    expect(() => new StreamingContext({ batchInterval: 1.5 })).toThrow(/whole, non-negative number of milliseconds/);
    expect(() => new StreamingContext({ batchInterval: 1000, master: 'yarn' })).toThrow(/local\[n\]/);
    expect(() => new StreamingContext({ batchInterval: 1000, master: 'local[0]' })).toThrow(FlintError);
    expect(() => new StreamingContext({ batchInterval: 1000, core: 'gpu' as never })).toThrow(/use 'js' or 'wasm'/);
  });

  it('an unusable checkpoint directory fails start', async () => {
    const { ssc } = context();
    const file = join(mkdtempSync(join(tmpdir(), 'flint-')), 'file');
    await import('node:fs/promises').then((fs) => fs.writeFile(file, 'x'));
    ssc.checkpoint(join(file, 'sub'));
    ssc.queueStream([[1]]).print();
    await expectFlintError(ssc.start(), 'CHECKPOINT_DIR_UNUSABLE', /writable path/);
  });

  it('creates a missing checkpoint directory with its parents', async () => {
    const { ssc } = context();
    const dir = join(mkdtempSync(join(tmpdir(), 'flint-')), 'a', 'b', 'c');
    ssc.checkpoint(dir);
    ssc.queueStream([[1]]).print();
    await ssc.start();
    await ssc.stop();
    expect(existsSync(dir)).toBe(true);
  });

  it('refuses checkpoint(dir) once started or stopped', async () => {
    const { ssc } = context();
    ssc.queueStream([[1]]).print();
    await ssc.start();
    expect(() => ssc.checkpoint('/tmp/flint-late')).toThrow(
      expect.objectContaining({ code: 'CONTEXT_STARTED', message: expect.stringContaining('cannot set the checkpoint directory after the StreamingContext has started') }),
    );
    await ssc.stop();
    expect(() => ssc.checkpoint('/tmp/flint-late')).toThrow(expect.objectContaining({ code: 'CONTEXT_STOPPED' }));
  });

  it.runIf(process.platform === 'linux')('fails start() for a checkpoint directory that can never be made, such as /proc/nope', async () => {
    const { ssc } = context();
    ssc.checkpoint('/proc/nope/deeper');
    ssc.queueStream([[1]]).print();
    const error = await ssc.start().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FlintError);
    expect(error).toMatchObject({ code: 'CHECKPOINT_DIR_UNUSABLE', message: expect.stringContaining('"/proc/nope/deeper" cannot be created or written') });
  });
});

describe('termination', () => {
  it('awaitTerminationOrTimeout resolves false on timeout and true once stopped', async () => {
    const { ssc } = context();
    ssc.queueStream([[1]]).print();
    await ssc.start();
    expect(await ssc.awaitTerminationOrTimeout(10)).toBe(false);
    const waiting = ssc.awaitTerminationOrTimeout(10_000);
    await ssc.stop();
    expect(await waiting).toBe(true);
    await expect(ssc.awaitTermination()).resolves.toBeUndefined();
  });

  it('a failing output job is reported and rejects awaitTermination, and later batches still run', async () => {
    const { clock, ssc } = context();
    const seen: number[] = [];
    const failures: string[] = [];
    ssc.addStreamingListener({
      onOutputOperationCompleted: ({ outputOperationInfo }) => {
        if (outputOperationInfo.failureReason) failures.push(outputOperationInfo.failureReason.split('\n')[0]!);
      },
    });
    ssc.queueStream([[1], [2], [3]]).foreachRDD((b) => {
      const [x] = b.collect();
      if (x === 2) throw new Error('boom at 2');
      seen.push(x!);
    });
    await ssc.start();
    const termination = ssc.awaitTermination();
    await clock.advance(1000);
    await expect(clock.advance(1000)).rejects.toThrow('boom at 2');
    await expect(termination).rejects.toThrow('boom at 2');
    await clock.advance(1000);
    expect(seen).toEqual([1, 3]);
    expect(failures).toEqual(['Error: boom at 2']);
    await ssc.stop();
  });

  it('graceful stop processes data received before the stop', async () => {
    const { clock, ssc } = context();
    const got: number[][] = [];
    const queue: number[][] = [[1], [2]];
    ssc.queueStream(queue).foreachRDD((b) => void got.push(b.collect()));
    await ssc.start();
    await clock.advance(1000);
    const stopping = ssc.stop({ graceful: true });
    await clock.advance(1000);
    await stopping;
    expect(got).toEqual([[1], [2]]);
  });
});
