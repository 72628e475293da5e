// Deterministic Zipf-distributed word corpus for benchmarks: same seed, same bytes.

/** A small, fast, seedable PRNG (mulberry32). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `distinct` words: base-26 strings of varied length, w0 the most frequent. */
export function vocabulary(distinct: number): string[] {
  const words: string[] = [];
  for (let i = 0; i < distinct; i++) {
    let n = i;
    let w = '';
    do {
      w += String.fromCharCode(97 + (n % 26));
      n = Math.floor(n / 26);
    } while (n > 0);
    words.push(w + 'x'.repeat(i % 5));
  }
  return words;
}

/** Cumulative Zipf(s=1) weights for sampling ranks by binary search. */
function zipfCdf(n: number): Float64Array {
  const cdf = new Float64Array(n);
  let sum = 0;
  for (let i = 0; i < n; i++) cdf[i] = sum += 1 / (i + 1);
  for (let i = 0; i < n; i++) cdf[i]! /= sum;
  return cdf;
}

/** About `bytes` bytes of lines of 8 to 12 Zipf words, deterministic for a seed. */
export function zipfCorpus(bytes: number, distinct = 100_000, seed = 42): Buffer {
  const words = vocabulary(distinct).map((w) => Buffer.from(w));
  const cdf = zipfCdf(distinct);
  const rand = mulberry32(seed);
  const out = Buffer.allocUnsafe(bytes + 256);
  let o = 0;
  while (o < bytes) {
    const n = 8 + Math.floor(rand() * 5);
    for (let i = 0; i < n; i++) {
      const u = rand();
      let lo = 0;
      let hi = distinct - 1;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (cdf[mid]! < u) lo = mid + 1;
        else hi = mid;
      }
      const w = words[lo]!;
      w.copy(out, o);
      o += w.length;
      out[o++] = i === n - 1 ? 10 : 32;
    }
  }
  return out.subarray(0, o);
}
