// DStreamGraph: the input and output streams of a context, and what the scheduler asks of them
// each batch: materialize inputs, list the output jobs, forget old batches.
import type { DStream } from '../dstream/dstream.js';
import type { InputOperator, OutputOperator } from '../dstream/operator.js';
import { FlintError } from '../errors.js';
import type { BatchInfo } from '../scheduler/listener.js';

/** One output operation to run for one batch. */
export interface Job {
  /** Index of the output operation, in definition order. */
  id: number;
  name: string;
  time: number;
  run(): Promise<void>;
}

/** The streams of a StreamingContext (Spark's `DStreamGraph`). */
export class DStreamGraph {
  readonly inputStreams: DStream<unknown>[] = [];
  readonly outputStreams: DStream<unknown>[] = [];
  private rememberDuration: number | undefined;
  zeroTime: number | undefined;

  /** Adds an input stream. */
  addInputStream(stream: DStream<unknown>): void {
    this.inputStreams.push(stream);
  }

  /** Tells output operations the context began to stop (see {@link OutputOperator.stopping}). */
  outputsStopping(): void {
    for (const out of this.outputStreams) (out.operator as unknown as OutputOperator).stopping?.();
  }

  /** Releases what output operations hold open (the context has stopped); never throws. */
  async closeOutputs(): Promise<void> {
    await Promise.allSettled(this.outputStreams.map((out) => (out.operator as unknown as OutputOperator).close?.()));
  }

  /** Adds an output stream. */
  addOutputStream(stream: DStream<unknown>): void {
    this.outputStreams.push(stream);
  }

  /** Keeps every batch for at least `ms` (Spark's `StreamingContext.remember`). */
  remember(ms: number): void {
    this.rememberDuration = ms;
  }

  /** Validates the graph and initializes every stream at `zeroTime`. */
  start(zeroTime: number, checkpointDir: string | undefined): void {
    if (this.outputStreams.length === 0) {
      throw new FlintError(
        'NO_OUTPUT_OPERATIONS',
        'No output operations registered, so nothing to execute; add one such as print(), foreachRDD() or saveAsTextFiles() before start()',
      );
    }
    for (const out of this.outputStreams) out.validateAtStart(checkpointDir);
    this.zeroTime = zeroTime;
    for (const out of this.outputStreams) out.initialize(zeroTime);
    // Inputs no output reads are still drained every batch, so they cannot pile up data.
    for (const input of this.inputStreams) if (!input.zeroTimeSet()) input.initialize(zeroTime);
    if (this.rememberDuration !== undefined) for (const out of this.outputStreams) out.remember(this.rememberDuration);
  }

  /** The input operators, for starting and stopping them. */
  inputOperators(): InputOperator<unknown>[] {
    return this.inputStreams.map((s) => s.operator as InputOperator<unknown>);
  }

  /** Assigns received data to the batch at `time`; returns how many records each input stream got, in order. */
  async materializeInputs(time: number): Promise<number[]> {
    const batches = await Promise.all(this.inputStreams.map((s) => s.getOrCompute(time)));
    return batches.map((b) => b?.count() ?? 0);
  }

  /** The output jobs due at `time`, in definition order. */
  generateJobs(time: number): Job[] {
    return this.outputStreams.flatMap((out, id) => {
      if (!out.isTimeValid(time)) return [];
      const op = out.operator as unknown as OutputOperator;
      return [{ id, name: op.description, time, run: () => op.run(time) }];
    });
  }

  /** Tells the input streams that a batch has been processed (they free what it held). */
  batchCompleted(info: BatchInfo): void {
    for (const input of this.inputOperators()) input.onBatchCompleted?.(info);
  }

  /** Forgets batches that are no longer needed after the batch at `time`. */
  clearMetadata(time: number): void {
    for (const stream of [...this.outputStreams, ...this.inputStreams]) stream.clearMetadata(time);
  }
}
