// Output modes and Spark's UnsupportedOperationChecker: which query shapes each mode accepts,
// checked at start() so a query that cannot run correctly never starts.
//
//                                   append              update      complete
//   no aggregation                  yes                 yes         no
//   aggregation with watermark key  yes (final rows)    yes         yes
//   aggregation without watermark   no                  yes         yes
//   mapGroupsWithState              no                  yes         no
//   flatMapGroupsWithState          its declared mode   its mode    no (append-mode one: before an aggregation, any)
//   dropDuplicates                  yes                 yes         (needs aggregation)
//   orderBy                         no                  no          after an aggregation
//   stream-stream join              yes                 no          no (outer: a watermarked join key)
//   limit                           yes (stateful)      no          yes
//   count(DISTINCT ...)             no                  no          no (approx_count_distinct is the streaming one)
import { FlintError } from '../errors.js';
import { CountDistinct } from './expressions/aggregates.js';
import { stripAlias } from './expressions/expression.js';
import type { JoinType } from './join-type.js';
import { Aggregate, Deduplicate, FlatMapGroupsWithState, Join, Limit, Sort, type LogicalPlan } from './logical-plan.js';

/** What each trigger writes (Spark's `OutputMode`). */
export type OutputMode = 'append' | 'update' | 'complete';

/** Checks a mode name given by the program. */
export function parseOutputMode(mode: string): OutputMode {
  const m = String(mode).toLowerCase();
  if (m === 'append' || m === 'update' || m === 'complete') return m;
  throw new FlintError('INVALID_ARGUMENT', `outputMode: unknown output mode "${mode}"; accepted output modes are 'append', 'complete', 'update'`);
}

/** Throws a FlintError (code UNSUPPORTED_OPERATION) when `plan` cannot run in `mode` (Spark's `checkForStreaming`). */
export function checkForStreaming(plan: LogicalPlan, mode: OutputMode): void {
  const nodes = plan.nodes();
  const aggregates = nodes.filter((n): n is Aggregate => n instanceof Aggregate && n.isStreaming);
  const groupStates = nodes.filter((n): n is FlatMapGroupsWithState => n instanceof FlatMapGroupsWithState && n.isStreaming);
  // Chained stateful operators (Spark 3.5): in append mode each passes on only final rows, which the
  // next judges by the previous batch's watermark; other modes would pass on rows that change.
  if (aggregates.length > 1 && mode !== 'append') {
    fail('Multiple streaming aggregations are not supported with streaming DataFrames/Datasets in update or complete output mode; chain them in append mode, each grouped by a watermarked column or a window over one (window(window_time(window), ...))');
  }
  const aggregate = aggregates.find((a) => a.watermarkKeyIndex < 0) ?? aggregates[0];
  if (mode === 'complete' && !aggregate) {
    fail('Complete output mode not supported when there are no streaming aggregations on streaming DataFrames/Datasets; use append or update, or add groupBy(...).agg(...)');
  }
  if (mode === 'append' && aggregate && aggregate.watermarkKeyIndex < 0) {
    fail(
      'Append output mode not supported when there are streaming aggregations on streaming DataFrames/DataSets without watermark; ' +
        'add withWatermark(eventTimeColumn, delay) and group by that column (or a window over it), or use outputMode update or complete',
    );
  }
  checkGroupStates(groupStates, mode, aggregate !== undefined);
  for (const d of nodes.filter((n): n is Deduplicate => n instanceof Deduplicate && n.isStreaming)) {
    if (mode !== 'append' && d.child.nodes().some((n) => n instanceof Aggregate && n.isStreaming)) fail(`${d.withinWatermark ? 'dropDuplicatesWithinWatermark' : 'dropDuplicates'} is not supported after aggregation on a streaming DataFrame/Dataset`);
    if (d.withinWatermark && d.child.eventTimeColumns.size === 0) {
      fail('dropDuplicatesWithinWatermark is not supported in streaming DataFrames/DataSets without watermark; call withWatermark(eventTimeColumn, delay) before it');
    }
  }
  for (const s of nodes.filter((n): n is Sort => n instanceof Sort && n.isStreaming)) {
    const afterAggregate = s.child.nodes().some((n) => n instanceof Aggregate);
    if (!afterAggregate || mode !== 'complete') {
      fail('Sorting is not supported on streaming DataFrames/Datasets, unless it is on aggregated DataFrame/Dataset in Complete output mode');
    }
  }
  if (mode === 'update' && nodes.some((n) => n instanceof Limit && n.isStreaming)) fail('Limits are not supported on streaming DataFrames/Datasets in Update output mode; use append or complete');
  const distinct = nodes.find((n): n is Aggregate => n instanceof Aggregate && n.isStreaming && n.aggregates.some((a) => stripAlias(a) instanceof CountDistinct));
  if (distinct) fail('Distinct aggregations are not supported on streaming DataFrames/Datasets. Consider using approx_count_distinct() instead.');
  for (const j of nodes.filter((n): n is Join => n instanceof Join)) checkJoin(j, mode, nodes);
}

