// SlidingWindow: a window over pane tables for reducers without an inverse (min, max), kept with
// the two-stacks algorithm so a slide costs amortized O(1) table merges, not one per pane.
//
//   oldest                                                       newest
//   | p0 | p1 | p2 | p3 |                        | p4 | p5 | p6 |
//   front stack: slot i holds agg(pi..p3)        back: agg(p4..p6), one table
//   top = slot 0 = agg(p0..p3)
//
//   window = copy of front top, then merge back     (first-seen key order, panes in time order)
//   push   = new slot for the pane; merge it into back
//   pop    = free front top; when the front is empty first flip: every slot from the newest
//            down becomes agg(pi..newest) = pi, then merge agg(pi+1..newest); back is cleared
//
// Every pane is flipped once and popped once, so each slide costs a constant number of merges of
// tables no bigger than the window (amortized). A table built as "pane, then merge the rest"
// keeps keys in the order they are first seen over the panes in time order, which is what
// Spark's union-then-reduceByKey produces partition by partition.
import { Combiner, combinerClear, combinerFree, combinerMerge, combinerNew } from './combine';
import { combinerMergePacked, MERGED } from './packed';
import { KIND_F64 } from './table';

@unmanaged
export class SlidingWindow {
  n: u32; // partitions
  op: i32; // OP_MIN or OP_MAX (any associative op works)
  ring: usize; // cap Combiner pointers (u32), oldest pane at head
  cap: u32; // a power of two
  head: u32;
  size: u32; // panes in the window
  front: u32; // the oldest `front` slots are the front stack (suffix aggregates)
  back: Combiner; // the newer size - front panes folded together, oldest first
  result: Combiner; // the window when both stacks are non-empty
}

// @ts-ignore: decorator
@inline
function slotAt(w: SlidingWindow, i: u32): usize {
  return w.ring + ((<usize>((w.head + i) & (w.cap - 1))) << 2);
}

// @ts-ignore: decorator
@inline
function pane(w: SlidingWindow, i: u32): Combiner {
  return changetype<Combiner>(<usize>load<u32>(slotAt(w, i)));
}

/** An empty window of `n` partitions of f64 values reduced with `op`. */
export function slidingNew(n: u32, op: i32): SlidingWindow {
  const w = changetype<SlidingWindow>(heap.alloc(offsetof<SlidingWindow>()));
  w.n = n;
  w.op = op;
  w.cap = 16;
  w.ring = heap.alloc(16 << 2);
  w.head = 0;
  w.size = 0;
  w.front = 0;
  w.back = combinerNew(n, KIND_F64);
  w.result = combinerNew(n, KIND_F64);
  return w;
}

/** Drops every pane. */
export function slidingClear(w: SlidingWindow): void {
  for (let i: u32 = 0; i < w.size; i++) combinerFree(pane(w, i));
  w.head = 0;
  w.size = 0;
  w.front = 0;
  combinerClear(w.back);
}

/** Frees the window and all its tables. */
export function slidingFree(w: SlidingWindow): void {
  slidingClear(w);
  combinerFree(w.back);
  combinerFree(w.result);
  heap.free(w.ring);
  heap.free(changetype<usize>(w));
}

/** Number of panes in the window. */
export function slidingSize(w: SlidingWindow): u32 {
  return w.size;
}

function growRing(w: SlidingWindow): void {
  const cap = w.cap << 1;
  const ring = heap.alloc((<usize>cap) << 2);
  for (let i: u32 = 0; i < w.size; i++) store<u32>(ring + ((<usize>i) << 2), load<u32>(slotAt(w, i)));
  heap.free(w.ring);
  w.ring = ring;
  w.cap = cap;
  w.head = 0;
}

/**
 * Appends the packed pane of `len` bytes at `packed` (assembly/packed.ts) as the newest pane.
 * Returns MERGED, or (changing nothing) WRONG_PARTITIONS or MALFORMED, as combinerMergePacked.
 */
export function slidingPush(w: SlidingWindow, packed: usize, len: usize): i32 {
  const p = combinerNew(w.n, KIND_F64);
  const status = combinerMergePacked(p, packed, len, w.op, true);
  if (status != MERGED) {
    combinerFree(p);
    return status;
  }
  combinerMerge(w.back, p, w.op);
  if (w.size == w.cap) growRing(w);
  store<u32>(slotAt(w, w.size), changetype<u32>(p));
  w.size++;
  return MERGED;
}

// Turns every back pane into a front suffix aggregate, newest first.
function flip(w: SlidingWindow): void {
  for (let i = <i32>w.size - 2; i >= 0; i--) combinerMerge(pane(w, <u32>i), pane(w, <u32>i + 1), w.op);
  w.front = w.size;
  combinerClear(w.back);
}

/** Drops the `count` oldest panes (all of them when `count` is at least the window's size). */
export function slidingEvict(w: SlidingWindow, count: u32): void {
  if (count >= w.size) {
    slidingClear(w);
    return;
  }
  for (let k: u32 = 0; k < count; k++) {
    if (w.front == 0) flip(w);
    combinerFree(pane(w, 0));
    w.head = (w.head + 1) & (w.cap - 1);
    w.size--;
    w.front--;
  }
}

/**
 * The whole window, reduced with the window's op. The combiner belongs to the window: read it
 * (e.g. with combinerPack) before the next push or evict.
 */
export function slidingResult(w: SlidingWindow): Combiner {
  if (w.front == 0) return w.back;
  if (w.front == w.size) return pane(w, 0);
  combinerClear(w.result);
  combinerMerge(w.result, pane(w, 0), w.op);
  combinerMerge(w.result, w.back, w.op);
  return w.result;
}
