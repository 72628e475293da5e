// JobGenerator: turns clock ticks into batch times. Each tick assigns received data to the batch
// (the batch cut), lists its output jobs and hands them to the JobScheduler, submitted as of the
// moment the batch was due, so the cut counts in the batch's scheduling delay.
import type { Clock } from '../streaming/clock.js';
import type { DStreamGraph } from '../streaming/graph.js';
import type { JobScheduler } from './job-scheduler.js';

/** Generates one job set per batch interval (Spark's `JobGenerator`). */
export class JobGenerator {
  private cancelTick: (() => void) | undefined;
  private generating: Promise<unknown> = Promise.resolve();
  private stopped = false;
  private lastTime: number | undefined;

  constructor(
    private readonly clock: Clock,
    private readonly interval: number,
    private readonly graph: DStreamGraph,
    private readonly scheduler: JobScheduler,
    private readonly onGenerateError: (error: unknown, time: number) => void,
    private readonly onGenerated: (time: number) => Promise<void> = async () => {},
  ) {}

  /** The first batch time for a start now: the next multiple of the interval after the clock. */
  firstBatchTime(): number {
    return (Math.floor(this.clock.now() / this.interval) + 1) * this.interval;
  }

  /**
   * Schedules batches from `firstTime` on. A recovered context first runs `replayTimes` (batches
   * that were pending when the process died, and those missed while it was down), in order and
   * at once, as Spark's JobGenerator does on restart.
   */
  start(firstTime: number, replayTimes: readonly number[] = []): void {
    // Replayed batches are due now (the restart), not at their batch times while the process was down.
    const now = this.clock.now();
    for (const time of replayTimes) void this.run(time, now).catch(() => undefined);
    this.schedule(firstTime);
  }

  /** The last batch time generated, if any. */
  get lastBatchTime(): number | undefined {
    return this.lastTime;
  }

  /** Stops generating; resolves once the batch being generated (if any) is submitted. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.cancelTick?.();
    await this.generating.catch(() => undefined);
  }

  private schedule(time: number): void {
    if (this.stopped) return;
    this.cancelTick = this.clock.schedule(time, () => this.tick(time));
  }

  private async tick(time: number): Promise<void> {
    if (this.stopped) return;
    this.schedule(time + this.interval);
    await this.run(time, time);
  }

  // `dueTime` is the batch's submission time: when its data stopped being received, whatever the
  // cut, the write-ahead log and the batches generated before it then take.
  private async run(time: number, dueTime: number): Promise<void> {
    // Generation is serialized: inputs are assigned to batches strictly in time order.
    const generated = this.generating.then(() => this.generate(time, dueTime));
    this.generating = generated.catch(() => undefined);
    const { done } = await generated;
    await done;
  }

  // Returns the completion promise wrapped, so awaiting generation does not wait for the jobs.
  private async generate(time: number, submissionTime: number): Promise<{ done: Promise<void> }> {
    this.lastTime = time;
    try {
      const perInput = await this.graph.materializeInputs(time);
      await this.onGenerated(time);
      const jobs = this.graph.generateJobs(time);
      const numRecords = perInput.reduce((n, c) => n + c, 0);
      return { done: this.scheduler.submit({ time, jobs, numRecords, streamIdToNumRecords: { ...perInput }, submissionTime }) };
    } catch (error) {
      this.onGenerateError(error, time);
      throw error;
    }
  }
}
