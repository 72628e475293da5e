// Event-time window aggregation on columnar batches: the fast path of StateStoreSaveExec for
// `[withWatermark ->] groupBy(window(ts, ...), key columns...).agg(count/sum/avg/min/max)` over a
// source. Each (window start, key values) pair is a composite key of numbers (strings as
// dictionary ids) in the core's WindowAggregation (its CompositeKeyTable and f64 buffers by entry
// id; on the wasm core a chunk of rows is one kernel call). The
// semantics are the row path's, step for step:
//   rows -> windows; a (row, window) whose window ended at or before the watermark is dropped
//   (append, update) -> partial buffers of the batch -> merged into the state -> output:
//   complete: every group; update: groups this batch changed; append: groups the watermark passed
//   (window end <= watermark), once, as they are evicted.
// With a checkpoint location the changed and evicted groups also go to the state store in the
// row path's format (same keys and buffers), so a restart, on either path, finds them.
import { Batch } from '../../batch/batch.js';
import type { CompositeKeyTable, CsvRowsInput, EventTimeTotals, StringIds, WindowAggregation } from '../../core/core.js';
import { JsWindowAggregation } from '../../core/js/window-aggregation.js';
import { Accumulators } from '../columnar/accumulators.js';
import { columnsOfRows, type ColumnarBatch, type ColumnVector, type CsvText } from '../columnar/columnar-batch.js';
import { rowConstructor } from '../columnar/row-constructor.js';
import type { ColumnarWindowAggregateSpec } from '../columnar/window-aggregate-spec.js';
import type { AggBuffer } from '../expressions/aggregates.js';
import type { Row, Value } from '../schema.js';
import type { Source } from '../sources/source.js';
import type { StateStore } from '../state/state-store.js';
import { token, windowKey } from '../state/value-codec.js';
import { type BatchContext, type PhysicalOperator, type StateOperatorProgress } from './spark-plan.js';
import { StateStoreOperator } from './state-store-operator.js';

/** Rows handled per pass, bounding the per-pass key and id arrays. */
const CHUNK_ROWS = 1 << 16;

/** The columnar event-time window aggregation (one stateful operator, like StateStoreSaveExec). */
export class ColumnarWindowAggregateExec extends StateStoreOperator {
  readonly children: readonly PhysicalOperator[] = [];
  private readonly width: number;
  private aggregation: WindowAggregation | undefined;
  private state!: Accumulators;
  private table: CompositeKeyTable | undefined;
  private restoreFromStore = false;
  /** Smallest window start held, to skip eviction scans that would find nothing. */
  private minStart = Infinity;
  private complete = false;
  /** Output names of the groupings, in order. */
  private readonly groupNames: string[];
  /**
   * The window value `{ start, end }` of each window start held, shared by the output rows of its
   * groups (as the row path's rows share their group's, kept in its state); dropped on eviction.
   */
  private readonly windowValues = new Map<number, { start: Date; end: Date }>();
  /** The window value asked for last and its start (rows of one window mostly come together). */
  private lastWindow: { start: Date; end: Date } | undefined;
  private lastWindowStart = NaN;
  /** Output rows: the groupings, then the aggregates, by their names. */
  private readonly makeRow: (values: readonly Value[]) => Row;
  private readonly rowValues: Value[];
  /** Per-pass key numbers (width - 1 a row), kept between passes and batches. */
  private rowKeysScratch = new Float64Array(0);

  constructor(
    readonly source: Source,
    readonly spec: ColumnarWindowAggregateSpec,
    /** Index of the watermark operator whose statistics this operator records (-1: none). */
    private readonly watermarkIndex: number,
    store: StateStore,
  ) {
    super(store, 'stateStoreSave');
    // Key layout: window start, then per key one number (string id) or two (null flag, value).
    this.width = 1 + spec.keys.reduce((n, k) => n + (k.kind === 'string' ? 1 : 2), 0);
    this.groupNames = spec.keys.map((k) => k.name);
    this.groupNames.splice(spec.windowPosition, 0, spec.windowName);
    const names = [...this.groupNames, ...spec.aggregates.map((a) => a.name)];
    this.makeRow = rowConstructor(names);
    this.rowValues = names.map(() => null);
  }

