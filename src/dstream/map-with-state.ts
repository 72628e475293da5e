// mapWithState: an internal stream holds, per partition, the state table after each batch and
// the records the mapping function emitted; the public streams read one or the other.
import { Batch } from '../batch/batch.js';
import { partitionOf } from '../batch/keys.js';
import type { DStream } from './dstream.js';
import type { Operator } from './operator.js';
import { StateMap } from './state-map.js';
import { State, type StateSpec } from './state-spec.js';
import { TransformedDStream } from './transformed.js';

/** Spark's default checkpoint interval of mapWithState, in batch intervals. */
export const DEFAULT_CHECKPOINT_MULTIPLIER = 10;

interface StateEntry<S> {
  state: S;
  /** Batch time of the last record for the key (Spark's update time). */
  updatedAt: number;
}

/** One partition of the internal stream: the state table and what the function emitted. */
export interface MapWithStatePartition<K, S, M> {
  readonly table: StateMap<K, StateEntry<S>>;
  readonly mapped: M[];
}

/** Spark's `InternalMapWithStateDStream`: one element per partition, the partition's state. */
export class InternalMapWithStateDStream<K, V, S, M> implements Operator<MapWithStatePartition<K, S, M>> {
  readonly name = 'InternalMapWithStateDStream';
  readonly mustCheckpoint = true;
  readonly dependencies: readonly DStream<[K, V]>[];
  private self: DStream<MapWithStatePartition<K, S, M>> | undefined;

  constructor(
    private readonly parent: DStream<[K, V]>,
    private readonly spec: StateSpec<K, V, S, M>,
    readonly numPartitions: number,
  ) {
    this.dependencies = [parent];
  }

  get slideDuration(): number {
    return this.parent.slideDuration;
  }

  /** Spark's MapWithStateDStream checkpoints every 10 batch intervals by default. */
  get defaultCheckpointInterval(): number {
    return DEFAULT_CHECKPOINT_MULTIPLIER * this.slideDuration;
  }

  bind(self: DStream<MapWithStatePartition<K, S, M>>): void {
    this.self = self;
  }

  async compute(time: number): Promise<Batch<MapWithStatePartition<K, S, M>>> {
    const previousTime = time - this.slideDuration;
    const previous =
      previousTime > this.parent.zero ? await this.self!.getOrCompute(previousTime) : undefined;
    // The previous tables stay as they were: each new one is a layer of this batch's changes.
    const tables = previous ? previous.partitions.map((p) => p[0]!.table.copy()) : this.initialTables(time);
    const data = await this.parent.getOrCompute(time);
    const parts = tables.map((table) => ({ table, mapped: [] as M[] }));
    for (const partition of data?.partitions ?? []) {
      for (const [key, value] of partition) {
        const part = parts[partitionOf(key, this.numPartitions)]!;
        this.applyRecord(part, key, value, time);
      }
    }
    const timeout = this.spec.getTimeout();
    if (timeout !== undefined && this.isFullScanTime(time)) {
      for (const part of parts) this.timeOut(part, time - timeout, time);
    }
    return new Batch(parts.map((p) => [p]), this.numPartitions);
  }

  // As in Spark, idle keys are found by a full scan of the state, done only on checkpoint
  // batches: every checkpoint interval (default 10 batch intervals) after zero time.
  private isFullScanTime(time: number): boolean {
    const interval = this.self!.checkpointInterval;
    return (time - this.parent.zero) % interval === 0;
  }

  private applyRecord(part: MapWithStatePartition<K, S, M>, key: K, value: V, time: number): void {
    const entry = part.table.get(key);
    const state = new State<S>().wrap(entry?.state, entry !== undefined);
    const out = this.spec.mappingFunction(key, value, state, time);
    if (state.isRemoved()) part.table.delete(key);
    else if (state.isUpdated() || (state.exists() && this.spec.getTimeout() !== undefined)) {
      // With a timeout, any record for the key counts as activity.
      part.table.set(key, { state: state.get(), updatedAt: time });
    }
    // Every result is emitted, undefined included, as Spark emits whatever the function returns.
    part.mapped.push(out);
  }

  private timeOut(part: MapWithStatePartition<K, S, M>, threshold: number, time: number): void {
    const idle = [...part.table.entries()].filter(([, e]) => e.updatedAt < threshold);
    for (const [key, entry] of idle) {
      const state = new State<S>().wrap(entry.state, true, true);
      const out = this.spec.mappingFunction(key, undefined, state, time);
      part.table.delete(key);
      part.mapped.push(out);
    }
  }

  private initialTables(time: number): StateMap<K, StateEntry<S>>[] {
    const tables = Array.from({ length: this.numPartitions }, () => StateMap.empty<K, StateEntry<S>>());
    for (const [key, state] of this.spec.getInitialState()) {
      tables[partitionOf(key, this.numPartitions)]!.set(key, { state, updatedAt: time });
    }
    return tables;
  }
}

/** The records the mapping function emitted, per batch (Spark's `MapWithStateDStream`). */
export function mappedRecordsOperator<K, S, M>(internal: DStream<MapWithStatePartition<K, S, M>>): TransformedDStream<M> {
  return new TransformedDStream<M>(
    'MapWithStateDStream',
    [internal],
    ([b]) => new Batch((b as Batch<MapWithStatePartition<K, S, M>>).partitions.map((p) => p[0]!.mapped)),
    'propagate',
  );
}

/** The full state `[key, state]` after each batch (Spark's `stateSnapshots()`). */
export function stateSnapshotsOperator<K, S, M>(internal: DStream<MapWithStatePartition<K, S, M>>): TransformedDStream<[K, S]> {
  return new TransformedDStream<[K, S]>('StateSnapshotDStream', [internal], ([b]) => {
    const parts = (b as Batch<MapWithStatePartition<K, S, M>>).partitions;
    return new Batch(
      parts.map((p) => [...p[0]!.table.entries()].map(([k, e]) => [k, e.state] as [K, S])),
      parts.length,
    );
  }, 'propagate');
}
