// ForEachDStream: an output operation; the job scheduler runs it once per batch.
import type { Batch } from '../batch/batch.js';
import type { DStream } from './dstream.js';
import type { Operator, OutputHooks, OutputOperator } from './operator.js';

/** Spark's `ForEachDStream`: calls `f` with the parent's batch at each of its times. */
export class ForEachDStream<T> implements Operator<never>, OutputOperator {
  readonly name = 'ForEachDStream';
  readonly dependencies: readonly DStream<T>[];

  constructor(
    private readonly parent: DStream<T>,
    private readonly f: (batch: Batch<T>, time: number) => void | Promise<void>,
    readonly description: string,
    /** The sink's hooks: what to release once the context has stopped, what to do when it begins to. */
    private readonly hooks: OutputHooks = {},
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

  async close(): Promise<void> {
    await this.hooks.close?.();
  }

  stopping(): void {
    this.hooks.stopping?.();
  }
}
