// Event-time window aggregation in one pass per chunk of rows: window starts, late rows dropped,
// composite keys looked up in the table of assembly/composite.ts, and count/sum/avg/min/max
// buffers updated by entry id, all in wasm memory (the columnar path of
// src/sql/execution/columnar-window-aggregate-exec.ts; src/core/js/window-aggregation.ts is the
// same algorithm on typed arrays). Buffers, as the row path's AggregateFunctions keep them:
//   count: a = n        sum: a = sum, b = non-null values     avg: a = sum, b = n
//   min/max: a = value, b = non-null values
// A batch's rows go to partial buffers (zeroed when the batch first touches an entry), merged
// into the state's at the end, so sums add in the row path's order.
import { compositeAlive, compositeAppend, compositeCompact, compositeCount, compositeFree, compositeKeys, compositeNew, compositeRemove, compositeVersion, upsertOne } from './composite';
import { slotGet, slotSet, SLOTS_MAX, slotsClear, slotsCompact, slotsEvict, slotsFree, slotsNew, slotsWindow } from './window-slots';
import { zeroed } from './allocate';

const COUNT: u8 = 0;
const SUM: u8 = 1;
const AVG: u8 = 2;
const MIN: u8 = 3;
// MAX = 4

@unmanaged
class WindowAgg {
  table: usize;
  width: u32;
  aggs: u32;
  kinds: usize; // u8 per aggregate
  cap: u32; // entries the buffers hold
  buffers: usize; // per aggregate four f64 arrays: state a, state b, partial a, partial b
  stamps: usize; // i32 per entry: the batch that last touched it
  stamp: i32;
  touched: usize; // i32 ids touched this batch, in first-touch order
  touchedLen: u32;
  touchedCap: u32;
  firstNew: u32; // the table's count when the batch began
  key: usize; // the row's key (width f64)
  last: usize; // the previous row's key, and its id
  lastId: i32;
  lastStart: f64; // the previous row's latest window start (integer times), NaN: none
  integral: bool; // slide and start are integers, so integer times take the exact path
  statMax: f64;
  statMin: f64;
  statSum: f64;
  statCount: f64;
  slots: usize; // window + one string key: entry ids by window and string id (assembly/window-slots.ts)
  slotsVersion: u32; // the table's version the slots mirror (every live entry with a slot is in them)
  plainCounts: bool; // this update's aggregates are all count(*) without null flags
}

// @ts-ignore: decorator
@inline
function buffer(g: WindowAgg, k: u32, which: u32): usize {
  return load<usize>(g.buffers + (((<usize>k) * 4 + which) << alignof<usize>()));
}

/** A new aggregation of keys of `width` numbers and the `aggs` aggregates whose kinds (u8) are at `kinds`. */
export function windowAggNew(width: u32, aggs: u32, kinds: usize): usize {
  const g = changetype<WindowAgg>(heap.alloc(offsetof<WindowAgg>()));
  g.table = compositeNew(width);
  g.width = width;
  g.aggs = aggs;
  g.kinds = heap.alloc(max<usize>(1, <usize>aggs));
  memory.copy(g.kinds, kinds, <usize>aggs);
  g.cap = 1024;
  g.buffers = heap.alloc(max<usize>(1, (<usize>aggs) * 4) << alignof<usize>());
  for (let i: u32 = 0; i < aggs * 4; i++) store<usize>(g.buffers + ((<usize>i) << alignof<usize>()), zeroed(1024 << 3));
  g.stamps = zeroed(1024 << 2);
  g.stamp = 0;
  g.touchedCap = 1024;
  g.touched = heap.alloc(1024 << 2);
  g.touchedLen = 0;
  g.firstNew = 0;
  g.key = heap.alloc((<usize>width) << 3);
  g.last = heap.alloc((<usize>width) << 3);
  g.lastId = -1;
  g.slots = slotsNew();
  g.slotsVersion = 0;
  return changetype<usize>(g);
}

