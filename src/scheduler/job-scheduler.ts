// JobScheduler: runs each batch's output jobs one at a time, batches in time order, and tells
// listeners how each went. It knows jobs and times, never operators.
import { AsyncLocalStorage } from 'node:async_hooks';
import { setImmediate } from 'node:timers/promises';
import { FlintError } from '../errors.js';
import type { Clock } from '../streaming/clock.js';
import type { Job } from '../streaming/graph.js';
import { settlesWithin } from '../streaming/time-limit.js';
import type { BatchInfo, ListenerBus, OutputOperationInfo } from './listener.js';

/** The jobs of one batch time, with the records its inputs received. */
export interface JobSet {
  time: number;
  jobs: Job[];
  numRecords: number;
  /** Records of each input stream, by its index in the graph (its `streamId`). */
  streamIdToNumRecords?: Record<number, number>;
  /**
   * When the batch was due (its batch time, or the restart for a replayed batch): the time its
   * inputs were cut from, so the cut counts in the scheduling delay. Default: when submitted.
   */
  submissionTime?: number;
}

/** Hooks the scheduler calls around batches. */
export interface JobSchedulerHooks {
  /** A job failed; the batch goes on with its other jobs. */
  onJobError(error: unknown, job: Job): void;
  /**
   * A batch ran all its jobs (not called for one stop() abandoned); `info` is what listeners were
   * sent with onBatchCompleted. The next batch starts once the returned promise settles.
   */
  onBatchDone(time: number, info: BatchInfo): void | Promise<void>;
}

/** The batch being run, and the output operation it is in. */
interface RunningBatch {
  readonly info: BatchInfo;
  op: OutputOperationInfo | undefined;
  /** Set by stop(): the batch was reported finished and must not run or report anything more. */
  detached: boolean;
}

/** Runs job sets strictly one after another (Spark's default of one concurrent job). */
export class JobScheduler {
  private tail: Promise<void> = Promise.resolve();
  private queued = 0;
  private discarding = false;
  private running: RunningBatch | undefined;
  // The batch an output job belongs to, seen by everything the job calls or awaits: stop()
  // called from inside an output must not wait for that output.
  private readonly jobContext = new AsyncLocalStorage<RunningBatch>();

  constructor(
    private readonly clock: Clock,
    private readonly bus: ListenerBus,
    private readonly hooks: JobSchedulerHooks,
  ) {}

  /** Batches submitted and not yet finished. */
  get pendingBatches(): number {
    return this.queued;
  }

  /** True when called from inside an output of the running batch, or from anything it awaits. */
  calledFromRunningOutput(): boolean {
    const caller = this.jobContext.getStore();
    return caller !== undefined && caller === this.running;
  }

  /**
   * Queues `jobSet`; the promise settles when its jobs have run, rejecting with the first job
   * error (which listeners and the context have been told about already).
   */
  submit(jobSet: JobSet): Promise<void> {
    const info: BatchInfo = {
      batchTime: jobSet.time,
      numRecords: jobSet.numRecords,
      ...(jobSet.streamIdToNumRecords && { streamIdToNumRecords: jobSet.streamIdToNumRecords }),
      submissionTime: jobSet.submissionTime ?? this.clock.now(),
      outputOperationInfos: jobSet.jobs.map((job) => ({ batchTime: job.time, id: job.id, name: job.name, description: job.name })),
    };
    this.bus.post('onBatchSubmitted', { batchInfo: info });
    this.queued++;
    const done = this.tail.then(() => this.runJobSet(jobSet, info)).finally(() => this.queued--);
    this.tail = done.then(
      () => undefined,
      () => undefined,
    );
    return done;
  }

