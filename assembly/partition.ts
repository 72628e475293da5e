// Hash partitioning: which of n partitions a key belongs to, and splitting a table into its
// partitions. The partition of a key is xxHash32 of its bytes modulo n (hash.ts), the js core's
// rule, so both cores put every key in the same partition and glom() agrees.
//
// The per-token path never computes it: a combiner counts every token into one table, and this
// file splits that table by partition once per batch, so xxHash32 runs once per distinct key.
import { xxh32 } from './hash';
import { Combiner, combinerTable } from './combine';
import { headerSize, sectionSize } from './packed';
import { copyEntryKey, entryAt, entryDead, entryHash, entryKey, entryLen, entryValue, KIND_I64 } from './table';

/** The partition (0 .. n-1) of a key: xxHash32 of its bytes modulo n, as the js core computes. */
// @ts-ignore: decorator
@inline
export function partitionOfKey(key: usize, len: u32, n: u32): u32 {
  if (n == 1) return 0;
  const h = xxh32(key, <i32>len, 0);
  return (n & (n - 1)) == 0 ? h & (n - 1) : h % n;
}

let splitOut: usize = 0;
let splitCap: usize = 0;
let splitSize: usize = 0;
let parts: usize = 0;
let partsCap: u32 = 0;

/** Size in bytes of the buffer the last combinerPackSplit call wrote. */
export function packedSplitSize(): usize {
  return splitSize;
}

/**
 * Packs the single table of `c` as `n` partitions, each key in partition xxHash32 % n, keys in
 * their table order within each partition (so in first-seen order, as the js core has them).
 * Returns the address of the packed buffer (valid until the next call); its size is
 * packedSplitSize().
 */
export function combinerPackSplit(c: Combiner, n: u32): usize {
  const t = combinerTable(c, 0);
  if (t.count > partsCap) {
    if (parts != 0) heap.free(parts);
    partsCap = t.count;
    parts = heap.alloc((<usize>partsCap) << 2);
  }
  // Per partition: entry count and key bytes (2n u32 in the header), then where its arrays start.
  const header = headerSize(n);
  const cursors = heap.alloc((<usize>n) << 5); // per partition: values, offsets, hashes, arena (u64 each)
  memory.fill(cursors, 0, (<usize>n) << 5);
  const counts = heap.alloc((<usize>n) << 3);
  memory.fill(counts, 0, (<usize>n) << 3);
  for (let e: u32 = 0; e < t.count; e++) {
    const ep = entryAt(t, e);
    if (entryDead(ep)) continue;
    const len = entryLen(ep);
    const p = partitionOfKey(entryKey(t, ep), len, n);
    store<u32>(parts + ((<usize>e) << 2), p);
    store<u32>(counts + ((<usize>p) << 3), load<u32>(counts + ((<usize>p) << 3)) + 1);
    store<u32>(counts + ((<usize>p) << 3), load<u32>(counts + ((<usize>p) << 3), 4) + len, 4);
  }
  let size = header;
  for (let p: u32 = 0; p < n; p++) {
    const count = load<u32>(counts + ((<usize>p) << 3));
    const keyBytes = load<u32>(counts + ((<usize>p) << 3), 4);
    const cur = cursors + ((<usize>p) << 5);
    store<u64>(cur, <u64>size); // values
    store<u64>(cur, <u64>(size + ((<usize>count) << 3)), 8); // offsets
    store<u64>(cur, <u64>(size + ((<usize>count) << 3) + ((<usize>count + 1) << 2)), 16); // hashes
    store<u64>(cur, <u64>(size + ((<usize>count) << 3) + ((<usize>count + 1) << 2) + ((<usize>count) << 2)), 24); // arena
    size += sectionSize(count, keyBytes);
  }
  if (size > splitCap) {
    if (splitOut != 0) heap.free(splitOut);
    splitCap = size;
    splitOut = heap.alloc(size + 16);
  }
  const dst = splitOut;
  store<u32>(dst, n);
  for (let p: u32 = 0; p < n; p++) {
    store<u32>(dst + ((1 + 2 * <usize>p) << 2), load<u32>(counts + ((<usize>p) << 3)));
    store<u32>(dst + ((2 + 2 * <usize>p) << 2), load<u32>(counts + ((<usize>p) << 3), 4));
  }
  // Reuse the counts as the per-partition entry index and key offset while writing.
  memory.fill(counts, 0, (<usize>n) << 3);
  for (let e: u32 = 0; e < t.count; e++) {
    const ep = entryAt(t, e);
    if (entryDead(ep)) continue;
    const p = load<u32>(parts + ((<usize>e) << 2));
    const cur = cursors + ((<usize>p) << 5);
    const i = <usize>load<u32>(counts + ((<usize>p) << 3));
    const at = load<u32>(counts + ((<usize>p) << 3), 4);
    const len = entryLen(ep);
    const raw = load<u64>(entryValue(ep));
    store<f64>(dst + <usize>load<u64>(cur) + (i << 3), t.kind == KIND_I64 ? <f64><i64>raw : reinterpret<f64>(raw));
    store<u32>(dst + <usize>load<u64>(cur, 8) + (i << 2), at);
    store<u32>(dst + <usize>load<u64>(cur, 16) + (i << 2), entryHash(ep));
    // Partitions are written interleaved: a 16-byte key store must not run into the next one.
    const keyDst = dst + <usize>load<u64>(cur, 24) + <usize>at;
    if (at + 16 <= load<u32>(dst + ((2 + 2 * <usize>p) << 2))) copyEntryKey(t, ep, len, keyDst);
    else memory.copy(keyDst, entryKey(t, ep), len);
    store<u32>(counts + ((<usize>p) << 3), <u32>i + 1);
    store<u32>(counts + ((<usize>p) << 3), at + len, 4);
  }
  for (let p: u32 = 0; p < n; p++) {
    const count = <usize>load<u32>(counts + ((<usize>p) << 3));
    store<u32>(dst + <usize>load<u64>(cursors + ((<usize>p) << 5), 8) + (count << 2), load<u32>(counts + ((<usize>p) << 3), 4));
  }
  heap.free(cursors);
  heap.free(counts);
  splitSize = size;
  return dst;
}