/** The aggregation's composite key table (for compositeKeys, compositeRemove, ...). */
export function windowAggTable(p: usize): usize {
  return changetype<WindowAgg>(p).table;
}

/** Address of buffer `which` (0 state a, 1 state b) of aggregate `k`, valid until the next call that adds entries. */
export function windowAggBuffer(p: usize, k: u32, which: u32): usize {
  return buffer(changetype<WindowAgg>(p), k, which);
}

/** Entries the buffers hold. */
export function windowAggCapacity(p: usize): u32 {
  return changetype<WindowAgg>(p).cap;
}

/** Makes room for every id the table has given (after upserts made outside the aggregation). */
export function windowAggEnsure(p: usize): void {
  const g = changetype<WindowAgg>(p);
  const count = compositeCount(g.table);
  if (count > g.cap) grow(g, count);
}

function grow(g: WindowAgg, n: u32): void {
  let cap = g.cap;
  while (cap < n) cap *= 2;
  for (let i: u32 = 0; i < g.aggs * 4; i++) {
    const at = g.buffers + ((<usize>i) << alignof<usize>());
    const old = load<usize>(at);
    const next = zeroed((<usize>cap) << 3);
    memory.copy(next, old, (<usize>g.cap) << 3);
    heap.free(old);
    store<usize>(at, next);
  }
  const stamps = zeroed((<usize>cap) << 2);
  memory.copy(stamps, g.stamps, (<usize>g.cap) << 2);
  heap.free(g.stamps);
  g.stamps = stamps;
  g.cap = cap;
}

/** Starts a batch: nothing touched yet; ids from the table's count on are new groups. */
export function windowAggBegin(p: usize): void {
  const g = changetype<WindowAgg>(p);
  g.stamp++;
  g.touchedLen = 0;
  g.firstNew = compositeCount(g.table);
}

const EXACT: f64 = 9007199254740992.0; // 2^53: integers up to it are exact in f64

// The latest window start at or before t: t - ((t - startMs) mod slideMs), the mod always >= 0
// as the row path's `((a % b) + b) % b`. With integer operands the mod is exact integer
// arithmetic (integer times, slide and start), so the previous row's start (or the slide before
// it) serves while t stays in its slide, and i64 remainders
// give the same result as f64's (slow) fmod.
// @ts-ignore: decorator
@inline
function lastStartOf(g: WindowAgg, t: f64, startMs: f64, slideMs: f64): f64 {
  const a = t - startMs;
  if (!(g.integral && t == Math.floor(t) && Math.abs(t) <= EXACT && Math.abs(a) <= EXACT)) return t - ((a % slideMs) + slideMs) % slideMs;
  const last = g.lastStart;
  if (t >= last && t < last + slideMs && t != 0) return last;
  // A late row in the window before (rows a little out of order alternate between two).
  const prev = last - slideMs;
  if (t >= prev && t < last && t != 0 && prev >= -EXACT) return prev;
  const b = <i64>slideMs;
  const start = t - <f64>((<i64>a % b + b) % b);
  // (A start of -0, from t = -0, is not the start of later times of its window: those give +0.)
  if (reinterpret<u64>(start) != 0x8000000000000000) g.lastStart = start;
  return start;
}

/**
 * Rows 0 .. n - 1 of one chunk: `times` (f64, `timeNulls` u8 or 0), `rowKeys` (width - 1 f64 a
 * row: the group key numbers) and per aggregate a (values f64, nulls u8) pair of addresses at
 * `inputs` (0: none). Each (row, window) whose window ends at or before `lateBefore` is dropped;
 * returns how many were.
 */
