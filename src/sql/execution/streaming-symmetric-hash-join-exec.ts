// A join of two streams (Spark's StreamingSymmetricHashJoinExec), on equal columns. Each side's
// rows are kept in state by join key: a new left row joins the right side's state, then goes into
// the left state; the batch's right rows then join the left state (with this batch's left rows
// in it), so every pair is output once. When a join key carries a watermark (an event-time column
// or a window over one), rows whose key is at or behind the watermark are evicted, and an outer
// join outputs its unmatched rows with nulls then; a side's rows behind the watermark are dropped
// as late. Without such a key an inner join's state grows with its input, as in Spark.
import { Batch } from '../../batch/batch.js';
import type { Join } from '../logical-plan.js';
import type { Row, Value } from '../schema.js';
import type { StateStore } from '../state/state-store.js';
import { keyString } from '../state/value-codec.js';
import { StateStoreOperator } from './state-store-operator.js';
import { eventTimeOf } from './state-store-save-exec.js';
import type { BatchContext, PhysicalOperator } from './spark-plan.js';

/** What the join needs to know of its logical node. */
export interface JoinSpec {
  readonly on: readonly string[];
  readonly joinType: 'inner' | 'left_outer' | 'right_outer';
  /** The left side's columns (join keys among them), and the right side's that are not join keys, in order. */
  readonly leftColumns: readonly string[];
  readonly rightColumns: readonly string[];
  /** Each side's watermarked column, for dropping late rows. */
  readonly leftEventTime: string | undefined;
  readonly rightEventTime: string | undefined;
  /** A join key that carries a watermark: state is evicted by it. */
  readonly stateKey: string | undefined;
}

/** The spec of a stream-stream `join`. */
export function joinSpec(j: Join): JoinSpec {
  return {
    on: j.on,
    joinType: j.joinType,
    leftColumns: j.left.schema?.fieldNames ?? [],
    rightColumns: (j.right.schema?.fieldNames ?? []).filter((c) => !j.on.includes(c)),
    leftEventTime: [...j.left.eventTimeColumns.keys()][0],
    rightEventTime: [...j.right.eventTimeColumns.keys()][0],
    stateKey: j.on.find((k) => j.left.eventTimeColumns.has(k) || j.right.eventTimeColumns.has(k)),
  };
}

type Side = 'L' | 'R';
/** A kept row and whether it has matched a row of the other side. */
type Kept = [row: Row, matched: boolean];

/** The stream-stream join operator. */
export class StreamingSymmetricHashJoinExec extends StateStoreOperator {
  readonly children: readonly PhysicalOperator[];

  constructor(
    readonly left: PhysicalOperator,
    readonly right: PhysicalOperator,
    private readonly spec: JoinSpec,
    store: StateStore,
  ) {
    super(store, 'symmetricHashJoin');
    this.children = [left, right];
  }

  shouldRunAnotherBatch(watermarkMs: number): boolean {
    return this.spec.stateKey !== undefined && watermarkMs > this.lastWatermarkMs;
  }

  async execute(ctx: BatchContext): Promise<Batch<Row>> {
    this.lastWatermarkMs = ctx.watermarkMs;
    const [leftRows, rightRows] = await Promise.all([this.left.execute(ctx), this.right.execute(ctx)]);
    const out: Row[] = [];
    this.storeAndJoin('L', leftRows.collect(), ctx.watermarkMs, out);
    this.storeAndJoin('R', rightRows.collect(), ctx.watermarkMs, out);
    if (this.spec.stateKey !== undefined) this.evict(ctx.watermarkMs, out);
    return Batch.of(out, 1);
  }

  private storeAndJoin(side: Side, rows: readonly Row[], watermarkMs: number, out: Row[]): void {
    const { on, stateKey } = this.spec;
    const eventTime = side === 'L' ? this.spec.leftEventTime : this.spec.rightEventTime;
    const other: Side = side === 'L' ? 'R' : 'L';
    for (const row of rows) {
      if (eventTime !== undefined && isBehind(row[eventTime] ?? null, watermarkMs)) {
        this.metrics.dropped++;
        continue;
      }
      const keyValues = on.map((k) => row[k] ?? null);
      // Null keys never match (SQL equality); an inner join can forget them, an outer one still outputs them.
      const key = keyValues.some((v) => v === null) ? undefined : keyString(keyValues);
      let matched = false;
      if (key !== undefined) {
        const others = this.store.get(other + key) as Kept[] | undefined;
        if (others) {
          this.store.put(other + key, others.map(([r]) => [r, true]) as unknown as Value);
          for (const [r] of others) out.push(side === 'L' ? this.joined(row, r) : this.joined(r, row));
          matched = true;
        }
      }
      if (stateKey !== undefined && isBehind(row[stateKey] ?? null, watermarkMs)) {
        if (!matched && this.outputsUnmatched(side)) out.push(this.withNulls(side, row));
        continue;
      }
      if (key === undefined) {
        if (this.outputsUnmatched(side)) out.push(this.withNulls(side, row));
        continue;
      }
      const mine = (this.store.get(side + key) as Kept[] | undefined) ?? [];
      this.store.put(side + key, [...mine, [row, matched]] as unknown as Value);
      this.metrics.updated++;
    }
  }

  // Rows whose key is at or behind the watermark can no longer match: they go, and an outer join
  // outputs its side's unmatched ones with nulls.
  private evict(watermarkMs: number, out: Row[]): void {
    const stateKey = this.spec.stateKey!;
    for (const [key, value] of [...this.store.entries()]) {
      const kept = value as unknown as Kept[];
      if (!isBehind(kept[0]![0][stateKey] ?? null, watermarkMs)) continue;
      const side = key[0] as Side;
      if (this.outputsUnmatched(side)) for (const [row, matched] of kept) if (!matched) out.push(this.withNulls(side, row));
      this.store.remove(key);
      this.metrics.removed += kept.length;
    }
  }

  private outputsUnmatched(side: Side): boolean {
    return this.spec.joinType === (side === 'L' ? 'left_outer' : 'right_outer');
  }

  // The join's schema: the left's columns (its keys from the right for a right outer join, which
  // has a right row for every output), then the right's other columns.
  private joined(l: Row, r: Row): Row {
    const keysFrom = this.spec.joinType === 'right_outer' ? r : l;
    const row: Record<string, Value> = {};
    for (const c of this.spec.leftColumns) row[c] = (this.spec.on.includes(c) ? keysFrom[c] : l[c]) ?? null;
    for (const c of this.spec.rightColumns) row[c] = r[c] ?? null;
    return row;
  }

  private withNulls(side: Side, row: Row): Row {
    const out: Record<string, Value> = {};
    for (const c of this.spec.leftColumns) out[c] = side === 'L' || this.spec.on.includes(c) ? (row[c] ?? null) : null;
    for (const c of this.spec.rightColumns) out[c] = side === 'R' ? (row[c] ?? null) : null;
    return out;
  }
}

/** True when `v` (a timestamp, or a window by its end) is at or behind the watermark. */
function isBehind(v: Value, watermarkMs: number): boolean {
  const t = eventTimeOf(v);
  return t !== undefined && t <= watermarkMs;
}