/** Spark's names of join types in its error messages. */
const SPARK_JOIN_NAME: Readonly<Record<JoinType, string>> = {
  inner: 'Inner', left_outer: 'LeftOuter', right_outer: 'RightOuter', full_outer: 'FullOuter', left_semi: 'LeftSemi', left_anti: 'LeftAnti',
};

// Spark's rules for which side of each join type may stream (UnsupportedOperationChecker).
function checkJoin(j: Join, mode: OutputMode, nodes: LogicalPlan[]): void {
  const [left, right] = [j.left.isStreaming, j.right.isStreaming];
  const name = SPARK_JOIN_NAME[j.joinType];
  if (j.joinType === 'full_outer' && left !== right) {
    fail(`FullOuter joins with streaming DataFrames/Datasets on the ${left ? 'left' : 'right'} and a static DataFrame/Dataset on the ${left ? 'right' : 'left'} is not supported`);
  }
  if (j.joinType === 'left_anti' && right) fail('LeftAnti joins with a streaming DataFrame/Dataset on the right are not supported');
  if ((j.joinType === 'left_outer' || j.joinType === 'left_semi') && !left && right) {
    fail(`${name} join with a streaming DataFrame/Dataset on the right and a static DataFrame/Dataset on the left is not supported`);
  }
  if (j.joinType === 'right_outer' && left && !right) fail('RightOuter join with a streaming DataFrame/Dataset on the left and a static DataFrame/DataSet on the right not supported');
  if (left && right) checkStreamStreamJoin(j, mode, nodes);
}

// Spark's rules for joins of two streams: append mode only; an outer or semi join must know when a
// row can no longer match, so one of its keys must carry a watermark; no stateful operator after a
// join on a time range.
function checkStreamStreamJoin(j: Join, mode: OutputMode, nodes: LogicalPlan[]): void {
  if (mode !== 'append') fail(`Join between two streaming DataFrames/Datasets is not supported in ${mode === 'update' ? 'Update' : 'Complete'} output mode, only in Append output mode`);
  if (j.leftKeys.length === 0) fail('Stream-stream join without equality predicate is not supported; add an equality between a left and a right column to the condition');
  const watermarkInKeys = j.leftKeys.some((k, i) => j.left.eventTimeColumns.has(k) || j.right.eventTimeColumns.has(j.rightKeys[i]!));
  const [leftRange, rightRange] = [(j.split?.leftBounds.length ?? 0) > 0, (j.split?.rightBounds.length ?? 0) > 0];
  const range = { inner: true, left_outer: leftRange, left_semi: leftRange, right_outer: rightRange, full_outer: leftRange || rightRange, left_anti: false }[j.joinType];
  if (j.joinType !== 'inner' && !watermarkInKeys && !range) {
    fail(
      `Stream-stream ${SPARK_JOIN_NAME[j.joinType]} join between two streaming DataFrame/Datasets is not supported without a watermark in the join keys, ` +
        'or a watermark on the nullable side and an appropriate range condition; join on a watermarked event-time column or a window over one, ' +
        'or bound the other side\'s event time by this side\'s (`rightTime <= leftTime + interval 1 hour`)',
    );
  }
  // A join whose condition bounds one side's event time by the other's emits rows behind the
  // watermark, which a stateful operator after it would drop (Spark's global watermark check).
  const above = nodes.filter((n) => n !== j && n.nodes().includes(j));
  const statefulAbove = above.some((n) => n instanceof Aggregate || n instanceof Deduplicate || n instanceof FlatMapGroupsWithState || (n instanceof Join && n.left.isStreaming && n.right.isStreaming));
  if (statefulAbove && (leftRange || rightRange)) {
    fail(
      "Detected pattern of possible 'correctness' issue due to global watermark. The query contains stateful operation which can emit rows older than the current watermark plus allowed late record delay, " +
        'which are "late rows" in downstream stateful operations and these rows can be discarded: a stream-stream join with a time-range condition followed by a stateful operator; ' +
        'join on equal event times (or windows) instead, or write the join to a sink and read it back',
    );
  }
}

