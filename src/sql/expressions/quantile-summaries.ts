// Spark's QuantileSummaries (the Greenwald-Khanna sketch behind percentile_approx), step for step,
// so Flint's estimates are Spark's: new values wait in a head buffer of 50,000, are inserted sorted,
// and the samples are compressed past 10,000. Small groups stay exact. The summary is a plain
// JSON-able object, so the state store can keep it between batches.

/** Spark's `QuantileSummaries.defaultCompressThreshold`. */
const COMPRESS_THRESHOLD = 10_000;
/** Spark's `QuantileSummaries.defaultHeadSize`. */
const HEAD_SIZE = 50_000;

/** A sketch: samples as flat `[value, g, delta]` triples, the values not inserted yet, and the count inserted. */
export interface QuantileSummary {
  relativeError: number;
  /** `[value, g, delta, value, g, delta, ...]`, by value. */
  sampled: number[];
  /** Values not inserted into `sampled` yet (Spark's `headSampled`). */
  head: number[];
  /** Values inserted into `sampled` (not counting `head`). */
  count: number;
  /** Set when the values are timestamps (ms), so results read back as Dates. */
  timestamps?: true;
}

/** An empty sketch with the given relative error (Spark: 1 / accuracy). */
export function newSummary(relativeError: number): QuantileSummary {
  return { relativeError, sampled: [], head: [], count: 0 };
}

/** Adds one value, in place (Spark's `insert`). */
export function insertValue(s: QuantileSummary, x: number): void {
  s.head.push(x);
  if (s.head.length < HEAD_SIZE) return;
  insertHead(s);
  if (s.sampled.length / 3 >= COMPRESS_THRESHOLD) compressSamples(s);
}

/** The sketch with its head inserted and its samples compressed (Spark's `compress`). */
export function compressed(s: QuantileSummary): QuantileSummary {
  const out: QuantileSummary = { ...s, head: [...s.head] };
  insertHead(out);
  compressSamples(out);
  return out;
}

/** Two sketches combined (Spark's `merge` of compressed summaries). */
export function mergeSummaries(x: QuantileSummary, y: QuantileSummary): QuantileSummary {
  const a = compressed(x);
  const b = compressed(y);
  if (b.count === 0) return a;
  if (a.count === 0) return b;
  const relativeError = Math.max(a.relativeError, b.relativeError);
  const count = a.count + b.count;
  const extraA = Math.floor(2 * b.relativeError * b.count);
  const extraB = Math.floor(2 * a.relativeError * a.count);
  const merged: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.sampled.length && j < b.sampled.length) {
    if (a.sampled[i]! < b.sampled[j]!) {
      merged.push(a.sampled[i]!, a.sampled[i + 1]!, a.sampled[i + 2]! + (j > 0 ? extraA : 0));
      i += 3;
    } else {
      merged.push(b.sampled[j]!, b.sampled[j + 1]!, b.sampled[j + 2]! + (i > 0 ? extraB : 0));
      j += 3;
    }
  }
  merged.push(...a.sampled.slice(i), ...b.sampled.slice(j));
  const sampled = compressImmut(merged, 2 * relativeError * count);
  return { relativeError, sampled, head: [], count, ...(a.timestamps || b.timestamps ? { timestamps: true as const } : {}) };
}

/** The estimated quantile (0..1) of a compressed sketch, or null when it is empty (Spark's `query`). */
export function query(s: QuantileSummary, quantile: number): number | null {
  const { sampled } = s;
  const n = sampled.length / 3;
  if (n === 0) return null;
  if (quantile <= s.relativeError) return sampled[0]!;
  if (quantile >= 1 - s.relativeError) return sampled[(n - 1) * 3]!;
  const rank = Math.ceil(quantile * s.count);
  let targetError = 0;
  for (let k = 0; k < n; k++) targetError = Math.max(targetError, sampled[k * 3 + 2]! + sampled[k * 3 + 1]!);
  targetError = Math.floor(targetError / 2);
  let minRank = 0;
  for (let k = 0; k < n - 1; k++) {
    minRank += sampled[k * 3 + 1]!;
    const maxRank = minRank + sampled[k * 3 + 2]!;
    if (maxRank - targetError <= rank && rank <= minRank + targetError) return sampled[k * 3]!;
  }
  return sampled[(n - 1) * 3]!;
}

// Spark's withHeadBufferInserted: the sorted head merged into the samples, with the GK delta.
function insertHead(s: QuantileSummary): void {
  if (s.head.length === 0) return;
  const sorted = Float64Array.from(s.head).sort();
  const old = s.sampled;
  const out: number[] = [];
  let count = s.count;
  let k = 0;
  for (let o = 0; o < sorted.length; o++) {
    const x = sorted[o]!;
    while (k < old.length && old[k]! <= x) {
      out.push(old[k]!, old[k + 1]!, old[k + 2]!);
      k += 3;
    }
    count++;
    const delta = out.length === 0 || (k === old.length && o === sorted.length - 1) ? 0 : Math.floor(2 * s.relativeError * count);
    out.push(x, 1, delta);
  }
  for (; k < old.length; k++) out.push(old[k]!);
  s.sampled = out;
  s.head = [];
  s.count = count;
}

function compressSamples(s: QuantileSummary): void {
  insertHead(s);
  s.sampled = compressImmut(s.sampled, 2 * s.relativeError * s.count);
}

// Spark's compressImmut: from the end, merges a sample into the next one while their g and delta allow.
function compressImmut(samples: readonly number[], mergeThreshold: number): number[] {
  const n = samples.length / 3;
  if (n === 0) return [];
  const res: number[][] = [];
  let head = [samples[(n - 1) * 3]!, samples[(n - 1) * 3 + 1]!, samples[(n - 1) * 3 + 2]!];
  for (let i = n - 2; i >= 1; i--) {
    const g = samples[i * 3 + 1]!;
    if (g + head[1]! + head[2]! < mergeThreshold) head = [head[0]!, head[1]! + g, head[2]!];
    else {
      res.push(head);
      head = [samples[i * 3]!, g, samples[i * 3 + 2]!];
    }
  }
  res.push(head);
  if (samples[0]! <= head[0]! && n > 1) res.push([samples[0]!, samples[1]!, samples[2]!]);
  return res.reverse().flat();
}
