// The logical plan of a DataFrame: a tree of relational operators (Spark's LogicalPlan), with its
// output schema and which columns carry an event-time watermark. The planner turns it into the
// physical operators a query runs once per micro-batch.
import { FlintError } from '../errors.js';
import { checkConditionColumns, splitCondition, type SplitCondition } from './join-condition.js';
import { keepsLeftOnly, type JoinType } from './join-type.js';
import { ColumnRef, stripAlias, type Expression } from './expressions/expression.js';
import { SessionWindow } from './expressions/session-window.js';
import { TimeWindow, WindowTime } from './expressions/time-window.js';
import { StructType, type Row } from './schema.js';
import type { Source } from './sources/source.js';
import type { GroupStateTimeout } from './state/group-state.js';

/** Column name to watermark delay in ms, for columns that carry event-time watermark metadata. */
export type EventTimeColumns = ReadonlyMap<string, number>;

/** A relational operator over rows (Spark's `LogicalPlan`). */
export abstract class LogicalPlan {
  abstract readonly children: readonly LogicalPlan[];
  /** Output columns; undefined after a typed function whose result shape is only seen at run time. */
  abstract readonly schema: StructType | undefined;
  /** Spark's node name, used in error messages. */
  abstract readonly nodeName: string;

  /** True when a streaming source is under this node. */
  get isStreaming(): boolean {
    return this.children.some((c) => c.isStreaming);
  }

  /** Columns carrying a watermark (set by withWatermark, kept through projections and grouping). */
  get eventTimeColumns(): EventTimeColumns {
    return this.children[0]?.eventTimeColumns ?? new Map();
  }

  /** The expressions this node evaluates (none for sources and typed functions). */
  get expressions(): readonly Expression[] {
    return [];
  }

  /** Every node of the tree, this one first. */
  nodes(): LogicalPlan[] {
    return [this, ...this.children.flatMap((c) => c.nodes())];
  }
}

/**
 * Rows read from a streaming source (Spark's `StreamingRelation`). With `newSource`, each query
 * gets a source of its own (its offsets and logs are per query, as Spark's DataSource makes one per
 * query); `source` then only describes it. A MemoryStream is shared, as in Spark.
 */
export class StreamingRelation extends LogicalPlan {
  readonly nodeName = 'StreamingRelation';
  readonly children = [];
  constructor(
    readonly source: Source,
    readonly newSource?: () => Source,
  ) {
    super();
  }
  get schema(): StructType {
    return this.source.schema;
  }
  override get isStreaming(): boolean {
    return true;
  }
}

/** Rows given up front: a static table (Spark's `LocalRelation`). */
export class LocalRelation extends LogicalPlan {
  readonly nodeName = 'LocalRelation';
  readonly children = [];
  constructor(
    readonly rows: readonly Row[],
    readonly schema: StructType,
  ) {
    super();
  }
}

/**
 * Rows read from outside each time a query runs (Spark's scan of a `BaseRelation`), such as a
 * batch read of Kafka: `read` gives the partitions.
 */
export class ExternalRelation extends LogicalPlan {
  readonly nodeName = 'ExternalRelation';
  readonly children = [];
  constructor(
    readonly schema: StructType,
    readonly description: string,
    readonly read: () => Promise<readonly (readonly Row[])[]>,
  ) {
    super();
  }
}

/** `select`: computes columns; at most one generator (`explode`). */
export class Project extends LogicalPlan {
  readonly nodeName = 'Project';
  readonly children: readonly LogicalPlan[];
  readonly schema: StructType | undefined;

  override get expressions(): readonly Expression[] {
    return this.exprs;
  }

  constructor(
    readonly child: LogicalPlan,
    readonly exprs: readonly Expression[],
  ) {
    super();
    this.children = [child];
    if (exprs.filter((e) => e.generator || e.multiValued).length > 1) {
      throw new FlintError('INVALID_ARGUMENT', 'select: only one generator (explode) is allowed per select; explode in two selects instead');
    }
    const input = child.schema;
    this.schema = input && new StructType(exprs.map((e) => ({ name: e.name, dataType: e.dataType(input), nullable: true })));
  }

