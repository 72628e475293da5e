// queueStream: one entry per batch or all at once, default batches, partitions, a live queue.
import { afterEach, describe, expect, it } from 'vitest';
import { Batch, type QueueStreamOptions } from '../src/index.js';
import { QueueInputDStream } from '../src/io/sources/queue-input-dstream.js';
import { record, sourceContext, type SourceTestEnv } from './support/sources-helpers.js';

let contexts: SourceTestEnv[] = [];
afterEach(async () => {
  for (const env of contexts) await env.ssc.stop();
  contexts = [];
});

/** Runs `batches` batch times over `queue`; returns each batch's partitions. */
async function run<T>(queue: (readonly T[] | Batch<T>)[], options: QueueStreamOptions<T>, batches: number): Promise<T[][][]> {
  const env = sourceContext();
  contexts.push(env);
  const out = record(env.ssc.queueStream(queue, options));
  await env.ssc.start();
  await env.clock.advance(batches * env.interval);
  return out;
}

describe('queueStream', () => {
  it.each([
    ['one entry per batch (default), then empty batches', [[1, 2, 3, 4], [5]], {}, [[[1, 2], [3, 4]], [[], [5]], [[], []]]],
    ['oneAtATime: false takes everything queued as one batch', [[1, 2], [3, 4, 5]], { oneAtATime: false }, [[[1], [2], [3], [4, 5]], [[], []]]],
    ['numPartitions cuts each array as parallelize does', [[1, 2, 3, 4, 5]], { numPartitions: 3 }, [[[1], [2, 3], [4, 5]]]],
    ['an array defaultBatch fills empty times', [[1]], { defaultBatch: [0], numPartitions: 1 }, [[[1]], [[0]], [[0]]]],
    ['a Batch defaultBatch is used as is', [], { defaultBatch: new Batch([['x'], ['y', 'z']]) }, [[['x'], ['y', 'z']], [['x'], ['y', 'z']]]],
    ['a queued Batch keeps its partitions', [new Batch([[1], [2], [3]])], {}, [[[1], [2], [3]]]],
    ['oneAtATime: false with an empty queue gives the default', [], { oneAtATime: false, defaultBatch: [9] }, [[[], [9]]]],
  ] as const)('%s', async (_name, queue, options, expected) => {
    expect(await run([...queue] as (readonly unknown[] | Batch<unknown>)[], options as QueueStreamOptions<unknown>, expected.length)).toEqual(expected);
  });

  it('is live: entries pushed after start are picked up and consumed ones are removed', async () => {
    const env = sourceContext();
    contexts.push(env);
    const queue: number[][] = [[1]];
    const out = record(env.ssc.queueStream(queue, { numPartitions: 1 }));
    await env.ssc.start();
    await env.clock.advance(1000);
    expect(queue).toEqual([]);
    queue.push([2], [3]);
    await env.clock.advance(1000);
    expect(queue).toEqual([[3]]);
    await env.clock.advance(2000);
    expect(out).toEqual([[[1]], [[2]], [[3]], [[]]]);
  });

  it('oneAtATime: false drains what was pushed since the last batch', async () => {
    const env = sourceContext();
    contexts.push(env);
    const queue: string[][] = [];
    const out = record(env.ssc.queueStream(queue, { oneAtATime: false, numPartitions: 1 }));
    await env.ssc.start();
    queue.push(['a'], ['b']);
    await env.clock.advance(1000);
    queue.push(['c']);
    await env.clock.advance(1000);
    expect(out).toEqual([[['a'], ['b']], [['c']]]);
  });

  it.each([
    [{ numPartitions: 0 }, 'queueStream options.numPartitions must be a positive integer, got 0'],
    [{ numPartitions: 1.5 }, 'options.numPartitions must be a positive integer'],
    [{ oneAtATime: 'yes' }, 'queueStream options.oneAtATime must be true or false'],
    [{ defaultBatch: 5 }, 'queueStream options.defaultBatch must be an array or a Batch'],
  ])('rejects options %j at the call', (options, message) => {
    const env = sourceContext();
    expect(() => env.ssc.queueStream([], options as QueueStreamOptions<unknown>)).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT', message: expect.stringContaining(message) }),
    );
  });

  it('names an entry that is neither an array nor a Batch', async () => {
    const source = new QueueInputDStream<number>([42 as unknown as number[]], 1000, {});
    await expect(source.compute(1000)).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: 'queueStream: each queued entry must be an array or a Batch, got number',
    });
  });
});
