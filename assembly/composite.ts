// A hash table from composite keys of `width` f64 values (compared as u64 bits) to entry ids in
// insertion order: the state of Structured Streaming's columnar event-time aggregation (window
// start + group key ids, src/sql/execution/columnar-window-aggregate-exec.ts). Open addressing
// with linear probing over i32 buckets (entry id + 1, 0 empty, -1 removed); keys live in one
// array by entry id, so the JS side reads them through a Float64Array view.
import { zeroed } from './allocate';

const EMPTY: i32 = 0;
const TOMBSTONE: i32 = -1;

@unmanaged
class Composite {
  width: u32;
  count: u32; // ids given, removed ones included
  live: u32;
  entryCap: u32;
  keys: usize; // f64 x width per entry
  hashes: usize; // u32 per entry
  alive: usize; // u8 per entry
  buckets: usize; // i32 per bucket
  mask: u32; // buckets - 1
  used: u32; // buckets not EMPTY
  version: u32; // bumped when ids go away or move (remove, compact) or come from outside (compositeUpsert), for caches of ids
  indexed: u32; // entries below it are in the buckets (and their hashes stored); those from it were appended
}

/** A new empty table of keys of `width` numbers. */
export function compositeNew(width: u32): usize {
  const c = changetype<Composite>(heap.alloc(offsetof<Composite>()));
  c.width = width;
  c.count = 0;
  c.live = 0;
  c.entryCap = 1024;
  c.keys = heap.alloc(1024 * 8 * <usize>width);
  c.hashes = heap.alloc(1024 * 4);
  c.alive = zeroed(1024);
  c.buckets = zeroed(2048 * 4);
  c.mask = 2047;
  c.used = 0;
  c.version = 0;
  c.indexed = 0;
  return changetype<usize>(c);
}

/** Frees a table. */
export function compositeFree(p: usize): void {
  const c = changetype<Composite>(p);
  heap.free(c.keys);
  heap.free(c.hashes);
  heap.free(c.alive);
  heap.free(c.buckets);
  heap.free(p);
}

// @ts-ignore: decorator
@inline
function hashKey(key: usize, width: u32): u32 {
  let h: u64 = 0x9e3779b97f4a7c15;
  for (let i: u32 = 0; i < width; i++) {
    h = (h ^ load<u64>(key + ((<usize>i) << 3))) * 0xff51afd7ed558ccd;
    h ^= h >> 33;
  }
  return <u32>h ^ <u32>(h >> 32);
}

/** Finds or inserts each of the `n` keys at `keys` (n x width f64); writes their ids (i32) to `out`. */
export function compositeUpsert(p: usize, keys: usize, n: u32, out: usize): void {
  const c = changetype<Composite>(p);
  const stride = (<usize>c.width) << 3;
  for (let r: u32 = 0; r < n; r++) store<i32>(out + ((<usize>r) << 2), upsertOne(p, keys + (<usize>r) * stride));
  c.version++;
}

/**
 * Adds the key at `key` (width f64), which the caller knows is not in the table, without hashing
 * it: appended entries join the buckets when a lookup next needs them (a caller that finds its
 * ids another way, assembly/window-slots.ts, never pays for the hash table).
 */
export function compositeAppend(p: usize, key: usize): i32 {
  return insert(changetype<Composite>(p), key, 0);
}

// Puts the entries appended since the last lookup into the buckets.
function catchUp(c: Composite): void {
  const stride = (<usize>c.width) << 3;
  for (let id = c.indexed; id < c.count; id++) {
    if (load<u8>(c.alive + <usize>id) == 0) continue;
    if ((c.used + 1) * 2 > c.mask + 1) {
      rehash(c, (c.mask + 1) * 2);
      return;
    }
    const h = hashKey(c.keys + (<usize>id) * stride, c.width);
    store<u32>(c.hashes + ((<usize>id) << 2), h);
    let b = h & c.mask;
    while (load<i32>(c.buckets + ((<usize>b) << 2)) != EMPTY) b = (b + 1) & c.mask;
    store<i32>(c.buckets + ((<usize>b) << 2), <i32>id + 1);
    c.used++;
  }
  c.indexed = c.count;
}

/** The id of the key at `key` (width f64), inserted when new (the window aggregation's per-row lookup). */
export function upsertOne(p: usize, key: usize): i32 {
  const c = changetype<Composite>(p);
  if (c.indexed < c.count) catchUp(c);
  if ((c.used + 1) * 2 > c.mask + 1) rehash(c, (c.mask + 1) * 2);
  const width = c.width;
  const stride = (<usize>width) << 3;
  const h = hashKey(key, width);
  let tomb: i32 = -1;
  let b = h & c.mask;
  while (true) {
    const slot = load<i32>(c.buckets + ((<usize>b) << 2));
    if (slot == EMPTY) {
      const id = insert(c, key, h);
      c.indexed = c.count;
      if (tomb >= 0) store<i32>(c.buckets + ((<usize>tomb) << 2), id + 1);
      else {
        store<i32>(c.buckets + ((<usize>b) << 2), id + 1);
        c.used++;
      }
      return id;
    }
    if (slot == TOMBSTONE) {
      if (tomb < 0) tomb = <i32>b;
    } else if (load<u32>(c.hashes + ((<usize>(slot - 1)) << 2)) == h && memory.compare(c.keys + (<usize>(slot - 1)) * stride, key, stride) == 0) {
      return slot - 1;
    }
    b = (b + 1) & c.mask;
  }
}