  /**
   * Stops running batches. Waits up to `timeout` ms of real time for the running batch and,
   * unless `discardQueued`, for the queued ones; batches not started by then are dropped. An
   * output still running then is abandoned (JavaScript cannot interrupt it, as Spark interrupts
   * its job threads): listeners get its `onOutputOperationCompleted` with a `failureReason`
   * that says so (`limit` describes the wait), then its batch's `onBatchCompleted`; whatever it
   * does later is ignored.
   *
   * Called from inside an output of the running batch, it waits for nothing: that output cannot
   * finish before the stop does, and queued batches could only run after it. Its batch is
   * reported completed and runs no further outputs.
   */
  async stop(discardQueued: boolean, timeout: number, limit: string): Promise<void> {
    const fromOutput = this.calledFromRunningOutput();
    this.discarding = discardQueued || fromOutput;
    if (!fromOutput) await settlesWithin(this.tail, timeout);
    this.discarding = true;
    const running = this.running;
    if (running === undefined) return;
    this.detach(running, fromOutput ? undefined : abandoned(running, limit));
  }

  private async runJobSet(jobSet: JobSet, info: BatchInfo): Promise<void> {
    // Each batch starts on a new turn of the event loop. Batches of a synchronous core queued back
    // to back would otherwise run as one chain of microtasks, and no timer (the next batch time,
    // a stop's deadline) and no I/O could run until the whole backlog was done.
    await setImmediate();
    if (this.discarding) return;
    const run: RunningBatch = { info, op: undefined, detached: false };
    this.running = run;
    info.processingStartTime = this.clock.now();
    info.schedulingDelay = info.processingStartTime - info.submissionTime;
    this.bus.post('onBatchStarted', { batchInfo: info });
    let firstError: unknown;
    let failed = false;
    for (const [i, job] of jobSet.jobs.entries()) {
      const op: OutputOperationInfo = info.outputOperationInfos[i]!;
      run.op = op;
      op.startTime = this.clock.now();
      this.bus.post('onOutputOperationStarted', { outputOperationInfo: op });
      try {
        await this.jobContext.run(run, () => job.run());
      } catch (error) {
        if (!run.detached) {
          op.failureReason = (error as Error)?.stack ?? String(error);
          if (!failed) firstError = error;
          failed = true;
          this.hooks.onJobError(error, job);
        }
      }
      if (run.detached) return;
      this.completeOutput(op);
    }
    run.op = undefined;
    this.completeBatch(run);
    await this.hooks.onBatchDone(jobSet.time, run.info);
    if (failed) throw firstError;
  }

  // Reports the running output (if any) and the batch as completed, now, and cuts them loose.
  // Not onBatchDone: the batch did not run all its jobs, so nothing may count it as processed.
  private detach(run: RunningBatch, failureReason: string | undefined): void {
    run.detached = true;
    if (run.op) {
      if (failureReason !== undefined) run.op.failureReason = failureReason;
      this.completeOutput(run.op);
    }
    this.completeBatch(run);
  }

  private completeOutput(op: OutputOperationInfo): void {
    op.endTime = this.clock.now();
    this.bus.post('onOutputOperationCompleted', { outputOperationInfo: op });
  }

  private completeBatch(run: RunningBatch): void {
    if (this.running === run) this.running = undefined;
    const { info } = run;
    info.processingEndTime = this.clock.now();
    info.processingDelay = info.processingEndTime - info.processingStartTime!;
    info.totalDelay = info.schedulingDelay! + info.processingDelay;
    this.bus.post('onBatchCompleted', { batchInfo: info });
  }
}

// The failureReason of an abandoned output, in the form of a failed one's (an error's text).
function abandoned(run: RunningBatch, limit: string): string {
  const what = run.op ? `output ${run.op.name}` : 'batch';
  const error = new FlintError(
    'OUTPUT_ABANDONED',
    `${what} of batch ${run.info.batchTime} ms did not finish ${limit} of stop(), so it was abandoned and its outcome is ignored; ` +
      'make the output settle (or time out) by itself, or stop with a longer gracefulTimeout',
  );
  return `${error.name} [${error.code}]: ${error.message}`;
}
