// ForEachDStream: an output operation; the job scheduler runs it once per batch.
import type { Batch } from '../batch/batch.js';
import type { DStream } from './dstream.js';
import type { Operator, OutputOperator } from './operator.js';

/** Spark's `ForEachDStream`: calls `f` with the parent's batch at each of its times. */
export class ForEachDStream<T> implements Operator<never>, OutputOperator {
  readonly name = 'ForEachDStream';
  readonly dependencies: readonly DStream<T>[];

  constructor(
    private readonly parent: DStream<T>,
    private readonly f: (batch: Batch<T>, time: number) => void | Promise<void>,
    readonly description: string,
    /** Releases what `f` holds open, once the context has stopped. */
    readonly close?: () => Promise<void>,
  ) {
    this.dependencies = [parent];
  }

  get slideDuration(): number {
    return this.parent.slideDuration;
  }

  async compute(): Promise<undefined> {
    return undefined;
  }

  async run(time: number): Promise<void> {
    const batch = await this.parent.getOrCompute(time);
    if (batch) await this.f(batch, time);
  }
}
