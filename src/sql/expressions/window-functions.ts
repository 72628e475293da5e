// Window functions over static tables (Spark's WindowExpression): ranking (row_number, rank,
// dense_rank, percent_rank, cume_dist, ntile), offsets (lag, lead) and aggregates over a frame
// (`sum(x).over(w)`). A WindowExpression is computed for every row by the window operator
// (execution/window-exec.ts) under its own name; evaluating it reads that column.
import { FlintError } from '../../errors.js';
import type { DataType, Row, StructType, Value } from '../schema.js';
import type { WindowSpec } from '../window-spec.js';
import { AggregateFunction } from './aggregates.js';
import type { Expression } from './expression.js';

/** Ranking functions, by Spark's names. */
export type RankKind = 'row_number' | 'rank' | 'dense_rank' | 'percent_rank' | 'cume_dist';

/** A function only a window can compute. */
export abstract class WindowFunction implements Expression {
  abstract readonly name: string;
  abstract readonly children: readonly Expression[];
  abstract dataType(input: StructType): DataType;
  eval(): Value {
    throw new FlintError('INVALID_ARGUMENT', `${this.name} is a window function; use it with .over(Window.partitionBy(...).orderBy(...))`);
  }
}

/** row_number, rank, dense_rank, percent_rank, cume_dist. */
export class RankFunction extends WindowFunction {
  readonly children = [];
  readonly name: string;
  constructor(readonly kind: RankKind) {
    super();
    this.name = `${kind}()`;
  }
  dataType(): DataType {
    return this.kind === 'percent_rank' || this.kind === 'cume_dist' ? 'double' : 'long';
  }
}

/** ntile(n): the 1-based bucket of n nearly equal buckets, larger ones first. */
export class Ntile extends WindowFunction {
  readonly children = [];
  readonly name: string;
  constructor(readonly buckets: number) {
    super();
    if (!Number.isInteger(buckets) || buckets < 1) throw new FlintError('INVALID_ARGUMENT', `ntile: the number of buckets must be a positive whole number, got ${buckets}`);
    this.name = `ntile(${buckets})`;
  }
  dataType(): DataType {
    return 'long';
  }
}

/** lag and lead: the input `offset` rows before or after in the partition's order, `fallback` outside it. */
export class OffsetFunction extends WindowFunction {
  readonly children: readonly Expression[];
  readonly name: string;
  constructor(
    readonly direction: 'lag' | 'lead',
    readonly input: Expression,
    readonly offset: number,
    readonly fallback: Value,
  ) {
    super();
    this.children = [input];
    this.name = `${direction}(${input.name}, ${offset}, ${fallback === null ? 'NULL' : String(fallback)})`;
  }
  dataType(input: StructType): DataType {
    return this.input.dataType(input);
  }
}

/** `f.over(spec)` (Spark's WindowExpression). */
export class WindowExpression implements Expression {
  readonly children: readonly Expression[];
  readonly name: string;
  /** Computed per row by the window operator: not an aggregation of its query. */
  readonly windowed = true as const;
  constructor(
    readonly fn: WindowFunction | AggregateFunction,
    readonly spec: WindowSpec,
  ) {
    this.children = [fn];
    this.name = `${fn.name} OVER (${[spec.toString(), spec.frame ? '' : defaultFrame(fn, spec)].filter((s) => s !== '').join(' ')})`;
    if (!(fn instanceof AggregateFunction) && spec.orders.length === 0) {
      throw new FlintError('INVALID_ARGUMENT', `Window function ${fn.name} requires window to be ordered, please add ORDER BY clause. For example SELECT ${fn.name}(value_expr) OVER (PARTITION BY window_partition ORDER BY window_ordering) from table`);
    }
  }
  dataType(input: StructType): DataType {
    return this.fn instanceof AggregateFunction ? this.fn.resultType(input) : this.fn.dataType(input);
  }
  /** The value the window operator computed for this row. */
  eval(row: Row): Value {
    return row[this.name] ?? null;
  }
}

// The frame Spark names when none is given: offsets for lag and lead, up to the current row for
// ranking, and for aggregates the range to the current row when ordered, else the whole partition.
function defaultFrame(fn: WindowFunction | AggregateFunction, spec: WindowSpec): string {
  if (fn instanceof OffsetFunction) {
    const at = fn.direction === 'lag' ? -fn.offset : fn.offset;
    return `ROWS BETWEEN ${at} FOLLOWING AND ${at} FOLLOWING`;
  }
  if (!(fn instanceof AggregateFunction)) return 'ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW';
  return spec.orders.length > 0 ? 'RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW' : 'ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING';
}

/** True when `e` is a window expression. */
export function isWindowExpression(e: Expression): e is WindowExpression {
  return e instanceof WindowExpression;
}