export function windowAggUpdate(
  p: usize,
  n: u32,
  times: usize,
  timeNulls: usize,
  rowKeys: usize,
  windowMs: f64,
  slideMs: f64,
  startMs: f64,
  lateBefore: f64,
  inputs: usize,
  withStats: bool,
): u32 {
  const g = changetype<WindowAgg>(p);
  const kw = g.width - 1;
  const tumbling = slideMs == windowMs;
  const most = tumbling ? 1 : <i32>Math.ceil(windowMs / slideMs);
  g.lastId = -1;
  g.lastStart = NaN;
  g.integral = slideMs == Math.floor(slideMs) && slideMs > 0 && slideMs <= EXACT && startMs == Math.floor(startMs) && Math.abs(startMs) <= EXACT;
  // Windows only (no key numbers), tumbling: a run of rows in one window is one entry.
  const runs = tumbling && kw == 0 && g.integral;
  // Window and one string key: ids by window and string id, the slots mirroring the table.
  const slotted = kw == 1;
  if (slotted && g.slotsVersion != compositeVersion(g.table)) mirror(g);
  g.plainCounts = true;
  for (let k: u32 = 0; k < g.aggs; k++) if (load<u8>(g.kinds + <usize>k) != COUNT || load<u32>(inputs + ((<usize>k) << 3) + 4) != 0) g.plainCounts = false;
  let dropped: u32 = 0;
  for (let r: u32 = 0; r < n; ) {
    if (timeNulls != 0 && load<u8>(timeNulls + <usize>r) != 0) {
      r++;
      continue;
    }
    const t = load<f64>(times + ((<usize>r) << 3));
    if (withStats) stat(g, t);
    const lastStart = lastStartOf(g, t, startMs, slideMs);
    if (runs && exact(t, startMs)) {
      let e = r + 1;
      while (e < n && (timeNulls == 0 || load<u8>(timeNulls + <usize>e) == 0)) {
        const u = load<f64>(times + ((<usize>e) << 3));
        if (!(u >= lastStart && u < lastStart + slideMs && exact(u, startMs))) break;
        if (withStats) stat(g, u);
        e++;
      }
      if (lastStart + windowMs <= lateBefore) dropped += e - r;
      else {
        store<f64>(g.key, lastStart);
        updateRun(g, idOf(g), r, e, inputs);
      }
      r = e;
      continue;
    }
    const rowKey = rowKeys + (<usize>r) * (<usize>kw << 3);
    for (let k: u32 = 0; k < kw; k++) store<u64>(g.key + 8 + ((<usize>k) << 3), load<u64>(rowKey + ((<usize>k) << 3)));
    for (let i: i32 = 0; i < most; i++) {
      const start = lastStart - (<f64>i) * slideMs;
      if (!tumbling && !(start <= t && t < start + windowMs)) continue;
      if (start + windowMs <= lateBefore) {
        dropped++;
        continue;
      }
      store<f64>(g.key, start);
      const id = slotted ? slottedIdOf(g, start) : idOf(g);
      if (g.plainCounts) countRow(g, id);
      else update(g, id, r, inputs);
    }
    r++;
  }
  return dropped;
}

// A time whose window start is exact integer arithmetic (lastStartOf's fast path).
// @ts-ignore: decorator
@inline
function exact(t: f64, startMs: f64): bool {
  return t == Math.floor(t) && Math.abs(t) <= EXACT && Math.abs(t - startMs) <= EXACT && t != 0;
}

// Spark's EventTimeWatermarkExec statistics of one time (max, min, sum, count, in row order).
// @ts-ignore: decorator
@inline
function stat(g: WindowAgg, t: f64): void {
  if (t > g.statMax) g.statMax = t;
  if (t < g.statMin) g.statMin = t;
  g.statSum += t;
  g.statCount += 1;
}

/** Sets the event-time statistics windowAggUpdate adds to (with `withStats`). */
export function windowAggSetStats(p: usize, max: f64, min: f64, sum: f64, count: f64): void {
  const g = changetype<WindowAgg>(p);
  g.statMax = max;
  g.statMin = min;
  g.statSum = sum;
  g.statCount = count;
}

/** Event-time statistic `i` (0 max, 1 min, 2 sum, 3 count). */
export function windowAggStat(p: usize, i: u32): f64 {
  const g = changetype<WindowAgg>(p);
  return i == 0 ? g.statMax : i == 1 ? g.statMin : i == 2 ? g.statSum : g.statCount;
}

