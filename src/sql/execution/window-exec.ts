// The window operator (Spark's WindowExec) over a static table: rows grouped by the partition
// columns, sorted by the order (ascending nulls first, descending nulls last, as Spark), and each
// window expression computed for every row under its name; the rows come out partition by
// partition in that order. Expressions with the same window share one sort.
import { Batch } from '../../batch/batch.js';
import { AggregateFunction, type AggBuffer } from '../expressions/aggregates.js';
import { compareValues } from '../expressions/scalar.js';
import { Ntile, OffsetFunction, RankFunction, type WindowExpression } from '../expressions/window-functions.js';
import type { Row, Value } from '../schema.js';
import { keyString } from '../state/value-codec.js';
import { Window, type WindowSpec } from '../window-spec.js';
import type { BatchContext, PhysicalOperator } from './spark-plan.js';

/** Computes window expressions over all the child's rows. */
export class WindowExec implements PhysicalOperator {
  readonly children: readonly PhysicalOperator[];
  constructor(
    readonly child: PhysicalOperator,
    private readonly windows: readonly WindowExpression[],
  ) {
    this.children = [child];
  }

  async execute(ctx: BatchContext): Promise<Batch<Row>> {
    let rows = (await this.child.execute(ctx)).collect().map((r) => ({ ...r }) as Record<string, Value>);
    const bySpec = new Map<string, WindowExpression[]>();
    for (const w of this.windows) bySpec.set(w.spec.toString(), [...(bySpec.get(w.spec.toString()) ?? []), w]);
    for (const group of bySpec.values()) rows = computeWindow(rows, group[0]!.spec, group);
    return Batch.of(rows as Row[], Math.max(1, ctx.numPartitions));
  }
}

function computeWindow(rows: Record<string, Value>[], spec: WindowSpec, exprs: readonly WindowExpression[]): Record<string, Value>[] {
  const partitions = new Map<string, Record<string, Value>[]>();
  for (const row of rows) {
    const key = keyString(spec.partitions.map((p) => p.eval(row)));
    const part = partitions.get(key);
    if (part) part.push(row);
    else partitions.set(key, [row]);
  }
  const out: Record<string, Value>[] = [];
  for (const part of partitions.values()) {
    const keyed = part.map((row) => ({ row, key: spec.orders.map((o) => o.expr.eval(row)) }));
    keyed.sort((a, b) => compareKeys(spec, a.key, b.key));
    const sorted = keyed.map((k) => k.row);
    const keys = keyed.map((k) => k.key);
    for (const e of exprs) {
      const values = valuesOf(e, sorted, keys, spec);
      sorted.forEach((row, i) => (row[e.name] = values[i]!));
    }
    out.push(...sorted);
  }
  return out;
}

// Spark's default null ordering: first when ascending, last when descending.
function compareKeys(spec: WindowSpec, a: readonly Value[], b: readonly Value[]): number {
  for (const [i, o] of spec.orders.entries()) {
    const [x, y] = [a[i] ?? null, b[i] ?? null];
    const c = x === null ? (y === null ? 0 : -1) : y === null ? 1 : compareValues(x, y);
    if (c !== 0) return o.ascending ? c : -c;
  }
  return 0;
}

function valuesOf(e: WindowExpression, rows: readonly Record<string, Value>[], keys: readonly Value[][], spec: WindowSpec): Value[] {
  const fn = e.fn;
  const n = rows.length;
  const peersEnd = peerEnds(keys, spec);
  if (fn instanceof RankFunction) return ranks(fn, keys, spec, peersEnd);
  if (fn instanceof Ntile) {
    const size = Math.floor(n / fn.buckets);
    const bigger = n % fn.buckets;
    return rows.map((_, i) => (i < bigger * (size + 1) ? Math.floor(i / (size + 1)) + 1 : bigger + Math.floor((i - bigger * (size + 1)) / Math.max(size, 1)) + 1));
  }
  if (fn instanceof OffsetFunction) {
    const step = fn.direction === 'lag' ? -fn.offset : fn.offset;
    return rows.map((_, i) => {
      const j = i + step;
      return j >= 0 && j < n ? fn.input.eval(rows[j]!) : fn.fallback;
    });
  }
  return aggregateOverFrames(fn as AggregateFunction, rows, spec, peersEnd);
}

