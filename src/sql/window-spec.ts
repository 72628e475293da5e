// Window specifications for window functions over static tables (Spark's `Window` and
// `WindowSpec`): rows grouped by `partitionBy`, ordered by `orderBy`, and a frame of rows around
// the current one. As in Spark, with an order and no frame an aggregate runs from the partition's
// start to the current row and its peers (rows of equal order values); without an order, over the
// whole partition.
import { FlintError } from '../errors.js';
import { Column, toColumn } from './column.js';
import { SortDirection, type Expression } from './expressions/expression.js';
import type { SortOrder } from './logical-plan.js';

/** A frame: row offsets from the current row (`rows`), or peers by order value (`range`, current row or unbounded only). */
export interface WindowFrame {
  readonly kind: 'rows' | 'range';
  readonly start: number;
  readonly end: number;
}

/** A window: partition columns, order, frame (Spark's `WindowSpec`). */
export class WindowSpec {
  constructor(
    readonly partitions: readonly Expression[] = [],
    readonly orders: readonly SortOrder[] = [],
    readonly frame?: WindowFrame,
  ) {}

  /** Rows with equal values of `cols` form a partition. */
  partitionBy(...cols: (string | Column)[]): WindowSpec {
    return new WindowSpec(
      cols.map((c) => toColumn(c).expr),
      this.orders,
      this.frame,
    );
  }

  /** The order within a partition, ascending unless `col(...).desc()`. */
  orderBy(...cols: (string | Column)[]): WindowSpec {
    return new WindowSpec(this.partitions, cols.map(sortOrder), this.frame);
  }

  /** A frame of rows from `start` to `end` relative to the current row (Window.unboundedPreceding, currentRow, unboundedFollowing, or offsets). */
  rowsBetween(start: number, end: number): WindowSpec {
    return new WindowSpec(this.partitions, this.orders, { kind: 'rows', start, end });
  }

  /** A frame by order value: from `start` to `end`, each Window.unboundedPreceding, currentRow (the row's peers) or unboundedFollowing. */
  rangeBetween(start: number, end: number): WindowSpec {
    for (const b of [start, end]) {
      if (b !== Window.unboundedPreceding && b !== Window.currentRow && b !== Window.unboundedFollowing) {
        throw new FlintError('INVALID_ARGUMENT', 'rangeBetween: Flint takes Window.unboundedPreceding, Window.currentRow or Window.unboundedFollowing; use rowsBetween for offsets');
      }
    }
    return new WindowSpec(this.partitions, this.orders, { kind: 'range', start, end });
  }

  /** Spark's text of the spec, e.g. `PARTITION BY k ORDER BY v ASC NULLS FIRST`. */
  toString(): string {
    const parts: string[] = [];
    if (this.partitions.length > 0) parts.push(`PARTITION BY ${this.partitions.map((p) => p.name).join(', ')}`);
    if (this.orders.length > 0) parts.push(`ORDER BY ${this.orders.map((o) => `${o.expr.name} ${o.ascending ? 'ASC NULLS FIRST' : 'DESC NULLS LAST'}`).join(', ')}`);
    if (this.frame) parts.push(`${this.frame.kind.toUpperCase()} BETWEEN ${bound(this.frame.start)} AND ${bound(this.frame.end)}`);
    return parts.join(' ');
  }
}

/** Spark's `Window`: where window specifications start. */
export const Window = {
  /** Frame bound: the partition's first row. */
  unboundedPreceding: Number.MIN_SAFE_INTEGER,
  /** Frame bound: the partition's last row. */
  unboundedFollowing: Number.MAX_SAFE_INTEGER,
  /** Frame bound: the current row. */
  currentRow: 0,
  /** A window partitioned by `cols`. */
  partitionBy(...cols: (string | Column)[]): WindowSpec {
    return new WindowSpec().partitionBy(...cols);
  },
  /** A window of one partition ordered by `cols`. */
  orderBy(...cols: (string | Column)[]): WindowSpec {
    return new WindowSpec().orderBy(...cols);
  },
  /** A window of one partition with a row frame. */
  rowsBetween(start: number, end: number): WindowSpec {
    return new WindowSpec().rowsBetween(start, end);
  },
};

function sortOrder(c: string | Column): SortOrder {
  const e = toColumn(c).expr;
  return e instanceof SortDirection ? { expr: e.child, ascending: e.ascending } : { expr: e, ascending: true };
}

function bound(b: number): string {
  if (b === Window.unboundedPreceding) return 'UNBOUNDED PRECEDING';
  if (b === Window.unboundedFollowing) return 'UNBOUNDED FOLLOWING';
  if (b === 0) return 'CURRENT ROW';
  return b < 0 ? `${-b} PRECEDING` : `${b} FOLLOWING`;
}