  override get eventTimeColumns(): EventTimeColumns {
    const from = this.child.eventTimeColumns;
    const out = new Map<string, number>();
    for (const e of this.exprs) {
      const delay = watermarkDelayOf(e, from);
      if (delay !== undefined) out.set(e.name, delay);
    }
    return out;
  }
}

/** The watermark delay `e` carries: a watermarked column, or a window over one. */
export function watermarkDelayOf(e: Expression, columns: EventTimeColumns): number | undefined {
  const inner = stripAlias(e);
  if (inner instanceof ColumnRef) return columns.get(inner.name);
  if (inner instanceof WindowTime) return watermarkDelayOf(inner.child, columns);
  if (inner instanceof TimeWindow || inner instanceof SessionWindow) return watermarkDelayOf(inner.timeColumn, columns);
  return undefined;
}

/** `where`/`filter`: keeps the rows where `condition` is true. */
export class Filter extends LogicalPlan {
  readonly nodeName = 'Filter';
  readonly children: readonly LogicalPlan[];
  override get expressions(): readonly Expression[] {
    return [this.condition];
  }

  constructor(
    readonly child: LogicalPlan,
    readonly condition: Expression,
  ) {
    super();
    this.children = [child];
    if (child.schema) condition.dataType(child.schema);
  }
  get schema(): StructType | undefined {
    return this.child.schema;
  }
}

/** `groupBy(...).agg(...)`: grouping columns, then one column per aggregate. */
export class Aggregate extends LogicalPlan {
  readonly nodeName = 'Aggregate';
  readonly children: readonly LogicalPlan[];
  readonly schema: StructType | undefined;

  override get expressions(): readonly Expression[] {
    return [...this.groupings, ...this.aggregates];
  }

  constructor(
    readonly child: LogicalPlan,
    readonly groupings: readonly Expression[],
    readonly aggregates: readonly Expression[],
  ) {
    super();
    this.children = [child];
    for (const a of aggregates) {
      if (!stripAlias(a).aggregate) throw new FlintError('INVALID_ARGUMENT', `agg: "${a.name}" is not an aggregate function; use count, sum, avg, min or max`);
    }
    const input = child.schema;
    this.schema = input && new StructType([...groupings, ...aggregates].map((e) => ({ name: e.name, dataType: e.dataType(input), nullable: true })));
  }

  /** Index of the grouping key that carries the watermark (its value or window end is the event time). */
  get watermarkKeyIndex(): number {
    const from = this.child.eventTimeColumns;
    return this.groupings.findIndex((g) => watermarkDelayOf(g, from) !== undefined);
  }

  override get eventTimeColumns(): EventTimeColumns {
    const from = this.child.eventTimeColumns;
    const out = new Map<string, number>();
    for (const g of this.groupings) {
      const delay = watermarkDelayOf(g, from);
      if (delay !== undefined) out.set(g.name, delay);
    }
    return out;
  }
}

/** `withWatermark(column, delay)` (Spark's `EventTimeWatermark`). */
export class EventTimeWatermark extends LogicalPlan {
  readonly nodeName = 'EventTimeWatermark';
  readonly children: readonly LogicalPlan[];
  constructor(
    readonly child: LogicalPlan,
    readonly column: string,
    readonly delayMs: number,
  ) {
    super();
    this.children = [child];
    if (child.schema) {
      const t = child.schema.resolve(column, 'withWatermark').dataType;
      if (t !== 'timestamp') throw new FlintError('INVALID_ARGUMENT', `withWatermark: event time column "${column}" must be a timestamp, it is ${typeof t === 'string' ? t : t.type}`);
    }
  }
  get schema(): StructType | undefined {
    return this.child.schema;
  }
  override get eventTimeColumns(): EventTimeColumns {
    return new Map([...this.child.eventTimeColumns, [this.column, this.delayMs]]);
  }
}

