// MicroBatchExecution (Spark's): runs a query as micro-batches on a StreamingContext of its own.
// The context's job generator is the trigger clock (a tick per processing-time interval, or every
// 10 ms to poll); each tick's output job constructs the next batch from the sources' offsets,
// logs the offsets (`offsets/N`), runs the physical plan, writes the sink, commits state, and logs
// the commit (`commits/N`). A restart resumes from the logs: a batch with offsets but no commit
// runs again with the same offsets and watermark.
import { join } from 'node:path';
import type { Batch } from '../../batch/batch.js';
import { FlintError } from '../../errors.js';
import { StreamingContext } from '../../streaming/context.js';
import { CommitLog } from '../checkpoint/commit-log.js';
import { OffsetSeqLog } from '../checkpoint/offset-seq-log.js';
import type { LogicalPlan } from '../logical-plan.js';
import type { OutputMode } from '../output-mode.js';
import { perSecond, type SourceProgress, type StreamingQueryProgress, type StreamingQueryStatus } from '../progress.js';
import { inferSchema, type Row } from '../schema.js';
import type { FlintSession } from '../session.js';
import type { Sink } from '../sinks/sink.js';
import type { Offset, Source } from '../sources/source.js';
import type { ColumnarBatch } from '../columnar/columnar-batch.js';
import { encodeJson } from '../state/value-codec.js';
import { POLLING_DELAY_MS, type TriggerPlan } from '../trigger.js';
import { WatermarkTracker } from '../watermark.js';
import { planQuery, type PhysicalPlan } from './planner.js';
import type { EventTimeStats } from './spark-plan.js';
import { atBatchTime } from '../expressions/current-time.js';

/** Progress reports kept in `recentProgress` (Spark's `spark.sql.streaming.numRecentProgressUpdates`). */
export const NUM_RECENT_PROGRESS = 100;

/** What a query was started with. */
export interface QuerySpec {
  readonly id: string;
  readonly runId: string;
  readonly name: string | null;
  readonly plan: LogicalPlan;
  readonly sink: Sink;
  readonly outputMode: OutputMode;
  readonly trigger: TriggerPlan;
  readonly checkpointRoot: string | undefined;
}

/** Hooks the query object gives the execution. */
export interface ExecutionEvents {
  onProgress(progress: StreamingQueryProgress): void;
  onTerminated(error: FlintError | undefined): void;
}

/** Runs one query's micro-batches. */
export class MicroBatchExecution {
  readonly ssc: StreamingContext;
  readonly recentProgress: StreamingQueryProgress[] = [];
  status: StreamingQueryStatus = { message: 'Initializing sources', isDataAvailable: false, isTriggerActive: false };
  exception: FlintError | undefined;
  private physical!: PhysicalPlan;
  private watermark!: WatermarkTracker;
  private offsetLog: OffsetSeqLog | undefined;
  private commitLog: CommitLog | undefined;
  private committed: (Offset | undefined)[] = [];
  private currentBatchId = 0;
  /** Offsets of a batch logged but not committed before a restart: it runs first, as it was. */
  private pendingBatch: { end: (Offset | undefined)[]; watermarkMs: number; timestampMs: number } | undefined;
  /** The watermark the previous batch ran under: late rows are judged by it (Spark's prevOffsetSeqMetadata). */
  private previousBatchWatermarkMs: number | undefined;
  private needsAnotherBatch = false;
  private lastTriggerStart: number | undefined;
  private terminated = false;
  private allAvailableWaiters: { resolve: () => void; reject: (e: unknown) => void; armed: boolean }[] = [];
  private readonly columnarAggregation: boolean;
  /** Triggers run back to back while they find data (ProcessingTime(0) on the system clock). */
  private readonly backToBack: boolean;
  /** Batches whose offset and commit entries are kept (Spark's `spark.sql.streaming.minBatchesToRetain`, default 100). */
  private readonly minBatchesToRetain: number;
  /** The session time zone when the query started (Spark resolves it at analysis). */
  private readonly timeZone: string;