// For each row, the index of the last row with the same order values (its peers' end).
function peerEnds(keys: readonly Value[][], spec: WindowSpec): number[] {
  const ends = new Array<number>(keys.length);
  for (let i = keys.length - 1; i >= 0; i--) ends[i] = i + 1 < keys.length && compareKeys(spec, keys[i]!, keys[i + 1]!) === 0 ? ends[i + 1]! : i;
  return ends;
}

function ranks(fn: RankFunction, keys: readonly Value[][], spec: WindowSpec, peersEnd: readonly number[]): Value[] {
  const n = keys.length;
  const out: Value[] = [];
  let rank = 1;
  let dense = 0;
  for (let i = 0; i < n; i++) {
    const newPeers = i === 0 || compareKeys(spec, keys[i - 1]!, keys[i]!) !== 0;
    if (newPeers) {
      rank = i + 1;
      dense++;
    }
    if (fn.kind === 'row_number') out.push(i + 1);
    else if (fn.kind === 'rank') out.push(rank);
    else if (fn.kind === 'dense_rank') out.push(dense);
    else if (fn.kind === 'percent_rank') out.push(n === 1 ? 0 : (rank - 1) / (n - 1));
    else out.push((peersEnd[i]! + 1) / n);
  }
  return out;
}

// The frame of each row: the spec's, or Spark's default (start to current row and its peers with an
// order, the whole partition without), then the aggregate over it.
function aggregateOverFrames(fn: AggregateFunction, rows: readonly Record<string, Value>[], spec: WindowSpec, peersEnd: readonly number[]): Value[] {
  const n = rows.length;
  const frame = spec.frame ?? (spec.orders.length > 0 ? { kind: 'range' as const, start: Window.unboundedPreceding, end: Window.currentRow } : { kind: 'rows' as const, start: Window.unboundedPreceding, end: Window.unboundedFollowing });
  const bounds = (i: number): [number, number] => {
    const edge = (b: number, isEnd: boolean): number => {
      if (b === Window.unboundedPreceding) return 0;
      if (b === Window.unboundedFollowing) return n - 1;
      if (frame.kind === 'range') return isEnd ? peersEnd[i]! : firstPeer(i);
      return i + b;
    };
    return [Math.max(0, edge(frame.start, false)), Math.min(n - 1, edge(frame.end, true))];
  };
  const firstPeer = (i: number): number => {
    let j = i;
    while (j > 0 && peersEnd[j - 1] === peersEnd[i]) j--;
    return j;
  };
  // From the partition's start, the frame only grows: one running buffer (arrays copied out, as
  // collect_list's buffer keeps growing).
  if (frame.start === Window.unboundedPreceding) {
    let buffer: AggBuffer = fn.zero();
    let next = 0;
    return rows.map((_, i) => {
      const [, to] = bounds(i);
      for (; next <= to; next++) buffer = fn.update(buffer, rows[next] as Row);
      const v = fn.result(buffer);
      return Array.isArray(v) ? [...v] : v;
    });
  }
  const cache = new Map<string, Value>();
  return rows.map((_, i) => {
    const [from, to] = bounds(i);
    const key = `${from}:${to}`;
    if (cache.has(key)) return cache.get(key)!;
    let buffer: AggBuffer = fn.zero();
    for (let j = from; j <= to; j++) buffer = fn.update(buffer, rows[j] as Row);
    const v = from > to ? fn.result(fn.zero()) : fn.result(buffer);
    cache.set(key, v);
    return v;
  });
}
