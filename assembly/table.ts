// An open-addressing hash table from byte keys to 8-byte aggregates (i64 or f64), in manually
// managed memory. Entries are stored in insertion order, so iterating a table yields keys in
// first-seen order (the order the JS core produces).
//
// Cache lines are the cost (PERF-NOTES, point 1), so a lookup touches as few as it can:
//   slot  (8 bytes):  hash << 32 | entry + 1       -- most mismatches end here
//   entry (32 bytes): hash u32 | len u32 | value u64 | key: 16 bytes inline, zero-padded,
//                     or, for keys over 16 bytes, a u32 offset into the arena
// A short key (most words) is compared as two u64 words, without touching the arena.
//
// Key pointers handed to this file must have 16 readable bytes past the key's end (callers
// leave slack after their buffers): short keys are read as whole words, then masked.
import { xxh32 } from './hash';

/** Value kinds. */
export const KIND_I64: i32 = 0;
export const KIND_F64: i32 = 1;

/** Reducers a table applies when a key is already present. */
export const OP_SUM: i32 = 0;
export const OP_MIN: i32 = 1;
export const OP_MAX: i32 = 2;
/** Subtracts the incoming value (the inverse of OP_SUM). */
export const OP_SUBTRACT: i32 = 3;

/** Bytes per entry record. */
export const ENTRY: usize = 32;
/** Longest key stored inside its entry. */
export const INLINE_KEY: u32 = 16;
/** Readable bytes callers keep after every key they pass in. */
export const KEY_SLACK: usize = 16;
/** Length field of a removed entry: it matches no key, so its slot works as a tombstone. */
const DEAD: u32 = 0xffffffff;

@unmanaged
export class Table {
  kind: i32;
  cap: u32; // slots, a power of two
  count: u32; // entries, including removed ones
  live: u32; // entries not removed
  trackZeros: bool; // remember entries whose value becomes 0, for tableDropZeros
  zeros: usize; // u32 entry indices
  zerosLen: u32;
  zerosCap: u32;
  slots: usize;
  entryCap: u32;
  entries: usize;
  keyBytes: u32; // total bytes of all keys (the packed arena's size)
  arena: usize; // keys longer than INLINE_KEY
  arenaLen: u32;
  arenaCap: u32;
}

function zeroed(bytes: usize): usize {
  const p = heap.alloc(bytes);
  memory.fill(p, 0, bytes);
  return p;
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
  t.slots = zeroed(64 << 3);
  t.entryCap = 32;
  t.entries = heap.alloc(32 * ENTRY);
  t.keyBytes = 0;
  t.arenaCap = 1024;
  t.arena = heap.alloc(1024 + KEY_SLACK);
  t.arenaLen = 0;
  return t;
}

/** Frees a table and everything it owns. */
export function tableFree(t: Table): void {
  heap.free(t.slots);
  heap.free(t.entries);
  heap.free(t.arena);
  heap.free(t.zeros);
  heap.free(changetype<usize>(t));
}

/** Empties a table, keeping its capacity. */
export function tableClear(t: Table): void {
  memory.fill(t.slots, 0, (<usize>t.cap) << 3);
  t.count = 0;
  t.live = 0;
  t.zerosLen = 0;
  t.keyBytes = 0;
  t.arenaLen = 0;
}

/** Address of entry `e`. */
// @ts-ignore: decorator
@inline
export function entryAt(t: Table, e: u32): usize {
  return t.entries + (<usize>e) * ENTRY;
}

/** True when the entry at `ep` has been removed. */
// @ts-ignore: decorator
@inline
export function entryDead(ep: usize): bool {
  return load<u32>(ep, 4) == DEAD;
}

