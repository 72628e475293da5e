// WatermarkTracker (Spark's): after each batch, each withWatermark operator that saw rows
// proposes max event time - delay (one that never saw rows counts as 0); the global watermark is
// the minimum over operators (Spark's default multiple-watermark policy) and never goes back.
import type { EventTimeStats } from './execution/spark-plan.js';

/** Tracks the event-time watermark of a query between batches. */
export class WatermarkTracker {
  private readonly operatorWatermarks = new Map<number, number>();
  private global = 0;

  constructor(private readonly delays: ReadonlyMap<number, number>) {}

  /** The watermark the next batch runs under, in ms. */
  get currentWatermark(): number {
    return this.global;
  }

  /** Restores the watermark recorded in the offset log (restart). */
  setWatermark(ms: number): void {
    this.global = ms;
  }

  /** Moves the watermark by what the batch's watermark operators saw. */
  updateWatermark(stats: ReadonlyMap<number, EventTimeStats>): void {
    for (const [index, delay] of this.delays) {
      const s = stats.get(index);
      const proposed = s && s.count > 0 ? s.max - delay : 0;
      if (proposed > (this.operatorWatermarks.get(index) ?? -Infinity)) this.operatorWatermarks.set(index, proposed);
    }
    if (this.operatorWatermarks.size === 0) return;
    const chosen = Math.min(...this.operatorWatermarks.values());
    if (chosen > this.global) this.global = chosen;
  }
}