  loadState(version: number): void {
    super.loadState(version);
    this.restoreFromStore = true;
  }

  shouldRunAnotherBatch(watermarkMs: number): boolean {
    return this.spec.watermarked && !this.complete && watermarkMs > this.lastWatermarkMs;
  }

  progress(): StateOperatorProgress {
    const p = super.progress();
    const live = this.table?.live ?? 0;
    return { ...p, numRowsTotal: live, memoryUsedBytes: live * (8 * this.width + 16 * this.spec.aggregates.length + 24) + (this.aggregation?.dictionary.bytes ?? 0) };
  }

  async execute(ctx: BatchContext): Promise<Batch<Row>> {
    this.lastWatermarkMs = ctx.watermarkMs;
    this.complete = ctx.outputMode === 'complete';
    this.numPartitions = ctx.numPartitions;
    const aggregation = (this.aggregation ??= this.createAggregation(ctx));
    const table = aggregation.table;
    if (this.restoreFromStore) this.restore(table);
    const batch = this.input(ctx);
    const started = performance.now();
    aggregation.begin();
    if (batch) {
      const lateBefore = this.spec.watermarked && !this.complete ? ctx.lateEventsWatermarkMs : -Infinity;
      // Event-time statistics over the time column are the aggregation's to gather, in its pass.
      const w = this.spec.watermark;
      const stats = w && w.column === this.spec.timeColumn ? this.eventTimeStats(ctx) : undefined;
      if (!this.aggregateText(aggregation, batch, lateBefore, stats) && !this.aggregateRate(aggregation, batch, lateBefore, stats)) {
        if (w && !stats) this.recordEventTime(ctx, batch.column(w.column), batch.numRows);
        for (let from = 0; from < batch.numRows; from += CHUNK_ROWS) this.aggregate(aggregation, batch, from, Math.min(batch.numRows, from + CHUNK_ROWS), lateBefore, stats);
      }
    }
    const touched = aggregation.merge();
    // (Indexed loops: this runs once a batch, often unoptimized, where for-of allocates per id.)
    for (let i = 0; i < touched.length; i++) {
      const start = table.key(touched[i]!, 0);
      if (start < this.minStart) this.minStart = start;
    }
    if (this.store.durable) for (let i = 0; i < touched.length; i++) this.store.put(this.keyString(table, touched[i]!), this.groupEntry(table, touched[i]!));
    this.metrics.updated += touched.length;
    this.metrics.updateMs += performance.now() - started;
    return Batch.of(this.output(ctx, table, touched), 1);
  }

  private get dictionary(): StringIds {
    return this.aggregation!.dictionary;
  }

  private createAggregation(ctx: BatchContext): WindowAggregation {
    const kinds = this.spec.aggregates.map((a) => a.kind);
    const aggregation = ctx.core.createWindowAggregation?.(this.width, kinds) ?? new JsWindowAggregation(this.width, kinds);
    this.table = aggregation.table;
    this.state = new Accumulators(this.spec.aggregates, aggregation);
    return aggregation;
  }

  // The batch's columns: the source's own columnar batch, or its rows turned into columns once.
  private input(ctx: BatchContext): ColumnarBatch | undefined {
    const columnar = ctx.columnarInputs?.get(this.source);
    if (columnar) return columnar;
    const rows = ctx.inputs.get(this.source);
    if (!rows) return undefined;
    return columnsOfRows(rows.collect(), this.source.schema, this.spec.columns);
  }

