// dropDuplicates on a stream (Spark's StreamingDeduplicateExec): the first row of each key is
// emitted and its key kept; with a watermark on one of the key columns, rows at or behind the
// watermark are dropped and keys behind it are evicted, so the state stays bounded.
import { Batch } from '../../batch/batch.js';
import type { Row } from '../schema.js';
import type { StateStore } from '../state/state-store.js';
import { StateStoreOperator } from './state-store-operator.js';
import { keyString } from '../state/value-codec.js';
import { eventTimeOf } from './state-store-save-exec.js';
import { type BatchContext, type PhysicalOperator } from './spark-plan.js';

/** The streaming dropDuplicates operator. */
export class StreamingDeduplicateExec extends StateStoreOperator {
  readonly children: readonly PhysicalOperator[];

  constructor(
    readonly child: PhysicalOperator,
    private readonly keys: readonly string[],
    /** The key column that carries the watermark, if any. */
    private readonly eventTimeKey: string | undefined,
    store: StateStore,
  ) {
    super(store, 'dedupe');
    this.children = [child];
  }

  shouldRunAnotherBatch(watermarkMs: number): boolean {
    return this.eventTimeKey !== undefined && watermarkMs > this.lastWatermarkMs;
  }

  async execute(ctx: BatchContext): Promise<Batch<Row>> {
    this.lastWatermarkMs = ctx.watermarkMs;
    const input = await this.child.execute(ctx);
    const out: Row[] = [];
    for (const row of input.collect()) {
      const values = this.keys.map((k) => row[k] ?? null);
      const eventTime = this.eventTimeKey === undefined ? undefined : eventTimeOf(row[this.eventTimeKey] ?? null);
      if (eventTime !== undefined && eventTime <= ctx.lateEventsWatermarkMs) {
        this.metrics.dropped++;
        continue;
      }
      const key = keyString(values);
      if (this.store.get(key) !== undefined) continue;
      this.store.put(key, eventTime ?? null);
      this.metrics.updated++;
      out.push(row);
    }
    if (this.eventTimeKey !== undefined) this.evictTimesUpTo(ctx.watermarkMs);
    return Batch.of(out, 1);
  }
}

