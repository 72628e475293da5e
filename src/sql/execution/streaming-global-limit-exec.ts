// limit(n) on a stream of appended rows (Spark's StreamingGlobalLimitExec): the state holds how many
// rows went out so far, so the query emits the first n rows over all batches, across restarts.
import { Batch } from '../../batch/batch.js';
import type { Row } from '../schema.js';
import type { StateStore } from '../state/state-store.js';
import { StateStoreOperator } from './state-store-operator.js';
import type { BatchContext, PhysicalOperator } from './spark-plan.js';

// Spark's state has one row with a null key; this is its key string.
const KEY = 'null';

/** The streaming limit operator (append mode, or below an aggregation in complete mode). */
export class StreamingGlobalLimitExec extends StateStoreOperator {
  readonly children: readonly PhysicalOperator[];

  constructor(
    readonly child: PhysicalOperator,
    private readonly limit: number,
    store: StateStore,
  ) {
    super(store, 'globalLimit');
    this.children = [child];
  }

  shouldRunAnotherBatch(): boolean {
    return false;
  }

  async execute(ctx: BatchContext): Promise<Batch<Row>> {
    // The whole input is computed even past the limit: stateful operators below commit their state either way.
    const rows = (await this.child.execute(ctx)).collect();
    const before = (this.store.get(KEY) as number | undefined) ?? 0;
    const taken = rows.slice(0, Math.max(0, this.limit - before));
    if (taken.length > 0) {
      this.store.put(KEY, before + taken.length);
      this.metrics.updated++;
    }
    return Batch.of(taken, 1);
  }
}
