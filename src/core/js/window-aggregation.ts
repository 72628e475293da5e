// WindowAggregation on the js core: the algorithm of assembly/window-aggregate.ts on typed
// arrays. Per chunk: the (row, window) pairs' composite keys, one table upsert, then the partial
// buffers updated by entry id; at the batch's end they merge into the state's.
import type { EventTimeTotals, WindowAggregateKind, WindowAggregation, WindowAggregationChunk, WindowMs } from '../core.js';
import { JsCompositeKeyTable } from './composite-key-table.js';
import { StringDictionary } from './string-dictionary.js';

/** The js core's window aggregation state. */
export class JsWindowAggregation implements WindowAggregation {
  readonly table: JsCompositeKeyTable;
  readonly dictionary = new StringDictionary();
  private a: Float64Array[];
  private b: Float64Array[];
  private pa: Float64Array[];
  private pb: Float64Array[];
  private stamps = new Int32Array(1024);
  private stamp = 0;
  private firstNew = 0;
  private touched: number[] = [];
  /** Per-chunk arrays: the (row, window) pairs' keys, rows and ids. */
  private scratch = { keys: new Float64Array(0), rowOf: new Int32Array(0), ids: new Int32Array(0) };

  constructor(
    readonly width: number,
    private readonly kinds: readonly WindowAggregateKind[],
  ) {
    this.table = new JsCompositeKeyTable(width);
    const arrays = (): Float64Array[] => kinds.map(() => new Float64Array(1024));
    [this.a, this.b, this.pa, this.pb] = [arrays(), arrays(), arrays(), arrays()];
  }

  bufferA(k: number): Float64Array {
    return this.a[k]!;
  }

  bufferB(k: number): Float64Array {
    return this.b[k]!;
  }

  begin(): void {
    this.stamp++;
    this.touched = [];
    this.firstNew = this.table.count;
  }

  update(chunk: WindowAggregationChunk, window: WindowMs, lateBefore: number, stats?: EventTimeTotals): number {
    const { n, times, timeNulls, rowKeys } = chunk;
    if (stats) addTimes(stats, times, timeNulls, n);
    const { windowMs, slideMs, startMs } = window;
    const width = this.width;
    const kw = width - 1;
    const tumbling = slideMs === windowMs;
    const most = tumbling ? 1 : Math.ceil(windowMs / slideMs);
    const { keys, rowOf, ids } = this.scratchFor(n * most);
    let m = 0;
    let dropped = 0;
    for (let r = 0; r < n; r++) {
      if (timeNulls && timeNulls[r]) continue;
      const t = times[r]!;
      const lastStart = t - ((((t - startMs) % slideMs) + slideMs) % slideMs);
      for (let i = 0; i < most; i++) {
        const start = lastStart - i * slideMs;
        if (!tumbling && !(start <= t && t < start + windowMs)) continue;
        if (start + windowMs <= lateBefore) {
          dropped++;
          continue;
        }
        const at = m * width;
        keys[at] = start;
        for (let k = 0; k < kw; k++) keys[at + 1 + k] = rowKeys[r * kw + k]!;
        rowOf[m++] = r;
      }
    }
    this.table.upsert(keys, m, ids);
    this.growTo(this.table.count);
    const { stamps, stamp } = this;
    for (let j = 0; j < m; j++) {
      const id = ids[j]!;
      if (stamps[id] !== stamp) {
        stamps[id] = stamp;
        for (let k = 0; k < this.kinds.length; k++) this.pa[k]![id] = this.pb[k]![id] = 0;
        this.touched.push(id);
      }
    }
    this.kinds.forEach((kind, k) => updateBuffers(kind, chunk.values[k], chunk.nulls[k], this.pa[k]!, this.pb[k]!, ids, rowOf, m));
    return dropped;
  }

  merge(): Int32Array {
    for (const id of this.touched) {
      for (let k = 0; k < this.kinds.length; k++) {
        const x = this.pa[k]![id]!;
        const y = this.pb[k]![id]!;
        if (id >= this.firstNew) {
          this.a[k]![id] = x;
          this.b[k]![id] = y;
        } else mergeBuffers(this.kinds[k]!, this.a[k]!, this.b[k]!, id, x, y);
      }
    }
    return Int32Array.from(this.touched);
  }

