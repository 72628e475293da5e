// Spark's window functions (`row_number`, `rank`, `dense_rank`, `percent_rank`, `cume_dist`,
// `ntile`, `lag`, `lead`), used with `.over(Window...)`; re-exported by functions.ts.
import { Column, toColumn } from './column.js';
import { Ntile, OffsetFunction, RankFunction } from './expressions/window-functions.js';
import type { Value } from './schema.js';

/** Spark's `row_number()`: 1, 2, 3, ... in the window's order. */
export function row_number(): Column {
  return new Column(new RankFunction('row_number'));
}

/** Spark's `rank()`: ties share a rank and leave a gap after them. */
export function rank(): Column {
  return new Column(new RankFunction('rank'));
}

/** Spark's `dense_rank()`: ties share a rank, no gaps. */
export function dense_rank(): Column {
  return new Column(new RankFunction('dense_rank'));
}

/** Spark's `percent_rank()`: (rank - 1) / (rows - 1). */
export function percent_rank(): Column {
  return new Column(new RankFunction('percent_rank'));
}

/** Spark's `cume_dist()`: the share of rows ordered at or before this one (its peers included). */
export function cume_dist(): Column {
  return new Column(new RankFunction('cume_dist'));
}

/** Spark's `ntile(n)`: the row's bucket of `n` nearly equal ones. */
export function ntile(n: number): Column {
  return new Column(new Ntile(n));
}

/** Spark's `lag(col, offset = 1, default = null)`: the value `offset` rows before in the window's order. */
export function lag(c: string | Column, offset = 1, defaultValue: Value = null): Column {
  return new Column(new OffsetFunction('lag', toColumn(c).expr, offset, defaultValue));
}

/** Spark's `lead(col, offset = 1, default = null)`: the value `offset` rows after. */
export function lead(c: string | Column, offset = 1, defaultValue: Value = null): Column {
  return new Column(new OffsetFunction('lead', toColumn(c).expr, offset, defaultValue));
}
