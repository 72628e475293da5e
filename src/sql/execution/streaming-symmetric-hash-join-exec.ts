// A join of two streams (Spark's StreamingSymmetricHashJoinExec), on equal keys (using columns, or
// a condition's equalities) and the rest of the condition. Each side's rows are kept in state by
// key: a new left row joins the right side's state, then goes into the left state; the batch's
// right rows then join the left state (with this batch's left rows in it), so every pair is output
// once. A kept row goes once no row to come can match it: when a key carries a watermark (an
// event-time column or a window over one) and the watermark passes it, or when a time-range
// condition (`rightTime <= leftTime + interval 1 hour`) puts it behind the other side's watermark.
// An outer join outputs its unmatched rows with nulls then; a side's rows behind the watermark are
// dropped as late. Without either, state grows with the input, as in Spark. A left semi join
// outputs a left row once, at its first match, and does not keep a left row that matched on arrival.
import { Batch } from '../../batch/batch.js';
import { pastBound, type TimeBound } from '../join-condition.js';
import { outputsUnmatched } from '../join-type.js';
import type { Join } from '../logical-plan.js';
import type { Row, Value } from '../schema.js';
import type { StateStore } from '../state/state-store.js';
import { joinColumns, joinedRow, joinKey, meetsResidual, nullPaddedRow, type JoinColumns } from './join-rows.js';
import { StateStoreOperator } from './state-store-operator.js';
import { eventTimeOf } from './state-store-save-exec.js';
import type { BatchContext, PhysicalOperator, StateOperatorProgress } from './spark-plan.js';

type Side = 'L' | 'R';

/** How long one side's kept rows can still match. */
interface SideSpec {
  /** The watermarked column, for dropping late rows. */
  readonly eventTime: string | undefined;
  /** A key column that carries a watermark: a row goes when the watermark passes it. */
  readonly stateKey: string | undefined;
  /** Time-range bounds of the condition: a row goes once it is past one. */
  readonly bounds: readonly TimeBound[];
}

/** What the join needs to know of its logical node. */
export interface JoinSpec extends JoinColumns {
  readonly left: SideSpec;
  readonly right: SideSpec;
}