  constructor(
    session: FlintSession,
    readonly spec: QuerySpec,
    private readonly events: ExecutionEvents,
  ) {
    this.columnarAggregation = session.columnarAggregation;
    this.backToBack = spec.trigger.kind === 'processingTime' && spec.trigger.intervalMs === 0 && session.clock === undefined;
    this.minBatchesToRetain = session.conf.minBatchesToRetain();
    this.timeZone = session.conf.sessionTimeZone();
    const interval = spec.trigger.kind === 'processingTime' && spec.trigger.intervalMs > 0 ? spec.trigger.intervalMs : POLLING_DELAY_MS;
    this.ssc = new StreamingContext({
      batchInterval: interval,
      master: session.master,
      core: session.coreName,
      clock: session.clock,
      out: session.out,
      appName: spec.name ?? 'flint-structured-streaming',
      // The warm-up starts the worker pool and sizes the DStream word count's tables; queries
      // use neither (their kernels run on this thread), so it would only delay the first batch.
      warmUp: false,
    });
  }

  /** Plans the query, restores it from its checkpoint, connects the sources and starts triggering. */
  async start(): Promise<void> {
    const { spec } = this;
    this.physical = planQuery(spec.plan, spec.checkpointRoot, { columnarAggregation: this.columnarAggregation, outputMode: spec.outputMode, timeZone: this.timeZone });
    this.watermark = new WatermarkTracker(this.physical.watermarkDelays);
    this.committed = this.physical.sources.map(() => undefined);
    const numPartitions = this.ssc.defaultParallelism;
    for (const [i, source] of this.physical.sources.entries()) {
      await source.attach?.({ ssc: this.ssc, metadataPath: spec.checkpointRoot && join(spec.checkpointRoot, 'sources', String(i)), numPartitions });
    }
    if (spec.checkpointRoot) {
      this.restore(spec.checkpointRoot);
      await this.commitSources(this.committed);
    }
    if (spec.trigger.kind === 'availableNow') for (const s of this.physical.sources) await s.prepareForTriggerAvailableNow?.();
    await spec.sink.open?.();
    this.ssc.queueStream<never>([]).foreachRDD((_, time) => this.onTick(time));
    this.status = { message: 'Waiting for next trigger', isDataAvailable: false, isTriggerActive: false };
    await this.ssc.start();
  }

  // Spark's populateStartOffsets: resume after the last committed batch, or rerun the one after it.
  private restore(root: string): void {
    this.offsetLog = new OffsetSeqLog(root);
    this.commitLog = new CommitLog(root);
    const latest = this.offsetLog.getLatest();
    const lastCommit = this.commitLog.getLatest();
    if (!latest) return;
    const [latestId, entry] = latest;
    const fromLog = (offsets: (Offset | null)[]): (Offset | undefined)[] => this.physical.sources.map((_, i) => offsets[i] ?? undefined);
    if (entry.offsets.length !== this.physical.sources.length) {
      throw new FlintError('CHECKPOINT_INCOMPATIBLE', `the checkpoint's offset log has ${entry.offsets.length} sources, this query has ${this.physical.sources.length}; use a new checkpointLocation for a changed query`);
    }
    if (lastCommit && lastCommit[0] === latestId) {
      this.committed = fromLog(entry.offsets);
      this.currentBatchId = latestId + 1;
      this.watermark.setWatermark(lastCommit[1].nextBatchWatermarkMs);
      this.previousBatchWatermarkMs = entry.metadata.batchWatermarkMs;
    } else {
      const previous = latestId > 0 ? this.offsetLog.get(latestId - 1) : undefined;
      this.committed = previous ? fromLog(previous.offsets) : this.committed;
      this.currentBatchId = latestId;
      this.watermark.setWatermark(entry.metadata.batchWatermarkMs);
      this.previousBatchWatermarkMs = previous?.metadata.batchWatermarkMs;
      this.pendingBatch = { end: fromLog(entry.offsets), watermarkMs: entry.metadata.batchWatermarkMs, timestampMs: entry.metadata.batchTimestampMs };
    }
    for (const op of this.physical.stateful) op.loadState(this.currentBatchId);
  }

