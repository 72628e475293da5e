// Seeded random input for the differential and oracle tests: a small PRNG (mulberry32, so runs
// repeat exactly; no Math.random) and lines of text with the awkward cases kernels must get
// right: empty lines, runs of separators, multi-byte UTF-8 and very long keys.
import { blockOfLines, TextBatch } from '../../src/batch/text-batch.js';

/** A random number in [0, 1). */
export type Rng = () => number;

/** mulberry32 (Tommy Ettinger): a 32-bit state PRNG, good enough for test data. */
export function mulberry32(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/** An integer in [0, n). */
export function randomInt(rng: Rng, n: number): number {
  return Math.floor(rng() * n);
}

/** One element of `items`. */
export function pick<T>(rng: Rng, items: readonly T[]): T {
  return items[randomInt(rng, items.length)]!;
}

/** Keys of 10 KB (in UTF-8 bytes), ASCII, 2-byte and 3-byte characters. */
export const LONG_KEYS: readonly string[] = ['x'.repeat(10_240), 'é'.repeat(5_120), '日'.repeat(3_413) + 'z'];

/** Short words: ASCII in two cases, accents, symbols, CJK, emoji (4-byte UTF-8). */
export const VOCABULARY: readonly string[] = [
  'a', 'b', 'the', 'The', 'THE', 'cat', 'Cat', 'sat', 'mat', 'é', 'café', 'Straße', 'naïve',
  '✓', '日本', '日本語', '😀', 'x😀y', 'İstanbul', '0', '42', 'a-b', 'under_score',
];

/** Separator runs between words (spaces, tabs, commas, vertical tab). */
export const SEPARATORS: readonly string[] = [' ', ' ', ' ', '  ', '\t', ' \t ', ',', ',,', ' , ', '\v'];

/** How random lines are made. */
export interface LineOptions {
  /** Words to draw from (default {@link VOCABULARY}). */
  vocabulary?: readonly string[];
  /** Separators to draw from (default {@link SEPARATORS}). */
  separators?: readonly string[];
  /** Most words on one line (default 8). */
  maxWords?: number;
  /** Chance that a word is one of {@link LONG_KEYS} (default 0). */
  longKeyChance?: number;
  /** Chance that a line is empty (default 0.1). */
  emptyLineChance?: number;
}

/** One line: words joined by separator runs, with leading and trailing separators sometimes. */
export function randomLine(rng: Rng, options: LineOptions = {}): string {
  const { vocabulary = VOCABULARY, separators = SEPARATORS, maxWords = 8, longKeyChance = 0, emptyLineChance = 0.1 } = options;
  if (rng() < emptyLineChance) return '';
  const n = randomInt(rng, maxWords + 1);
  let line = rng() < 0.2 ? pick(rng, separators) : '';
  for (let i = 0; i < n; i++) {
    if (i > 0) line += pick(rng, separators);
    line += rng() < longKeyChance ? pick(rng, LONG_KEYS) : pick(rng, vocabulary);
  }
  return rng() < 0.2 ? line + pick(rng, separators) : line;
}

/** Up to `maxLines` random lines (possibly none). */
export function randomLines(rng: Rng, maxLines: number, options: LineOptions = {}): string[] {
  return Array.from({ length: randomInt(rng, maxLines + 1) }, () => randomLine(rng, options));
}

/** `lines` as a TextBatch cut into `numPartitions` partitions, as a text source makes them. */
export function textBatch(lines: readonly string[], numPartitions: number): TextBatch {
  return TextBatch.fromBlocks([blockOfLines(lines)], numPartitions);
}