/** The spec of a stream-stream `join`. */
export function joinSpec(j: Join): JoinSpec {
  const keyIndex = j.leftKeys.findIndex((k, i) => j.left.eventTimeColumns.has(k) || j.right.eventTimeColumns.has(j.rightKeys[i]!));
  const side = (plan: Join['left'], keys: readonly string[], bounds: readonly TimeBound[] | undefined): SideSpec => ({
    eventTime: [...plan.eventTimeColumns.keys()][0],
    stateKey: keyIndex < 0 ? undefined : keys[keyIndex],
    bounds: bounds ?? [],
  });
  return { ...joinColumns(j), left: side(j.left, j.leftKeys, j.split?.leftBounds), right: side(j.right, j.rightKeys, j.split?.rightBounds) };
}

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

  // A join key keeps a list of rows; Spark counts rows, not keys, in numRowsTotal.
  override progress(): StateOperatorProgress {
    let rows = 0;
    for (const [, kept] of this.store.entries()) rows += (kept as unknown as Kept[]).length;
    return { ...super.progress(), numRowsTotal: rows };
  }

  shouldRunAnotherBatch(watermarkMs: number): boolean {
    return this.evicts() && watermarkMs > this.lastWatermarkMs;
  }

  async execute(ctx: BatchContext): Promise<Batch<Row>> {
    this.lastWatermarkMs = ctx.watermarkMs;
    const [leftRows, rightRows] = await Promise.all([this.left.execute(ctx), this.right.execute(ctx)]);
    const out: Row[] = [];
    this.storeAndJoin('L', leftRows.collect(), ctx, out);
    this.storeAndJoin('R', rightRows.collect(), ctx, out);
    if (this.evicts()) this.evict(ctx.watermarkMs, out);
    return Batch.of(out, 1);
  }

  private evicts(): boolean {
    const can = (s: SideSpec) => s.stateKey !== undefined || s.bounds.length > 0;
    return can(this.spec.left) || can(this.spec.right);
  }

  private storeAndJoin(side: Side, rows: readonly Row[], ctx: BatchContext, out: Row[]): void {
    const { eventTime } = this.sideSpec(side);
    for (const row of rows) {
      if (eventTime !== undefined && isBehind(row[eventTime] ?? null, ctx.lateEventsWatermarkMs)) {
        this.metrics.dropped++;
        continue;
      }
      // Null keys never match (SQL equality); an inner join can forget them, an outer one still outputs them.
      const key = joinKey(this.spec, side, row);
      const matched = key !== undefined && this.joinOther(side, key, row, out);
      if (key === undefined || this.canGo(side, row, ctx.watermarkMs)) {
        if (!matched && outputsUnmatched(this.spec.joinType, side)) out.push(nullPaddedRow(this.spec, side, row));
        continue;
      }
      // A left semi join has output a left row that matched: it need not wait for more matches.
      if (matched && side === 'L' && this.spec.joinType === 'left_semi') continue;
      const mine = (this.store.get(side + key) as Kept[] | undefined) ?? [];
      this.store.put(side + key, [...mine, [row, matched]] as unknown as Value);
      this.metrics.updated++;
    }
  }

  // Joins `row` of `side` with the other side's kept rows of `key` that meet the condition; true
  // when there were any. A left semi join outputs each left row once: a right row joins only the
  // left rows not matched yet.
  private joinOther(side: Side, key: string, row: Row, out: Row[]): boolean {
    const other: Side = side === 'L' ? 'R' : 'L';
    const others = this.store.get(other + key) as Kept[] | undefined;
    if (!others) return false;
    const meets = ([r]: Kept): boolean => (side === 'L' ? meetsResidual(this.spec, row, r) : meetsResidual(this.spec, r, row));
    const semi = this.spec.joinType === 'left_semi';
    if (semi && side === 'L') {
      if (!others.some(meets)) return false;
      out.push(row);
      return true;
    }
    let matched = false;
    const marked = others.map((kept): Kept => {
      if (!meets(kept)) return kept;
      matched = true;
      const [r, wasMatched] = kept;
      if (!semi) out.push(side === 'L' ? joinedRow(this.spec, row, r) : joinedRow(this.spec, r, row));
      else if (!wasMatched) out.push(r);
      return [r, true];
    });
    if (matched) this.store.put(other + key, marked as unknown as Value);
    return matched;
  }

  // True when no row to come can match `row` of `side`: its watermarked key is behind the
  // watermark, or it is past a time-range bound of the condition.
  private canGo(side: Side, row: Row, watermarkMs: number): boolean {
    const { stateKey, bounds } = this.sideSpec(side);
    if (stateKey !== undefined && isBehind(row[stateKey] ?? null, watermarkMs)) return true;
    return bounds.some((b) => {
      const t = eventTimeOf(row[b.mine] ?? null);
      return t !== undefined && pastBound(b, t, watermarkMs);
    });
  }

  // Kept rows that can no longer match go, and an outer join outputs its side's unmatched ones with nulls.
  private evict(watermarkMs: number, out: Row[]): void {
    for (const [key, value] of [...this.store.entries()]) {
      const side = key[0] as Side;
      const kept = value as unknown as Kept[];
      const staying: Kept[] = [];
      const going: Kept[] = [];
      for (const k of kept) (this.canGo(side, k[0], watermarkMs) ? going : staying).push(k);
      if (going.length === 0) continue;
      if (outputsUnmatched(this.spec.joinType, side)) for (const [row, matched] of going) if (!matched) out.push(nullPaddedRow(this.spec, side, row));
      if (staying.length === 0) this.store.remove(key);
      else this.store.put(key, staying as unknown as Value);
      this.metrics.removed += going.length;
    }
  }

  private sideSpec(side: Side): SideSpec {
    return side === 'L' ? this.spec.left : this.spec.right;
  }
}

/** True when `v` (a timestamp, or a window by its end) is at or behind the watermark. */
function isBehind(v: Value, watermarkMs: number): boolean {
  const t = eventTimeOf(v);
  return t !== undefined && t <= watermarkMs;
}