/** `dropDuplicates(columns)` (Spark's `Deduplicate`), or `dropDuplicatesWithinWatermark` (`DeduplicateWithinWatermark`). */
export class Deduplicate extends LogicalPlan {
  readonly nodeName: string;
  readonly children: readonly LogicalPlan[];
  constructor(
    readonly child: LogicalPlan,
    readonly keys: readonly string[],
    /** Keys are kept only until the watermark passes a row's event time plus the delay. */
    readonly withinWatermark = false,
  ) {
    super();
    this.nodeName = withinWatermark ? 'DeduplicateWithinWatermark' : 'Deduplicate';
    this.children = [child];
    for (const k of keys) child.schema?.resolve(k, withinWatermark ? 'dropDuplicatesWithinWatermark' : 'dropDuplicates');
  }
  get schema(): StructType | undefined {
    return this.child.schema;
  }
}

/** Typed `map`/`flatMap`/`filter` over rows (Spark's `MapElements`, `TypedFilter`). */
export class MapElements extends LogicalPlan {
  readonly nodeName = 'MapElements';
  readonly children: readonly LogicalPlan[];
  constructor(
    readonly child: LogicalPlan,
    /** Output rows of one input row. */
    readonly f: (row: Row) => Iterable<Row>,
    readonly schema: StructType | undefined,
  ) {
    super();
    this.children = [child];
  }
}

/** `mapGroupsWithState` / `flatMapGroupsWithState` (Spark's `FlatMapGroupsWithState`). */
export class FlatMapGroupsWithState extends LogicalPlan {
  readonly nodeName = 'FlatMapGroupsWithState';
  readonly children: readonly LogicalPlan[];
  constructor(
    readonly child: LogicalPlan,
    readonly key: (row: Row) => Row,
    readonly f: (key: Row, rows: Row[], state: import('./state/group-state.js').GroupState<unknown>) => Iterable<Row>,
    /** `append` or `update`: the mode the function's output is declared in. */
    readonly funcOutputMode: 'append' | 'update',
    readonly timeout: GroupStateTimeout,
    /** True for mapGroupsWithState (Spark: update output mode only). */
    readonly isMapGroupsWithState: boolean,
    readonly schema: StructType | undefined,
  ) {
    super();
    this.children = [child];
  }
}

/**
 * Join (Spark's `Join`): on using columns (`on`), or on a condition whose equalities between a
 * left and a right column are the keys; stream-static, or stream-stream with state.
 */
export class Join extends LogicalPlan {
  readonly nodeName = 'Join';
  readonly children: readonly LogicalPlan[];
  readonly schema: StructType | undefined;
  /** The condition taken apart (a join with a condition only). */
  readonly split: SplitCondition | undefined;
  override get expressions(): readonly Expression[] {
    return this.condition ? [this.condition] : [];
  }

  constructor(
    readonly left: LogicalPlan,
    readonly right: LogicalPlan,
    readonly on: readonly string[],
    readonly joinType: JoinType,
    readonly condition?: Expression,
  ) {
    super();
    this.children = [left, right];
    for (const k of on) {
      left.schema?.resolve(k, 'join');
      right.schema?.resolve(k, 'join');
    }
    this.split = condition && this.splitOn(condition);
    if (keepsLeftOnly(joinType)) this.schema = left.schema;
    else if (!left.schema || !right.schema) this.schema = undefined;
    else if (condition) this.schema = new StructType([...left.schema.fields, ...right.schema.fields]);
    else this.schema = new StructType([...on.map((k) => left.schema!.field(k)!), ...left.schema.fields.filter((f) => !on.includes(f.name)), ...right.schema.fields.filter((f) => !on.includes(f.name))]);
  }

  /** The left side's key columns. */
  get leftKeys(): readonly string[] {
    return this.split?.leftKeys ?? this.on;
  }

  /** The right side's key columns, in the order of the left's. */
  get rightKeys(): readonly string[] {
    return this.split?.rightKeys ?? this.on;
  }

  override get eventTimeColumns(): EventTimeColumns {
    if (keepsLeftOnly(this.joinType)) return this.left.eventTimeColumns;
    const right = [...this.right.eventTimeColumns].filter(([c]) => !this.on.includes(c));
    return new Map([...right, ...this.left.eventTimeColumns]);
  }

