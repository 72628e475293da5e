// Which streams of a graph a checkpoint keeps, under which ids, and the graph's fingerprint.
// Functions cannot be saved, so recovery rebuilds the graph from the program and matches each
// stream by its position: ids are the order of a depth-first walk from the outputs, in
// definition order, which the same program always reproduces.
import { DEFAULT_CHECKPOINT_MS, type DStream } from '../dstream/dstream.js';
import type { InputOperator } from '../dstream/operator.js';
import type { DStreamGraph } from '../streaming/graph.js';

/** A window operator whose parent's batches (panes) a checkpoint keeps. */
export interface WindowPanes {
  /** Id of the parent whose batches are the panes. */
  readonly parentId: number;
  /** Window plus slide: panes this far back may still be read after a restart. */
  readonly span: number;
}

/** The streams of a graph as a checkpoint sees them. */
export interface GraphLayout {
  /** Every stream, by id. */
  readonly streams: readonly DStream<unknown>[];
  /** One line per stream: operator, slide, window, partitions, parents. */
  readonly fingerprint: readonly string[];
  /** Ids of the streams that keep state across batches (Spark's `mustCheckpoint`). */
  readonly stateful: readonly number[];
  /** The window operators, by the id of the parent whose panes they read. */
  readonly windows: readonly WindowPanes[];
  /** Ids of the input streams, with their operators. */
  readonly inputs: readonly { id: number; input: InputOperator<unknown> }[];
  /** How often the context checkpoints, in ms: the shortest interval of its stateful streams. */
  readonly interval: number;
}

/** Lays out `graph` (complete: every output defined). */
export function layoutOf(graph: DStreamGraph, batchInterval: number): GraphLayout {
  const ids = new Map<DStream<unknown>, number>();
  const streams: DStream<unknown>[] = [];
  const visit = (s: DStream<unknown>): void => {
    if (ids.has(s)) return;
    ids.set(s, streams.length);
    streams.push(s);
    for (const d of s.dependencies) visit(d);
  };
  for (const out of graph.outputStreams) visit(out);
  // An input no output reads is still drained each batch, and still has a position.
  for (const input of graph.inputStreams) visit(input);
  const fingerprint = streams.map((s, id) => describe(s, id, ids));
  const stateful = streams.flatMap((s, id) => (s.operator.mustCheckpoint ? [id] : []));
  const windows = streams.flatMap((s) => {
    const w = s.operator.windowDuration;
    return w === undefined ? [] : [{ parentId: ids.get(s.dependencies[0]!)!, span: w + s.slideDuration }];
  });
  const inputs = graph.inputStreams.map((s) => ({ id: ids.get(s)!, input: s.operator as InputOperator<unknown> }));
  // Without state, a checkpoint holds positions and panes, at Spark's default interval.
  const interval =
    stateful.length > 0
      ? Math.min(...stateful.map((id) => streams[id]!.checkpointInterval))
      : batchInterval * Math.ceil(DEFAULT_CHECKPOINT_MS / batchInterval);
  return { streams, fingerprint, stateful, windows, inputs, interval };
}

function describe(s: DStream<unknown>, id: number, ids: ReadonlyMap<DStream<unknown>, number>): string {
  const op = s.operator;
  // A source's name carries its address (host, port, directory): moving it is no reason to
  // throw the state away, so only its kind counts.
  const name = op.dependencies.length === 0 ? op.name.replace(/\(.*$/s, '') : op.name;
  const parts = [`#${id} ${name}`, `slide=${s.slideDuration}`];
  if (op.windowDuration !== undefined) parts.push(`window=${op.windowDuration}`);
  if (op.numPartitions !== undefined) parts.push(`partitions=${op.numPartitions}`);
  if (s.dependencies.length > 0) parts.push(`parents=${s.dependencies.map((d) => `#${ids.get(d)}`).join(',')}`);
  return parts.join(' ');
}
