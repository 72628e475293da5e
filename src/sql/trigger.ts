// Triggers: when a query runs its next micro-batch (Spark's `Trigger`).
import { FlintError } from '../errors.js';
import { parseInterval } from './interval.js';

/** When batches run: as fast as possible (default), every interval, once, or until what is there now is done. */
export type Trigger =
  | { readonly processingTime: string | number }
  | { readonly once: true }
  | { readonly availableNow: true };

/** Spark's `Trigger` factory. */
export const Trigger = {
  /** A batch every `interval` (ms or `'2 seconds'`); 0 runs batches back to back. */
  ProcessingTime: (interval: string | number): Trigger => ({ processingTime: interval }),
  /** One batch with everything available, then stop. */
  Once: (): Trigger => ({ once: true }),
  /** Everything available at start, in as many batches as source limits need, then stop. */
  AvailableNow: (): Trigger => ({ availableNow: true }),
};

/** A checked trigger: its kind and, for processing time, its interval in ms. */
export interface TriggerPlan {
  readonly kind: 'processingTime' | 'once' | 'availableNow';
  readonly intervalMs: number;
}

/** How often an idle query looks for data (Spark's `spark.sql.streaming.pollingDelay`, 10 ms). */
export const POLLING_DELAY_MS = 10;

/** Checks `trigger`. */
export function planTrigger(trigger: Trigger | undefined): TriggerPlan {
  if (trigger === undefined) return { kind: 'processingTime', intervalMs: 0 };
  if ('processingTime' in trigger) return { kind: 'processingTime', intervalMs: parseInterval(trigger.processingTime, 'trigger processingTime') };
  if ('once' in trigger && trigger.once === true) return { kind: 'once', intervalMs: 0 };
  if ('availableNow' in trigger && trigger.availableNow === true) return { kind: 'availableNow', intervalMs: 0 };
  throw new FlintError('INVALID_ARGUMENT', "trigger: use { processingTime: '2 seconds' }, { once: true } or { availableNow: true } (or Trigger.ProcessingTime(...), Trigger.Once(), Trigger.AvailableNow())");
}
