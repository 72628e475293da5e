// Aggregation over session windows (Spark's SessionWindowStateStoreSaveExec with
// MergingSessionsExec): per key of the other grouping columns, the state holds that key's open
// sessions; a batch's rows open [t, t + gap) sessions that merge with any they touch. The output
// mode decides what is written, as for fixed windows; a session is final once the watermark
// passes its end.
import { Batch } from '../../batch/batch.js';
import type { AggregateFunction, AggBuffer } from '../expressions/aggregates.js';
import { stripAlias, type Expression } from '../expressions/expression.js';
import type { SessionWindow } from '../expressions/session-window.js';
import type { Row, Value } from '../schema.js';
import type { StateStore } from '../state/state-store.js';
import { StateStoreOperator } from './state-store-operator.js';
import { keyString } from '../state/value-codec.js';
import { type BatchContext, type PhysicalOperator } from './spark-plan.js';

type Session = [startMs: number, endMs: number, buffers: AggBuffer[]];
type SessionEntry = [otherValues: Value[], sessions: Session[]];

/** The session-window aggregation operator. */
export class SessionWindowAggregateExec extends StateStoreOperator {
  readonly children: readonly PhysicalOperator[];
  private readonly functions: AggregateFunction[];
  private readonly session: SessionWindow;

  constructor(
    readonly child: PhysicalOperator,
    private readonly groupings: readonly Expression[],
    private readonly aggregates: readonly Expression[],
    /** Position of the session_window among the grouping columns. */
    private readonly sessionIndex: number,
    /** True when the session's time column carries a watermark. */
    private readonly watermarked: boolean,
    store: StateStore,
  ) {
    super(store, 'sessionWindowStateStoreSaveExec');
    this.children = [child];
    this.functions = aggregates.map((a) => stripAlias(a) as AggregateFunction);
    this.session = stripAlias(groupings[sessionIndex]!) as SessionWindow;
  }

  shouldRunAnotherBatch(watermarkMs: number): boolean {
    return this.watermarked && watermarkMs > this.lastWatermarkMs;
  }

  async execute(ctx: BatchContext): Promise<Batch<Row>> {
    this.lastWatermarkMs = ctx.watermarkMs;
    const fresh = new Map<string, SessionEntry>();
    for (const row of (await this.child.execute(ctx)).collect()) {
      const t = this.session.timeColumn.eval(row);
      if (!(t instanceof Date)) continue;
      const start = t.getTime();
      const end = start + this.session.gapMs;
      if (this.watermarked && end <= ctx.lateEventsWatermarkMs) {
        this.metrics.dropped++;
        continue;
      }
      const others = this.groupings.filter((_, i) => i !== this.sessionIndex).map((g) => g.eval(row));
      const key = keyString(others);
      const entry = fresh.get(key) ?? [others, []];
      entry[1].push([start, end, this.functions.map((f) => f.update(f.zero(), row))]);
      fresh.set(key, entry);
    }
    const changed: [Value[], Session][] = [];
    for (const [key, [others, sessions]] of fresh) {
      const old = (this.store.get(key) as SessionEntry | undefined)?.[1] ?? [];
      const merged = this.merge([...old, ...sessions]);
      this.store.put(key, [others, merged]);
      for (const s of merged) if (!old.some((o) => o[0] === s[0] && o[1] === s[1] && JSON.stringify(o[2]) === JSON.stringify(s[2]))) changed.push([others, s]);
    }
    this.metrics.updated += changed.length;
    const evicted = this.evict(ctx.watermarkMs);
    if (ctx.outputMode === 'append') return Batch.of(evicted.map((e) => this.toRow(...e)), 1);
    if (ctx.outputMode === 'update') return Batch.of(changed.map((e) => this.toRow(...e)), 1);
    const all = [...this.store.entries()].flatMap(([, e]) => (e as SessionEntry)[1].map((s) => this.toRow((e as SessionEntry)[0], s)));
    return Batch.of(all, 1);
  }

  // Sorted by start; a session that starts at or before the current one's end joins it.
  private merge(sessions: Session[]): Session[] {
    sessions.sort((a, b) => a[0] - b[0]);
    const out: Session[] = [];
    for (const s of sessions) {
      const last = out[out.length - 1];
      if (last && s[0] <= last[1]) {
        out[out.length - 1] = [last[0], Math.max(last[1], s[1]), last[2].map((b, i) => this.functions[i]!.merge(b, s[2][i]!))];
      } else {
        out.push(s);
      }
    }
    return out;
  }

  private evict(watermarkMs: number): [Value[], Session][] {
    if (!this.watermarked) return [];
    const out: [Value[], Session][] = [];
    for (const [key, e] of [...this.store.entries()]) {
      const [others, sessions] = e as SessionEntry;
      const keep = sessions.filter((s) => s[1] > watermarkMs);
      for (const s of sessions) if (s[1] <= watermarkMs) out.push([others, s]);
      if (keep.length === sessions.length) continue;
      if (keep.length === 0) this.store.remove(key);
      else this.store.put(key, [others, keep]);
    }
    this.metrics.removed += out.length;
    return out;
  }

  private toRow(others: Value[], [start, end, buffers]: Session): Row {
    const row: Record<string, Value> = {};
    let j = 0;
    this.groupings.forEach((g, i) => (row[g.name] = i === this.sessionIndex ? { start: new Date(start), end: new Date(end) } : others[j++]!));
    this.aggregates.forEach((a, i) => (row[a.name] = this.functions[i]!.result(buffers[i]!)));
    return row;
  }
}
