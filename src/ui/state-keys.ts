// The number of keys each stateful stream (updateStateByKey, mapWithState) holds, read from the
// state batch it computed last: nothing is computed for it, and a scrape costs one pass over the
// partitions' lengths.
import type { DStream } from '../dstream/dstream.js';
import { InternalMapWithStateDStream, type MapWithStatePartition } from '../dstream/map-with-state.js';
import { StateDStream } from '../dstream/state.js';

/** A stateful stream and how to count its keys. */
export interface StatefulStream {
  /** `StateDStream#1`: the operator's name and its position among the stateful streams. */
  name: string;
  /** Keys in the latest state, or `undefined` before the first state batch. */
  keys(): Promise<number | undefined>;
}

/** The stateful streams the outputs depend on, in the order a walk from the outputs finds them. */
export function statefulStreams(outputs: readonly DStream<unknown>[]): StatefulStream[] {
  const seen = new Set<DStream<unknown>>();
  const found: StatefulStream[] = [];
  const visit = (stream: DStream<unknown>): void => {
    if (seen.has(stream)) return;
    seen.add(stream);
    const count = keyCounter(stream);
    if (count) found.push({ name: `${stream.operator.name}#${found.length}`, keys: count });
    for (const dependency of stream.dependencies) visit(dependency);
  };
  for (const output of outputs) visit(output);
  return found;
}

function keyCounter(stream: DStream<unknown>): (() => Promise<number | undefined>) | undefined {
  const { operator } = stream;
  if (operator instanceof StateDStream) return async () => (await stream.latestGeneratedBatch())?.count();
  if (operator instanceof InternalMapWithStateDStream) {
    return async () => {
      const batch = (await stream.latestGeneratedBatch()) as { partitions: MapWithStatePartition<unknown, unknown, unknown>[][] } | undefined;
      return batch?.partitions.reduce((n, p) => n + (p[0]?.table.size ?? 0), 0);
    };
  }
  return undefined;
}
