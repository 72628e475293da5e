// The rows a join on using columns outputs (Spark's `USING` join): the join columns once, then the
// left side's other columns, then the right side's. A join column's value comes from the side that
// always has a row (the right for a right outer join; either, coalesced, for a full outer join).
import { keepsLeftOnly, type JoinType } from '../join-type.js';
import type { Join } from '../logical-plan.js';
import type { Row, Value } from '../schema.js';

/** What the row builders need to know of a join. */
export interface JoinColumns {
  readonly on: readonly string[];
  readonly joinType: JoinType;
  /** The left side's columns (join keys among them), in order. */
  readonly leftColumns: readonly string[];
  /** The right side's columns that are not join keys, in order. */
  readonly rightColumns: readonly string[];
}

/** The columns of a `join` node. */
export function joinColumns(j: Join): JoinColumns {
  return {
    on: j.on,
    joinType: j.joinType,
    leftColumns: j.left.schema?.fieldNames ?? [],
    rightColumns: (j.right.schema?.fieldNames ?? []).filter((c) => !j.on.includes(c)),
  };
}

/** The output row of a left row matched with a right row (the left row alone for semi joins). */
export function joinedRow(c: JoinColumns, l: Row, r: Row): Row {
  if (keepsLeftOnly(c.joinType)) return l;
  const row: Record<string, Value> = {};
  for (const k of c.leftColumns) row[k] = (c.on.includes(k) ? keyValue(c.joinType, k, l, r) : l[k]) ?? null;
  for (const k of c.rightColumns) row[k] = r[k] ?? null;
  return row;
}

/** The output row of an unmatched row of one side, the other side's columns null. */
export function nullPaddedRow(c: JoinColumns, side: 'L' | 'R', row: Row): Row {
  if (keepsLeftOnly(c.joinType)) return row;
  const out: Record<string, Value> = {};
  for (const k of c.leftColumns) out[k] = side === 'L' || c.on.includes(k) ? (row[k] ?? null) : null;
  for (const k of c.rightColumns) out[k] = side === 'R' ? (row[k] ?? null) : null;
  return out;
}

function keyValue(type: JoinType, k: string, l: Row, r: Row): Value | undefined {
  if (type === 'right_outer') return r[k];
  if (type === 'full_outer') return l[k] ?? r[k];
  return l[k];
}
