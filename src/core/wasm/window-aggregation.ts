// WindowAggregation on the wasm core: the kernel of assembly/window-aggregate.ts in a kernel
// instance of its own. A chunk's columns are copied into the kernel's scratch buffer once and the
// whole chunk (windows, late rows, key lookups, buffer updates) is one call; the state buffers are
// read through Float64Array views rebuilt after calls that may move them.
import type { CsvRowsInput, EventTimeTotals, RateRowsInput, WindowAggregateKind, WindowAggregation, WindowAggregationChunk, WindowMs } from '../core.js';
import { KernelCompositeKeyTable } from './composite-key-table.js';
import { instantiateKernels, type KernelExports } from './kernels.js';
import { KernelStringDictionary } from './string-dictionary.js';

const KIND_CODES: Record<WindowAggregateKind, number> = { count: 0, sum: 1, avg: 2, min: 3, max: 4 };

/** The wasm core's window aggregation state. */
export class KernelWindowAggregation implements WindowAggregation {
  private readonly ex: KernelExports = instantiateKernels();
  private readonly agg: number;
  readonly table: KernelCompositeKeyTable;
  readonly dictionary: KernelStringDictionary;
  private csvRows = 0;
  private rateRows = 0;
  private views: { a: Float64Array[]; b: Float64Array[] } | undefined;

  constructor(
    readonly width: number,
    private readonly kinds: readonly WindowAggregateKind[],
  ) {
    const codes = this.ex.scratch(Math.max(1, kinds.length)) >>> 0;
    new Uint8Array(this.ex.memory.buffer, codes, kinds.length).set(kinds.map((k) => KIND_CODES[k]));
    this.agg = this.ex.windowAggNew(width, kinds.length, codes) >>> 0;
    this.table = new KernelCompositeKeyTable(width, { ex: this.ex, table: this.ex.windowAggTable(this.agg) >>> 0 });
    this.dictionary = new KernelStringDictionary(this.ex, this.ex.dictNew() >>> 0);
  }

  bufferA(k: number): Float64Array {
    return this.buffers().a[k]!;
  }

  bufferB(k: number): Float64Array {
    return this.buffers().b[k]!;
  }

  private buffers(): { a: Float64Array[]; b: Float64Array[] } {
    if (this.views) return this.views;
    const { ex, agg } = this;
    const cap = ex.windowAggCapacity(agg) >>> 0;
    const view = (k: number, which: number): Float64Array => new Float64Array(ex.memory.buffer, ex.windowAggBuffer(agg, k, which) >>> 0, cap);
    this.views = { a: this.kinds.map((_, k) => view(k, 0)), b: this.kinds.map((_, k) => view(k, 1)) };
    return this.views;
  }

  begin(): void {
    this.ex.windowAggBegin(this.agg);
  }

  update(chunk: WindowAggregationChunk, window: WindowMs, lateBefore: number, stats?: EventTimeTotals): number {
    const { n } = chunk;
    if (n === 0) return 0;
    const kw = this.width - 1;
    // Layout of the scratch buffer: f64 columns first, then u8 null flags, then the (values, nulls) address pairs.
    let at = 0;
    const take = (bytes: number): number => {
      const p = at;
      at += (bytes + 7) & ~7;
      return p;
    };
    const times = take(8 * n);
    const rowKeys = take(8 * n * kw);
    const values = chunk.values.map((v) => (v ? take(8 * n) : -1));
    const timeNulls = chunk.timeNulls ? take(n) : -1;
    const nulls = chunk.nulls.map((x) => (x ? take(n) : -1));
    const inputs = take(8 * this.kinds.length);
    const base = this.ex.scratch(roomFor(at)) >>> 0;
    const buffer = this.ex.memory.buffer;
    new Float64Array(buffer, base + times, n).set(chunk.times.subarray(0, n));
    if (kw > 0) new Float64Array(buffer, base + rowKeys, n * kw).set(chunk.rowKeys.subarray(0, n * kw));
    if (chunk.timeNulls) new Uint8Array(buffer, base + timeNulls, n).set(chunk.timeNulls.subarray(0, n));
    const pairs = new Uint32Array(buffer, base + inputs, 2 * this.kinds.length);
    this.kinds.forEach((_, k) => {
      const v = chunk.values[k];
      const x = chunk.nulls[k];
      if (v) new Float64Array(buffer, base + values[k]!, n).set(v.subarray(0, n));
      if (x) new Uint8Array(buffer, base + nulls[k]!, n).set(x.subarray(0, n));
      pairs[2 * k] = v ? base + values[k]! : 0;
      pairs[2 * k + 1] = x ? base + nulls[k]! : 0;
    });
    return this.run(n, base + times, chunk.timeNulls ? base + timeNulls : 0, base + rowKeys, window, lateBefore, base + inputs, stats);
  }

