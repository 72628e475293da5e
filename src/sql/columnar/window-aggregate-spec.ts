// Which aggregations the columnar fast path runs: `groupBy(window(ts, ...), key columns...)` with
// count/sum/avg/min/max of columns, over a source (optionally behind withWatermark). The planner
// asks for a spec and runs the row path when there is none.
import { Average, Count, Extremum, Sum, type AggregateFunction } from '../expressions/aggregates.js';
import { ColumnRef, stripAlias } from '../expressions/expression.js';
import { TimeWindow } from '../expressions/time-window.js';
import { Aggregate, EventTimeWatermark, StreamingRelation } from '../logical-plan.js';
import type { StructType } from '../schema.js';

/** An aggregate the fast path computes: its function, input column (none for `count(*)`) and output name. */
export interface ColumnarAggregate {
  readonly kind: 'count' | 'sum' | 'avg' | 'min' | 'max';
  readonly column: string | undefined;
  readonly name: string;
}

/** A grouping key column: a string or a number column. */
export interface ColumnarKey {
  readonly column: string;
  readonly name: string;
  readonly kind: 'string' | 'number';
}

/** Everything the columnar window aggregation needs from the logical plan. */
export interface ColumnarWindowAggregateSpec {
  readonly relation: StreamingRelation;
  readonly watermark: EventTimeWatermark | undefined;
  readonly window: TimeWindow;
  /** The window's time column. */
  readonly timeColumn: string;
  /** Output name of the window column. */
  readonly windowName: string;
  /** Position of the window among the groupings (output column order). */
  readonly windowPosition: number;
  /** The other groupings, in order. */
  readonly keys: readonly ColumnarKey[];
  readonly aggregates: readonly ColumnarAggregate[];
  /** True when the window carries the watermark (late rows dropped, old windows evicted). */
  readonly watermarked: boolean;
  /** Columns read from the source. */
  readonly columns: readonly string[];
}

/** The spec of `node`, or undefined when some part of it needs the row path. */
export function columnarWindowAggregateSpec(node: Aggregate): ColumnarWindowAggregateSpec | undefined {
  let child = node.child;
  let watermark: EventTimeWatermark | undefined;
  if (child instanceof EventTimeWatermark) {
    watermark = child;
    child = child.child;
  }
  if (!(child instanceof StreamingRelation)) return undefined;
  const schema = child.schema;
  const windowPosition = node.groupings.findIndex((g) => stripAlias(g) instanceof TimeWindow);
  if (windowPosition < 0) return undefined;
  const window = stripAlias(node.groupings[windowPosition]!) as TimeWindow;
  const time = stripAlias(window.timeColumn);
  if (!(time instanceof ColumnRef) || typeOf(schema, time.name) !== 'timestamp') return undefined;
  if (watermark && typeOf(schema, watermark.column) !== 'timestamp') return undefined;
  const watermarkKey = node.watermarkKeyIndex;
  if (watermarkKey >= 0 && watermarkKey !== windowPosition) return undefined;
  const keys: ColumnarKey[] = [];
  for (const [i, g] of node.groupings.entries()) {
    if (i === windowPosition) continue;
    const ref = stripAlias(g);
    if (!(ref instanceof ColumnRef)) return undefined;
    const type = typeOf(schema, ref.name);
    if (type !== 'string' && type !== 'long' && type !== 'double') return undefined;
    keys.push({ column: ref.name, name: g.name, kind: type === 'string' ? 'string' : 'number' });
  }
  const aggregates: ColumnarAggregate[] = [];
  for (const a of node.aggregates) {
    const spec = aggregateOf(stripAlias(a) as AggregateFunction, a.name, schema);
    if (!spec) return undefined;
    aggregates.push(spec);
  }
  const columns = new Set([time.name, ...keys.map((k) => k.column), ...aggregates.flatMap((a) => (a.column ? [a.column] : []))]);
  if (watermark) columns.add(watermark.column);
  return {
    relation: child,
    watermark,
    window,
    timeColumn: time.name,
    windowName: node.groupings[windowPosition]!.name,
    windowPosition,
    keys,
    aggregates,
    watermarked: watermarkKey === windowPosition,
    columns: [...columns],
  };
}

function aggregateOf(f: AggregateFunction, name: string, schema: StructType): ColumnarAggregate | undefined {
  const input = f.input && stripAlias(f.input);
  if (input && !(input instanceof ColumnRef)) return undefined;
  const column = input?.name;
  const type = column === undefined ? undefined : typeOf(schema, column);
  const numeric = type === 'long' || type === 'double';
  if (f instanceof Count) return column === undefined || type === 'string' || type === 'timestamp' || numeric ? { kind: 'count', column, name } : undefined;
  if (!numeric) return undefined;
  if (f instanceof Sum) return { kind: 'sum', column, name };
  if (f instanceof Average) return { kind: 'avg', column, name };
  if (f instanceof Extremum) return { kind: f.name.startsWith('min(') ? 'min' : 'max', column, name };
  return undefined;
}

function typeOf(schema: StructType, column: string): unknown {
  return schema.field(column)?.dataType;
}