  private splitOn(condition: Expression): SplitCondition {
    const [l, r] = [this.left.schema, this.right.schema];
    if (!l || !r) throw new FlintError('INVALID_ARGUMENT', 'join with a condition: both sides need a schema (give map/flatMap a schema first)');
    const same = l.fieldNames.filter((n) => r.fieldNames.includes(n));
    if (same.length > 0) {
      throw new FlintError('INVALID_ARGUMENT', `join with a condition: both sides have a column named ${same.map((n) => `"${n}"`).join(', ')}; rename one side's with withColumnRenamed (or join on using columns)`);
    }
    checkConditionColumns(condition, l, r);
    const watermarked = { left: new Set(this.left.eventTimeColumns.keys()), right: new Set(this.right.eventTimeColumns.keys()) };
    return splitCondition(condition, l, r, watermarked);
  }
}

/** `union`: the rows of both sides, matched by column position (Spark's `Union`). */
export class Union extends LogicalPlan {
  readonly nodeName = 'Union';
  readonly children: readonly LogicalPlan[];
  constructor(
    readonly left: LogicalPlan,
    readonly right: LogicalPlan,
  ) {
    super();
    this.children = [left, right];
    if (left.schema && right.schema && left.schema.fields.length !== right.schema.fields.length) {
      throw new FlintError('INVALID_ARGUMENT', `union: both sides need the same number of columns; the first has ${left.schema.fields.length}, the second ${right.schema.fields.length}`);
    }
  }
  get schema(): StructType | undefined {
    return this.left.schema;
  }
  override get eventTimeColumns(): EventTimeColumns {
    return new Map([...this.right.eventTimeColumns, ...this.left.eventTimeColumns]);
  }
}

/**
 * `intersect` / `except` of two static tables, rows compared by position with nulls equal
 * (Spark's Intersect and Except; `all` keeps duplicates as many times as both / the difference).
 */
export class SetOperation extends LogicalPlan {
  readonly nodeName: string;
  readonly children: readonly LogicalPlan[];
  constructor(
    readonly kind: 'intersect' | 'except',
    readonly all: boolean,
    readonly left: LogicalPlan,
    readonly right: LogicalPlan,
  ) {
    super();
    this.nodeName = kind === 'intersect' ? 'Intersect' : 'Except';
    this.children = [left, right];
    const what = `${kind}${all ? 'All' : ''}`;
    if (left.schema && right.schema && left.schema.fields.length !== right.schema.fields.length) {
      throw new FlintError('INVALID_ARGUMENT', `${what}: both sides need the same number of columns; the first has ${left.schema.fields.length}, the second ${right.schema.fields.length}`);
    }
    if (left.isStreaming || right.isStreaming) {
      throw new FlintError('UNSUPPORTED_OPERATION', `${this.nodeName}${all ? ' All' : ''} between two streaming DataFrames/Datasets or on a stream is not supported; ${what} static DataFrames, e.g. in foreachBatch`);
    }
  }
  get schema(): StructType | undefined {
    return this.left.schema;
  }
}

/** One sort key: an expression and its direction. */
export interface SortOrder {
  readonly expr: Expression;
  readonly ascending: boolean;
}

/** `orderBy`/`sort` (Spark's `Sort`): on a stream, only after an aggregation in complete mode. */
export class Sort extends LogicalPlan {
  readonly nodeName = 'Sort';
  readonly children: readonly LogicalPlan[];
  override get expressions(): readonly Expression[] {
    return this.orders.map((o) => o.expr);
  }

  constructor(
    readonly child: LogicalPlan,
    readonly orders: readonly SortOrder[],
  ) {
    super();
    this.children = [child];
    if (child.schema) for (const o of orders) o.expr.dataType(child.schema);
  }
  get schema(): StructType | undefined {
    return this.child.schema;
  }
}

/** `limit(n)` (Spark's `GlobalLimit`): at most `n` rows; on a stream, the first `n` appended rows ever. */
export class Limit extends LogicalPlan {
  readonly nodeName = 'Limit';
  readonly children: readonly LogicalPlan[];
  constructor(
    readonly child: LogicalPlan,
    readonly n: number,
  ) {
    super();
    this.children = [child];
    if (!Number.isSafeInteger(n) || n < 0) throw new FlintError('INVALID_ARGUMENT', `limit: the number of rows must be a whole number >= 0, got ${String(n)}`);
  }
  get schema(): StructType | undefined {
    return this.child.schema;
  }
}
