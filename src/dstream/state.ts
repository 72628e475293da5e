// StateDStream: updateStateByKey. Each batch, the new state of every key is computed from the
// key's new values and its state after the previous batch.
import { Batch } from '../batch/batch.js';
import { cogroupPartitions } from '../batch/shuffle.js';
import type { DStream } from './dstream.js';
import type { Operator } from './operator.js';

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
    // State first, then new keys: keys keep their position from batch to batch.
    const grouped = cogroupPartitions<K>([states.partitions, values?.partitions ?? []], this.numPartitions);
    const parts = grouped.map((partition) => {
      const out: [K, S][] = [];
      for (const [key, [keyStates, vs]] of partition as [K, [S[], V[]]][]) {
        const next = this.update(vs, keyStates[0], key, time);
        if (next !== undefined) out.push([key, next]);
      }
      return out;
    });
    return new Batch(parts, this.numPartitions);
  }
}
