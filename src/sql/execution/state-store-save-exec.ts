// Streaming aggregation (Spark's StateStoreRestoreExec + StateStoreSaveExec): partial aggregates
// of the batch are merged into the state store, keyed by the grouping values (window start and
// end among them), and the output mode decides what is written:
//   complete: every group;  update: the groups this batch changed;
//   append:   only groups the watermark has passed (window end <= watermark), once, as they leave.
// With a watermark (append and update), rows whose window already ended are dropped
// (numRowsDroppedByWatermark) and groups behind it are evicted.
import { Batch } from '../../batch/batch.js';
import type { Combiner } from '../../batch/shuffle.js';
import type { AggregateFunction, AggBuffer } from '../expressions/aggregates.js';
import { stripAlias, type Expression } from '../expressions/expression.js';
import type { Row, Value } from '../schema.js';
import { StateStore } from '../state/state-store.js';
import { keyString } from '../state/value-codec.js';
import { StateMetrics, type BatchContext, type PhysicalOperator, type StatefulOperator, type StateOperatorProgress } from './spark-plan.js';

/** A group in the state store: its grouping values and one buffer per aggregate. */
type GroupEntry = [groupValues: Value[], buffers: AggBuffer[]];
/** A row with the grouping values it falls under. */
type GroupedRow = [groupValues: Value[], row: Row];

/** The event time of a grouping value carrying the watermark: a window's end, or the timestamp. */
export function eventTimeOf(v: Value): number | undefined {
  if (v instanceof Date) return v.getTime();
  if (v !== null && typeof v === 'object' && !Array.isArray(v) && (v as Row).end instanceof Date) return ((v as Row).end as Date).getTime();
  return undefined;
}

/** The streaming aggregation operator. */
export class StateStoreSaveExec implements StatefulOperator {
  readonly children: readonly PhysicalOperator[];
  private readonly functions: AggregateFunction[];
  private readonly metrics = new StateMetrics();
  private lastWatermarkMs = 0;
  private numPartitions = 1;
  private complete = false;

  constructor(
    readonly child: PhysicalOperator,
    private readonly groupings: readonly Expression[],
    private readonly aggregates: readonly Expression[],
    /** Index of the grouping key that carries the watermark, -1 for none. */
    private readonly watermarkKey: number,
    private readonly store: StateStore,
  ) {
    this.children = [child];
    this.functions = aggregates.map((a) => stripAlias(a) as AggregateFunction);
  }

  loadState(version: number): void {
    this.store.load(version);
  }

  async commitState(version: number): Promise<void> {
    const t = performance.now();
    await this.store.commit(version);
    this.metrics.commitMs += performance.now() - t;
  }

  progress(): StateOperatorProgress {
    return this.metrics.report('stateStoreSave', this.store.size, this.store.estimateBytes(), this.numPartitions);
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
    const lateBefore = ctx.outputMode === 'complete' ? -Infinity : ctx.watermarkMs;
    const keyed = input.flatMap((row) => this.groupsOf(row, lateBefore));
    const partials = await ctx.core.combineByKey(keyed, this.combiner(), ctx.numPartitions);
    const updated: string[] = [];
    for (const [key, [values, buffers]] of partials.collect()) {
      const old = this.store.get(key) as GroupEntry | undefined;
      const merged = old ? old[1].map((b, i) => this.functions[i]!.merge(b, buffers[i]!)) : buffers;
      this.store.put(key, [values, merged]);
      updated.push(key);
    }
    this.metrics.updated += updated.length;
    this.metrics.updateMs += performance.now() - started;
    return Batch.of(this.output(ctx, updated), 1);
  }

  // Each (group, row) pair of the row: a sliding window puts a row in several groups. Late rows
  // (their window ended at or before the watermark) are dropped and counted.
  private groupsOf(row: Row, watermarkMs: number): [string, GroupedRow][] {
    let combos: Value[][] = [[]];
    for (const g of this.groupings) {
      const v = g.eval(row);
      const options = g.multiValued ? (v as Value[]) : [v];
      combos = combos.flatMap((c) => options.map((o) => [...c, o]));
    }
    if (this.watermarkKey >= 0) {
      const before = combos.length;
      combos = combos.filter((c) => (eventTimeOf(c[this.watermarkKey]!) ?? Infinity) > watermarkMs);
      this.metrics.dropped += before - combos.length;
    }
    return combos.map((c) => [keyString(c), [c, row]]);
  }

  private combiner(): Combiner<GroupedRow, GroupEntry> {
    const fs = this.functions;
    return {
      createCombiner: ([values, row]) => [values, fs.map((f) => f.update(f.zero(), row))],
      mergeValue: (c, [, row]) => [c[0], c[1].map((b, i) => fs[i]!.update(b, row))],
      mergeCombiners: (a, b) => [a[0], a[1].map((x, i) => fs[i]!.merge(x, b[1][i]!))],
    };
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
    for (const [key, entry] of [...this.store.entries()]) {
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
