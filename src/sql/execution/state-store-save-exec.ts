// Streaming aggregation (Spark's StateStoreRestoreExec + StateStoreSaveExec): partial aggregates
// of the batch are merged into the state store, keyed by the grouping values (window start and
// end among them), and the output mode decides what is written:
//   complete: every group;  update: the groups this batch changed;
//   append:   only groups the watermark has passed (window end <= watermark), once, as they leave.
// With a watermark (append and update), rows whose window already ended are dropped
// (numRowsDroppedByWatermark) and groups behind it are evicted.
import { Batch } from '../../batch/batch.js';
import type { AggregateFunction, AggBuffer } from '../expressions/aggregates.js';
import { stripAlias, type Expression } from '../expressions/expression.js';
import type { Row, Value } from '../schema.js';
import type { StateStore } from '../state/state-store.js';
import { StateStoreOperator } from './state-store-operator.js';
import { token, windowKey } from '../state/value-codec.js';
import { eventTimeMs, TimeWindow, windowStartsInto } from '../expressions/time-window.js';
import { type BatchContext, type PhysicalOperator } from './spark-plan.js';

/** A group in the state store: its grouping values and one buffer per aggregate. */
type GroupEntry = [groupValues: Value[], buffers: AggBuffer[]];

/** The event time of a grouping value carrying the watermark: a window's end, or the timestamp. */
export function eventTimeOf(v: Value): number | undefined {
  if (v instanceof Date) return v.getTime();
  if (v !== null && typeof v === 'object' && !Array.isArray(v) && (v as Row).end instanceof Date) return ((v as Row).end as Date).getTime();
  return undefined;
}

/** The streaming aggregation operator. */
export class StateStoreSaveExec extends StateStoreOperator {
  readonly children: readonly PhysicalOperator[];
  private readonly functions: AggregateFunction[];
  /** The grouping expressions that are event-time windows (by position). */
  private readonly windows: (TimeWindow | undefined)[];
  private complete = false;

  constructor(
    readonly child: PhysicalOperator,
    private readonly groupings: readonly Expression[],
    private readonly aggregates: readonly Expression[],
    /** Index of the grouping key that carries the watermark, -1 for none. */
    private readonly watermarkKey: number,
    store: StateStore,
  ) {
    super(store, 'stateStoreSave');
    this.children = [child];
    this.functions = aggregates.map((a) => stripAlias(a) as AggregateFunction);
    this.windows = groupings.map((g) => {
      const inner = stripAlias(g);
      return inner instanceof TimeWindow ? inner : undefined;
    });
  }

  shouldRunAnotherBatch(watermarkMs: number): boolean {
    return this.watermarkKey >= 0 && !this.complete && watermarkMs > this.lastWatermarkMs;
  }

  async execute(ctx: BatchContext): Promise<Batch<Row>> {
    this.lastWatermarkMs = ctx.watermarkMs;
    this.complete = ctx.outputMode === 'complete';
    this.numPartitions = ctx.numPartitions;
    const input = await this.child.execute(ctx);
    const started = performance.now();
    // Complete mode keeps every group, so a late row still has its group to go to (Spark filters in append and update only).
    const lateBefore = ctx.outputMode === 'complete' ? -Infinity : ctx.lateEventsWatermarkMs;
    const partials = this.partialAggregate(input, lateBefore);
    const updated: string[] = [];
    for (const [key, [values, buffers]] of partials) {
      const old = this.store.get(key) as GroupEntry | undefined;
      const merged = old ? old[1].map((b, i) => this.functions[i]!.merge(b, buffers[i]!)) : buffers;
      this.store.put(key, [values, merged]);
      updated.push(key);
    }
    this.metrics.updated += updated.length;
    this.metrics.updateMs += performance.now() - started;
    return Batch.of(this.output(ctx, updated), 1);
  }

