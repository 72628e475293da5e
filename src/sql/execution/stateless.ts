// Stateless operators: scan a source, project (with explode), filter, typed map, watermark
// statistics. They work partition by partition on the batch, as Spark's narrow operators do.
import { Batch } from '../../batch/batch.js';
import type { Expression } from '../expressions/expression.js';
import { compareValues } from '../expressions/scalar.js';
import type { SortOrder } from '../logical-plan.js';
import type { Row, Value } from '../schema.js';
import type { Source } from '../sources/source.js';
import { keyString } from '../state/value-codec.js';
import type { BatchContext, PhysicalOperator } from './spark-plan.js';

/** Reads the rows the batch gives a source (Spark's `StreamingExecutionRelation` scan). */
export class ScanExec implements PhysicalOperator {
  readonly children = [];
  constructor(readonly source: Source) {}
  async execute(ctx: BatchContext): Promise<Batch<Row>> {
    return ctx.inputs.get(this.source) ?? Batch.empty(0);
  }
}

/** Rows given up front, the same every batch (a static table). */
export class LocalTableScanExec implements PhysicalOperator {
  readonly children = [];
  private readonly batch: Batch<Row>;
  constructor(rows: readonly Row[]) {
    this.batch = Batch.of(rows, 1);
  }
  async execute(): Promise<Batch<Row>> {
    return this.batch;
  }
}

/** Rows read from outside when the query runs (Spark's `RowDataSourceScanExec`). */
export class ExternalScanExec implements PhysicalOperator {
  readonly children = [];
  constructor(private readonly read: () => Promise<readonly (readonly Row[])[]>) {}
  async execute(): Promise<Batch<Row>> {
    const partitions = await this.read();
    return new Batch(partitions.length > 0 ? partitions : [[]]);
  }
}

/** `select`, with at most one generator (Spark's `ProjectExec` and `GenerateExec`). */
export class ProjectExec implements PhysicalOperator {
  readonly children: readonly PhysicalOperator[];
  private readonly generatorIndex: number;
  constructor(
    readonly child: PhysicalOperator,
    private readonly exprs: readonly Expression[],
  ) {
    this.children = [child];
    // A window over a timestamp is one row per window (Spark's TimeWindowing expands them), as explode is one row per element.
    this.generatorIndex = exprs.findIndex((e) => e.generator || e.multiValued);
  }
  async execute(ctx: BatchContext): Promise<Batch<Row>> {
    const input = await this.child.execute(ctx);
    const { exprs, generatorIndex: g } = this;
    if (g < 0) return input.map((row) => project(exprs, row));
    return input.flatMap((row) => {
      const base = project(exprs, row, g);
      const name = exprs[g]!.name;
      return (exprs[g]!.eval(row) as Value[]).map((v) => ({ ...base, [name]: v }));
    });
  }
}

function project(exprs: readonly Expression[], row: Row, skip = -1): Row {
  const out: Record<string, Value> = {};
  for (let i = 0; i < exprs.length; i++) {
    const e = exprs[i]!;
    out[e.name] = i === skip ? null : e.eval(row);
  }
  return out;
}

/** `where`/`filter` with a condition column (Spark's `FilterExec`). */
export class FilterExec implements PhysicalOperator {
  readonly children: readonly PhysicalOperator[];
  constructor(
    readonly child: PhysicalOperator,
    private readonly condition: Expression,
  ) {
    this.children = [child];
  }
  async execute(ctx: BatchContext): Promise<Batch<Row>> {
    return (await this.child.execute(ctx)).filter((row) => this.condition.eval(row) === true);
  }
}

/** Typed functions over rows (Spark's `MapElementsExec`, `FilterExec` on objects). */
export class MapElementsExec implements PhysicalOperator {
  readonly children: readonly PhysicalOperator[];
  constructor(
    readonly child: PhysicalOperator,
    private readonly f: (row: Row) => Iterable<Row>,
  ) {
    this.children = [child];
  }
  async execute(ctx: BatchContext): Promise<Batch<Row>> {
    return (await this.child.execute(ctx)).flatMap(this.f);
  }
}

/**
 * `withWatermark` (Spark's `EventTimeWatermarkExec`): passes rows through and records the batch's
 * event-time statistics, from which the query moves the watermark after the batch.
 */