  // windowAggUpdate over columns in wasm memory, with the statistics carried in and out.
  private run(n: number, times: number, nulls: number, rowKeys: number, window: WindowMs, lateBefore: number, inputs: number, stats: EventTimeTotals | undefined): number {
    const { ex, agg } = this;
    if (stats) ex.windowAggSetStats(agg, stats.max, stats.min, stats.sum, stats.count);
    const dropped = ex.windowAggUpdate(agg, n, times, nulls, rowKeys, window.windowMs, window.slideMs, window.startMs, lateBefore, inputs, stats ? 1 : 0);
    if (stats) [stats.max, stats.min, stats.sum, stats.count] = [0, 1, 2, 3].map((i) => ex.windowAggStat(agg, i)) as [number, number, number, number];
    this.moved();
    return dropped >>> 0;
  }

  updateCsv(input: CsvRowsInput, window: WindowMs, lateBefore: number, stats?: EventTimeTotals): { rows: number; dropped: number } | undefined {
    const { ex } = this;
    const { fields } = input;
    // The scratch buffer: the fields' slots, then the file, read straight into it.
    const bytesAt = (4 * Math.max(1, fields.length) + 15) & ~15;
    let base = 0;
    const bytes = input.read((size) => {
      base = ex.scratch(roomFor(bytesAt + size)) >>> 0;
      return new Uint8Array(ex.memory.buffer, base + bytesAt, size);
    });
    new Int32Array(ex.memory.buffer, base, fields.length).set(fields.map((f) => (f === 'time' ? -2 : f === undefined ? -1 : f)));
    this.csvRows ||= ex.csvRowsNew() >>> 0;
    const rows = ex.csvRowsParse(this.csvRows, this.dictionary.dict, base + bytesAt, bytes.length, input.sep, input.header ? 1 : 0, base, fields.length, this.width - 1);
    if (rows < 0) return undefined;
    // count(*) aggregates only: no input columns.
    const inputs = ex.outBuffer(8 * Math.max(1, this.kinds.length)) >>> 0;
    new Uint8Array(ex.memory.buffer, inputs, 8 * Math.max(1, this.kinds.length)).fill(0);
    const c = this.csvRows;
    const dropped = this.run(rows, ex.csvRowsTimes(c) >>> 0, ex.csvRowsNulls(c) >>> 0, ex.csvRowsKeys(c) >>> 0, window, lateBefore, inputs, stats);
    return { rows, dropped };
  }

  updateRate(input: RateRowsInput, window: WindowMs, lateBefore: number, stats?: EventTimeTotals): number {
    const { ex } = this;
    this.rateRows ||= ex.rateRowsNew() >>> 0;
    const r = this.rateRows;
    const n = ex.rateRowsGenerate(r, input.rangeStart, input.rangeEnd, input.numPartitions, input.startMs, input.msPerValue) >>> 0;
    const times = ex.rateRowsTimes(r) >>> 0;
    const values = ex.rateRowsValues(r) >>> 0;
    const inputs = ex.outBuffer(8 * Math.max(1, this.kinds.length)) >>> 0;
    const pairs = new Uint32Array(ex.memory.buffer, inputs, 2 * Math.max(1, this.kinds.length)).fill(0);
    input.inputs.forEach((column, k) => (pairs[2 * k] = column === 'timestamp' ? times : column === 'value' ? values : 0));
    return this.run(n, times, 0, times, window, lateBefore, inputs, stats);
  }

  merge(): Int32Array {
    const n = this.ex.windowAggMerge(this.agg) >>> 0;
    return new Int32Array(this.ex.memory.buffer, this.ex.windowAggTouched(this.agg) >>> 0, n).slice();
  }

  evict(watermarkMs: number, windowMs: number): { ids: Int32Array; minStart: number } {
    const { ex } = this;
    const out = ex.outBuffer(8 + 4 * Math.max(1, this.table.count)) >>> 0;
    const n = ex.windowAggEvict(this.agg, watermarkMs, windowMs, out);
    const minStart = new Float64Array(ex.memory.buffer, out, 1)[0]!;
    const ids = new Int32Array(ex.memory.buffer, out + 8, n).slice();
    this.table.refresh();
    return { ids, minStart };
  }

  ensure(): void {
    this.ex.windowAggEnsure(this.agg);
    this.moved();
  }

  compact(): Int32Array {
    const count = this.table.count;
    const moved = this.ex.outBuffer(Math.max(count, 1) * 4) >>> 0;
    this.ex.windowAggCompact(this.agg, moved);
    const out = new Int32Array(this.ex.memory.buffer, moved, count).slice();
    this.moved();
    return out;
  }

  close(): void {
    this.ex.windowAggFree(this.agg);
  }

  // After a call that may have added entries, grown memory or moved buffers.
  private moved(): void {
    this.views = undefined;
    this.table.refresh();
  }
}

// A scratch size for `bytes` with a quarter to spare, so files of about one size reuse one buffer
// (each larger one would otherwise free and allocate it again, fragmenting the kernel's heap).
function roomFor(bytes: number): number {
  return Math.max(64, Math.ceil((bytes * 1.25) / 65536) * 65536);
}
