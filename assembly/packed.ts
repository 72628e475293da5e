// The packed table format that crosses threads: one buffer holding every partition of a combiner.
//
//   u32 n, then per partition u32 count, u32 arenaLen      (header, padded to 8 bytes)
//   per partition, 8-byte aligned:
//     f64 values[count] | u32 offsets[count + 1] | u32 hashes[count] | u8 arena[arenaLen]
//
// Offsets index the partition's arena; key i is arena[offsets[i] .. offsets[i + 1]). Values are
// always f64 (i64 counts convert exactly up to 2^53), so the JS side reads one layout. Hashes are
// the tables' probe hashes, so a merge never rehashes a key.
import { Combiner, combinerTable } from './combine';
import { BUCKET, copyEntryKey, entryAt, entryDead, entryHash, entryKey, entryLen, entryValue, KIND_I64, probeHash, Table, tableAdd, tableWriteValues } from './table';

// @ts-ignore: decorator
@inline
function align8(x: usize): usize {
  return (x + 7) & ~(<usize>7);
}

export function headerSize(n: u32): usize {
  return align8((1 + 2 * <usize>n) << 2);
}

export function sectionSize(count: u32, arenaLen: u32): usize {
  return align8(((<usize>count) << 3) + ((<usize>count + 1) << 2) + ((<usize>count) << 2) + <usize>arenaLen);
}

/** Bytes needed to pack every partition of `c`. */
export function combinerPackedSize(c: Combiner): usize {
  let size = headerSize(c.n);
  for (let p: u32 = 0; p < c.n; p++) {
    const t = combinerTable(c, p);
    size += sectionSize(t.live, t.keyBytes);
  }
  return size;
}

// Entries are gathered this many at a time into GATHERED before they are written out.
const GATHER: u32 = 64;
const GATHERED = memory.data(<i32>(GATHER * <u32>BUCKET), 16);

// Writes one partition's section; a short key's 16-byte store may run past the section into the
// next one, which is written after it (the output buffer has 16 bytes of slack at its end).
// Entries in insertion order sit in scattered buckets, so packing a large table is bound by cache
// misses: a first loop that only copies GATHER buckets (32 bytes each) to a small buffer keeps
// many misses in flight at once, and the loop that writes the section then reads that buffer.
function packTable(t: Table, dst: usize): usize {
  const count = t.live;
  const values = dst;
  const offsets = values + ((<usize>count) << 3);
  const hashes = offsets + ((<usize>count + 1) << 2);
  const arena = hashes + ((<usize>count) << 2);
  let at: u32 = 0;
  let i: u32 = 0;
  for (let e0: u32 = 0; e0 < t.count; e0 += GATHER) {
    const m = min(GATHER, t.count - e0);
    for (let j: u32 = 0; j < m; j++) {
      const ep = entryAt(t, e0 + j);
      const g = GATHERED + (<usize>j) * BUCKET;
      for (let o: usize = 0; o < BUCKET; o += 16) v128.store(g + o, v128.load(ep + o));
    }
    for (let j: u32 = 0; j < m; j++) {
      const ep = GATHERED + (<usize>j) * BUCKET; // a copy of the bucket: long keys still point into the arena
      if (entryDead(ep)) continue;
      const raw = load<u64>(entryValue(ep));
      store<f64>(values + ((<usize>i) << 3), t.kind == KIND_I64 ? <f64><i64>raw : reinterpret<f64>(raw));
      store<u32>(offsets + ((<usize>i) << 2), at);
      store<u32>(hashes + ((<usize>i) << 2), entryHash(ep));
      const len = entryLen(ep);
      copyEntryKey(t, ep, len, arena + at);
      at += len;
      i++;
    }
  }
  store<u32>(offsets + ((<usize>count) << 2), at);
  return dst + sectionSize(count, t.keyBytes);
}

/** Writes every partition of `c` to `dst` (combinerPackedSize bytes). */
export function combinerPack(c: Combiner, dst: usize): void {
  store<u32>(dst, c.n);
  for (let p: u32 = 0; p < c.n; p++) {
    const t = combinerTable(c, p);
    store<u32>(dst + ((1 + 2 * <usize>p) << 2), t.live);
    store<u32>(dst + ((2 + 2 * <usize>p) << 2), t.keyBytes);
  }
  let at = dst + headerSize(c.n);
  for (let p: u32 = 0; p < c.n; p++) at = packTable(combinerTable(c, p), at);
}

/**
 * A number that changes whenever the keys of `c`, or their order, may have changed (a key added,
 * removed or compacted away, a clear): while it stays the same, so do the key sections of its
 * packed form, and combinerPackValues writes the rest.
 */
export function combinerKeysVersion(c: Combiner): u32 {
  let v: u32 = 0;
  for (let p: u32 = 0; p < c.n; p++) v += combinerTable(c, p).keysVersion;
  return v;
}

