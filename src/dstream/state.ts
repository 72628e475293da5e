// StateDStream: updateStateByKey. Each batch, the new state of every key is computed from the
// key's new values and its state after the previous batch.
import { Batch } from '../batch/batch.js';
import { keyId, partitionOf } from '../batch/keys.js';
import { buildingBlockOf } from '../functions/building-blocks.js';
import type { DStream } from './dstream.js';
import type { Operator } from './operator.js';
import { indexKeys, stateBatch, stateColumnsOf, type KeyIndex, type StateColumns } from './state-columns.js';
import { sumPartition } from './state-sum.js';

/** Options of `updateStateByKey`. */
export interface UpdateStateOptions<K, S> {
  /** Partitions of the state (default: the context's default parallelism). */
  numPartitions?: number;
  /** State to start from, as `[key, state]` pairs. */
  initialState?: readonly (readonly [K, S])[];
}

/** The user's update function: returns the new state, or `undefined` to remove the key. */
export type UpdateFunc<K, V, S> = (values: V[], state: S | undefined, key: K, time: number) => S | undefined;

/** Spark's `StateDStream`. */
export class StateDStream<K, V, S> implements Operator<[K, S]> {
  readonly name = 'StateDStream';
  readonly mustCheckpoint = true;
  readonly dependencies: readonly DStream<[K, V]>[];
  private self: DStream<[K, S]> | undefined;
  /** The key index of each partition of a state batch, for the batch computed from it. */
  private readonly indexes = new WeakMap<Batch<[K, S]>, KeyIndex[]>();

  constructor(
    private readonly parent: DStream<[K, V]>,
    private readonly update: UpdateFunc<K, V, S>,
    readonly numPartitions: number,
    private readonly initialState: readonly (readonly [K, S])[],
  ) {
    this.dependencies = [parent];
  }

  get slideDuration(): number {
    return this.parent.slideDuration;
  }

  bind(self: DStream<[K, S]>): void {
    this.self = self;
  }

  // Spark's StateDStream.compute: the previous state (or, before there is one, the initial
  // state) cogrouped with the new values. Without a previous state and without new data there
  // is nothing to start from, so no batch, and the initial state waits for the first data.
  async compute(time: number): Promise<Batch<[K, S]> | undefined> {
    const previousTime = time - this.slideDuration;
    const previous = previousTime > this.parent.zero ? await this.self!.getOrCompute(previousTime) : undefined;
    const values = await this.parent.getOrCompute(time);
    if (!previous && !values) return undefined;
    const states = previous ?? Batch.of(this.initialState as [K, S][]);
    const n = this.numPartitions;
    const table = stateColumnsOf(states, n);
    const columns = table.columns;
    // A batch's key indexes go to the one batch computed from it; any other use rebuilds them.
    const indexes = this.indexes.get(states) ?? table.indexes ?? columns.map((c) => indexKeys(c.keys));
    this.indexes.delete(states);
    const grouped = groupNewValues(values, columns, indexes);
    const next = columns.map((c, p) => this.sumPartition(c, grouped[p]!) ?? this.updatePartition(c, grouped[p]!, time));
    const batch = stateBatch(next.map((r) => r.columns));
    // Removed keys shift the indices after them: those partitions are indexed again next time.
    if (next.every((r) => !r.removed)) this.indexes.set(batch, indexes);
    return batch;
  }

  // Flint's runningSum skips the keys without new values; any other function is called for each.
  private sumPartition(old: StateColumns<K, S>, grouped: GroupedValues<K, V>): UpdatedPartition<K, S> | undefined {
    if (buildingBlockOf(this.update)?.kind !== 'runningSum') return undefined;
    const columns = sumPartition(old, grouped.newKeys, grouped.touched, grouped.lists);
    return columns && { columns: columns as unknown as StateColumns<K, S>, removed: false };
  }

