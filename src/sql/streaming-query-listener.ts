// StreamingQueryListener: events of every query of a session (Spark's, with its event fields).
import type { StreamingQueryProgress } from './progress.js';

/** A query started. */
export interface QueryStartedEvent {
  id: string;
  runId: string;
  name: string | null;
  timestamp: string;
}

/** A batch finished. */
export interface QueryProgressEvent {
  progress: StreamingQueryProgress;
}

/** A query stopped; `exception` is the error message when it failed. */
export interface QueryTerminatedEvent {
  id: string;
  runId: string;
  exception: string | null;
}

/** Receives query events (Spark's `StreamingQueryListener`); every method is optional. */
export interface StreamingQueryListener {
  onQueryStarted?(event: QueryStartedEvent): void;
  onQueryProgress?(event: QueryProgressEvent): void;
  onQueryTerminated?(event: QueryTerminatedEvent): void;
}
