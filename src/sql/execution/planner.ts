// The planner (Spark's IncrementalExecution planning): turns a DataFrame's logical plan into
// physical operators for one query, numbering the stateful operators (their state lives in
// `state/<id>/`) and the watermark operators.
import { join } from 'node:path';
import { FlintError } from '../../errors.js';
import { SessionWindow } from '../expressions/session-window.js';
import { stripAlias, type Expression } from '../expressions/expression.js';
import { isTimeZoneAware } from '../expressions/datetime.js';
import {
  Aggregate,
  Deduplicate,
  EventTimeWatermark,
  Filter,
  FlatMapGroupsWithState,
  Join,
  Limit,
  LocalRelation,
  SetOperation,
  ExternalRelation,
  MapElements,
  Project,
  StreamingRelation,
  Sort,
  Union,
  type LogicalPlan,
} from '../logical-plan.js';
import type { OutputMode } from '../output-mode.js';
import type { Row } from '../schema.js';
import type { Source } from '../sources/source.js';
import { StateStore } from '../state/state-store.js';
import { FlatMapGroupsWithStateExec } from './flat-map-groups-with-state-exec.js';
import { SessionWindowAggregateExec } from './session-window-aggregate-exec.js';
import type { PhysicalOperator, StatefulOperator } from './spark-plan.js';
import { isWindowExpression, type WindowExpression } from '../expressions/window-functions.js';
import { WindowExec } from './window-exec.js';
import { EventTimeWatermarkExec, ExternalScanExec, FilterExec, SetOperationExec, LimitExec, LocalTableScanExec, MapElementsExec, ProjectExec, ScanExec, SortExec, UnionExec } from './stateless.js';
import { StreamingGlobalLimitExec } from './streaming-global-limit-exec.js';
import { columnarWindowAggregateSpec } from '../columnar/window-aggregate-spec.js';
import { ColumnarWindowAggregateExec } from './columnar-window-aggregate-exec.js';
import { StateStoreSaveExec } from './state-store-save-exec.js';
import { StreamingDeduplicateExec } from './streaming-deduplicate-exec.js';
import { StreamingDeduplicateWithinWatermarkExec } from './streaming-deduplicate-within-watermark-exec.js';
import { BroadcastHashJoinExec } from './broadcast-hash-join-exec.js';
import { joinColumns } from './join-rows.js';
import { joinSpec, StreamingSymmetricHashJoinExec } from './streaming-symmetric-hash-join-exec.js';

/** A query's physical plan and what the execution needs to know about it. */
export interface PhysicalPlan {
  readonly root: PhysicalOperator;
  /** Sources in plan order; their index names `sources/<i>` and their place in the offset log. */
  readonly sources: readonly Source[];
  /** Stateful operators by id. */
  readonly stateful: readonly StatefulOperator[];
  /** Delay of each watermark operator, by index. */
  readonly watermarkDelays: ReadonlyMap<number, number>;
  /** Sources read as columnar batches, with the columns to read. */
  readonly columnarSources: ReadonlyMap<Source, readonly string[]>;
}

/** How a query is planned. */
export interface PlanOptions {
  /** Run event-time window aggregations over a source on columnar batches when they qualify (default true). */
  readonly columnarAggregation?: boolean;
  /** The query's output mode (default complete, as a static query runs): it decides how a limit runs. */
  readonly outputMode?: OutputMode;
  /** The session time zone that date functions and casts compute in (default UTC). */
  readonly timeZone?: string;
}

