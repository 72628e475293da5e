// WorkerPool: the piscina pool of kernel workers, sized by `local[n]`. A task that traps or a
// worker that dies rejects with a FlintError; piscina replaces the worker and the pool goes on.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { MessagePort } from 'node:worker_threads';
import { Piscina } from 'piscina';
import { FlintError } from '../errors.js';
import type { Task } from './tasks.js';

// piscina runs the CommonJS entry (see worker-entry.cts for why not worker.js itself), built:
// next to this file in dist, or the built copy when this file runs from source (vitest).
function workerFile(): string {
  const candidates = [new URL('./worker-entry.cjs', import.meta.url), new URL('../../dist/src/pool/worker-entry.cjs', import.meta.url)];
  for (const url of candidates) {
    const path = fileURLToPath(url);
    if (existsSync(path)) return path;
  }
  throw new FlintError('INVALID_CORE', "the wasm core's worker (dist/src/pool/worker-entry.cjs) is missing; run 'npm run build'");
}

/** What the pool has done so far, for the web UI and metrics. */
export interface PoolStats {
  /** Workers the pool is sized to (`local[n]`). */
  threads: number;
  /** Workers alive now. */
  workers: number;
  /** Tasks running now. */
  tasksRunning: number;
  /** Tasks queued, waiting for a worker. */
  tasksQueued: number;
  /** Tasks finished so far, failed ones included. */
  tasksCompleted: number;
  /** Workers replaced after a crash or a trap. */
  restarts: number;
}

/** A fixed-size pool of kernel workers. */
export class WorkerPool {
  private readonly pool: Piscina;
  private closed = false;
  private running = 0;
  private restarts = 0;

  /** Starts `threads` workers (a positive integer). */
  constructor(readonly threads: number) {
    if (!Number.isInteger(threads) || threads < 1) {
      throw new FlintError('INVALID_ARGUMENT', `WorkerPool threads must be a positive integer, got ${threads}`);
    }
    this.pool = new Piscina({ filename: workerFile(), minThreads: threads, maxThreads: threads, idleTimeout: 60_000 });
    // minThreads == maxThreads, so a worker leaves the pool only when it failed (and is replaced)
    // or when the pool closes.
    this.pool.on('workerDestroy', () => {
      if (!this.closed) this.restarts++;
    });
  }

  /** Counters of the pool; cheap (no worker is asked). */
  stats(): PoolStats {
    const { threads, running, restarts } = this;
    return { threads, workers: this.pool.threads.length, tasksRunning: running, tasksQueued: this.pool.queueSize, tasksCompleted: this.pool.completed, restarts };
  }

  /** Runs `task`, transferring `transfer`; rejects with JOB_FAILED when the worker fails. */
  async run<R>(task: Task, transfer: (ArrayBuffer | MessagePort)[] = []): Promise<R> {
    if (this.closed) throw new FlintError('CONTEXT_STOPPED', 'the worker pool is closed; the StreamingContext was stopped');
    this.running++;
    try {
      return (await this.pool.run(task, { transferList: transfer })) as R;
    } catch (error) {
      throw new FlintError('JOB_FAILED', `wasm core task ${task.kind} failed in a worker: ${(error as Error)?.message ?? String(error)}`, {
        cause: error,
      });
    } finally {
      this.running--;
    }
  }

  /** Stops every worker; resolves when they have exited. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.destroy();
  }
}
