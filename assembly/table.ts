// An open-addressing hash table from byte keys to 8-byte aggregates (i64 or f64), in manually
// managed memory. Entries keep their insertion order, so iterating a table yields keys in
// first-seen order (the order the JS core produces).
//
// Cache misses are the cost (PERF-NOTES, point 1; a profile shows the probe's loads take over
// half the time), so a lookup touches one cache line: the entry itself lives in the probed array.
//   bucket (32 bytes, aligned): key: 16 bytes, zero-padded (keys over 16 bytes: u32 arena
//                               offset, u32 probe hash) | value u64 | len u32 | entry index + 1 u32
//   order: u32 bucket index per entry, in insertion order
//   dense (optional, resident windows): raw u64 value per entry, in insertion order, and one bit
//   per entry set once it is removed, so the values can be written out without visiting buckets
// A short key (most words) is compared as one 16-byte vector, without touching the arena. Entry
// indices (insertion order) are stable; bucket indices change when the table grows.
//
// Key pointers handed to this file must have 16 readable bytes past the key's end (callers
// leave slack after their buffers): short keys are read as whole vectors, then masked.
import { zeroed } from './allocate';

/** Value kinds. */
export const KIND_I64: i32 = 0;
export const KIND_F64: i32 = 1;

/** Reducers a table applies when a key is already present. */
export const OP_SUM: i32 = 0;
export const OP_MIN: i32 = 1;
export const OP_MAX: i32 = 2;
/** Subtracts the incoming value (the inverse of OP_SUM). */
export const OP_SUBTRACT: i32 = 3;

/** Bytes per bucket. */
export const BUCKET: usize = 32;
/** Longest key stored inside its bucket. */
export const INLINE_KEY: u32 = 16;
/** Readable bytes callers keep after every key they pass in. */
export const KEY_SLACK: usize = 16;
/** Length field of a removed entry: it matches no key, so its bucket works as a tombstone. */
const DEAD: u32 = 0xffffffff;

// Field offsets within a bucket.
const VALUE: usize = 16;
const LEN: usize = 24;
const INDEX: usize = 28;

@unmanaged
export class Table {
  kind: i32;
  cap: u32; // buckets, a power of two
  count: u32; // entries, including removed ones
  live: u32; // entries not removed
  trackZeros: bool; // remember entries whose value becomes 0, for tableDropZeros
  zeros: usize; // u32 entry indices
  zerosLen: u32;
  zerosCap: u32;
  buckets: usize;
  order: usize; // u32 bucket index per entry
  orderCap: u32;
  keyBytes: u32; // total bytes of all keys (the packed arena's size)
  arena: usize; // keys longer than INLINE_KEY
  arenaLen: u32;
  arenaCap: u32;
  dense: usize; // 0, or orderCap raw values by entry index (tableKeepDenseValues)
  removed: usize; // with dense: orderCap bits, set for removed entries
  keysVersion: u32; // changes whenever the keys or their order may have changed
}

/** A new empty table holding values of `kind`. */
export function tableNew(kind: i32): Table {
  const t = changetype<Table>(heap.alloc(offsetof<Table>()));
  t.kind = kind;
  t.cap = 64;
  t.count = 0;
  t.live = 0;
  t.trackZeros = false;
  t.zerosCap = 16;
  t.zerosLen = 0;
  t.zeros = heap.alloc(16 << 2);
  t.buckets = zeroed(64 * BUCKET);
  t.orderCap = 32;
  t.order = heap.alloc(32 << 2);
  t.keyBytes = 0;
  t.arenaCap = 1024;
  t.arena = heap.alloc(1024 + KEY_SLACK);
  t.arenaLen = 0;
  t.dense = 0;
  t.removed = 0;
  t.keysVersion = 0;
  return t;
}

// Bytes of the removed-entry bitmap for `cap` entries.
// @ts-ignore: decorator
@inline
function bitmapBytes(cap: u32): usize {
  return ((<usize>cap + 63) >> 6) << 3;
}

/**
 * Makes the table keep a copy of its values in insertion order (see the header), for
 * tableWriteValues. A resident window does this: its values change every slide, its keys rarely.
 */
export function tableKeepDenseValues(t: Table): void {
  if (t.dense != 0) return;
  t.dense = heap.alloc((<usize>t.orderCap) << 3);
  t.removed = zeroed(bitmapBytes(t.orderCap));
  for (let e: u32 = 0; e < t.count; e++) {
    const ep = entryAt(t, e);
    store<u64>(t.dense + ((<usize>e) << 3), load<u64>(ep, VALUE));
    if (entryDead(ep)) markRemoved(t, e);
  }
}