// The id of the key in g.key: the previous row's when it is the same (rows in time order mostly
// share their window), else the table's.
// @ts-ignore: decorator
@inline
function idOf(g: WindowAgg): i32 {
  if (g.lastId >= 0 && sameKey(g.key, g.last, g.width)) return g.lastId;
  const id = upsertOne(g.table, g.key);
  if (<u32>id >= g.cap) grow(g, <u32>id + 1);
  memory.copy(g.last, g.key, (<usize>g.width) << 3);
  g.lastId = id;
  return id;
}

// The slot of a string id: id + 1 for a dictionary id (an integer from -1 below SLOTS_MAX, not
// -0), else -1 (the key takes the table's hash path).
// @ts-ignore: decorator
@inline
function slotOf(v: f64): i32 {
  const i = <i32>v + 1;
  return v >= -1 && <u32>i < SLOTS_MAX && reinterpret<u64>(<f64>(i - 1)) == reinterpret<u64>(v) ? i : -1;
}

// The id of the key in g.key (window start, one string id): by its window's slots, else the
// table's. The slots hold every live entry that has a slot, so a miss is a new key: appended to
// the table without a hash probe.
// @ts-ignore: decorator
@inline
function slottedIdOf(g: WindowAgg, start: f64): i32 {
  const i = slotOf(load<f64>(g.key + 8));
  if (i < 0) return idOf(g);
  const w = slotsWindow(g.slots, start);
  let id = slotGet(w, <u32>i);
  if (id < 0) {
    id = compositeAppend(g.table, g.key);
    if (<u32>id >= g.cap) grow(g, <u32>id + 1);
    slotSet(w, <u32>i, id);
  }
  return id;
}

// The slots again from the table (after it changed in a way the slots did not follow).
function mirror(g: WindowAgg): void {
  slotsClear(g.slots);
  const count = compositeCount(g.table);
  const keys = compositeKeys(g.table);
  const alive = compositeAlive(g.table);
  for (let id: u32 = 0; id < count; id++) {
    if (load<u8>(alive + <usize>id) == 0) continue;
    const i = slotOf(load<f64>(keys + ((<usize>id) << 4) + 8));
    if (i >= 0) slotSet(slotsWindow(g.slots, load<f64>(keys + ((<usize>id) << 4))), <u32>i, <i32>id);
  }
  g.slotsVersion = compositeVersion(g.table);
}

// @ts-ignore: decorator
@inline
function sameKey(x: usize, y: usize, width: u32): bool {
  for (let i: usize = 0; i < <usize>width; i++) if (load<u64>(x + (i << 3)) != load<u64>(y + (i << 3))) return false;
  return true;
}

// update() of a row when every aggregate is count(*) without null flags (g.plainCounts).
// @ts-ignore: decorator
@inline
function countRow(g: WindowAgg, id: i32): void {
  const at = (<usize>id) << 3;
  touchOnce(g, id, at);
  for (let k: u32 = 0; k < g.aggs; k++) store<f64>(buffer(g, k, 2) + at, load<f64>(buffer(g, k, 2) + at) + 1);
}

// AggregateFunction.update of row r into entry id's partial buffers.
function update(g: WindowAgg, id: i32, r: u32, inputs: usize): void {
  const at = (<usize>id) << 3;
  touchOnce(g, id, at);
  for (let k: u32 = 0; k < g.aggs; k++) {
    const values = load<u32>(inputs + ((<usize>k) << 3));
    const nulls = load<u32>(inputs + ((<usize>k) << 3) + 4);
    if (nulls != 0 && load<u8>(<usize>nulls + <usize>r) != 0) continue;
    const kind = load<u8>(g.kinds + <usize>k);
    const a = buffer(g, k, 2) + at;
    if (kind == COUNT) {
      store<f64>(a, load<f64>(a) + 1);
      continue;
    }
    if (values == 0) continue;
    const v = load<f64>(<usize>values + ((<usize>r) << 3));
    const b = buffer(g, k, 3) + at;
    if (kind == SUM || kind == AVG) store<f64>(a, load<f64>(a) + v);
    else if (load<f64>(b) == 0 || (kind == MIN ? !(load<f64>(a) - v <= 0) : !(load<f64>(a) - v >= 0))) store<f64>(a, v);
    store<f64>(b, load<f64>(b) + 1);
  }
}

