// An open-addressing hash table from byte keys to 8-byte aggregates (i64 or f64), in manually
// managed memory. Entries are stored in insertion order, so iterating a table yields keys in
// first-seen order (the order the JS core produces). Slots hold the key's hash next to the entry
// index, so most probes never touch the key arena (see PERF-NOTES, point 1).
import { xxhash32 } from './hash';

/** Value kinds. */
export const KIND_I64: i32 = 0;
export const KIND_F64: i32 = 1;

/** Reducers a table applies when a key is already present. */
export const OP_SUM: i32 = 0;
export const OP_MIN: i32 = 1;
export const OP_MAX: i32 = 2;
/** Subtracts the incoming value (the inverse of OP_SUM). */
export const OP_SUBTRACT: i32 = 3;

@unmanaged
export class Table {
  kind: i32;
  cap: u32; // slots, a power of two
  count: u32; // entries
  slots: usize; // u64: (hash << 32) | (entry + 1); 0 = empty
  entryCap: u32;
  keyOff: usize; // u32 per entry
  keyLen: usize; // u32 per entry
  hashes: usize; // u32 per entry
  values: usize; // 8 bytes per entry
  arena: usize;
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
  t.slots = zeroed(64 << 3);
  t.entryCap = 32;
  t.keyOff = heap.alloc(32 << 2);
  t.keyLen = heap.alloc(32 << 2);
  t.hashes = heap.alloc(32 << 2);
  t.values = heap.alloc(32 << 3);
  t.arenaCap = 1024;
  t.arena = heap.alloc(1024);
  t.arenaLen = 0;
  return t;
}

/** Frees a table and everything it owns. */
export function tableFree(t: Table): void {
  heap.free(t.slots);
  heap.free(t.keyOff);
  heap.free(t.keyLen);
  heap.free(t.hashes);
  heap.free(t.values);
  heap.free(t.arena);
  heap.free(changetype<usize>(t));
}

/** Empties a table, keeping its capacity. */
export function tableClear(t: Table): void {
  memory.fill(t.slots, 0, (<usize>t.cap) << 3);
  t.count = 0;
  t.arenaLen = 0;
}

// Doubling the slot array re-inserts entry indices only: keys and values stay where they are.
function growSlots(t: Table, newCap: u32): void {
  heap.free(t.slots);
  t.cap = newCap;
  t.slots = zeroed((<usize>newCap) << 3);
  const mask = newCap - 1;
  for (let e: u32 = 0; e < t.count; e++) {
    const h = load<u32>(t.hashes + ((<usize>e) << 2));
    let i = h & mask;
    while (load<u64>(t.slots + ((<usize>i) << 3)) != 0) i = (i + 1) & mask;
    store<u64>(t.slots + ((<usize>i) << 3), ((<u64>h) << 32) | <u64>(e + 1));
  }
}

function growEntries(t: Table): void {
  const cap = t.entryCap << 1;
  t.keyOff = heap.realloc(t.keyOff, (<usize>cap) << 2);
  t.keyLen = heap.realloc(t.keyLen, (<usize>cap) << 2);
  t.hashes = heap.realloc(t.hashes, (<usize>cap) << 2);
  t.values = heap.realloc(t.values, (<usize>cap) << 3);
  t.entryCap = cap;
}

function appendKey(t: Table, key: usize, len: u32): u32 {
  const need = t.arenaLen + len;
  if (need > t.arenaCap) {
    let cap = t.arenaCap << 1;
    while (cap < need) cap <<= 1;
    t.arena = heap.realloc(t.arena, cap);
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
  const mask = t.cap - 1;
  let i = h & mask;
  for (;;) {
    const slot = load<u64>(t.slots + ((<usize>i) << 3));
    if (slot == 0) break;
    if (<u32>(slot >> 32) == h) {
      const e = <u32>slot - 1;
      const eLen = load<u32>(t.keyLen + ((<usize>e) << 2));
      if (eLen == len && memory.compare(t.arena + load<u32>(t.keyOff + ((<usize>e) << 2)), key, len) == 0) return e;
    }
    i = (i + 1) & mask;
  }
  if (t.count == t.entryCap) growEntries(t);
  const e = t.count++;
  store<u32>(t.keyOff + ((<usize>e) << 2), appendKey(t, key, len));
  store<u32>(t.keyLen + ((<usize>e) << 2), len);
  store<u32>(t.hashes + ((<usize>e) << 2), h);
  store<u64>(t.values + ((<usize>e) << 3), 0);
  store<u64>(t.slots + ((<usize>i) << 3), ((<u64>h) << 32) | <u64>(e + 1));
  // Keep the load factor under 1/2 so probe runs stay short.
  if (t.count << 1 > t.cap) growSlots(t, t.cap << 1);
  return e;
}

/** Folds `v` (raw 8 bytes, interpreted by the table kind) into entry `e` with `op`. */
// @ts-ignore: decorator
@inline
export function tableApply(t: Table, e: u32, v: u64, op: i32, fresh: bool): void {
  const p = t.values + ((<usize>e) << 3);
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
  }
}

/** Adds key -> v with `op`. */
// @ts-ignore: decorator
@inline
export function tableAdd(t: Table, key: usize, len: u32, h: u32, v: u64, op: i32): void {
  const before = t.count;
  const e = tableUpsert(t, key, len, h);
  tableApply(t, e, v, op, t.count != before);
}

/** Folds every live entry of `src` into `dst` with `op`, in `src`'s order. */
export function tableMerge(dst: Table, src: Table, op: i32): void {
  for (let e: u32 = 0; e < src.count; e++) {
    const len = load<u32>(src.keyLen + ((<usize>e) << 2));
    const key = src.arena + load<u32>(src.keyOff + ((<usize>e) << 2));
    const h = load<u32>(src.hashes + ((<usize>e) << 2));
    tableAdd(dst, key, len, h, load<u64>(src.values + ((<usize>e) << 3)), op);
  }
}

/**
 * Removes entries whose value is zero (the identity of sum), then compacts so entries stay
 * dense and in their original order.
 */
export function tableDropZeros(t: Table): void {
  let w: u32 = 0;
  let arenaW: u32 = 0;
  for (let e: u32 = 0; e < t.count; e++) {
    const len = load<u32>(t.keyLen + ((<usize>e) << 2));
    const raw = load<u64>(t.values + ((<usize>e) << 3));
    const zero = t.kind == KIND_I64 ? raw == 0 : reinterpret<f64>(raw) == 0.0;
    if (zero) continue;
    const off = load<u32>(t.keyOff + ((<usize>e) << 2));
    memory.copy(t.arena + arenaW, t.arena + off, len);
    store<u32>(t.keyOff + ((<usize>w) << 2), arenaW);
    store<u32>(t.keyLen + ((<usize>w) << 2), len);
    store<u32>(t.hashes + ((<usize>w) << 2), load<u32>(t.hashes + ((<usize>e) << 2)));
    store<u64>(t.values + ((<usize>w) << 3), raw);
    arenaW += len;
    w++;
  }
  t.count = w;
  t.arenaLen = arenaW;
  growSlots(t, t.cap);
}

/** Hashes a key in memory with the shared key hash. */
// @ts-ignore: decorator
@inline
export function keyHash(key: usize, len: u32): u32 {
  return xxhash32(key, <i32>len, 0);
}