  // A CSV batch not read yet, given whole to the core when it reads CSV itself and the query is
  // one it can take (time and string keys, count(*), the watermark on the time column); false
  // when the batch is to be read here.
  private aggregateText(aggregation: WindowAggregation, batch: ColumnarBatch, lateBefore: number, stats: EventTimeTotals | undefined): boolean {
    const { spec } = this;
    const text = batch.origin;
    if (text?.kind !== 'csv' || !aggregation.updateCsv) return false;
    if (spec.watermark && spec.watermark.column !== spec.timeColumn) return false;
    if (!spec.keys.every((k) => k.kind === 'string') || !spec.aggregates.every((a) => a.kind === 'count' && a.column === undefined)) return false;
    const input = csvInput(text, spec.timeColumn, spec.keys.map((k) => k.column));
    if (!input) return false;
    const done = aggregation.updateCsv(input, spec.window, lateBefore, stats);
    if (!done) return false;
    batch.rowsRead(done.rows);
    this.metrics.dropped += done.dropped;
    return true;
  }

  // A rate source batch not generated yet, given to the core when it generates the rows itself
  // and the query has no key columns (windows of count/sum/avg/min/max of timestamp or value).
  private aggregateRate(aggregation: WindowAggregation, batch: ColumnarBatch, lateBefore: number, stats: EventTimeTotals | undefined): boolean {
    const { spec } = this;
    const range = batch.origin;
    if (range?.kind !== 'rate' || !aggregation.updateRate || spec.keys.length > 0 || spec.timeColumn !== 'timestamp') return false;
    if (spec.watermark && !stats) return false;
    const inputs = spec.aggregates.map((a) => a.column);
    if (!inputs.every((c) => c === undefined || c === 'timestamp' || c === 'value')) return false;
    this.metrics.dropped += aggregation.updateRate({ ...range, inputs: inputs as ('timestamp' | 'value' | undefined)[] }, spec.window, lateBefore, stats);
    return true;
  }

  // The batch's statistics of this operator's watermark (Spark's EventTimeWatermarkExec).
  private eventTimeStats(ctx: BatchContext): EventTimeTotals {
    let stats = ctx.eventTimeStats.get(this.watermarkIndex);
    if (!stats) ctx.eventTimeStats.set(this.watermarkIndex, (stats = { max: -Infinity, min: Infinity, sum: 0, count: 0 }));
    return stats;
  }

  // Spark's EventTimeWatermarkExec statistics, over a watermark column other than the time column.
  private recordEventTime(ctx: BatchContext, col: ColumnVector, n: number): void {
    if (col.kind !== 'number') return;
    const { values, nulls } = col;
    const stats = this.eventTimeStats(ctx);
    for (let i = 0; i < n; i++) {
      if (nulls && nulls[i]) continue;
      const ms = values[i]!;
      if (ms > stats.max) stats.max = ms;
      if (ms < stats.min) stats.min = ms;
      stats.sum += ms;
      stats.count++;
    }
  }

  // Rows [from, to): their key numbers, then one update of the core's aggregation.
  private aggregate(aggregation: WindowAggregation, batch: ColumnarBatch, from: number, to: number, lateBefore: number, stats: EventTimeTotals | undefined): void {
    const { spec } = this;
    const time = batch.column(spec.timeColumn);
    if (time.kind !== 'number') return;
    const n = to - from;
    const columns = spec.aggregates.map((a) => (a.column === undefined ? undefined : batch.column(a.column)));
    const chunk = {
      n,
      times: time.values.subarray(from, to),
      timeNulls: time.nulls?.subarray(from, to),
      rowKeys: this.rowKeys(batch, from, to),
      values: columns.map((c) => (c?.kind === 'number' ? c.values.subarray(from, to) : undefined)),
      nulls: columns.map((c) => c && nullsOf(c, from, to)),
    };
    this.metrics.dropped += aggregation.update(chunk, spec.window, lateBefore, stats);
  }

  // Each row's key numbers (width - 1 per row): string ids, or null flag and value.
  private rowKeys(batch: ColumnarBatch, from: number, to: number): Float64Array {
    const kw = this.width - 1;
    if (this.rowKeysScratch.length < (to - from) * kw) this.rowKeysScratch = new Float64Array(CHUNK_ROWS * kw);
    const out = this.rowKeysScratch;
    let offset = 0;
    for (const key of this.spec.keys) {
      const col = batch.column(key.column);
      if (key.kind === 'string') this.stringIds(col, from, to, out, offset, kw);
      else numberSlots(col, from, to, out, offset, kw);
      offset += key.kind === 'string' ? 1 : 2;
    }
    return out;
  }

