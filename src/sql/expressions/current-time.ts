// current_timestamp() (Spark's CurrentTimestamp): one instant for a whole query run. In a stream
// it is the micro-batch's timestamp (Spark's CurrentBatchTimestamp, `batchTimestampMs` from the
// offset log), so a batch run again after a restart sees the time it first ran at; a static query
// sees the time it started. The time travels with the batch's execution in an AsyncLocalStorage,
// so two queries sharing a DataFrame, running at once, each see their own.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { DataType, Value } from '../schema.js';
import type { Expression } from './expression.js';

const batchTime = new AsyncLocalStorage<number>();

/** Runs `execute` with `ms` as the time current_timestamp() gives (the batch's timestamp). */
export function atBatchTime<T>(ms: number, execute: () => Promise<T>): Promise<T> {
  return batchTime.run(ms, execute);
}

/** `current_timestamp()` / `now()`: the batch's timestamp (the wall clock outside a query run). */
export class CurrentTimestamp implements Expression {
  readonly children = [];

  constructor(readonly name = 'current_timestamp()') {}

  dataType(): DataType {
    return 'timestamp';
  }

  eval(): Value {
    return new Date(batchTime.getStore() ?? Date.now());
  }
}