  // Tells each source its offsets up to `end` are processed.
  private async commitSources(end: readonly (Offset | undefined)[]): Promise<void> {
    for (const [i, s] of this.physical.sources.entries()) if (end[i] !== undefined) await s.commit?.(end[i]!);
  }

  /** Resolves once a trigger started after the call found no new data (Spark's `processAllAvailable`). */
  processAllAvailable(): Promise<void> {
    if (this.terminated) return this.exception ? Promise.reject(this.exception) : Promise.resolve();
    return new Promise((resolve, reject) => this.allAvailableWaiters.push({ resolve, reject, armed: false }));
  }

  /** Stops triggering and releases the context, sources and sink. */
  async stop(): Promise<void> {
    await this.terminate(undefined);
  }

  private async onTick(time: number): Promise<void> {
    if (this.terminated) return;
    // A tick that waited behind a long batch while newer ticks queued up is skipped: the newest
    // tick takes all available data, as Spark starts the next batch right after a late one.
    if (this.ssc.clock.now() >= time + 2 * this.ssc.batchInterval) return;
    for (const w of this.allAvailableWaiters) w.armed = true;
    try {
      let ranWithData = await this.runTrigger(time);
      // Spark's ProcessingTime(0): the next batch starts as soon as one with data ends (only an
      // idle trigger waits for the polling delay). Under a manual clock, ticks alone drive batches.
      while (ranWithData && this.backToBack && !this.terminated) {
        for (const w of this.allAvailableWaiters) w.armed = true;
        ranWithData = await this.runTrigger(this.ssc.clock.now());
      }
      if (!ranWithData) this.settleWaiters();
    } catch (error) {
      const failure = error instanceof FlintError && error.code === 'QUERY_FAILED' ? error : new FlintError('QUERY_FAILED', `Query ${this.spec.name ?? this.spec.id} terminated with exception: ${(error as Error)?.message ?? String(error)}`, { cause: error });
      await this.terminate(failure);
    }
  }

  private settleWaiters(): void {
    const ready = this.allAvailableWaiters.filter((w) => w.armed);
    this.allAvailableWaiters = this.allAvailableWaiters.filter((w) => !w.armed);
    for (const w of ready) w.resolve();
  }

  // One trigger: at most one batch (Spark's runActivatedStream body). Returns true when the batch had new data.
  private async runTrigger(time: number): Promise<boolean> {
    const triggerStart = performance.now();
    this.status = { message: 'Getting offsets from sources', isDataAvailable: false, isTriggerActive: true };
    const timing = { latestOffset: 0 };
    const pending = this.pendingBatch;
    this.pendingBatch = undefined;
    const end = pending?.end ?? (await this.latestOffsets(timing));
    const hasNewData = end.some((o, i) => o !== undefined && encodeJson(o) !== encodeJson(this.committed[i] ?? null));
    const kind = this.spec.trigger.kind;
    if (!hasNewData && !pending && !this.needsAnotherBatch) {
      this.status = { message: 'Waiting for data to arrive', isDataAvailable: false, isTriggerActive: false };
      if (kind !== 'processingTime') await this.terminate(undefined);
      return false;
    }
    await this.runBatch(time, end, pending, triggerStart, timing.latestOffset);
    if (kind === 'once') await this.terminate(undefined);
    return hasNewData;
  }

