// JobScheduler: runs each batch's output jobs one at a time, batches in time order, and tells
// listeners how each went. It knows jobs and times, never operators.
import type { Clock } from '../streaming/clock.js';
import type { Job } from '../streaming/graph.js';
import type { BatchInfo, ListenerBus, OutputOperationInfo } from './listener.js';

/** The jobs of one batch time, with the records its inputs received. */
export interface JobSet {
  time: number;
  jobs: Job[];
  numRecords: number;
}

/** Hooks the scheduler calls around batches. */
export interface JobSchedulerHooks {
  /** A job failed; the batch goes on with its other jobs. */
  onJobError(error: unknown, job: Job): void;
  /**
   * A batch finished all its jobs; `info` is what listeners were sent with onBatchCompleted. The
   * next batch starts once the returned promise settles.
   */
  onBatchDone(time: number, info: BatchInfo): void | Promise<void>;
}

/** Runs job sets strictly one after another (Spark's default of one concurrent job). */
export class JobScheduler {
  private tail: Promise<void> = Promise.resolve();
  private queued = 0;
  private discarding = false;

  constructor(
    private readonly clock: Clock,
    private readonly bus: ListenerBus,
    private readonly hooks: JobSchedulerHooks,
  ) {}

  /** Batches submitted and not yet finished. */
  get pendingBatches(): number {
    return this.queued;
  }

  /**
   * Queues `jobSet`; the promise settles when its jobs have run, rejecting with the first job
   * error (which listeners and the context have been told about already).
   */
  submit(jobSet: JobSet): Promise<void> {
    const info: BatchInfo = {
      batchTime: jobSet.time,
      numRecords: jobSet.numRecords,
      submissionTime: this.clock.now(),
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

  /** Waits for every submitted batch; with `discardQueued`, batches not yet started are skipped. */
  async drain(discardQueued: boolean): Promise<void> {
    this.discarding = discardQueued;
    await this.tail;
  }

  private async runJobSet(jobSet: JobSet, info: BatchInfo): Promise<void> {
    if (this.discarding) return;
    info.processingStartTime = this.clock.now();
    info.schedulingDelay = info.processingStartTime - info.submissionTime;
    this.bus.post('onBatchStarted', { batchInfo: info });
    let firstError: unknown;
    let failed = false;
    for (const [i, job] of jobSet.jobs.entries()) {
      const op: OutputOperationInfo = info.outputOperationInfos[i]!;
      op.startTime = this.clock.now();
      this.bus.post('onOutputOperationStarted', { outputOperationInfo: op });
      try {
        await job.run();
      } catch (error) {
        op.failureReason = (error as Error)?.stack ?? String(error);
        if (!failed) firstError = error;
        failed = true;
        this.hooks.onJobError(error, job);
      }
      op.endTime = this.clock.now();
      this.bus.post('onOutputOperationCompleted', { outputOperationInfo: op });
    }
    info.processingEndTime = this.clock.now();
    info.processingDelay = info.processingEndTime - info.processingStartTime;
    info.totalDelay = info.schedulingDelay + info.processingDelay;
    this.bus.post('onBatchCompleted', { batchInfo: info });
    await this.hooks.onBatchDone(jobSet.time, info);
    if (failed) throw firstError;
  }
}