// Spark's rules for [flat]mapGroupsWithState, alone, several, and with an aggregation.
function checkGroupStates(groupStates: FlatMapGroupsWithState[], mode: OutputMode, hasAggregate: boolean): void {
  const maps = groupStates.filter((g) => g.isMapGroupsWithState);
  if (maps.length > 0 && maps.length < groupStates.length) fail('Mixing mapGroupsWithStates and flatMapGroupsWithStates are not supported on a streaming DataFrames/Datasets');
  if (maps.length > 1) fail('Multiple mapGroupsWithStates are not supported on a streaming DataFrames/Datasets');
  if (groupStates.length > 1 && (mode !== 'append' || groupStates.some((g) => g.funcOutputMode !== 'append'))) {
    fail('Multiple flatMapGroupsWithStates are not supported when they are not all in append mode or the output mode is not append on a streaming DataFrames/Datasets');
  }
  for (const g of groupStates) {
    const name = g.isMapGroupsWithState ? 'mapGroupsWithState' : 'flatMapGroupsWithState';
    if (g.timeout === 'EventTimeTimeout' && g.child.eventTimeColumns.size === 0) {
      fail(`Watermark must be specified in the query using '[Dataset/DataFrame].withWatermark()' for using event-time timeout in a ${name}. Event-time timeout not supported without watermark.`);
    }
    const aggregateBelow = g.child.nodes().some((n) => n instanceof Aggregate && n.isStreaming);
    if (g.isMapGroupsWithState) {
      if (hasAggregate) fail('mapGroupsWithState is not supported with aggregation on a streaming DataFrame/Dataset');
      if (mode !== 'update') fail(`mapGroupsWithState is not supported with ${capital(mode)} output mode on a streaming DataFrame/Dataset; use outputMode('update')`);
    } else if (g.funcOutputMode === 'update') {
      if (hasAggregate) fail('flatMapGroupsWithState in update mode is not supported with aggregation on a streaming DataFrame/Dataset');
      if (mode !== 'update') fail(`flatMapGroupsWithState in update mode is not supported with ${capital(mode)} output mode on a streaming DataFrame/Dataset`);
    } else {
      if (aggregateBelow) fail('flatMapGroupsWithState in append mode is not supported after aggregation on a streaming DataFrame/Dataset');
      if (!hasAggregate && mode !== 'append') fail(`flatMapGroupsWithState in append mode is not supported with ${capital(mode)} output mode on a streaming DataFrame/Dataset`);
    }
  }
}

function capital(mode: OutputMode): string {
  return mode[0]!.toUpperCase() + mode.slice(1);
}

function fail(message: string): never {
  throw new FlintError('UNSUPPORTED_OPERATION', message);
}
