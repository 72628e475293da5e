// dropDuplicatesWithinWatermark (Spark's StreamingDeduplicateWithinWatermarkExec): the first row
// of each key is emitted and the key kept until the watermark reaches that row's event time plus
// the watermark delay, so duplicates whose event times differ are caught while the state stays
// bounded. Rows at or behind the watermark are dropped as late.
import { Batch } from '../../batch/batch.js';
import type { Row } from '../schema.js';
import type { StateStore } from '../state/state-store.js';
import { keyString } from '../state/value-codec.js';
import { StateStoreOperator } from './state-store-operator.js';
import { eventTimeOf } from './state-store-save-exec.js';
import type { BatchContext, PhysicalOperator } from './spark-plan.js';

/** The streaming dropDuplicatesWithinWatermark operator. */
export class StreamingDeduplicateWithinWatermarkExec extends StateStoreOperator {
  readonly children: readonly PhysicalOperator[];

  constructor(
    readonly child: PhysicalOperator,
    private readonly keys: readonly string[],
    /** The column carrying the watermark. */
    private readonly eventTimeColumn: string,
    /** The watermark's delay: a key expires that long after its row's event time. */
    private readonly delayMs: number,
    store: StateStore,
  ) {
    super(store, 'dedupeWithinWatermark');
    this.children = [child];
  }

  shouldRunAnotherBatch(watermarkMs: number): boolean {
    return watermarkMs > this.lastWatermarkMs;
  }

  async execute(ctx: BatchContext): Promise<Batch<Row>> {
    this.lastWatermarkMs = ctx.watermarkMs;
    const out: Row[] = [];
    for (const row of (await this.child.execute(ctx)).collect()) {
      const eventTime = eventTimeOf(row[this.eventTimeColumn] ?? null);
      if (eventTime !== undefined && eventTime <= ctx.lateEventsWatermarkMs) {
        this.metrics.dropped++;
        continue;
      }
      const key = keyString(this.keys.map((k) => row[k] ?? null));
      if (this.store.get(key) !== undefined) continue;
      this.store.put(key, eventTime === undefined ? null : eventTime + this.delayMs);
      this.metrics.updated++;
      out.push(row);
    }
    this.evictTimesUpTo(ctx.watermarkMs);
    return Batch.of(out, 1);
  }
}
