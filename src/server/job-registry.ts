// The server's jobs by id: running ones until they end, finished ones in a bounded history (the
// oldest finished job is forgotten first), as Livy keeps finished batch sessions for a while.
import type { BatchJob } from './batch-job.js';

/** A page of jobs, Livy's `GET /batches` answer before each job is turned into its view. */
export interface JobPage {
  from: number;
  total: number;
  jobs: BatchJob[];
}

/** Jobs by id, ids counting up from 0 as in Livy. */
export class JobRegistry {
  private readonly jobs = new Map<number, BatchJob>();
  private nextId = 0;

  /** Keeps at most `maxFinished` finished jobs. */
  constructor(private readonly maxFinished: number) {}

  /** The id the next job gets. */
  allocateId(): number {
    return this.nextId++;
  }

  /** Registers `job`; once it ends, the history is trimmed. */
  add(job: BatchJob): void {
    this.jobs.set(job.id, job);
    void job.whenEnded().then(() => this.trim());
  }

  get(id: number): BatchJob | undefined {
    return this.jobs.get(id);
  }

  /** Forgets a job (Livy's DELETE of a finished batch). */
  remove(id: number): void {
    this.jobs.delete(id);
  }

  /** Jobs not finished yet. */
  active(): BatchJob[] {
    return [...this.jobs.values()].filter((job) => !job.finished);
  }

  /** Up to `size` jobs from index `from`, oldest first. */
  page(from: number, size: number): JobPage {
    const all = [...this.jobs.values()];
    return { from, total: all.length, jobs: all.slice(from, from + size) };
  }

  private trim(): void {
    const finished = [...this.jobs.values()].filter((job) => job.finished);
    for (const job of finished.slice(0, Math.max(finished.length - this.maxFinished, 0))) this.jobs.delete(job.id);
  }
}