  // State first, then new keys: keys keep their position from batch to batch. Every key gets a
  // call, those without new values with an empty array, as in Spark. While no key is removed the
  // keys column is the old one (plus the new keys), not a copy; numeric states go straight into
  // a Float64Array until a state is not a number.
  private updatePartition(old: StateColumns<K, S>, grouped: GroupedValues<K, V>, time: number): UpdatedPartition<K, S> {
    const oldLength = old.keys.length;
    const { newKeys } = grouped;
    const total = oldLength + newKeys.length;
    const keyAt = (i: number): K => (i < oldLength ? old.keys[i]! : newKeys[i - oldLength]!);
    let numbers = old.states instanceof Float64Array ? new Float64Array(total) : undefined;
    let states: S[] = [];
    let length = 0;
    let kept: K[] | undefined;
    for (let i = 0; i < total; i++) {
      const key = keyAt(i);
      const s = this.update(grouped.valuesAt(i) ?? [], i < oldLength ? old.states[i] : undefined, key, time);
      if (s === undefined) {
        kept ??= Array.from({ length: i }, (_, j) => keyAt(j));
        continue;
      }
      if (numbers !== undefined && typeof s === 'number') numbers[length] = s;
      else {
        if (numbers !== undefined) states = Array.from(numbers.subarray(0, length)) as S[];
        numbers = undefined;
        states.push(s);
      }
      length++;
      kept?.push(key);
    }
    const keys = kept ?? (newKeys.length > 0 ? old.keys.concat(newKeys) : old.keys);
    const column = numbers === undefined ? states : length < total ? numbers.slice(0, length) : numbers;
    return { columns: { keys, states: column as ArrayLike<S> }, removed: kept !== undefined };
  }
}

interface UpdatedPartition<K, S> {
  columns: StateColumns<K, S>;
  /** True when a key in the old state or the new values got no new state. */
  removed: boolean;
}

/**
 * One partition's new values by key index (keys past the old state's are `newKeys`, in order):
 * an Int32Array of positions, as long as the state, where a Map per key cost more than the update
 * (and V8 keeps a large holey array as a dictionary).
 */
class GroupedValues<K, V> {
  readonly newKeys: K[] = [];
  /** Indices of the keys with new values, in the order first seen, and at the same positions their values. */
  readonly touched: number[] = [];
  readonly lists: V[][] = [];
  /** Per key index, 1 + the position of its values in `lists`, or 0. */
  private slots: Int32Array;

  constructor(oldLength: number) {
    this.slots = new Int32Array(oldLength + 1024);
  }

  /** Adds `v` to the values of key `i` (at most one past the last key). */
  add(i: number, v: V): void {
    if (i >= this.slots.length) {
      const grown = new Int32Array(this.slots.length * 2);
      grown.set(this.slots);
      this.slots = grown;
    }
    const slot = this.slots[i]!;
    if (slot > 0) this.lists[slot - 1]!.push(v);
    else {
      this.touched.push(i);
      this.slots[i] = this.lists.push([v]);
    }
  }

  /** The new values of key `i`, if it has any. */
  valuesAt(i: number): V[] | undefined {
    const slot = this.slots[i]!;
    return slot > 0 ? this.lists[slot - 1] : undefined;
  }
}

/**
 * Groups the new values by key into the state's partitions, adding keys the state lacks to the
 * partition's index after its old keys, in the order they are first seen (a cogroup's order).
 */
function groupNewValues<K, V, S>(
  batch: Batch<[K, V]> | undefined,
  columns: readonly StateColumns<K, S>[],
  indexes: KeyIndex[],
): GroupedValues<K, V>[] {
  const n = columns.length;
  const grouped = columns.map((c) => new GroupedValues<K, V>(c.keys.length));
  // Values already hash-partitioned the same way (a reduceByKey's) stay where they are.
  const partitioned = batch?.hashPartitions === n;
  for (const [j, partition] of (batch?.partitions ?? []).entries()) {
    for (const [k, v] of partition) {
      const p = partitioned ? j : partitionOf(k, n);
      const id = keyId(k);
      const g = grouped[p]!;
      let i = indexes[p]!.get(id);
      if (i === undefined) {
        i = columns[p]!.keys.length + g.newKeys.length;
        g.newKeys.push(k);
        indexes[p]!.set(id, i);
      }
      g.add(i, v);
    }
  }
  return grouped;
}
