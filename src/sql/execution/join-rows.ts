// The rows a join outputs. On using columns (Spark's `USING` join): the join columns once, then
// the left side's other columns, then the right side's; a join column's value comes from the side
// that always has a row (the right for a right outer join; either, coalesced, for a full outer
// join). On a condition: every left column, then every right column.
import type { Expression } from '../expressions/expression.js';
import { keepsLeftOnly, type JoinType } from '../join-type.js';
import type { Join } from '../logical-plan.js';
import type { Row, Value } from '../schema.js';
import { keyString } from '../state/value-codec.js';

/** What the row builders need to know of a join. */
export interface JoinColumns {
  readonly joinType: JoinType;
  /** Using columns; empty for a join on a condition. */
  readonly on: readonly string[];
  /** Each side's key columns, matched in order (the using columns, or the condition's equalities). */
  readonly leftKeys: readonly string[];
  readonly rightKeys: readonly string[];
  /** The condition's other conjuncts, checked on each joined row. */
  readonly residual: Expression | undefined;
  /** The using columns, then the left side's other columns; every left column for a join on a condition. */
  readonly leftColumns: readonly string[];
  /** The right side's columns that are not using columns, in order. */
  readonly rightColumns: readonly string[];
}

/** The columns of a `join` node. */
export function joinColumns(j: Join): JoinColumns {
  return {
    joinType: j.joinType,
    on: j.on,
    leftKeys: j.leftKeys,
    rightKeys: j.rightKeys,
    residual: j.split?.residual,
    leftColumns: usingFirst(j.left.schema?.fieldNames ?? [], j.on),
    rightColumns: (j.right.schema?.fieldNames ?? []).filter((c) => !j.on.includes(c)),
  };
}

// A using join outputs its join columns first, in USING order, as Spark's does.
function usingFirst(columns: readonly string[], on: readonly string[]): string[] {
  return [...on, ...columns.filter((c) => !on.includes(c))];
}

/** A row's hash key on its side's key columns; undefined when one is null (SQL equality never matches null). */
export function joinKey(c: JoinColumns, side: 'L' | 'R', row: Row): string | undefined {
  const values = (side === 'L' ? c.leftKeys : c.rightKeys).map((k) => row[k] ?? null);
  return values.some((v) => v === null) ? undefined : keyString(values);
}

/** True when a left and a right row with equal keys also meet the rest of the condition. */
export function meetsResidual(c: JoinColumns, l: Row, r: Row): boolean {
  return c.residual === undefined || c.residual.eval({ ...l, ...r }) === true;
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