  // The batch's groups and their partial buffers (Spark's partial aggregation before the state
  // store). A sliding window puts a row in several groups. Late rows (their window ended at or
  // before the watermark) are dropped and counted. Windows stay numbers until a group is new, and
  // keys are built as strings without an array per combination: this loop is the hot path.
  private partialAggregate(input: Batch<Row>, watermarkMs: number): Map<string, GroupEntry> {
    const partials = new Map<string, GroupEntry>();
    const { groupings, functions: fs, watermarkKey, windows } = this;
    const values: Value[] = new Array(groupings.length);
    const starts: number[][] = groupings.map(() => []);
    const counts: number[] = new Array(groupings.length).fill(1);
    for (const part of input.partitions) {
      for (const row of part) {
        let combinations = 1;
        for (let g = 0; g < groupings.length; g++) {
          const w = windows[g];
          if (w) {
            const t = eventTimeMs(w.timeColumn.eval(row));
            counts[g] = t === undefined ? 0 : windowStartsInto(t, w.windowMs, w.slideMs, w.startMs, starts[g]!);
            combinations *= counts[g]!;
          } else {
            values[g] = groupings[g]!.eval(row);
          }
        }
        for (let c = 0; c < combinations; c++) {
          let key = '';
          let rest = c;
          let late = false;
          for (let g = 0; g < groupings.length; g++) {
            const w = windows[g];
            if (!w) {
              const v = values[g]!;
              if (g === watermarkKey && (eventTimeOf(v) ?? Infinity) <= watermarkMs) late = true;
              key += token(v);
              continue;
            }
            const start = starts[g]![rest % counts[g]!]!;
            rest = Math.floor(rest / counts[g]!);
            if (g === watermarkKey && start + w.windowMs <= watermarkMs) late = true;
            key += windowKey(start, start + w.windowMs);
          }
          if (late) {
            this.metrics.dropped++;
            continue;
          }
          let entry = partials.get(key);
          if (!entry) {
            entry = [this.valuesOf(values, starts, counts, c), fs.map((f) => f.zero())];
            partials.set(key, entry);
          }
          const buffers = entry[1];
          for (let i = 0; i < fs.length; i++) buffers[i] = fs[i]!.update(buffers[i]!, row);
        }
      }
    }
    return partials;
  }

  // The grouping values of combination `c`, windows as { start, end } Dates.
  private valuesOf(values: readonly Value[], starts: readonly number[][], counts: readonly number[], c: number): Value[] {
    let rest = c;
    return this.groupings.map((_, g) => {
      const w = this.windows[g];
      if (!w) return values[g]!;
      const start = starts[g]![rest % counts[g]!]!;
      rest = Math.floor(rest / counts[g]!);
      return { start: new Date(start), end: new Date(start + w.windowMs) };
    });
  }

  private output(ctx: BatchContext, updated: string[]): Row[] {
    const mode = ctx.outputMode;
    if (mode === 'complete') return [...this.store.entries()].map(([, e]) => this.toRow(e as GroupEntry));
    const rows = mode === 'update' ? updated.map((k) => this.toRow(this.store.get(k) as GroupEntry)) : [];
    const evicted = this.evict(ctx.watermarkMs);
    return mode === 'append' ? evicted.map((e) => this.toRow(e)) : rows;
  }

  // Removes the groups the watermark has passed (none without a watermark key).
  private evict(watermarkMs: number): GroupEntry[] {
    if (this.watermarkKey < 0) return [];
    const started = performance.now();
    const out: GroupEntry[] = [];
    for (const [key, entry] of this.store.entries()) {
      const t = eventTimeOf((entry as GroupEntry)[0][this.watermarkKey]!);
      if (t !== undefined && t <= watermarkMs) {
        out.push(entry as GroupEntry);
        this.store.remove(key);
      }
    }
    this.metrics.removed += out.length;
    this.metrics.removeMs += performance.now() - started;
    return out;
  }

  private toRow([values, buffers]: GroupEntry): Row {
    const row: Record<string, Value> = {};
    this.groupings.forEach((g, i) => (row[g.name] = values[i]!));
    this.aggregates.forEach((a, i) => (row[a.name] = this.functions[i]!.result(buffers[i]!)));
    return row;
  }
}
