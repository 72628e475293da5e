// The examples' pipelines, run in-process on a ManualClock (the scripts themselves need a live
// clock, a server or a directory; `npm run example:*` runs them).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Readable, Writable } from 'node:stream';
import { trendingHashtags, TweetGenerator } from '../examples/hashtag-top-k.js';
import { countToJsonLines, summary } from '../examples/node-streams.js';
import { Batch, ManualClock, StreamingContext } from '../src/index.js';
import { CORES } from './support/harness.js';
import { sleep } from './support/sources-helpers.js';

describe('hashtag top-k example', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('ranks hashtags over a sliding window; tags that leave it disappear', async () => {
    const clock = new ManualClock(0);
    const ssc = new StreamingContext({ batchInterval: 1000, master: 'local[2]', clock });
    const checkpoint = mkdtempSync(join(tmpdir(), 'flint-hashtags-test-'));
    dirs.push(checkpoint);
    ssc.checkpoint(checkpoint);
    const tweets = ssc.queueStream([['#a is #b', 'no tags # here', '#a'], ['#b #b #c'], [], []]);
    const windows: [string, number][][] = [];
    trendingHashtags(tweets, 2000, 1000).foreachRDD((batch) => void windows.push(batch.collect()));
    await ssc.start();
    await clock.advance(4000);
    await ssc.stop();
    expect(windows).toEqual([
      [['#a', 2], ['#b', 1]],
      [['#b', 3], ['#a', 2], ['#c', 1]],
      [['#b', 2], ['#c', 1]],
      [],
    ]);
  });

  it('generates the same tweets for a seed, each with a hashtag', () => {
    const a = new TweetGenerator(3);
    const b = new TweetGenerator(3);
    for (let i = 0; i < 100; i++) {
      const tweet = a.next();
      expect(tweet).toBe(b.next());
      expect(tweet).toMatch(/(^| )#\w+/);
    }
  });
});

describe.each(CORES)('node-streams example (%s core)', (core) => {
  it('writes every batch as JSON lines through pipeline(), logs each batch from for await, and stops at the end of the input', async () => {
    const clock = new ManualClock(0);
    const ssc = new StreamingContext({ batchInterval: 1000, master: 'local[2]', core, clock });
    const text: string[] = [];
    const out = new Writable({ write: (chunk: Buffer, _, done) => (text.push(chunk.toString()), done()) });
    const log: string[] = [];
    const input = Readable.from(['to be or not to be\n', 'that is the question\n']);
    const run = countToJsonLines(ssc, { input, out, log: (line) => void log.push(line) });
    // The end of the input stops the context gracefully; batches take the data meanwhile.
    while (ssc.getState() !== 'STOPPED') {
      await sleep(2);
      await clock.advance(1000);
    }
    await run;
    const records = text.join('').trimEnd().split('\n').map((line) => JSON.parse(line) as [string, number]);
    expect(records.sort()).toEqual([['be', 2], ['is', 1], ['not', 1], ['or', 1], ['question', 1], ['that', 1], ['the', 1], ['to', 2]]);
    expect(log.every((line) => /^batch \d\d:\d\d:\d\d: \d+ words, \d+ distinct/.test(line))).toBe(true);
    expect(log.reduce((n, line) => n + Number(/: (\d+) words/.exec(line)![1]), 0)).toBe(10);
  });

  it('summarizes a batch with its three most frequent words', () => {
    const batch = Batch.of<[string, number]>([['a', 1], ['b', 3], ['c', 3], ['d', 2]]);
    expect(summary(0, batch)).toBe('batch 00:00:00: 9 words, 4 distinct; top: b 3, c 3, d 2');
    expect(summary(1000, Batch.empty())).toBe('batch 00:00:01: 0 words, 0 distinct');
  });
});
