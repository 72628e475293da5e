// HyperLogLog for `approx_count_distinct`: one byte register per bucket, 2^p buckets with p from
// the relative standard deviation as in Spark's HyperLogLogPlusPlus, so a group's state has a fixed
// size whatever its distinct values. The estimate is Ertl's improved estimator ("New cardinality
// estimation algorithms for HyperLogLog sketches", 2017), which is unbiased from zero to large
// counts without HLL++'s empirical bias tables.
import { FlintError } from '../../errors.js';
import type { Value } from '../schema.js';

/** Spark's buckets for a relative standard deviation: p = ceil(2 log2(1.106 / rsd)). */
export function precisionFor(relativeSD: number): number {
  const p = Math.ceil((2 * Math.log(1.106 / relativeSD)) / Math.log(2));
  if (!(relativeSD > 0) || p < 4) {
    throw new FlintError('INVALID_ARGUMENT', `approx_count_distinct: the relative standard deviation must be above 0 and at most 0.39, got ${relativeSD}`);
  }
  if (p > 18) throw new FlintError('INVALID_ARGUMENT', `approx_count_distinct: a relative standard deviation of ${relativeSD} needs 2^${p} registers per group; use 0.002 or more`);
  return p;
}

/** A new sketch: 2^p zero registers. */
export function newSketch(p: number): Uint8Array {
  return new Uint8Array(1 << p);
}

/** Adds `value` (not null) to the sketch in place. */
export function addToSketch(registers: Uint8Array, value: Value): void {
  const p = 31 - Math.clz32(registers.length);
  const [hi, lo] = hash64(value);
  const index = hi >>> (32 - p);
  const rest = hi << p;
  const rank = rest !== 0 ? Math.clz32(rest) + 1 : 32 - p + Math.clz32(lo) + 1;
  if (rank > registers[index]!) registers[index] = rank;
}

/** The union of two sketches of the same size, as a new sketch. */
export function mergeSketches(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = Math.max(a[i]!, b[i]!);
  return out;
}

/** The estimated number of distinct values added (Ertl's improved raw estimator). */
export function estimate(registers: Uint8Array): number {
  const m = registers.length;
  const q = 64 - (31 - Math.clz32(m));
  const counts = new Float64Array(q + 2);
  for (const r of registers) counts[r]!++;
  let z = m * tau(1 - counts[q + 1]! / m);
  for (let k = q; k >= 1; k--) z = 0.5 * (z + counts[k]!);
  z += m * sigma(counts[0]! / m);
  return Math.round((m * m) / (2 * Math.LN2) / z);
}

function sigma(x: number): number {
  if (x === 1) return Infinity;
  let y = 1;
  let z = x;
  for (;;) {
    x *= x;
    const previous = z;
    z += x * y;
    y += y;
    if (z === previous) return z;
  }
}

function tau(x: number): number {
  if (x === 0 || x === 1) return 0;
  let y = 1;
  let z = 1 - x;
  for (;;) {
    x = Math.sqrt(x);
    const previous = z;
    y *= 0.5;
    z -= (1 - x) ** 2 * y;
    if (z === previous) return z / 3;
  }
}

const NUMBER = new Float64Array(1);
const NUMBER_WORDS = new Int32Array(NUMBER.buffer);

// 64 bits of hash as two 32-bit halves: murmur3's finalizer over the value's bytes or code units,
// twice with different seeds. Equal values (a Date and its time as a number apart) hash equal.
function hash64(v: Value): [number, number] {
  let h1 = 0x9747b28c;
  let h2 = 0x2545f491;
  const mix = (k: number): void => {
    h1 = Math.imul(h1 ^ k, 0x5bd1e995);
    h1 ^= h1 >>> 15;
    h2 = Math.imul(h2 ^ Math.imul(k, 0xcc9e2d51), 0x1b873593);
    h2 = (h2 << 13) | (h2 >>> 19);
  };
  if (typeof v === 'string') {
    mix(1);
    for (let i = 0; i < v.length; i++) mix(v.charCodeAt(i));
  } else if (typeof v === 'number' || v instanceof Date) {
    NUMBER[0] = typeof v === 'number' ? v : v.getTime();
    mix(2);
    mix(NUMBER_WORDS[0]!);
    mix(NUMBER_WORDS[1]!);
  } else if (typeof v === 'boolean') {
    mix(v ? 3 : 4);
  } else if (v instanceof Uint8Array) {
    mix(5);
    for (const byte of v) mix(byte);
  } else {
    mix(6);
    const text = JSON.stringify(v);
    for (let i = 0; i < text.length; i++) mix(text.charCodeAt(i));
  }
  return [fmix(h1 ^ h2), fmix(h2 + Math.imul(h1, 0x85ebca6b))];
}

function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