function insert(c: Composite, key: usize, h: u32): i32 {
  if (c.count == c.entryCap) growEntries(c);
  const id = c.count++;
  const stride = (<usize>c.width) << 3;
  memory.copy(c.keys + (<usize>id) * stride, key, stride);
  store<u32>(c.hashes + ((<usize>id) << 2), h);
  store<u8>(c.alive + <usize>id, 1);
  c.live++;
  return <i32>id;
}

function growEntries(c: Composite): void {
  const cap = c.entryCap * 2;
  const stride = (<usize>c.width) << 3;
  const keys = heap.alloc((<usize>cap) * stride);
  memory.copy(keys, c.keys, (<usize>c.count) * stride);
  heap.free(c.keys);
  c.keys = keys;
  const hashes = heap.alloc((<usize>cap) << 2);
  memory.copy(hashes, c.hashes, (<usize>c.count) << 2);
  heap.free(c.hashes);
  c.hashes = hashes;
  const alive = zeroed(<usize>cap);
  memory.copy(alive, c.alive, <usize>c.count);
  heap.free(c.alive);
  c.alive = alive;
  c.entryCap = cap;
}

function rehash(c: Composite, size: u32): void {
  heap.free(c.buckets);
  c.buckets = zeroed((<usize>size) << 2);
  c.mask = size - 1;
  const stride = (<usize>c.width) << 3;
  for (let id: u32 = 0; id < c.count; id++) {
    if (load<u8>(c.alive + <usize>id) == 0) continue;
    if (id >= c.indexed) store<u32>(c.hashes + ((<usize>id) << 2), hashKey(c.keys + (<usize>id) * stride, c.width));
    let b = load<u32>(c.hashes + ((<usize>id) << 2)) & c.mask;
    while (load<i32>(c.buckets + ((<usize>b) << 2)) != EMPTY) b = (b + 1) & c.mask;
    store<i32>(c.buckets + ((<usize>b) << 2), <i32>id + 1);
  }
  c.used = c.live;
  c.indexed = c.count;
}

/** Removes entry `id` (its bucket becomes a tombstone). */
export function compositeRemove(p: usize, id: u32): void {
  const c = changetype<Composite>(p);
  if (load<u8>(c.alive + <usize>id) == 0) return;
  c.version++;
  if (id >= c.indexed) {
    // Appended, not in the buckets yet.
    store<u8>(c.alive + <usize>id, 0);
    c.live--;
    return;
  }
  let b = load<u32>(c.hashes + ((<usize>id) << 2)) & c.mask;
  while (load<i32>(c.buckets + ((<usize>b) << 2)) != <i32>id + 1) b = (b + 1) & c.mask;
  store<i32>(c.buckets + ((<usize>b) << 2), TOMBSTONE);
  store<u8>(c.alive + <usize>id, 0);
  c.live--;
}

/**
 * Renumbers the live entries 0 .. live - 1 in order; writes each old id's new id (-1: removed) to
 * `moved` (i32 x count). The buckets are rebuilt by the next lookup that needs them.
 */
export function compositeCompact(p: usize, moved: usize): void {
  const c = changetype<Composite>(p);
  const stride = (<usize>c.width) << 3;
  let next: u32 = 0;
  for (let id: u32 = 0; id < c.count; id++) {
    if (load<u8>(c.alive + <usize>id) == 0) {
      store<i32>(moved + ((<usize>id) << 2), -1);
      continue;
    }
    store<i32>(moved + ((<usize>id) << 2), <i32>next);
    if (next != id) {
      memory.copy(c.keys + (<usize>next) * stride, c.keys + (<usize>id) * stride, stride);
      store<u32>(c.hashes + ((<usize>next) << 2), load<u32>(c.hashes + ((<usize>id) << 2)));
      store<u8>(c.alive + <usize>next, 1);
    }
    next++;
  }
  memory.fill(c.alive + <usize>next, 0, <usize>(c.count - next));
  c.count = next;
  c.version++;
  let size: u32 = 2048;
  while (size < next * 4) size *= 2;
  heap.free(c.buckets);
  c.buckets = zeroed((<usize>size) << 2);
  c.mask = size - 1;
  c.used = 0;
  c.indexed = 0;
}

/** Address of the keys (valid until the next upsert or compact). */
export function compositeKeys(p: usize): usize {
  return changetype<Composite>(p).keys;
}

/** Address of the alive flags (valid until the next upsert or compact). */
export function compositeAlive(p: usize): usize {
  return changetype<Composite>(p).alive;
}

/** Ids given so far. */
export function compositeCount(p: usize): u32 {
  return changetype<Composite>(p).count;
}

/** Entries not removed. */
export function compositeLive(p: usize): u32 {
  return changetype<Composite>(p).live;
}

/** Bumped whenever an id is removed or moved (caches of ids check it). */
export function compositeVersion(p: usize): u32 {
  return changetype<Composite>(p).version;
}