export class EventTimeWatermarkExec implements PhysicalOperator {
  readonly children: readonly PhysicalOperator[];
  constructor(
    readonly child: PhysicalOperator,
    readonly index: number,
    readonly column: string,
    readonly delayMs: number,
  ) {
    this.children = [child];
  }
  async execute(ctx: BatchContext): Promise<Batch<Row>> {
    const input = await this.child.execute(ctx);
    const stats = ctx.eventTimeStats.get(this.index) ?? { max: -Infinity, min: Infinity, sum: 0, count: 0 };
    for (const part of input.partitions) {
      for (const row of part) {
        const t = row[this.column];
        if (!(t instanceof Date)) continue;
        const ms = t.getTime();
        if (ms > stats.max) stats.max = ms;
        if (ms < stats.min) stats.min = ms;
        stats.sum += ms;
        stats.count++;
      }
    }
    ctx.eventTimeStats.set(this.index, stats);
    return input;
  }
}

/** `union` (Spark's `UnionExec`): the right side's rows renamed to the left side's columns. */
export class UnionExec implements PhysicalOperator {
  readonly children: readonly PhysicalOperator[];
  constructor(
    readonly left: PhysicalOperator,
    readonly right: PhysicalOperator,
    private readonly rename: ((row: Row) => Row) | undefined,
  ) {
    this.children = [left, right];
  }
  async execute(ctx: BatchContext): Promise<Batch<Row>> {
    const l = await this.left.execute(ctx);
    const r = await this.right.execute(ctx);
    return l.union(this.rename ? r.map(this.rename) : r);
  }
}

/** `intersect` / `except` [all] (Spark's set operations): rows compared by position, nulls equal. */
export class SetOperationExec implements PhysicalOperator {
  readonly children: readonly PhysicalOperator[];
  constructor(
    readonly left: PhysicalOperator,
    readonly right: PhysicalOperator,
    private readonly kind: 'intersect' | 'except',
    private readonly all: boolean,
  ) {
    this.children = [left, right];
  }
  async execute(ctx: BatchContext): Promise<Batch<Row>> {
    const key = (row: Row): string => keyString(Object.values(row));
    const counts = new Map<string, number>();
    for (const row of (await this.right.execute(ctx)).collect()) {
      const k = key(row);
      counts.set(k, (counts.get(k) ?? 0) + 1);
    }
    const emitted = new Set<string>();
    const out: Row[] = [];
    for (const row of (await this.left.execute(ctx)).collect()) {
      const k = key(row);
      const inRight = (counts.get(k) ?? 0) > 0;
      if (this.all) {
        // intersectAll: min of both counts; exceptAll: left's count minus right's.
        if (inRight) counts.set(k, counts.get(k)! - 1);
        if (inRight === (this.kind === 'intersect')) out.push(row);
      } else if (inRight === (this.kind === 'intersect') && !emitted.has(k)) {
        emitted.add(k);
        out.push(row);
      }
    }
    return Batch.of(out, Math.max(1, ctx.numPartitions));
  }
}

/** `orderBy` (Spark's `SortExec`): the whole batch result, sorted; nulls first ascending, last descending. */
export class SortExec implements PhysicalOperator {
  readonly children: readonly PhysicalOperator[];
  constructor(
    readonly child: PhysicalOperator,
    private readonly orders: readonly SortOrder[],
  ) {
    this.children = [child];
  }
  async execute(ctx: BatchContext): Promise<Batch<Row>> {
    const rows = (await this.child.execute(ctx)).collect();
    rows.sort((a, b) => {
      for (const { expr, ascending } of this.orders) {
        const x = expr.eval(a);
        const y = expr.eval(b);
        const c = x === null ? (y === null ? 0 : -1) : y === null ? 1 : compareValues(x, y);
        if (c !== 0) return ascending ? c : -c;
      }
      return 0;
    });
    return Batch.of(rows, 1);
  }
}

/** `limit(n)` on a static table or a complete-mode result (Spark's `GlobalLimitExec`): the first n rows of the batch. */
export class LimitExec implements PhysicalOperator {
  readonly children: readonly PhysicalOperator[];
  constructor(
    readonly child: PhysicalOperator,
    private readonly limit: number,
  ) {
    this.children = [child];
  }
  async execute(ctx: BatchContext): Promise<Batch<Row>> {
    return Batch.of((await this.child.execute(ctx)).collect().slice(0, this.limit), 1);
  }
}
