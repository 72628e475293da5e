// The check every benchmark makes: all contestants find the same ten most frequent words for the
// same input (most frequent first, ties by word), and the oracle they are checked against.

/** A word and its count. */
export type WordCount = readonly [string, number];

/** Orders by count, descending, then by word, as every contestant's top 10 is written. */
function ranksBefore(a: WordCount, b: WordCount): boolean {
  return a[1] !== b[1] ? a[1] > b[1] : a[0] < b[0];
}

/**
 * The ten most frequent words of `pairs` as `word:count word:count ...`, in one pass (no sort of
 * all pairs). Words for which `skip` is true are left out.
 */
export function topTen(pairs: Iterable<WordCount>, skip?: (word: string) => boolean): string {
  const top: WordCount[] = [];
  for (const p of pairs) {
    if (skip?.(p[0])) continue;
    if (top.length === 10 && !ranksBefore(p, top[9]!)) continue;
    let i = top.length < 10 ? top.length : 9;
    while (i > 0 && ranksBefore(p, top[i - 1]!)) {
      top[i] = top[i - 1]!;
      i--;
    }
    top[i] = p;
  }
  return top.map(([w, n]) => `${w}:${n}`).join(' ');
}

/**
 * Idiomatic JS word count: decode, `split('\n')`, `split(' ')`, a Map. It is both a contestant
 * and the oracle the others are checked against. Counts are added to `into`, times `times`.
 */
export function countWords(text: Uint8Array, into = new Map<string, number>(), times = 1): Map<string, number> {
  const decoded = Buffer.from(text.buffer, text.byteOffset, text.byteLength).toString('utf8');
  for (const line of decoded.split('\n')) {
    for (const word of line.split(' ')) if (word) into.set(word, (into.get(word) ?? 0) + times);
  }
  return into;
}

/** Adds `counts`, times `times`, into `into`. */
export function addCounts(into: Map<string, number>, counts: ReadonlyMap<string, number>, times = 1): Map<string, number> {
  for (const [w, n] of counts) into.set(w, (into.get(w) ?? 0) + n * times);
  return into;
}

/** Thrown when a contestant's top 10 differs from the oracle's: the benchmark stops. */
export class TopTenMismatch extends Error {
  constructor(contestant: string, input: string, got: string, expected: string) {
    super(`${contestant} disagrees on the top 10 of ${input}:\n  got      ${got}\n  expected ${expected}`);
    this.name = 'TopTenMismatch';
  }
}

/** Throws a {@link TopTenMismatch} unless `got` equals `expected`. */
export function checkTopTen(contestant: string, input: string, got: string, expected: string): void {
  if (got !== expected) throw new TopTenMismatch(contestant, input, got, expected);
}
