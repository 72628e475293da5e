// What the Streaming page draws, in one JSON document: the application, Spark's statistics and
// receivers, the active batches, and the completed batches the page has not seen yet (the
// listener's BatchInfo, so the page shows exactly what listeners were told).
import type { PoolStats } from '../pool/pool.js';
import type { BatchInfo } from '../scheduler/listener.js';
import { receiverList, statistics, type ApplicationDescription } from './api-v1.js';
import type { BatchStatus, StreamingJobProgressListener } from './job-progress.js';

/** The application as the page shows it. */
export interface PageApplication extends ApplicationDescription {
  core: string;
  master: string;
}

/** One update of the page (`GET /ui/state?since=N`, and each server-sent event of `/ui/events`). */
export interface PageUpdate {
  app: PageApplication;
  statistics: ReturnType<typeof statistics>;
  receivers: Omit<ReturnType<typeof receiverList>[number], 'eventRates'>[];
  /** Batches queued or running, oldest first. */
  active: (BatchInfo & { status: BatchStatus })[];
  /** Completed batches from the `since`-th on that are still retained, oldest first. */
  completed: BatchInfo[];
  /** Batches completed so far: the `since` of the next update. */
  completedTotal: number;
  /** The wasm core's worker pool; absent for the js core. */
  pool?: PoolStats;
}

/** The page update for a client that has seen the first `since` completed batches. */
export function pageUpdate(app: PageApplication, progress: StreamingJobProgressListener, since: number, pool: PoolStats | undefined): PageUpdate {
  const active = [
    ...[...progress.waitingBatches.values()].map((b) => ({ ...b, status: 'QUEUED' as const })),
    ...[...progress.runningBatches.values()].map((b) => ({ ...b, status: 'PROCESSING' as const })),
  ].sort((a, b) => a.batchTime - b.batchTime);
  return {
    app,
    statistics: statistics(app, progress),
    receivers: receiverList(app, progress).map(({ eventRates: _rates, ...receiver }) => receiver),
    active,
    completed: progress.completedSince(since),
    completedTotal: progress.numTotalCompletedBatches,
    ...(pool && { pool }),
  };
}
