// KeyValueGroupedDataset (Spark's, from groupByKey): arbitrary per-key state with
// mapGroupsWithState and flatMapGroupsWithState.
import { FlintError } from '../errors.js';
import { Dataset } from './dataframe.js';
import { FlatMapGroupsWithState } from './logical-plan.js';
import { toRow, type StructType, type Value } from './schema.js';
import type { GroupState, GroupStateTimeout } from './state/group-state.js';

/** Rows grouped by a key function (Spark's `KeyValueGroupedDataset[K, V]`). */
export class KeyValueGroupedDataset<K, V> {
  constructor(
    private readonly ds: Dataset<V>,
    private readonly keyOf: (row: V) => K,
  ) {}

  /**
   * Calls `f(key, rows, state)` once per key with new rows (and per timed-out key), and emits its
   * result (Spark's `mapGroupsWithState`; update output mode only). State values must be JSON-able.
   */
  mapGroupsWithState<S, U>(timeoutConf: GroupStateTimeout, f: (key: K, rows: V[], state: GroupState<S>) => U, schema?: StructType): Dataset<U> {
    return this.plan<S, U>('update', timeoutConf, (k, rows, s) => [f(k, rows, s)], true, schema);
  }

  /**
   * Like mapGroupsWithState with any number of output rows per call; `outputMode` declares whether
   * the output is final rows (`append`) or updates (`update`), and the query must use the same mode.
   */
  flatMapGroupsWithState<S, U>(
    outputMode: 'append' | 'update',
    timeoutConf: GroupStateTimeout,
    f: (key: K, rows: V[], state: GroupState<S>) => Iterable<U>,
    schema?: StructType,
  ): Dataset<U> {
    return this.plan(outputMode, timeoutConf, f, false, schema);
  }

  private plan<S, U>(
    mode: 'append' | 'update',
    timeout: GroupStateTimeout,
    f: (key: K, rows: V[], state: GroupState<S>) => Iterable<U>,
    isMap: boolean,
    schema: StructType | undefined,
  ): Dataset<U> {
    if (!['NoTimeout', 'ProcessingTimeTimeout', 'EventTimeTimeout'].includes(timeout)) {
      throw new FlintError('INVALID_ARGUMENT', `unknown GroupStateTimeout "${String(timeout)}"; use GroupStateTimeout.NoTimeout, ProcessingTimeTimeout or EventTimeTimeout`);
    }
    const node = new FlatMapGroupsWithState(
      this.ds.logicalPlan,
      (row) => ({ key: this.keyOf(row as V) as Value }),
      (key, rows, state) => [...f(key.key as K, rows as V[], state as GroupState<S>)].map((v) => toRow(v, 'mapGroupsWithState')),
      mode,
      timeout,
      isMap,
      schema,
    );
    return new Dataset<U>(this.ds.session, node);
  }
}