// @ts-ignore: decorator
@inline
function markRemoved(t: Table, e: u32): void {
  const w = t.removed + ((<usize>(e >> 6)) << 3);
  store<u64>(w, load<u64>(w) | ((<u64>1) << (<u64>(e & 63))));
}

/**
 * Writes the values of the live entries, in entry order, as f64 to `dst` (8 bytes each): the
 * values section of the packed form (packed.ts) without visiting a bucket. The table must keep
 * dense values.
 */
export function tableWriteValues(t: Table, dst: usize): usize {
  const i64 = t.kind == KIND_I64;
  if (t.count == t.live && !i64) {
    memory.copy(dst, t.dense, (<usize>t.count) << 3);
    return dst + ((<usize>t.count) << 3);
  }
  let out = dst;
  for (let e: u32 = 0; e < t.count; e++) {
    if ((load<u64>(t.removed + ((<usize>(e >> 6)) << 3)) >> (<u64>(e & 63))) & 1) continue;
    const raw = load<u64>(t.dense + ((<usize>e) << 3));
    store<f64>(out, i64 ? <f64><i64>raw : reinterpret<f64>(raw));
    out += 8;
  }
  return out;
}

/** Frees a table and everything it owns. */
export function tableFree(t: Table): void {
  heap.free(t.buckets);
  heap.free(t.order);
  heap.free(t.arena);
  heap.free(t.zeros);
  if (t.dense != 0) {
    heap.free(t.dense);
    heap.free(t.removed);
  }
  heap.free(changetype<usize>(t));
}

/** Empties a table, keeping its capacity. */
export function tableClear(t: Table): void {
  // A table reused per batch may be far larger than its last contents: clear only used buckets.
  if (<u64>t.count << 3 < <u64>t.cap) {
    for (let e: u32 = 0; e < t.count; e++) v128.store(entryAt(t, e), i64x2.splat(0), 16);
  } else {
    memory.fill(t.buckets, 0, (<usize>t.cap) * BUCKET);
  }
  if (t.dense != 0) memory.fill(t.removed, 0, bitmapBytes(t.count));
  t.count = 0;
  t.live = 0;
  t.zerosLen = 0;
  t.keyBytes = 0;
  t.arenaLen = 0;
  t.keysVersion++;
}

// @ts-ignore: decorator
@inline
function bucketAt(t: Table, i: u32): usize {
  return t.buckets + (<usize>i) * BUCKET;
}

/** Address of entry `e` (its bucket; valid until the table grows). */
// @ts-ignore: decorator
@inline
export function entryAt(t: Table, e: u32): usize {
  return bucketAt(t, load<u32>(t.order + ((<usize>e) << 2)));
}

/** True when the entry at `ep` has been removed. */
// @ts-ignore: decorator
@inline
export function entryDead(ep: usize): bool {
  return load<u32>(ep, LEN) == DEAD;
}

/** Key length of the entry at `ep`. */
// @ts-ignore: decorator
@inline
export function entryLen(ep: usize): u32 {
  return load<u32>(ep, LEN);
}

/** Address of the 8-byte value of the entry at `ep`. */
// @ts-ignore: decorator
@inline
export function entryValue(ep: usize): usize {
  return ep + VALUE;
}

/** Address of the key bytes of the entry at `ep`. */
// @ts-ignore: decorator
@inline
export function entryKey(t: Table, ep: usize): usize {
  return load<u32>(ep, LEN) <= INLINE_KEY ? ep : t.arena + load<u32>(ep);
}

/**
 * Copies the key of the entry at `ep` (`len` bytes) to `dst`. A short key is written as one
 * 16-byte vector, so `dst` needs 16 writable bytes; no call per key keeps in-order iteration
 * (whose buckets are scattered) free to overlap its cache misses.
 */
// @ts-ignore: decorator
@inline
export function copyEntryKey(t: Table, ep: usize, len: u32, dst: usize): void {
  if (len <= INLINE_KEY) v128.store(dst, v128.load(ep));
  else memory.copy(dst, t.arena + load<u32>(ep), len);
}

/** The probe hash of the entry at `ep`'s key. */
// @ts-ignore: decorator
@inline
export function entryHash(ep: usize): u32 {
  const len = load<u32>(ep, LEN);
  return len <= INLINE_KEY ? probeHashShort(v128.load(ep), len) : load<u32>(ep, 4);
}

// Entry index of the entry at `ep`.
// @ts-ignore: decorator
@inline
function entryIndex(ep: usize): u32 {
  return load<u32>(ep, INDEX) - 1;
}