/**
 * Writes the values sections of `c`'s packed form, partition after partition, to `dst` (8 bytes
 * a live key), reading the values kept in entry order (combinerKeepDenseValues): a resident
 * window whose keys stayed put is written out at the speed of a copy, not one cache miss a key.
 */
export function combinerPackValues(c: Combiner, dst: usize): void {
  let at = dst;
  for (let p: u32 = 0; p < c.n; p++) at = tableWriteValues(combinerTable(c, p), at);
}

/** combinerMergePacked and slidingPush results. */
export const MERGED: i32 = 0;
export const WRONG_PARTITIONS: i32 = 1;
export const MALFORMED: i32 = 2;

/**
 * True when the `len` bytes at `src` are a well-formed packed buffer: every section inside the
 * buffer, key offsets ascending from 0 to the section's arena length. Checked before anything is
 * merged, so a damaged buffer changes no table (and cannot send a merge through wild memory).
 */
function packedValid(src: usize, len: usize): bool {
  if (len < 4) return false;
  const n = load<u32>(src);
  const end = <u64>len;
  let at = <u64>headerSize(n);
  if (n == 0 || (<u64>n << 3) + 4 > end || at > end) return false;
  for (let p: u32 = 0; p < n; p++) {
    const count = load<u32>(src + ((1 + 2 * <usize>p) << 2));
    const arenaLen = load<u32>(src + ((2 + 2 * <usize>p) << 2));
    const size = (<u64>count << 3) + ((<u64>count + 1) << 2) + (<u64>count << 2) + <u64>arenaLen;
    if (at + size > end) return false;
    const offsets = src + <usize>at + ((<usize>count) << 3);
    let previous: u32 = 0;
    for (let i: u32 = 0; i <= count; i++) {
      const off = load<u32>(offsets + ((<usize>i) << 2));
      if (off < previous || (i == 0 && off != 0)) return false;
      previous = off;
    }
    if (previous != arenaLen) return false;
    at += (size + 7) & ~(<u64>7);
  }
  return true;
}

// Keys merged into a large table each miss the cache at their bucket, one after the other: the
// buckets of the next TOUCH keys are loaded first in a loop of independent loads (the misses
// overlap), so the merge finds them in cache. The loaded words feed `touched`, so the loads stay.
const TOUCH: u32 = 16;
let touched: u32 = 0;

function touchBuckets(t: Table, hashes: usize, from: u32, to: u32): void {
  const buckets = t.buckets;
  const mask = t.cap - 1;
  let x: u32 = 0;
  for (let i = from; i < to; i++) x ^= load<u32>(buckets + (<usize>(load<u32>(hashes + ((<usize>i) << 2)) & mask)) * BUCKET);
  touched ^= x;
}

/**
 * Folds the packed buffer of `len` bytes at `src` into `c` with `op`, partition by partition, in
 * each partition's entry order. Without `hashed` the buffer's hashes are not read and the keys are
 * hashed here (a buffer packed by JS, which does not compute probe hashes). Returns MERGED, or
 * WRONG_PARTITIONS or MALFORMED having changed nothing. The buffer needs KEY_SLACK readable bytes
 * after its end.
 */
export function combinerMergePacked(c: Combiner, src: usize, len: usize, op: i32, hashed: bool): i32 {
  if (!packedValid(src, len)) return MALFORMED;
  const n = load<u32>(src);
  if (n != c.n) return WRONG_PARTITIONS;
  let at = src + headerSize(n);
  for (let p: u32 = 0; p < n; p++) {
    const count = load<u32>(src + ((1 + 2 * <usize>p) << 2));
    const arenaLen = load<u32>(src + ((2 + 2 * <usize>p) << 2));
    const values = at;
    const offsets = values + ((<usize>count) << 3);
    const hashes = offsets + ((<usize>count + 1) << 2);
    const arena = hashes + ((<usize>count) << 2);
    const t = combinerTable(c, p);
    const i64 = t.kind == KIND_I64;
    for (let i: u32 = 0; i < count; i++) {
      if (hashed && (i & (TOUCH - 1)) == 0) touchBuckets(t, hashes, i, min(count, i + TOUCH));
      const from = load<u32>(offsets + ((<usize>i) << 2));
      const len = load<u32>(offsets + ((<usize>i + 1) << 2)) - from;
      const v = load<f64>(values + ((<usize>i) << 3));
      const raw: u64 = i64 ? <u64><i64>v : reinterpret<u64>(v);
      const h = hashed ? load<u32>(hashes + ((<usize>i) << 2)) : probeHash(arena + from, len);
      tableAdd(t, arena + from, len, h, raw, op);
    }
    at += sectionSize(count, arenaLen);
  }
  return MERGED;
}