  private stringIds(col: ColumnVector, from: number, to: number, out: Float64Array, offset: number, stride: number): void {
    const dict = this.dictionary;
    if (col.kind === 'utf8') dict.idsOfCells(col.bytes, col.starts, col.ends, from, to, out, offset, stride);
    else if (col.kind === 'dictionary') {
      const global = col.dictionary.map((s) => dict.idOf(s));
      for (let r = from; r < to; r++) out[(r - from) * stride + offset] = col.ids[r]! < 0 ? -1 : global[col.ids[r]!]!;
    }
  }

  private output(ctx: BatchContext, table: CompositeKeyTable, touched: Int32Array): Row[] {
    const mode = ctx.outputMode;
    if (mode === 'complete') {
      const rows: Row[] = [];
      for (let id = 0; id < table.count; id++) if (table.isLive(id)) rows.push(this.toRow(table, id));
      return rows;
    }
    const rows = mode === 'update' ? Array.from(touched, (id) => this.toRow(table, id)) : [];
    const evicted = this.evict(table, ctx.watermarkMs);
    return mode === 'append' ? evicted : rows;
  }

  // Removes the groups whose window ended at or before the watermark; returns them as rows.
  private evict(table: CompositeKeyTable, watermarkMs: number): Row[] {
    const windowMs = this.spec.window.windowMs;
    if (!this.spec.watermarked || this.minStart + windowMs > watermarkMs) return [];
    const started = performance.now();
    const { ids, minStart } = this.aggregation!.evict(watermarkMs, windowMs);
    const out: Row[] = []; // (new Array(n) of over 100 000 would be a slow dictionary array)
    for (let i = 0; i < ids.length; i++) out.push(this.toRow(table, ids[i]!));
    if (this.store.durable) for (let i = 0; i < ids.length; i++) this.store.remove(this.keyString(table, ids[i]!));
    this.minStart = minStart;
    for (const start of this.windowValues.keys()) if (start + windowMs <= watermarkMs) this.windowValues.delete(start);
    this.lastWindow = undefined;
    this.lastWindowStart = NaN;
    if (table.count - table.live > Math.max(1024, table.live)) {
      this.aggregation!.compact();
    }
    this.metrics.removed += out.length;
    this.metrics.removeMs += performance.now() - started;
    return out;
  }

  // The grouping values of entry `id`, in grouping order (the window as { start, end }).
  private groupValues(table: CompositeKeyTable, id: number): Value[] {
    const { spec } = this;
    const start = table.key(id, 0);
    const values: Value[] = [];
    let slot = 1;
    for (const key of spec.keys) {
      if (key.kind === 'string') {
        const s = table.key(id, slot++);
        values.push(s < 0 ? null : this.dictionary.string(s));
      } else {
        const isNull = table.key(id, slot) === 1;
        values.push(isNull ? null : table.key(id, slot + 1));
        slot += 2;
      }
    }
    values.splice(spec.windowPosition, 0, { start: new Date(start), end: new Date(start + spec.window.windowMs) });
    return values;
  }

  private windowValue(start: number): { start: Date; end: Date } {
    if (start === this.lastWindowStart) return this.lastWindow!;
    let w = this.windowValues.get(start);
    if (!w) this.windowValues.set(start, (w = { start: new Date(start), end: new Date(start + this.spec.window.windowMs) }));
    this.lastWindow = w;
    this.lastWindowStart = start;
    return w;
  }