// update() of rows r0 .. r1 - 1, all of entry id, aggregate by aggregate (the same additions in
// the same order).
function updateRun(g: WindowAgg, id: i32, r0: u32, r1: u32, inputs: usize): void {
  const at = (<usize>id) << 3;
  touchOnce(g, id, at);
  for (let k: u32 = 0; k < g.aggs; k++) {
    const values = <usize>load<u32>(inputs + ((<usize>k) << 3));
    const nulls = <usize>load<u32>(inputs + ((<usize>k) << 3) + 4);
    const kind = load<u8>(g.kinds + <usize>k);
    const pa = buffer(g, k, 2) + at;
    const pb = buffer(g, k, 3) + at;
    let a = load<f64>(pa);
    let b = load<f64>(pb);
    if (kind == COUNT) {
      for (let r = r0; r < r1; r++) if (nulls == 0 || load<u8>(nulls + <usize>r) == 0) a += 1;
    } else if (values != 0) {
      for (let r = r0; r < r1; r++) {
        if (nulls != 0 && load<u8>(nulls + <usize>r) != 0) continue;
        const v = load<f64>(values + ((<usize>r) << 3));
        if (kind == SUM || kind == AVG) a += v;
        else if (b == 0 || (kind == MIN ? !(a - v <= 0) : !(a - v >= 0))) a = v;
        b += 1;
      }
    }
    store<f64>(pa, a);
    store<f64>(pb, b);
  }
}

// The first touch of entry id in this batch: its partial buffers zeroed, the id listed.
// @ts-ignore: decorator
@inline
function touchOnce(g: WindowAgg, id: i32, at: usize): void {
  const stampAt = g.stamps + ((<usize>id) << 2);
  if (load<i32>(stampAt) == g.stamp) return;
  store<i32>(stampAt, g.stamp);
  for (let k: u32 = 0; k < g.aggs; k++) {
    store<f64>(buffer(g, k, 2) + at, 0);
    store<f64>(buffer(g, k, 3) + at, 0);
  }
  touch(g, id);
}

function touch(g: WindowAgg, id: i32): void {
  if (g.touchedLen == g.touchedCap) {
    const next = heap.alloc((<usize>g.touchedCap) << 3);
    memory.copy(next, g.touched, (<usize>g.touchedCap) << 2);
    heap.free(g.touched);
    g.touched = next;
    g.touchedCap *= 2;
  }
  store<i32>(g.touched + ((<usize>g.touchedLen) << 2), id);
  g.touchedLen++;
}

/**
 * Ends a batch: each touched entry's partial buffers are copied (a new group) or merged
 * (AggregateFunction.merge) into its state. Returns how many entries were touched.
 */
export function windowAggMerge(p: usize): u32 {
  const g = changetype<WindowAgg>(p);
  for (let j: u32 = 0; j < g.touchedLen; j++) {
    const id = load<i32>(g.touched + ((<usize>j) << 2));
    const at = (<usize>id) << 3;
    const fresh = <u32>id >= g.firstNew;
    for (let k: u32 = 0; k < g.aggs; k++) {
      const a = buffer(g, k, 0) + at;
      const b = buffer(g, k, 1) + at;
      const x = load<f64>(buffer(g, k, 2) + at);
      const y = load<f64>(buffer(g, k, 3) + at);
      if (fresh) {
        store<f64>(a, x);
        store<f64>(b, y);
        continue;
      }
      const kind = load<u8>(g.kinds + <usize>k);
      if (kind == COUNT) store<f64>(a, load<f64>(a) + x);
      else if (kind == AVG) {
        store<f64>(a, load<f64>(a) + x);
        store<f64>(b, load<f64>(b) + y);
      } else if (y != 0) {
        if (kind == SUM) store<f64>(a, load<f64>(b) == 0 ? x : load<f64>(a) + x);
        else if (load<f64>(b) == 0 || (kind == MIN ? !(load<f64>(a) - x <= 0) : !(load<f64>(a) - x >= 0))) store<f64>(a, x);
        store<f64>(b, load<f64>(b) + y);
      }
    }
  }
  return g.touchedLen;
}

