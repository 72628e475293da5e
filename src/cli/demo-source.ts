// The input of `flint wordcount --demo` (and `npm start`): an endless, seeded stream of lines whose
// words follow Zipf's law, as words of real text do, so a word count has a realistic long tail.
import { Receiver } from '../io/sources/receiver.js';

/**
 * mulberry32 (Tommy Ettinger's 32-bit generator): tiny, fast and good enough for test data.
 * Returns a function giving floats in [0, 1); the same seed always gives the same sequence.
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Draws ranks 0..n-1 with P(rank r) proportional to 1 / (r + 1)^exponent. The cumulative weights
 * are computed once; each draw is a binary search, so a draw costs O(log n).
 */
export class ZipfSampler {
  private readonly cumulative: Float64Array;

  constructor(n: number, exponent = 1) {
    this.cumulative = new Float64Array(n);
    let total = 0;
    for (let r = 0; r < n; r++) this.cumulative[r] = total += 1 / Math.pow(r + 1, exponent);
    for (let r = 0; r < n; r++) this.cumulative[r]! /= total;
  }

  /** The rank whose cumulative interval holds `u`, a uniform draw in [0, 1). */
  sample(u: number): number {
    let lo = 0;
    let hi = this.cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.cumulative[mid]! > u) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }
}

// The most frequent English words, most frequent first, so the head of the chart reads naturally.
const COMMON = (
  'the of and to a in is it you that he was for on are with as his they be at one have this from ' +
  'or had by hot word but what some we can out other were all there when up use your how said an ' +
  'each she which do their time if will way about many then them write would like so these her ' +
  'long make thing see him two has look more day could go come did number sound no most people my ' +
  'over know water than call first who may down side been now find'
).split(' ');

const SYLLABLES = ['ka', 'lo', 'mi', 'ne', 'ru', 'sa', 'ti', 'vo', 'ze', 'pa', 'do', 'fi', 'gu', 'he', 'jo', 'bu'];

/** `size` distinct lowercase words: the common English words, then made-up ones for the tail. */
export function demoVocabulary(size: number): string[] {
  const words = COMMON.slice(0, size);
  for (let i = words.length; words.length < size; i++) {
    // Base-16 digits of i, one syllable each, with at least two syllables: distinct by construction.
    let word = '';
    for (let n = i; n > 0 || word.length < 4; n = Math.floor(n / SYLLABLES.length)) {
      word = SYLLABLES[n % SYLLABLES.length]! + word;
    }
    words.push(word);
  }
  return words;
}

/** What the demo generates. */
export interface DemoOptions {
  /** Lines per second (default 20000). */
  rate?: number;
  /** Seed of the generator; the same seed gives the same lines (default 42). */
  seed?: number;
  /** Distinct words (default 10000). */
  vocabularySize?: number;
  /** Zipf exponent: 1 is the classic law of word frequencies (default 1). */
  exponent?: number;
}

/** An endless, deterministic sequence of lines of 5 to 12 Zipf-distributed words. */
export class DemoLines {
  private readonly random: () => number;
  private readonly sampler: ZipfSampler;
  private readonly vocabulary: string[];

  constructor({ seed = 42, vocabularySize = 10_000, exponent = 1 }: DemoOptions = {}) {
    this.random = mulberry32(seed);
    this.vocabulary = demoVocabulary(vocabularySize);
    this.sampler = new ZipfSampler(vocabularySize, exponent);
  }

  /** The next line. */
  next(): string {
    const n = 5 + Math.floor(this.random() * 8);
    const words = new Array<string>(n);
    for (let i = 0; i < n; i++) words[i] = this.vocabulary[this.sampler.sample(this.random())]!;
    return words.join(' ');
  }

  /** The next `count` lines. */
  take(count: number): string[] {
    return Array.from({ length: count }, () => this.next());
  }
}

/** How often the receiver wakes up to store the lines that are due. */
const TICK_MS = 20;
/** Lines stored at a time: a high `rate` is generated in slices, each one waited for. */
const SLICE_LINES = 10_000;

/**
 * A {@link Receiver} storing `rate` demo lines per second. The sequence of lines depends only on
 * the seed; how they fall into batches depends on timing, as with any live source. It stores in
 * slices of at most 10,000 lines and waits for each store's promise, so over a rate limit or the
 * memory bound it stops generating, as a socket receiver stops reading.
 */
export class DemoReceiver extends Receiver<string> {
  private readonly rate: number;
  private readonly lines: DemoLines;
  private timer: NodeJS.Timeout | undefined;
  private startedAt = 0;
  private emitted = 0;
  /** The running emitDue, if any: ticks that come meanwhile do nothing. */
  private emitting: Promise<void> | undefined;

  constructor(options: DemoOptions = {}) {
    super();
    this.rate = options.rate ?? 20_000;
    this.lines = new DemoLines(options);
  }

  onStart(): void {
    this.startedAt = performance.now();
    this.emitted = 0;
    this.timer = setInterval(() => {
      this.emitting ??= this.emitDue().finally(() => (this.emitting = undefined));
    }, TICK_MS);
  }

  /** Stops the timer; resolves once a running emitDue has returned. */
  async onStop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.emitting;
  }

  // Stores the lines due, a slice at a time, for at most one tick before yielding to the event loop.
  private async emitDue(): Promise<void> {
    const until = performance.now() + TICK_MS;
    while (this.timer !== undefined && performance.now() < until) {
      let due = Math.floor((this.rate * (performance.now() - this.startedAt)) / 1000) - this.emitted;
      // A slow batch or a throttled store holds the generator up. If it falls more than a second
      // behind, the older backlog is dropped rather than burst into one batch: the status line
      // then shows the rate really achieved.
      if (due > this.rate) {
        this.emitted += due - this.rate;
        due = this.rate;
      }
      if (due <= 0) return;
      const count = Math.min(due, SLICE_LINES);
      this.emitted += count;
      await this.store(this.lines.take(count));
    }
  }
}
