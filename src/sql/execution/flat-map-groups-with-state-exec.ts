// [flat]mapGroupsWithState (Spark's FlatMapGroupsWithStateExec): the user function runs once per
// key with the batch's rows for it and its GroupState; then, for keys whose timeout has passed
// (processing time: the batch time; event time: the watermark), once more with no rows and
// `hasTimedOut`. A timeout lasts for one call: the function sets it again each time, as in Spark.
import { Batch } from '../../batch/batch.js';
import type { Row } from '../schema.js';
import { GroupState, NO_TIMESTAMP, type GroupStateTimeout } from '../state/group-state.js';
import type { StateStore } from '../state/state-store.js';
import { StateStoreOperator } from './state-store-operator.js';
import { decodeJson, encodeJson } from '../state/value-codec.js';
import { eventTimeOf } from './state-store-save-exec.js';
import { type BatchContext, type PhysicalOperator } from './spark-plan.js';

/** A key's stored state: the user's value (as JSON text) and its timeout, or -1. */
type StoredState = [stateJson: string, timeoutTimestamp: number];

/** The user function of flatMapGroupsWithState. */
export type GroupFunction = (key: Row, rows: Row[], state: GroupState<unknown>) => Iterable<Row>;

/** The mapGroupsWithState / flatMapGroupsWithState operator. */
export class FlatMapGroupsWithStateExec extends StateStoreOperator {
  readonly children: readonly PhysicalOperator[];

  constructor(
    readonly child: PhysicalOperator,
    private readonly key: (row: Row) => Row,
    private readonly f: GroupFunction,
    private readonly timeout: GroupStateTimeout,
    /** The input column that carries the watermark: rows behind it are dropped. */
    private readonly eventTimeColumn: string | undefined,
    store: StateStore,
  ) {
    super(store, 'flatMapGroupsWithState');
    this.children = [child];
  }

  shouldRunAnotherBatch(watermarkMs: number): boolean {
    if (this.timeout === 'ProcessingTimeTimeout') return true;
    return this.timeout === 'EventTimeTimeout' && watermarkMs > this.lastWatermarkMs;
  }

  async execute(ctx: BatchContext): Promise<Batch<Row>> {
    this.lastWatermarkMs = ctx.watermarkMs;
    const groups = new Map<string, [Row, Row[]]>();
    for (const row of (await this.child.execute(ctx)).collect()) {
      if (this.isLate(row, ctx.lateEventsWatermarkMs)) {
        this.metrics.dropped++;
        continue;
      }
      const key = this.key(row);
      const k = encodeJson(key);
      const group = groups.get(k);
      if (group) group[1].push(row);
      else groups.set(k, [key, [row]]);
    }
    const out: Row[] = [];
    for (const [k, [key, rows]] of groups) out.push(...this.call(ctx, k, key, rows, false));
    const threshold = this.timeout === 'ProcessingTimeTimeout' ? ctx.batchTimestampMs : this.timeout === 'EventTimeTimeout' ? ctx.watermarkMs : undefined;
    if (threshold !== undefined) {
      for (const [k, stored] of [...this.store.entries()]) {
        const [, timeoutAt] = stored as StoredState;
        if (groups.has(k) || timeoutAt === NO_TIMESTAMP || timeoutAt >= threshold) continue;
        out.push(...this.call(ctx, k, decodeJson(k) as Row, [], true));
      }
    }
    return Batch.of(out, 1);
  }

  private isLate(row: Row, watermarkMs: number): boolean {
    if (this.eventTimeColumn === undefined) return false;
    const t = eventTimeOf(row[this.eventTimeColumn] ?? null);
    return t !== undefined && t <= watermarkMs;
  }

  private call(ctx: BatchContext, k: string, key: Row, rows: Row[], timedOut: boolean): Row[] {
    const stored = this.store.get(k) as StoredState | undefined;
    const initial = stored === undefined ? undefined : decodeJson(stored[0]);
    const state = new GroupState<unknown>(initial, this.timeout, ctx.batchTimestampMs, ctx.watermarkMs, timedOut);
    const out = [...this.f(key, rows, state)];
    const { removed, updated, value, timeoutTimestamp } = state.outcome();
    if (removed || value === undefined) {
      if (stored !== undefined) {
        this.store.remove(k);
        this.metrics.removed++;
      }
    } else if (updated || stored === undefined || stored[1] !== timeoutTimestamp) {
      this.store.put(k, [encodeJson(value), timeoutTimestamp]);
      this.metrics.updated++;
    }
    return out;
  }
}