  evict(watermarkMs: number, windowMs: number): { ids: Int32Array; minStart: number } {
    const { table } = this;
    const ids: number[] = [];
    let minStart = Infinity;
    for (let id = 0; id < table.count; id++) {
      if (!table.isLive(id)) continue;
      const start = table.key(id, 0);
      if (start + windowMs > watermarkMs) {
        if (start < minStart) minStart = start;
        continue;
      }
      table.remove(id);
      ids.push(id);
    }
    return { ids: Int32Array.from(ids), minStart };
  }

  ensure(): void {
    this.growTo(this.table.count);
  }

  compact(): Int32Array {
    const moved = this.table.compact();
    for (const x of [...this.a, ...this.b]) for (let id = 0; id < moved.length; id++) if (moved[id]! >= 0) x[moved[id]!] = x[id]!;
    this.stamps.fill(0);
    return moved;
  }

  close(): void {
    this.table.close();
  }

  // The per-chunk arrays, grown to hold `pairs` (row, window) pairs.
  private scratchFor(pairs: number): { keys: Float64Array; rowOf: Int32Array; ids: Int32Array } {
    if (this.scratch.ids.length < pairs) this.scratch = { keys: new Float64Array(pairs * this.width), rowOf: new Int32Array(pairs), ids: new Int32Array(pairs) };
    return this.scratch;
  }

  private growTo(n: number): void {
    if (n <= this.stamps.length) return;
    let cap = this.stamps.length;
    while (cap < n) cap *= 2;
    const grow = <T extends Float64Array | Int32Array>(x: T): T => {
      const y = new (x.constructor as new (n: number) => T)(cap);
      y.set(x);
      return y;
    };
    this.a = this.a.map(grow);
    this.b = this.b.map(grow);
    this.pa = this.pa.map(grow);
    this.pb = this.pb.map(grow);
    this.stamps = grow(this.stamps);
  }
}

// Spark's EventTimeWatermarkExec statistics of the non-null times, in row order.
function addTimes(stats: EventTimeTotals, times: Float64Array, nulls: Uint8Array | undefined, n: number): void {
  for (let i = 0; i < n; i++) {
    if (nulls && nulls[i]) continue;
    const ms = times[i]!;
    if (ms > stats.max) stats.max = ms;
    if (ms < stats.min) stats.min = ms;
    stats.sum += ms;
    stats.count++;
  }
}

// The partial buffers of one aggregate over m (row, window) pairs: AggregateFunction.update.
function updateBuffers(kind: WindowAggregateKind, values: Float64Array | undefined, nulls: Uint8Array | undefined, a: Float64Array, b: Float64Array, ids: Int32Array, rowOf: Int32Array, m: number): void {
  if (kind === 'count') {
    if (!nulls) for (let j = 0; j < m; j++) a[ids[j]!]!++;
    else for (let j = 0; j < m; j++) if (!nulls[rowOf[j]!]) a[ids[j]!]!++;
    return;
  }
  if (!values) return;
  const additive = kind === 'sum' || kind === 'avg';
  const min = kind === 'min';
  for (let j = 0; j < m; j++) {
    const r = rowOf[j]!;
    if (nulls && nulls[r]) continue;
    const id = ids[j]!;
    const v = values[r]!;
    if (additive) a[id] = a[id]! + v;
    else if (b[id] === 0 || (min ? !(a[id]! - v <= 0) : !(a[id]! - v >= 0))) a[id] = v;
    b[id] = b[id]! + 1;
  }
}

// Partial buffers (x, y) of `id` folded into the state's: AggregateFunction.merge.
function mergeBuffers(kind: WindowAggregateKind, a: Float64Array, b: Float64Array, id: number, x: number, y: number): void {
  if (kind === 'count') a[id] = a[id]! + x;
  else if (kind === 'avg') {
    a[id] = a[id]! + x;
    b[id] = b[id]! + y;
  } else if (y !== 0) {
    if (kind === 'sum') a[id] = b[id] === 0 ? x : a[id]! + x;
    else if (b[id] === 0 || (kind === 'min' ? !(a[id]! - x <= 0) : !(a[id]! - x >= 0))) a[id] = x;
    b[id] = b[id]! + y;
  }
}