  private async latestOffsets(timing: { latestOffset: number }): Promise<(Offset | undefined)[]> {
    const t = performance.now();
    const out: (Offset | undefined)[] = [];
    for (const [i, s] of this.physical.sources.entries()) out.push((await s.latestOffset(this.committed[i])) ?? this.committed[i]);
    timing.latestOffset = performance.now() - t;
    return out;
  }

  private async runBatch(
    time: number,
    end: (Offset | undefined)[],
    pending: { watermarkMs: number; timestampMs: number } | undefined,
    triggerStart: number,
    latestOffsetMs: number,
  ): Promise<void> {
    const batchId = this.currentBatchId;
    const watermarkMs = pending?.watermarkMs ?? this.watermark.currentWatermark;
    const batchTimestampMs = pending?.timestampMs ?? this.ssc.clock.now();
    this.status = { message: 'Processing new data', isDataAvailable: true, isTriggerActive: true };
    const durations = { latestOffset: latestOffsetMs, getBatch: 0, queryPlanning: 0, walCommit: 0, addBatch: 0, commitOffsets: 0, triggerExecution: 0 };
    let t = performance.now();
    if (!pending) await this.offsetLog?.add(batchId, { metadata: { batchWatermarkMs: watermarkMs, batchTimestampMs }, offsets: end.map((o) => o ?? null) });
    durations.walCommit = performance.now() - t;
    t = performance.now();
    const inputs = new Map<Source, Batch<Row>>();
    const columnarInputs = new Map<Source, ColumnarBatch>();
    // Input rows per source; a columnar batch's are asked for after the batch ran (a core reading
    // its text counts them).
    const counts: (number | ColumnarBatch)[] = [];
    for (const [i, source] of this.physical.sources.entries()) {
      const same = end[i] === undefined || encodeJson(end[i]!) === encodeJson(this.committed[i] ?? null);
      const columns = this.physical.columnarSources.get(source);
      if (!same && columns && source.getColumnarBatch) {
        const columnar = await source.getColumnarBatch(this.committed[i], end[i]!, columns);
        columnarInputs.set(source, columnar);
        counts.push(columnar);
        continue;
      }
      const batch = same ? undefined : await source.getBatch(this.committed[i], end[i]!);
      if (batch) inputs.set(source, batch);
      counts.push(batch?.count() ?? 0);
    }
    durations.getBatch = performance.now() - t;
    t = performance.now();
    const eventTimeStats = new Map<number, EventTimeStats>();
    const ctx = {
      batchId,
      watermarkMs,
      lateEventsWatermarkMs: this.previousBatchWatermarkMs ?? watermarkMs,
      batchTimestampMs,
      outputMode: this.spec.outputMode,
      core: this.ssc.core,
      numPartitions: this.ssc.defaultParallelism,
      inputs,
      columnarInputs,
      eventTimeStats,
    };
    const rows = await atBatchTime(batchTimestampMs, async () => (await this.physical.root.execute(ctx)).collect());
    this.previousBatchWatermarkMs = watermarkMs;
    await this.spec.sink.addBatch(batchId, rows, this.spec.plan.schema ?? inferSchema(rows));
    durations.addBatch = performance.now() - t;
    t = performance.now();
    for (const op of this.physical.stateful) await op.commitState(batchId + 1);
    this.watermark.updateWatermark(eventTimeStats);
    const next = this.watermark.currentWatermark;
    await this.commitLog?.add(batchId, { nextBatchWatermarkMs: next });
    await this.purgeLogs(batchId);
    await this.commitSources(end);
    const start = this.committed;
    this.committed = end;
    this.currentBatchId = batchId + 1;
    this.needsAnotherBatch = this.physical.stateful.some((op) => op.shouldRunAnotherBatch(next, this.ssc.clock.now()));
    durations.commitOffsets = performance.now() - t;
    durations.triggerExecution = performance.now() - triggerStart;
    this.report({ time, batchId, start, end, counts: counts.map((c) => (typeof c === 'number' ? c : c.numRows)), rows: rows.length, watermarkMs, eventTimeStats, durations });
  }