// The first 8 key bytes at `key + at` of a key of `len` bytes, zero beyond the key.
// @ts-ignore: decorator
@inline
function keyWord(key: usize, len: u32, at: u32): u64 {
  if (len <= at) return 0;
  const word = load<u64>(key + at);
  const rest = len - at;
  return rest >= 8 ? word : word & ((<u64>1 << (<u64>rest << 3)) - 1);
}

// @ts-ignore: decorator
@inline
function longKeysEqual(a: usize, b: usize, len: u32): bool {
  let i: usize = 0;
  const n = <usize>len;
  while (i + 8 <= n) {
    if (load<u64>(a + i) != load<u64>(b + i)) return false;
    i += 8;
  }
  while (i < n) {
    if (load<u8>(a + i) != load<u8>(b + i)) return false;
    i++;
  }
  return true;
}

// 16 bytes of 0xff, then 16 of 0: the 16 bytes from KEEP_MASKS + 16 - len keep a key's first len
// bytes (one load that always hits L1, cheaper than building the mask from lane indices).
const KEEP_MASKS = memory.data<u8>([
  0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
]);

/**
 * A key of at most INLINE_KEY bytes as one 16-byte vector, zero past its end: the form short keys
 * are stored, hashed and compared in (one load and one mask, no per-length branches).
 */
// @ts-ignore: decorator
@inline
export function shortKey(key: usize, len: u32): v128 {
  return v128.and(v128.load(key), v128.load(KEEP_MASKS + 16 - <usize>len));
}

// The probe hash of a short key: two independent multiplies, folded. Short keys are most keys, so
// this is on the per-token path.
// @ts-ignore: decorator
@inline
function probeHashShort(k: v128, len: u32): u32 {
  let h: u64 = (i64x2.extract_lane(k, 0) ^ ((<u64>len) << 56)) * 0x9e3779b97f4a7c15;
  h ^= i64x2.extract_lane(k, 1) * 0xbf58476d1ce4e5b9;
  return <u32>((h ^ (h >> 29)) >> 32);
}

// The probe hash of a key longer than INLINE_KEY: a multiply-xorshift mix of its 8-byte words.
// Probe hashes (this and probeHashShort) only place keys in buckets, several times cheaper than
// xxHash32; which partition a key belongs to is xxHash32 (hash.ts), the js core's rule, computed
// once per distinct key.
function probeHashLong(key: usize, len: u32): u32 {
  let h: u64 = (<u64>len) * 0x9e3779b97f4a7c15;
  for (let i: u32 = 0; i < len; i += 8) {
    h = (h ^ keyWord(key, len, i)) * 0xbf58476d1ce4e5b9;
    h ^= h >> 29;
  }
  return <u32>(h >> 32);
}

// The first free bucket on the probe path of hash `h`.
// @ts-ignore: decorator
@inline
function freeBucket(buckets: usize, mask: u32, h: u32): usize {
  let i = h & mask;
  while (load<u32>(buckets + (<usize>i) * BUCKET, INDEX) != 0) i = (i + 1) & mask;
  return buckets + (<usize>i) * BUCKET;
}

// Moves every entry into a bucket array of `newCap` (the same capacity to drop tombstones).
// Removed entries still waiting in `order` keep a bucket off their key's path (they match nothing).
function rehash(t: Table, newCap: u32): void {
  const old = t.buckets;
  const buckets = zeroed((<usize>newCap) * BUCKET);
  const mask = newCap - 1;
  for (let e: u32 = 0; e < t.count; e++) {
    const ep = entryAt(t, e); // t.buckets is still the old array
    const h = entryDead(ep) ? e * 0x9e3779b1 : entryHash(ep);
    const bp = freeBucket(buckets, mask, h);
    v128.store(bp, v128.load(ep));
    v128.store(bp, v128.load(ep, 16), 16);
    store<u32>(t.order + ((<usize>e) << 2), <u32>((bp - buckets) / BUCKET));
  }
  heap.free(old);
  t.buckets = buckets;
  t.cap = newCap;
}

function appendLongKey(t: Table, key: usize, len: u32): u32 {
  const need = t.arenaLen + len;
  if (need > t.arenaCap) {
    let cap = t.arenaCap << 1;
    while (cap < need) cap <<= 1;
    t.arena = heap.realloc(t.arena, <usize>cap + KEY_SLACK);
    t.arenaCap = cap;
  }
  const off = t.arenaLen;
  memory.copy(t.arena + off, key, len);
  t.arenaLen = need;
  return off;
}

