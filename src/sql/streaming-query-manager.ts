// StreamingQueryManager: the active queries of a session and their listeners (Spark's `spark.streams`).
import { FlintError } from '../errors.js';
import type { StreamingQueryProgress } from './progress.js';
import type { StreamingQuery } from './streaming-query.js';
import type { StreamingQueryListener } from './streaming-query-listener.js';

/** The queries of a {@link FlintSession} (Spark's `StreamingQueryManager`). */
export class StreamingQueryManager {
  private readonly queries = new Map<string, StreamingQuery>();
  private readonly listeners: StreamingQueryListener[] = [];
  private readonly waiters: ((query: StreamingQuery) => void)[] = [];
  private lastTerminated: StreamingQuery | undefined;

  /** The active queries. */
  get active(): StreamingQuery[] {
    return [...this.queries.values()];
  }

  /** The active query with this id, if any. */
  get(id: string): StreamingQuery | undefined {
    return this.queries.get(id);
  }

  /**
   * Resolves when any query stops after the call, or at once if one stopped since the last
   * {@link StreamingQueryManager.resetTerminated}; rejects with that query's exception.
   */
  async awaitAnyTermination(): Promise<void> {
    const query = this.lastTerminated ?? (await new Promise<StreamingQuery>((resolve) => this.waiters.push(resolve)));
    if (query.exception) throw query.exception;
  }

  /** Forgets the query that stopped last, so awaitAnyTermination waits again. */
  resetTerminated(): void {
    this.lastTerminated = undefined;
  }

  /** Adds a listener for every query's events. */
  addListener(listener: StreamingQueryListener): void {
    this.listeners.push(listener);
  }

  /** Removes a listener. */
  removeListener(listener: StreamingQueryListener): void {
    const i = this.listeners.indexOf(listener);
    if (i >= 0) this.listeners.splice(i, 1);
  }

  /** Registers a starting query; a second active query with the same id or name is refused, as in Spark. */
  register(query: StreamingQuery): void {
    if (this.queries.has(query.id)) {
      throw new FlintError('INVALID_ARGUMENT', `Cannot start query with id ${query.id} as another query with same id is already active; stop it first, or use another checkpointLocation`);
    }
    if (query.name !== null && this.active.some((q) => q.name === query.name)) {
      throw new FlintError('INVALID_ARGUMENT', `Cannot start query with name ${query.name} as a query with that name is already active in this session`);
    }
    this.queries.set(query.id, query);
  }

  /** Posts onQueryStarted. */
  postStarted(query: StreamingQuery): void {
    this.post((l) => l.onQueryStarted?.({ id: query.id, runId: query.runId, name: query.name, timestamp: new Date().toISOString() }));
  }

  /** Posts onQueryProgress. */
  postProgress(progress: StreamingQueryProgress): void {
    this.post((l) => l.onQueryProgress?.({ progress }));
  }

  /** Removes a stopped query, posts onQueryTerminated and wakes awaitAnyTermination. */
  terminated(query: StreamingQuery): void {
    if (this.queries.get(query.id) === query) this.queries.delete(query.id);
    this.lastTerminated = query;
    this.post((l) => l.onQueryTerminated?.({ id: query.id, runId: query.runId, exception: query.exception?.message ?? null }));
    for (const w of this.waiters.splice(0)) w(query);
  }

  // A listener that throws must not stop the query (Spark logs and goes on).
  private post(f: (l: StreamingQueryListener) => void): void {
    for (const l of this.listeners) {
      try {
        f(l);
      } catch (error) {
        process.emitWarning(`StreamingQueryListener failed: ${(error as Error)?.message ?? String(error)}`, 'FlintListenerWarning');
      }
    }
  }
}
