// Entry ids of (window start, string id) keys by array index, for a window aggregation grouped by
// the window and one string column (assembly/window-aggregate.ts): per open window a growable
// i32 array from dictionary id + 1 (0: null) to entry id + 1 (0: not known here). The CSV kernel
// already gives each cell its dictionary id, so a row finds its group with one load instead of a
// hash probe into the composite table of every open group (a cache miss a row). A cache over
// that table: a miss asks the table, eviction and compaction are mirrored here.
import { zeroed } from './allocate';

/** Dictionary ids from this on take the table's hash path (bounds a window's array to 256 KB). */
export const SLOTS_MAX: u32 = 1 << 16;

// Window starts are compared as bits, as the composite table compares keys (-0 and 0 are two).
@unmanaged
class Slots {
  start: u64; // the window start's bits
  ids: usize; // i32 x cap: entry id + 1, 0 unknown
  cap: u32;
}

@unmanaged
class WindowSlots {
  windows: usize; // usize x (mask + 1): open addressing by start, 0 empty
  mask: u32;
  count: u32;
  last: usize; // the two windows asked for last (rows in time order alternate between two)
  prev: usize;
}

/** An empty set of windows. */
export function slotsNew(): usize {
  const s = changetype<WindowSlots>(heap.alloc(offsetof<WindowSlots>()));
  s.mask = 63;
  s.windows = zeroed(64 << alignof<usize>());
  s.count = 0;
  s.last = 0;
  s.prev = 0;
  return changetype<usize>(s);
}

// @ts-ignore: decorator
@inline
function bucketOf(start: u64, mask: u32): u32 {
  const h = start * 0x9e3779b97f4a7c15;
  return <u32>(h >> 32) & mask;
}

/** The window of `start` (a Slots address), added when new. */
// @ts-ignore: decorator
@inline
export function slotsWindow(p: usize, startMs: f64): usize {
  const s = changetype<WindowSlots>(p);
  const start = reinterpret<u64>(startMs);
  const last = s.last;
  if (last != 0 && changetype<Slots>(last).start == start) return last;
  const prev = s.prev;
  if (prev != 0 && changetype<Slots>(prev).start == start) {
    s.prev = last;
    s.last = prev;
    return prev;
  }
  const w = find(s, start);
  s.prev = last;
  s.last = w;
  return w;
}

function find(s: WindowSlots, start: u64): usize {
  let b = bucketOf(start, s.mask);
  while (true) {
    const w = load<usize>(s.windows + ((<usize>b) << alignof<usize>()));
    if (w == 0) break;
    if (changetype<Slots>(w).start == start) return w;
    b = (b + 1) & s.mask;
  }
  const w = changetype<Slots>(heap.alloc(offsetof<Slots>()));
  w.start = start;
  w.cap = 64;
  w.ids = zeroed(64 << 2);
  store<usize>(s.windows + ((<usize>b) << alignof<usize>()), changetype<usize>(w));
  s.count++;
  if (s.count * 2 > s.mask) rebuild(s, (s.mask + 1) * 2, false, 0, 0);
  return changetype<usize>(w);
}

/** Entry id of slot `i` (dictionary id + 1, below SLOTS_MAX) of window `w`, -1 when not known. */
// @ts-ignore: decorator
@inline
export function slotGet(w: usize, i: u32): i32 {
  const x = changetype<Slots>(w);
  return i < x.cap ? load<i32>(x.ids + ((<usize>i) << 2)) - 1 : -1;
}

/** Records entry `id` in slot `i` of window `w`. */
export function slotSet(w: usize, i: u32, id: i32): void {
  const x = changetype<Slots>(w);
  if (i >= x.cap) {
    let cap = x.cap * 2;
    while (cap <= i) cap *= 2;
    const ids = zeroed((<usize>cap) << 2);
    memory.copy(ids, x.ids, (<usize>x.cap) << 2);
    heap.free(x.ids);
    x.ids = ids;
    x.cap = cap;
  }
  store<i32>(x.ids + ((<usize>i) << 2), id + 1);
}

// A table of `size` buckets holding the windows that stay: all, or with `evict` all but those
// that windowAggEvict's entries leave (not start + windowMs > watermarkMs, NaN starts included).
// @ts-ignore: decorator
@inline
function ended(w: usize, watermarkMs: f64, windowMs: f64): bool {
  return !(reinterpret<f64>(changetype<Slots>(w).start) + windowMs > watermarkMs);
}

function rebuild(s: WindowSlots, size: u32, evict: bool, watermarkMs: f64, windowMs: f64): void {
  const old = s.windows;
  const oldSize = s.mask + 1;
  s.windows = zeroed((<usize>size) << alignof<usize>());
  s.mask = size - 1;
  s.count = 0;
  for (let i: u32 = 0; i < oldSize; i++) {
    const w = load<usize>(old + ((<usize>i) << alignof<usize>()));
    if (w == 0) continue;
    if (evict && ended(w, watermarkMs, windowMs)) {
      heap.free(changetype<Slots>(w).ids);
      heap.free(w);
      continue;
    }
    let b = bucketOf(changetype<Slots>(w).start, s.mask);
    while (load<usize>(s.windows + ((<usize>b) << alignof<usize>())) != 0) b = (b + 1) & s.mask;
    store<usize>(s.windows + ((<usize>b) << alignof<usize>()), w);
    s.count++;
  }
  heap.free(old);
  s.last = 0;
  s.prev = 0;
}

/** Drops the windows that end at or before the watermark (their entries were evicted). */
export function slotsEvict(p: usize, watermarkMs: f64, windowMs: f64): void {
  const s = changetype<WindowSlots>(p);
  rebuild(s, s.mask + 1, true, watermarkMs, windowMs);
}

/** Drops every window (after ids changed in a way not mirrored here). */
export function slotsClear(p: usize): void {
  const s = changetype<WindowSlots>(p);
  rebuild(s, s.mask + 1, true, -Infinity, -Infinity);
}

/** Renumbers the entry ids held as the composite table's compaction did (`moved`: i32 per old id, -1 removed). */
export function slotsCompact(p: usize, moved: usize): void {
  const s = changetype<WindowSlots>(p);
  for (let i: u32 = 0; i <= s.mask; i++) {
    const w = load<usize>(s.windows + ((<usize>i) << alignof<usize>()));
    if (w == 0) continue;
    const x = changetype<Slots>(w);
    for (let j: u32 = 0; j < x.cap; j++) {
      const at = x.ids + ((<usize>j) << 2);
      const old = load<i32>(at);
      if (old != 0) store<i32>(at, load<i32>(moved + ((<usize>(old - 1)) << 2)) + 1);
    }
  }
}

/** Frees the windows and the set. */
export function slotsFree(p: usize): void {
  slotsClear(p);
  heap.free(changetype<WindowSlots>(p).windows);
  heap.free(p);
}
