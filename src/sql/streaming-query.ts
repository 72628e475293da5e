// StreamingQuery: the handle of a running query (Spark's), over its MicroBatchExecution.
import { FlintError } from '../errors.js';
import type { MicroBatchExecution } from './execution/micro-batch-execution.js';
import type { StreamingQueryProgress, StreamingQueryStatus } from './progress.js';

/** A running streaming query (Spark's `StreamingQuery`). */
export class StreamingQuery {
  private readonly terminated: Promise<void>;
  private settle!: (error?: FlintError) => void;
  private done = false;

  /** Created by `writeStream.start()`. */
  constructor(private readonly execution: MicroBatchExecution) {
    this.terminated = new Promise<void>((resolve, reject) => {
      this.settle = (error) => {
        this.done = true;
        if (error) reject(error);
        else resolve();
      };
    });
    // A failure is reported through awaitTermination and `exception`; unobserved, it must not crash the process.
    this.terminated.catch(() => undefined);
  }

  /** Called by the execution when the query stops. */
  markTerminated(error: FlintError | undefined): void {
    this.settle(error);
  }

  /** The query's id, the same across restarts from one checkpoint location. */
  get id(): string {
    return this.execution.spec.id;
  }

  /** This run's id, new at each start. */
  get runId(): string {
    return this.execution.spec.runId;
  }

  /** The `queryName`, or null. */
  get name(): string | null {
    return this.execution.spec.name;
  }

  /** True until the query stops or fails. */
  get isActive(): boolean {
    return !this.done;
  }

  /** The error that stopped the query, if any (Spark's `StreamingQueryException`). */
  get exception(): FlintError | undefined {
    return this.execution.exception;
  }

  /** What the query is doing now. */
  get status(): StreamingQueryStatus {
    return { ...this.execution.status };
  }

  /** The newest batch's progress, or null before the first batch. */
  get lastProgress(): StreamingQueryProgress | null {
    return this.execution.recentProgress[this.execution.recentProgress.length - 1] ?? null;
  }

  /** The latest progress reports, oldest first (up to 100). */
  get recentProgress(): StreamingQueryProgress[] {
    return [...this.execution.recentProgress];
  }

  /**
   * Waits for the query to stop; rejects with its exception if it failed. With `timeoutMs`,
   * resolves `true` when it stopped in time and `false` otherwise.
   */
  awaitTermination(): Promise<void>;
  awaitTermination(timeoutMs: number): Promise<boolean>;
  async awaitTermination(timeoutMs?: number): Promise<void | boolean> {
    if (timeoutMs === undefined) return this.terminated;
    if (!(typeof timeoutMs === 'number' && timeoutMs >= 0)) throw new FlintError('INVALID_ARGUMENT', `awaitTermination: timeout must be a number of ms >= 0, got ${String(timeoutMs)}`);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
    try {
      return await Promise.race([this.terminated.then(() => true), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Waits until every row available now has been processed (Spark's `processAllAvailable`; for tests). */
  processAllAvailable(): Promise<void> {
    return this.execution.processAllAvailable();
  }

  /** Stops the query; resolves once it has stopped. */
  stop(): Promise<void> {
    return this.execution.stop();
  }

  /** The query's explain text: its output mode, trigger and sink. */
  toString(): string {
    return `StreamingQuery[id=${this.id}, runId=${this.runId}, name=${this.name ?? ''}]`;
  }
}