// Doubles the per-entry arrays (order, and dense values and removed bits when kept).
function growOrder(t: Table): void {
  const cap = t.orderCap << 1;
  t.order = heap.realloc(t.order, (<usize>cap) << 2);
  if (t.dense != 0) {
    t.dense = heap.realloc(t.dense, (<usize>cap) << 3);
    const before = bitmapBytes(t.orderCap);
    t.removed = heap.realloc(t.removed, bitmapBytes(cap));
    memory.fill(t.removed + before, 0, bitmapBytes(cap) - before);
  }
  t.orderCap = cap;
}

// Fills the free bucket `bp` with a new entry (value 0) for the key. Off the per-token path: a key
// is new once per table. Returns the entry's bucket, which moves if the table grows.
function insertEntry(t: Table, bp: usize, key: usize, len: u32, h: u32): usize {
  if (t.count == t.orderCap) growOrder(t);
  const e = t.count++;
  t.live++;
  t.keysVersion++;
  if (len <= INLINE_KEY) {
    v128.store(bp, shortKey(key, len));
  } else {
    store<u32>(bp, appendLongKey(t, key, len));
    store<u32>(bp, h, 4);
    store<u64>(bp, 0, 8);
  }
  store<u64>(bp, 0, VALUE);
  store<u32>(bp, len, LEN);
  store<u32>(bp, e + 1, INDEX);
  store<u32>(t.order + ((<usize>e) << 2), <u32>((bp - t.buckets) / BUCKET));
  if (t.dense != 0) store<u64>(t.dense + ((<usize>e) << 3), 0);
  t.keyBytes += len;
  // Keep the load factor under 1/2 so probe runs stay short.
  if (t.count << 1 > t.cap) {
    rehash(t, t.cap << 1);
    return entryAt(t, e);
  }
  return bp;
}

/** The bucket of a key of at most INLINE_KEY bytes given as shortKey(), inserted (value 0) if absent. */
// @ts-ignore: decorator
@inline
export function tableUpsertShort(t: Table, key: usize, k: v128, len: u32, h: u32): usize {
  const buckets = t.buckets;
  const mask = t.cap - 1;
  let i = h & mask;
  let bp = buckets + (<usize>i) * BUCKET;
  while (load<u32>(bp, INDEX) != 0) {
    // Keys that differ only in trailing NUL bytes have the same masked vector: compare lengths too.
    if (!v128.any_true(v128.xor(v128.load(bp), k))) {
      if (load<u32>(bp, LEN) == len) return bp;
    }
    i = (i + 1) & mask;
    bp = buckets + (<usize>i) * BUCKET;
  }
  return insertEntry(t, bp, key, len, h);
}

// The same for a key longer than INLINE_KEY, compared in the arena.
function tableUpsertLong(t: Table, key: usize, len: u32, h: u32): usize {
  const mask = t.cap - 1;
  let i = h & mask;
  let bp = bucketAt(t, i);
  while (load<u32>(bp, INDEX) != 0) {
    if (load<u32>(bp, LEN) == len && load<u32>(bp, 4) == h && longKeysEqual(t.arena + load<u32>(bp), key, len)) return bp;
    i = (i + 1) & mask;
    bp = bucketAt(t, i);
  }
  return insertEntry(t, bp, key, len, h);
}

/** The probe hash of a key: where tables place it. */
// @ts-ignore: decorator
@inline
export function probeHash(key: usize, len: u32): u32 {
  return len > INLINE_KEY ? probeHashLong(key, len) : probeHashShort(shortKey(key, len), len);
}

/** The bucket of the key, inserted (value 0) if absent; hashes the key. */
// @ts-ignore: decorator
@inline
export function tableUpsertKey(t: Table, key: usize, len: u32): usize {
  if (len > INLINE_KEY) return tableUpsertLong(t, key, len, probeHashLong(key, len));
  const k = shortKey(key, len);
  return tableUpsertShort(t, key, k, len, probeHashShort(k, len));
}

/** The bucket of the key with probe hash `h`, inserted (value 0) if absent. */
// @ts-ignore: decorator
@inline
export function tableUpsert(t: Table, key: usize, len: u32, h: u32): usize {
  return len <= INLINE_KEY ? tableUpsertShort(t, key, shortKey(key, len), len, h) : tableUpsertLong(t, key, len, h);
}

