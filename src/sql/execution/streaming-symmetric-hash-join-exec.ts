// A join of two streams (Spark's StreamingSymmetricHashJoinExec), on equal columns. Each side's
// rows are kept in state by join key: a new left row joins the right side's state, then goes into
// the left state; the batch's right rows then join the left state (with this batch's left rows
// in it), so every pair is output once. When a join key carries a watermark (an event-time column
// or a window over one), rows whose key is at or behind the watermark are evicted, and an outer
// join outputs its unmatched rows with nulls then; a side's rows behind the watermark are dropped
// as late. Without such a key an inner join's state grows with its input, as in Spark. A left semi
// join outputs a left row once, at its first match, and does not keep a left row that matched on
// arrival.
import { Batch } from '../../batch/batch.js';
import { outputsUnmatched } from '../join-type.js';
import type { Join } from '../logical-plan.js';
import type { Row, Value } from '../schema.js';
import type { StateStore } from '../state/state-store.js';
import { keyString } from '../state/value-codec.js';
import { joinColumns, joinedRow, nullPaddedRow, type JoinColumns } from './join-rows.js';
import { StateStoreOperator } from './state-store-operator.js';
import { eventTimeOf } from './state-store-save-exec.js';
import type { BatchContext, PhysicalOperator, StateOperatorProgress } from './spark-plan.js';

/** What the join needs to know of its logical node. */
export interface JoinSpec extends JoinColumns {
  /** Each side's watermarked column, for dropping late rows. */
  readonly leftEventTime: string | undefined;
  readonly rightEventTime: string | undefined;
  /** A join key that carries a watermark: state is evicted by it. */
  readonly stateKey: string | undefined;
}

/** The spec of a stream-stream `join`. */
export function joinSpec(j: Join): JoinSpec {
  return {
    ...joinColumns(j),
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

  // A join key keeps a list of rows; Spark counts rows, not keys, in numRowsTotal.
  override progress(): StateOperatorProgress {
    let rows = 0;
    for (const [, kept] of this.store.entries()) rows += (kept as unknown as Kept[]).length;
    return { ...super.progress(), numRowsTotal: rows };
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
    for (const row of rows) {
      if (eventTime !== undefined && isBehind(row[eventTime] ?? null, watermarkMs)) {
        this.metrics.dropped++;
        continue;
      }
      const keyValues = on.map((k) => row[k] ?? null);
      // Null keys never match (SQL equality); an inner join can forget them, an outer one still outputs them.
      const key = keyValues.some((v) => v === null) ? undefined : keyString(keyValues);
      const matched = key !== undefined && this.joinOther(side, key, row, out);
      if (stateKey !== undefined && isBehind(row[stateKey] ?? null, watermarkMs)) {
        if (!matched && outputsUnmatched(this.spec.joinType, side)) out.push(nullPaddedRow(this.spec, side, row));
        continue;
      }
      if (key === undefined) {
        if (outputsUnmatched(this.spec.joinType, side)) out.push(nullPaddedRow(this.spec, side, row));
        continue;
      }
      // A left semi join has output a left row that matched: it need not wait for more matches.
      if (matched && side === 'L' && this.spec.joinType === 'left_semi') continue;
      const mine = (this.store.get(side + key) as Kept[] | undefined) ?? [];
      this.store.put(side + key, [...mine, [row, matched]] as unknown as Value);
      this.metrics.updated++;
    }
  }

  // Joins `row` of `side` with the other side's kept rows of `key`; true when there were any. A
  // left semi join outputs each left row once: a right row joins only the left rows not matched yet.
  private joinOther(side: Side, key: string, row: Row, out: Row[]): boolean {
    const other: Side = side === 'L' ? 'R' : 'L';
    const others = this.store.get(other + key) as Kept[] | undefined;
    if (!others) return false;
    const semi = this.spec.joinType === 'left_semi';
    if (semi && side === 'L') {
      out.push(row);
      return true;
    }
    for (const [r, wasMatched] of others) {
      if (semi) {
        if (!wasMatched) out.push(r);
      } else out.push(side === 'L' ? joinedRow(this.spec, row, r) : joinedRow(this.spec, r, row));
    }
    this.store.put(other + key, others.map(([r]) => [r, true]) as unknown as Value);
    return true;
  }

  // Rows whose key is at or behind the watermark can no longer match: they go, and an outer join
  // outputs its side's unmatched ones with nulls.
  private evict(watermarkMs: number, out: Row[]): void {
    const stateKey = this.spec.stateKey!;
    for (const [key, value] of [...this.store.entries()]) {
      const kept = value as unknown as Kept[];
      if (!isBehind(kept[0]![0][stateKey] ?? null, watermarkMs)) continue;
      const side = key[0] as Side;
      if (outputsUnmatched(this.spec.joinType, side)) for (const [row, matched] of kept) if (!matched) out.push(nullPaddedRow(this.spec, side, row));
      this.store.remove(key);
      this.metrics.removed += kept.length;
    }
  }
}

/** True when `v` (a timestamp, or a window by its end) is at or behind the watermark. */
function isBehind(v: Value, watermarkMs: number): boolean {
  const t = eventTimeOf(v);
  return t !== undefined && t <= watermarkMs;
}
