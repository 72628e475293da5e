// The examples' pipelines, run in-process on a ManualClock (the scripts themselves need a live
// clock, a server or a directory; `npm run example:*` runs them).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { trendingHashtags, TweetGenerator } from '../examples/hashtag-top-k.js';
import { ManualClock, StreamingContext } from '../src/index.js';

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