/** Address of the key bytes of the entry at `ep`. */
// @ts-ignore: decorator
@inline
export function entryKey(t: Table, ep: usize): usize {
  return load<u32>(ep, 4) <= INLINE_KEY ? ep + 16 : t.arena + load<u32>(ep, 16);
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

// Doubling the slot array re-inserts entry indices only: entries stay where they are.
function growSlots(t: Table, newCap: u32): void {
  heap.free(t.slots);
  t.cap = newCap;
  t.slots = zeroed((<usize>newCap) << 3);
  const mask = newCap - 1;
  for (let e: u32 = 0; e < t.count; e++) {
    if (entryDead(entryAt(t, e))) continue;
    const h = load<u32>(entryAt(t, e));
    let i = h & mask;
    while (load<u64>(t.slots + ((<usize>i) << 3)) != 0) i = (i + 1) & mask;
    store<u64>(t.slots + ((<usize>i) << 3), ((<u64>h) << 32) | <u64>(e + 1));
  }
}

function growEntries(t: Table): void {
  t.entryCap <<= 1;
  t.entries = heap.realloc(t.entries, (<usize>t.entryCap) * ENTRY);
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

/** Index of the entry for the key, inserting it (value 0) if absent. */
// @ts-ignore: decorator
@inline
export function tableUpsert(t: Table, key: usize, len: u32, h: u32): u32 {
  const w0 = keyWord(key, len, 0);
  const w1 = keyWord(key, len, 8);
  const mask = t.cap - 1;
  let i = h & mask;
  for (;;) {
    const slot = load<u64>(t.slots + ((<usize>i) << 3));
    if (slot == 0) break;
    if (<u32>(slot >> 32) == h) {
      const e = <u32>slot - 1;
      const ep = entryAt(t, e);
      if (load<u32>(ep, 4) == len) {
        if (len <= INLINE_KEY) {
          if (load<u64>(ep, 16) == w0 && load<u64>(ep, 24) == w1) return e;
        } else if (longKeysEqual(t.arena + load<u32>(ep, 16), key, len)) {
          return e;
        }
      }
    }
    i = (i + 1) & mask;
  }
  if (t.count == t.entryCap) growEntries(t);
  const e = t.count++;
  t.live++;
  const ep = entryAt(t, e);
  store<u32>(ep, h);
  store<u32>(ep, len, 4);
  store<u64>(ep, 0, 8);
  if (len <= INLINE_KEY) {
    store<u64>(ep, w0, 16);
    store<u64>(ep, w1, 24);
  } else {
    store<u32>(ep, appendLongKey(t, key, len), 16);
  }
  t.keyBytes += len;
  store<u64>(t.slots + ((<usize>i) << 3), ((<u64>h) << 32) | <u64>(e + 1));
  // Keep the load factor under 1/2 so probe runs stay short.
  if (t.count << 1 > t.cap) growSlots(t, t.cap << 1);
  return e;
}

/** Folds `v` (raw 8 bytes, interpreted by the table kind) into entry `e` with `op`. */
// @ts-ignore: decorator
@inline
export function tableApply(t: Table, e: u32, v: u64, op: i32, fresh: bool): void {
  const p = entryAt(t, e) + 8;
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
    if (r == 0 && t.trackZeros) noteZero(t, e);
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
    if (r == 0.0 && t.trackZeros) noteZero(t, e);
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
  const e = tableUpsert(t, key, len, h);
  tableApply(t, e, v, op, t.count != before);
}

/** Folds every entry of `src` into `dst` with `op`, in `src`'s order. */
export function tableMerge(dst: Table, src: Table, op: i32): void {
  for (let e: u32 = 0; e < src.count; e++) {
    const ep = entryAt(src, e);
    if (entryDead(ep)) continue;
    const len = load<u32>(ep, 4);
    tableAdd(dst, entryKey(src, ep), len, load<u32>(ep), load<u64>(ep, 8), op);
  }
}

/**
 * Removes entries whose value became zero (the identity of sum) since the last call: the table
 * must track zeros (see tableTrackZeros). Removed entries keep their slot as a tombstone, so the
 * cost follows the entries that changed, not the table's size; once removed entries outnumber
 * live ones, entries and long keys are compacted (still in their original order).
 */
export function tableDropZeros(t: Table): void {
  for (let i: u32 = 0; i < t.zerosLen; i++) {
    const ep = entryAt(t, load<u32>(t.zeros + ((<usize>i) << 2)));
    if (entryDead(ep)) continue;
    const raw = load<u64>(ep, 8);
    if (t.kind == KIND_I64 ? raw != 0 : reinterpret<f64>(raw) != 0.0) continue; // changed again since
    t.keyBytes -= load<u32>(ep, 4);
    store<u32>(ep, DEAD, 4);
    t.live--;
  }
  t.zerosLen = 0;
  if (t.count - t.live > t.live) compact(t);
}

/** Starts (or stops) remembering entries whose value becomes zero. */
export function tableTrackZeros(t: Table, on: bool): void {
  t.trackZeros = on;
  t.zerosLen = 0;
}

// Drops removed entries and their long keys, keeping order, then rebuilds the slots.
function compact(t: Table): void {
  let w: u32 = 0;
  let arenaW: u32 = 0;
  for (let e: u32 = 0; e < t.count; e++) {
    const ep = entryAt(t, e);
    if (entryDead(ep)) continue;
    const len = load<u32>(ep, 4);
    const wp = entryAt(t, w);
    if (wp != ep) memory.copy(wp, ep, ENTRY);
    if (len > INLINE_KEY) {
      memory.copy(t.arena + arenaW, t.arena + load<u32>(ep, 16), len);
      store<u32>(wp, arenaW, 16);
      arenaW += len;
    }
    w++;
  }
  t.count = w;
  t.live = w;
  t.arenaLen = arenaW;
  growSlots(t, t.cap);
}

/**
 * The hash tables probe with: a multiply-xorshift mix of the key's 8-byte words, several times
 * cheaper than xxHash32 on short keys. It only places keys in slots; which partition a key
 * belongs to is xxHash32 (hash.ts), the js core's rule, computed once per distinct key.
 */
// @ts-ignore: decorator
@inline
export function probeHash(key: usize, len: u32): u32 {
  let h: u64 = (<u64>len) * 0x9e3779b97f4a7c15;
  for (let i: u32 = 0; i < len; i += 8) {
    h = (h ^ keyWord(key, len, i)) * 0xbf58476d1ce4e5b9;
    h ^= h >> 29;
  }
  return <u32>(h >> 32);
}

/** The partition (0 .. n-1) of a key: xxHash32 of its bytes modulo n, as the js core computes. */
// @ts-ignore: decorator
@inline
export function partitionOfKey(key: usize, len: u32, n: u32): u32 {
  if (n == 1) return 0;
  const h = xxh32(key, <i32>len, 0);
  return (n & (n - 1)) == 0 ? h & (n - 1) : h % n;
}
