import { describe, expect, it } from 'vitest';
import { ManualClock, StreamingContext } from '../src/index.js';

describe('smoke', () => {
  it('runs a word count over a queue', async () => {
    const clock = new ManualClock(0);
    const ssc = new StreamingContext({ batchInterval: 1000, master: 'local[2]', clock });
    const out: [string, number][][] = [];
    ssc
      .queueStream([['a b a'], ['b c']])
      .flatMap((l) => l.split(' '))
      .map((w) => [w, 1] as [string, number])
      .reduceByKey((a, b) => a + b)
      .foreachRDD((b) => void out.push(b.collect()));
    await ssc.start();
    await clock.advance(2000);
    await ssc.stop();
    expect(out.map((b) => new Map(b))).toEqual([new Map([['a', 2], ['b', 1]]), new Map([['b', 1], ['c', 1]])]);
  });
});