/** Plans `plan`; state goes under `<checkpointRoot>/state` when a checkpoint location is set. */
export function planQuery(plan: LogicalPlan, checkpointRoot: string | undefined, options: PlanOptions = {}): PhysicalPlan {
  const sources: Source[] = [];
  const columnarSources = new Map<Source, readonly string[]>();
  const rowSources = new Set<Source>();
  const stateful: StatefulOperator[] = [];
  const watermarkDelays = new Map<number, number>();
  const instances = new Map<StreamingRelation, Source>();
  // Stateful operators are numbered top-down, as Spark's IncrementalExecution does: the one nearest
  // the sink is 0 (`state/0/`) and comes first in progress. An id is taken before the children are planned.
  let nextId = 0;
  const reserve = (): number => nextId++;
  const store = (id: number): StateStore => new StateStore(checkpointRoot && join(checkpointRoot, 'state', String(id), '0'));
  const register = <T extends StatefulOperator>(id: number, op: T): T => ((stateful[id] = op), op);

  const sourceOf = (node: StreamingRelation): Source => {
    let source = instances.get(node);
    if (!source) {
      source = node.newSource?.() ?? node.source;
      instances.set(node, source);
      if (!sources.includes(source)) sources.push(source);
    }
    return source;
  };
  const visit = (node: LogicalPlan): PhysicalOperator => {
    if (node instanceof StreamingRelation) {
      const source = sourceOf(node);
      rowSources.add(source);
      return new ScanExec(source);
    }
    if (node instanceof LocalRelation) return new LocalTableScanExec(node.rows);
    if (node instanceof ExternalRelation) return new ExternalScanExec(node.read);
    if (node instanceof Project) {
      const windows = windowExpressions(node.exprs);
      if (windows.length === 0) return new ProjectExec(visit(node.child), node.exprs);
      if (node.isStreaming) throw new FlintError('UNSUPPORTED_OPERATION', 'Non-time-based windows are not supported on streaming DataFrames/Datasets; use window functions on static DataFrames, e.g. in foreachBatch');
      return new ProjectExec(new WindowExec(visit(node.child), windows), node.exprs);
    }
    if (node instanceof Filter) return new FilterExec(visit(node.child), node.condition);
    if (node instanceof MapElements) return new MapElementsExec(visit(node.child), node.f);
    if (node instanceof EventTimeWatermark) {
      const index = watermarkDelays.size;
      watermarkDelays.set(index, node.delayMs);
      return new EventTimeWatermarkExec(visit(node.child), index, node.column, node.delayMs);
    }
    const columnar = node instanceof Aggregate && options.columnarAggregation !== false ? columnarWindowAggregateSpec(node) : undefined;
    if (columnar) {
      const source = sourceOf(columnar.relation);
      let watermarkIndex = -1;
      if (columnar.watermark) {
        watermarkIndex = watermarkDelays.size;
        watermarkDelays.set(watermarkIndex, columnar.watermark.delayMs);
      }
      const id = reserve();
      columnarSources.set(source, columnar.columns);
      return register(id, new ColumnarWindowAggregateExec(source, columnar, watermarkIndex, store(id)));
    }
    if (node instanceof Aggregate) {
      const id = reserve();
      const child = visit(node.child);
      const session = node.groupings.findIndex((g) => stripAlias(g) instanceof SessionWindow);
      const op = session >= 0
        ? new SessionWindowAggregateExec(child, node.groupings, node.aggregates, session, node.watermarkKeyIndex >= 0, store(id))
        : new StateStoreSaveExec(child, node.groupings, node.aggregates, node.watermarkKeyIndex, store(id));
      return register(id, op);
    }
    if (node instanceof Deduplicate && node.withinWatermark && node.child.eventTimeColumns.size > 0) {
      const id = reserve();
      const child = visit(node.child);
      const [column, delayMs] = [...node.child.eventTimeColumns][0]!;
      return register(id, new StreamingDeduplicateWithinWatermarkExec(child, node.keys, column, delayMs, store(id)));
    }
    if (node instanceof Deduplicate) {
      const id = reserve();
      const child = visit(node.child);
      const eventTimeKey = node.keys.find((k) => node.child.eventTimeColumns.has(k));
      return register(id, new StreamingDeduplicateExec(child, node.keys, eventTimeKey, store(id)));
    }
    if (node instanceof FlatMapGroupsWithState) {
      const id = reserve();
      const child = visit(node.child);
      const eventTimeColumn = [...node.child.eventTimeColumns.keys()][0];
      return register(id, new FlatMapGroupsWithStateExec(child, node.key, node.f, node.timeout, eventTimeColumn, store(id)));
    }
    if (node instanceof Sort) return new SortExec(visit(node.child), node.orders);
    if (node instanceof Limit && appendsBelow(node, options.outputMode ?? 'complete')) {
      const id = reserve();
      return register(id, new StreamingGlobalLimitExec(visit(node.child), node.n, store(id)));
    }
    if (node instanceof Limit) return new LimitExec(visit(node.child), node.n);
    if (node instanceof SetOperation) return new SetOperationExec(visit(node.left), visit(node.right), node.kind, node.all);
    if (node instanceof Union) {
      const names = node.left.schema?.fieldNames;
      const from = node.right.schema?.fieldNames;
      const same = !names || !from || names.every((n, i) => n === from[i]);
      const rename = same ? undefined : (row: Row): Row => Object.fromEntries(names!.map((n, i) => [n, row[from![i]!] ?? null]));
      return new UnionExec(visit(node.left), visit(node.right), rename);
    }
    if (node instanceof Join && node.left.isStreaming && node.right.isStreaming) {
      const id = reserve();
      const [left, right] = [visit(node.left), visit(node.right)];
      return register(id, new StreamingSymmetricHashJoinExec(left, right, joinSpec(node), store(id)));
    }
    if (node instanceof Join) {
      // The streaming side probes the static one; two static sides hash the right.
      const probeIsRight = node.right.isStreaming;
      const [probe, build] = probeIsRight ? [node.right, node.left] : [node.left, node.right];
      return new BroadcastHashJoinExec(visit(probe), visit(build), joinColumns(node), probeIsRight);
    }
    throw new FlintError('UNSUPPORTED_OPERATION', `${node.nodeName} cannot run in a streaming query yet`);
  };
  bindTimeZone(plan, options.timeZone ?? 'UTC');
  const root = visit(plan);
  // A source that another part of the plan reads as rows gives rows; the columnar operator turns them into columns.
  for (const s of rowSources) columnarSources.delete(s);
  return { root, sources, stateful, watermarkDelays, columnarSources };
}

// The window expressions under `exprs`, each once (by name).
function windowExpressions(exprs: readonly Expression[]): WindowExpression[] {
  const found = new Map<string, WindowExpression>();
  const visit = (e: Expression): void => {
    if (isWindowExpression(e)) found.set(e.name, e);
    else e.children.forEach(visit);
  };
  exprs.forEach(visit);
  return [...found.values()];
}

// A limit over a stream of appended rows keeps a count in state (Spark's StreamingGlobalLimitStrategy):
// in append mode, and below an aggregation in complete mode. Over a complete result it takes the first rows.
function appendsBelow(limit: Limit, mode: OutputMode): boolean {
  return limit.isStreaming && (mode === 'append' || !limit.child.nodes().some((n) => n instanceof Aggregate && n.isStreaming));
}

// Spark's ResolveTimeZone: the session time zone goes into every time-zone-aware expression when
// the query is planned.
function bindTimeZone(plan: LogicalPlan, zone: string): void {
  const visit = (e: Expression): void => {
    if (isTimeZoneAware(e)) e.timeZone = zone;
    e.children.forEach(visit);
  };
  for (const node of plan.nodes()) node.expressions.forEach(visit);
}