  // An output row: the groupings in order (read straight from the key, no intermediate array),
  // then the aggregates.
  private toRow(table: CompositeKeyTable, id: number): Row {
    const { spec, groupNames, rowValues: values } = this;
    let slot = 1;
    for (let i = 0, k = 0; i < groupNames.length; i++) {
      if (i === spec.windowPosition) {
        values[i] = this.windowValue(table.key(id, 0));
      } else if (spec.keys[k++]!.kind === 'string') {
        const s = table.key(id, slot++);
        values[i] = s < 0 ? null : this.dictionary.string(s);
      } else {
        values[i] = table.key(id, slot) === 1 ? null : table.key(id, slot + 1);
        slot += 2;
      }
    }
    for (let k = 0; k < spec.aggregates.length; k++) values[groupNames.length + k] = this.state.result(k, id);
    return this.makeRow(values);
  }

  // The row path's state key of entry `id` (keyString of its grouping values).
  private keyString(table: CompositeKeyTable, id: number): string {
    const start = table.key(id, 0);
    let key = '';
    for (const [i, v] of this.groupValues(table, id).entries()) key += i === this.spec.windowPosition ? windowKey(start, start + this.spec.window.windowMs) : token(v);
    return key;
  }

  private groupEntry(table: CompositeKeyTable, id: number): Value {
    return [this.groupValues(table, id), this.spec.aggregates.map((_, k) => this.state.buffer(k, id))] as Value;
  }

  // Rebuilds the table from the state store (loaded at a restart), in the store's order.
  private restore(table: CompositeKeyTable): void {
    this.restoreFromStore = false;
    const { spec } = this;
    const key = new Float64Array(this.width);
    const id = new Int32Array(1);
    for (const [, entry] of this.store.entries()) {
      const [values, buffers] = entry as [Value[], AggBuffer[]];
      const window = values[spec.windowPosition] as { start: Date };
      key[0] = window.start.getTime();
      let slot = 1;
      const rest = values.filter((_, i) => i !== spec.windowPosition);
      spec.keys.forEach((k, i) => {
        const v = rest[i] ?? null;
        if (k.kind === 'string') key[slot++] = v === null ? -1 : this.dictionary.idOf(v as string);
        else {
          key[slot++] = v === null ? 1 : 0;
          key[slot++] = v === null ? 0 : normalize(v as number);
        }
      });
      table.upsert(key, 1, id);
      this.aggregation!.ensure();
      buffers.forEach((b, k) => this.state.setBuffer(k, id[0]!, b));
      if (key[0]! < this.minStart) this.minStart = key[0]!;
    }
  }
}

// A number as a key: -0 and 0 are one key, and every NaN is one key (as the row path's tokens).
function normalize(v: number): number {
  return v === 0 ? 0 : Number.isNaN(v) ? NaN : v;
}

function numberSlots(col: ColumnVector, from: number, to: number, out: Float64Array, offset: number, stride: number): void {
  if (col.kind !== 'number') return;
  const { values, nulls } = col;
  for (let r = from; r < to; r++) {
    const at = (r - from) * stride + offset;
    const isNull = nulls !== undefined && nulls[r] === 1;
    out[at] = isNull ? 1 : 0;
    out[at + 1] = isNull ? 0 : normalize(values[r]!);
  }
}

// The null flags of rows [from, to) of an aggregate's input column (undefined: none is null).
function nullsOf(col: ColumnVector, from: number, to: number): Uint8Array | undefined {
  if (col.kind === 'number') return col.nulls?.subarray(from, to);
  const flags = new Uint8Array(to - from);
  for (let r = from; r < to; r++) flags[r - from] = (col.kind === 'utf8' ? col.starts[r]! < 0 : col.ids[r]! < 0) ? 1 : 0;
  return flags;
}

// The fields of a CSV line as the core's CSV reader takes them: the time column, the key columns'
// slots; undefined when a key column is there twice.
function csvInput(text: CsvText, timeColumn: string, keyColumns: readonly string[]): CsvRowsInput | undefined {
  if (new Set(keyColumns).size !== keyColumns.length) return undefined;
  const fields = text.fieldNames.map((name) => (name === timeColumn ? ('time' as const) : keyColumns.includes(name) ? keyColumns.indexOf(name) : undefined));
  return { read: text.read, sep: text.sep, header: text.header, fields };
}