/** Folds `v` (raw 8 bytes, interpreted by the table kind) into the entry at `ep` with `op`. */
// @ts-ignore: decorator
@inline
export function tableApply(t: Table, ep: usize, v: u64, op: i32, fresh: bool): void {
  const p = ep + VALUE;
  if (t.kind == KIND_I64) {
    const x = <i64>v;
    const cur = load<i64>(p);
    let r: i64;
    if (fresh) r = op == OP_SUBTRACT ? -x : x;
    else if (op == OP_SUM) r = cur + x;
    else if (op == OP_SUBTRACT) r = cur - x;
    else if (op == OP_MIN) r = x < cur ? x : cur;
    else r = x > cur ? x : cur;
    store<i64>(p, r);
    if (t.dense != 0) store<i64>(t.dense + ((<usize>entryIndex(ep)) << 3), r);
    if (r == 0 && t.trackZeros) noteZero(t, entryIndex(ep));
  } else {
    const x = reinterpret<f64>(v);
    const cur = load<f64>(p);
    let r: f64;
    if (fresh) r = op == OP_SUBTRACT ? -x : x;
    else if (op == OP_SUM) r = cur + x;
    else if (op == OP_SUBTRACT) r = cur - x;
    else if (op == OP_MIN) r = x < cur ? x : cur;
    else r = x > cur ? x : cur;
    store<f64>(p, r);
    if (t.dense != 0) store<f64>(t.dense + ((<usize>entryIndex(ep)) << 3), r);
    if (r == 0.0 && t.trackZeros) noteZero(t, entryIndex(ep));
  }
}

function noteZero(t: Table, e: u32): void {
  if (t.zerosLen == t.zerosCap) {
    t.zerosCap <<= 1;
    t.zeros = heap.realloc(t.zeros, (<usize>t.zerosCap) << 2);
  }
  store<u32>(t.zeros + ((<usize>t.zerosLen) << 2), e);
  t.zerosLen++;
}

/** Adds key -> v with `op`. */
// @ts-ignore: decorator
@inline
export function tableAdd(t: Table, key: usize, len: u32, h: u32, v: u64, op: i32): void {
  const before = t.count;
  const ep = tableUpsert(t, key, len, h);
  tableApply(t, ep, v, op, t.count != before);
}

/** Folds every entry of `src` into `dst` with `op`, in `src`'s order. */
export function tableMerge(dst: Table, src: Table, op: i32): void {
  for (let e: u32 = 0; e < src.count; e++) {
    const ep = entryAt(src, e);
    if (entryDead(ep)) continue;
    tableAdd(dst, entryKey(src, ep), entryLen(ep), entryHash(ep), load<u64>(ep, VALUE), op);
  }
}

/**
 * Removes entries whose value became zero (the identity of sum) since the last call: the table
 * must track zeros (see tableTrackZeros). Removed entries keep their bucket as a tombstone, so the
 * cost follows the entries that changed, not the table's size; once removed entries outnumber
 * live ones, entries and long keys are compacted (still in their original order).
 */
export function tableDropZeros(t: Table): void {
  const live = t.live;
  for (let i: u32 = 0; i < t.zerosLen; i++) {
    const e = load<u32>(t.zeros + ((<usize>i) << 2));
    const ep = entryAt(t, e);
    if (entryDead(ep)) continue;
    const raw = load<u64>(ep, VALUE);
    if (t.kind == KIND_I64 ? raw != 0 : reinterpret<f64>(raw) != 0.0) continue; // changed again since
    t.keyBytes -= entryLen(ep);
    store<u32>(ep, DEAD, LEN);
    if (t.dense != 0) markRemoved(t, e);
    t.live--;
  }
  if (t.live != live) t.keysVersion++;
  t.zerosLen = 0;
  if (t.count - t.live > t.live) compact(t);
}

/** Starts (or stops) remembering entries whose value becomes zero. */
export function tableTrackZeros(t: Table, on: bool): void {
  t.trackZeros = on;
  t.zerosLen = 0;
}

// Drops removed entries and their long keys, keeping order, then rebuilds the buckets.
function compact(t: Table): void {
  let w: u32 = 0;
  let arenaW: u32 = 0;
  for (let e: u32 = 0; e < t.count; e++) {
    const ep = entryAt(t, e);
    if (entryDead(ep)) continue;
    const len = entryLen(ep);
    if (len > INLINE_KEY) {
      memory.copy(t.arena + arenaW, t.arena + load<u32>(ep), len);
      store<u32>(ep, arenaW);
      arenaW += len;
    }
    store<u32>(ep, w + 1, INDEX);
    store<u32>(t.order + ((<usize>w) << 2), load<u32>(t.order + ((<usize>e) << 2)));
    if (t.dense != 0) store<u64>(t.dense + ((<usize>w) << 3), load<u64>(t.dense + ((<usize>e) << 3)));
    w++;
  }
  if (t.dense != 0) memory.fill(t.removed, 0, bitmapBytes(t.count));
  t.count = w;
  t.live = w;
  t.arenaLen = arenaW;
  t.keysVersion++;
  rehash(t, t.cap);
}
