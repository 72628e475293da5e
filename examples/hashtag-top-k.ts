// Trending hashtags, after Spark's TwitterPopularTags: every 2 seconds, the top hashtags of the
// last 10 seconds of tweets. Tweets come from a seeded generator behind a custom Receiver. The
// window is incremental: reduceByKeyAndWindow(sum, subtract, ...) adds the batch that entered the
// window and subtracts the one that left, instead of recounting 10 seconds of tweets each time.
//
//   npm run example:hashtags      (runs 30 s; Ctrl-C stops earlier)
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { pair, Receiver, Seconds, StreamingContext, subtract, sum, words, type DStream } from '../src/index.js';

const TAGS = ['#flint', '#spark', '#streaming', '#typescript', '#nodejs', '#wasm', '#dataflow', '#kafka', '#bigdata', '#rust'];
const FILLER = 'just shipped loving the new release of windows and state today with my team'.split(' ');

/** A seeded, endless sequence of tweets: a few words and one to three hashtags each. */
export class TweetGenerator {
  private state: number;
  private count = 0;

  constructor(seed = 7) {
    this.state = seed >>> 0;
  }

  /** The next tweet. */
  next(): string {
    // The trending tag changes every 2000 tweets, so the ranking moves as the window slides.
    const trend = TAGS[Math.floor(this.count++ / 2000) % TAGS.length]!;
    const parts: string[] = [];
    for (let i = 3 + this.int(5); i > 0; i--) parts.push(FILLER[this.int(FILLER.length)]!);
    for (let i = 1 + this.int(3); i > 0; i--) {
      // Squaring a uniform draw favours the first tags: a few are popular, most are not.
      parts.push(this.random() < 0.3 ? trend : TAGS[Math.floor(TAGS.length * this.random() ** 2)]!);
    }
    return parts.join(' ');
  }

  private random(): number {
    // A linear congruential generator (Numerical Recipes' constants): plenty for demo data.
    this.state = (Math.imul(this.state, 1664525) + 1013904223) >>> 0;
    return this.state / 2 ** 32;
  }

  private int(n: number): number {
    return Math.floor(this.random() * n);
  }
}

/** A custom {@link Receiver} storing about `rate` generated tweets per second. */
export class TweetReceiver extends Receiver<string> {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly rate = 500,
    private readonly tweets = new TweetGenerator(),
  ) {
    super();
  }

  onStart(): void {
    const perTick = Math.max(1, Math.round(this.rate / 10));
    this.timer = setInterval(() => this.store(Array.from({ length: perTick }, () => this.tweets.next())), 100);
  }

  onStop(): void {
    clearInterval(this.timer);
  }
}

/** Hashtag counts over each window, most used first (ties by tag). Needs ssc.checkpoint(dir). */
export function trendingHashtags(tweets: DStream<string>, window: number, slide: number): DStream<[string, number]> {
  return tweets
    .flatMap(words)
    .filter((word) => word.length > 1 && word.startsWith('#'))
    .map(pair(1))
    .reduceByKeyAndWindow(sum, subtract, window, slide)
    .transform((batch) => batch.sortBy(([tag, n]) => [-n, tag]));
}

async function main(): Promise<void> {
  const ssc = new StreamingContext({ batchInterval: Seconds(1), appName: 'TrendingHashtags' });
  // The incremental window keeps state across batches, so Flint (like Spark) wants a checkpoint dir.
  const checkpoint = await mkdtemp(join(tmpdir(), 'flint-hashtags-'));
  ssc.checkpoint(checkpoint);
  trendingHashtags(ssc.receiverStream(new TweetReceiver()), Seconds(10), Seconds(2)).foreachRDD((batch) => {
    console.log(`\nPopular hashtags in the last 10 seconds (${batch.count()} total):`);
    for (const [tag, n] of batch.take(5)) console.log(`${tag} (${n} mentions)`);
  });
  await ssc.start();
  process.once('SIGINT', () => void ssc.stop({ graceful: true }));
  if (!(await ssc.awaitTerminationOrTimeout(Seconds(30)))) await ssc.stop({ graceful: true });
  await rm(checkpoint, { recursive: true, force: true });
}

// Run only as a script; tests import trendingHashtags without starting anything.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