  // Spark's minBatchesToRetain: the offset and commit logs keep the last batches (100 by default).
  private async purgeLogs(batchId: number): Promise<void> {
    const threshold = batchId + 1 - this.minBatchesToRetain;
    if (threshold <= 0) return;
    await this.offsetLog?.purge(threshold);
    await this.commitLog?.purge(threshold);
  }

  private report(b: {
    time: number;
    batchId: number;
    start: (Offset | undefined)[];
    end: (Offset | undefined)[];
    counts: number[];
    rows: number;
    watermarkMs: number;
    eventTimeStats: Map<number, EventTimeStats>;
    durations: StreamingQueryProgress['durationMs'];
  }): void {
    const numInputRows = b.counts.reduce((a, n) => a + n, 0);
    const sinceLast = this.lastTriggerStart === undefined ? 0 : b.time - this.lastTriggerStart;
    this.lastTriggerStart = b.time;
    const processingMs = b.durations.triggerExecution;
    const sources: SourceProgress[] = this.physical.sources.map((s, i) => ({
      description: s.description,
      startOffset: b.start[i] ?? null,
      endOffset: b.end[i] ?? null,
      latestOffset: b.end[i] ?? null,
      numInputRows: b.counts[i]!,
      inputRowsPerSecond: perSecond(b.counts[i]!, sinceLast),
      processedRowsPerSecond: perSecond(b.counts[i]!, processingMs),
    }));
    const progress: StreamingQueryProgress = {
      id: this.spec.id,
      runId: this.spec.runId,
      name: this.spec.name,
      timestamp: new Date(b.time).toISOString(),
      batchId: b.batchId,
      batchDuration: Math.round(processingMs),
      numInputRows,
      inputRowsPerSecond: perSecond(numInputRows, sinceLast),
      processedRowsPerSecond: perSecond(numInputRows, processingMs),
      durationMs: Object.fromEntries(Object.entries(b.durations).map(([k, v]) => [k, Math.round(v)])) as StreamingQueryProgress['durationMs'],
      eventTime: this.eventTime(b.eventTimeStats, b.watermarkMs),
      stateOperators: this.physical.stateful.map((op) => op.progress()),
      sources,
      sink: { description: this.spec.sink.description, numOutputRows: b.rows },
    };
    this.recentProgress.push(progress);
    if (this.recentProgress.length > NUM_RECENT_PROGRESS) this.recentProgress.shift();
    this.status = { message: 'Waiting for next trigger', isDataAvailable: numInputRows > 0, isTriggerActive: false };
    this.events.onProgress(progress);
  }

  private eventTime(stats: Map<number, EventTimeStats>, watermarkMs: number): StreamingQueryProgress['eventTime'] {
    if (this.physical.watermarkDelays.size === 0) return {};
    const all = [...stats.values()].filter((s) => s.count > 0);
    const iso = (ms: number): string => new Date(ms).toISOString();
    if (all.length === 0) return { watermark: iso(watermarkMs) };
    const count = all.reduce((n, s) => n + s.count, 0);
    return {
      avg: iso(Math.round(all.reduce((n, s) => n + s.sum, 0) / count)),
      max: iso(Math.max(...all.map((s) => s.max))),
      min: iso(Math.min(...all.map((s) => s.min))),
      watermark: iso(watermarkMs),
    };
  }

  private async terminate(error: FlintError | undefined): Promise<void> {
    if (this.terminated) return;
    this.terminated = true;
    this.exception = error;
    this.status = { message: 'Stopped', isDataAvailable: false, isTriggerActive: false };
    await this.ssc.stop();
    await Promise.allSettled(this.physical?.sources.map((s) => s.stop?.()) ?? []);
    await this.spec.sink.close?.();
    for (const w of this.allAvailableWaiters.splice(0)) (error ? w.reject(error) : w.resolve());
    this.events.onTerminated(error);
  }
}