/** Address of the ids touched this batch (i32 x windowAggMerge's count). */
export function windowAggTouched(p: usize): usize {
  return changetype<WindowAgg>(p).touched;
}

/** Compacts the table (compositeCompact, `moved` i32 x count) and moves the state buffers with it. */
export function windowAggCompact(p: usize, moved: usize): void {
  const g = changetype<WindowAgg>(p);
  const count = compositeCount(g.table);
  compositeCompact(g.table, moved);
  for (let k: u32 = 0; k < g.aggs; k++) {
    for (let which: u32 = 0; which < 2; which++) {
      const x = buffer(g, k, which);
      for (let id: u32 = 0; id < count; id++) {
        const to = load<i32>(moved + ((<usize>id) << 2));
        if (to >= 0) store<f64>(x + ((<usize>to) << 3), load<f64>(x + ((<usize>id) << 3)));
      }
    }
  }
  // Stamps of moved ids would be wrong; no id is stamped with a later batch's stamp.
  memory.fill(g.stamps, 0, (<usize>g.cap) << 2);
  // The slots follow when they mirrored the table; else the next update mirrors it again.
  if (g.slotsVersion + 1 == compositeVersion(g.table)) {
    slotsCompact(g.slots, moved);
    g.slotsVersion = compositeVersion(g.table);
  }
}

/**
 * Removes the entries whose window ended at or before the watermark (start + windowMs <=
 * watermarkMs): writes the smallest start left (f64) at `out`, the removed ids (i32, in id order)
 * after it, and returns how many. Their keys and buffers stay readable until the next compact.
 */
export function windowAggEvict(p: usize, watermarkMs: f64, windowMs: f64, out: usize): u32 {
  const g = changetype<WindowAgg>(p);
  const count = compositeCount(g.table);
  const keys = compositeKeys(g.table);
  const alive = compositeAlive(g.table);
  const stride = (<usize>g.width) << 3;
  const mirrored = g.slotsVersion == compositeVersion(g.table);
  let minStart = Infinity;
  let n: u32 = 0;
  for (let id: u32 = 0; id < count; id++) {
    if (load<u8>(alive + <usize>id) == 0) continue;
    const start = load<f64>(keys + (<usize>id) * stride);
    if (start + windowMs > watermarkMs) {
      if (start < minStart) minStart = start;
      continue;
    }
    compositeRemove(g.table, id);
    store<i32>(out + 8 + ((<usize>n) << 2), <i32>id);
    n++;
  }
  store<f64>(out, minStart);
  if (mirrored) {
    slotsEvict(g.slots, watermarkMs, windowMs);
    g.slotsVersion = compositeVersion(g.table);
  }
  return n;
}

/** Frees an aggregation and its table. */
export function windowAggFree(p: usize): void {
  const g = changetype<WindowAgg>(p);
  compositeFree(g.table);
  slotsFree(g.slots);
  for (let i: u32 = 0; i < g.aggs * 4; i++) heap.free(load<usize>(g.buffers + ((<usize>i) << alignof<usize>())));
  heap.free(g.buffers);
  heap.free(g.kinds);
  heap.free(g.stamps);
  heap.free(g.touched);
  heap.free(g.key);
  heap.free(g.last);
  heap.free(p);
}
