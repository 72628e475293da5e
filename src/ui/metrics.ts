// Prometheus metrics of one context, on its own prom-client registry (never the global one, so two
// contexts in a process do not mix). Counters and histograms move with listener events; gauges
// read the progress listener and the worker pool when scraped, so batches pay nothing for them.
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { BlockCountStats } from '../core/core.js';
import type { PoolStats } from '../pool/pool.js';
import type { BatchInfo, CheckpointInfo, ReceiverInfo, StreamingListener } from '../scheduler/listener.js';
import { batchFailed, type StreamingJobProgressListener } from './job-progress.js';
import type { StatefulStream } from './state-keys.js';

/** Buckets of the delay histograms, in seconds: 1 ms to 2 minutes. */
const DELAY_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];

/** What the metrics read when scraped. */
export interface MetricsSources {
  progress: StreamingJobProgressListener;
  batchInterval: number;
  /** The worker pool's counters, when the core has a pool. */
  poolStats?: () => PoolStats | undefined;
  /** The block counters' totals, when the core counts blocks as they arrive. */
  blockCountStats?: () => BlockCountStats | undefined;
  /** The stateful streams, whose keys are counted when scraped. */
  statefulStreams?: () => StatefulStream[];
}

/** The metrics of one streaming context, served at `/metrics`. */
export class StreamingMetrics implements StreamingListener {
  /** The context's registry. */
  readonly registry = new Registry();
  private readonly batchesCompleted: Counter;
  private readonly batchesFailed: Counter;
  private readonly records: Counter;
  private readonly inputRate: Gauge;
  private readonly schedulingDelay: Histogram;
  private readonly processingTime: Histogram;
  private readonly totalDelay: Histogram;
  private readonly receiverErrors: Counter<'receiver'>;
  private readonly checkpointDuration: Histogram;
  private readonly checkpointBytes: Counter;
  private readonly batchInterval: number;

  constructor(appName: string, sources: MetricsSources) {
    this.batchInterval = sources.batchInterval;
    this.registry.setDefaultLabels({ app: appName });
    const registers = [this.registry];
    const counter = <L extends string = string>(name: string, help: string, labelNames: L[] = []): Counter<L> =>
      new Counter({ name, help, labelNames, registers });
    const delay = (name: string, help: string): Histogram => new Histogram({ name, help, buckets: DELAY_BUCKETS, registers });
    this.batchesCompleted = counter('flint_batches_completed_total', 'Batches completed (failed ones included)');
    this.batchesFailed = counter('flint_batches_failed_total', 'Batches with an output operation that failed');
    this.records = counter('flint_records_total', 'Records of the completed batches');
    this.inputRate = new Gauge({ name: 'flint_input_rate_records_per_second', help: 'Records per second of the last completed batch', registers });
    this.schedulingDelay = delay('flint_scheduling_delay_seconds', 'Time a batch waited before it started (Spark: scheduling delay)');
    this.processingTime = delay('flint_processing_time_seconds', 'Time a batch took to run its output operations (Spark: processing time)');
    this.totalDelay = delay('flint_total_delay_seconds', 'Scheduling delay plus processing time of a batch');
    this.receiverErrors = counter('flint_receiver_errors_total', 'Errors reported by receivers and other input streams', ['receiver']);
    this.checkpointDuration = new Histogram({ name: 'flint_checkpoint_duration_seconds', help: 'Time spent writing a checkpoint', buckets: DELAY_BUCKETS, registers });
    this.checkpointBytes = counter('flint_checkpoint_written_bytes_total', 'Bytes of checkpoint files written');
    this.registerScrapedGauges(sources);
  }

  onBatchCompleted({ batchInfo }: { batchInfo: BatchInfo }): void {
    this.batchesCompleted.inc();
    if (batchFailed(batchInfo)) this.batchesFailed.inc();
    this.records.inc(batchInfo.numRecords);
    this.inputRate.set((batchInfo.numRecords * 1000) / this.batchInterval);
    if (batchInfo.schedulingDelay !== undefined) this.schedulingDelay.observe(batchInfo.schedulingDelay / 1000);
    if (batchInfo.processingDelay !== undefined) this.processingTime.observe(batchInfo.processingDelay / 1000);
    if (batchInfo.totalDelay !== undefined) this.totalDelay.observe(batchInfo.totalDelay / 1000);
  }

  onReceiverError({ receiverInfo }: { receiverInfo: ReceiverInfo }): void {
    this.receiverErrors.inc({ receiver: receiverInfo.name });
  }

  onCheckpointCompleted({ checkpointInfo }: { checkpointInfo: CheckpointInfo }): void {
    this.checkpointDuration.observe(checkpointInfo.durationMs / 1000);
    this.checkpointBytes.inc(checkpointInfo.bytesWritten);
  }

  /** The text exposition format, for a scrape. */
  scrape(): Promise<string> {
    return this.registry.metrics();
  }

  // Read at scrape time: the state of batches, receivers and the pool now.
  private registerScrapedGauges({ progress, poolStats, blockCountStats, statefulStreams }: MetricsSources): void {
    const registers = [this.registry];
    if (statefulStreams) {
      let streams: StatefulStream[] | undefined;
      new Gauge({
        name: 'flint_state_keys',
        help: 'Keys held by a stateful stream (updateStateByKey, mapWithState) after its latest batch',
        labelNames: ['stream'],
        registers,
        async collect() {
          // The graph is fixed once the context has started, so it is walked once.
          streams ??= statefulStreams();
          for (const stream of streams) {
            const keys = await stream.keys();
            if (keys !== undefined) this.set({ stream: stream.name }, keys);
          }
        },
      });
    }
    const gauge = (name: string, help: string, read: () => number | undefined): void => {
      new Gauge({
        name,
        help,
        registers,
        collect() {
          const value = read();
          if (value !== undefined) this.set(value);
        },
      });
    };
    const counter = (name: string, help: string, read: () => number | undefined): void => {
      new Counter({
        name,
        help,
        registers,
        collect() {
          const value = read();
          if (value === undefined) return;
          this.reset();
          this.inc(value);
        },
      });
    };
    gauge('flint_active_batches', 'Batches queued or running', () => progress.waitingBatches.size + progress.runningBatches.size);
    gauge('flint_receivers', 'Input streams (receivers and others)', () => progress.receivers.size);
    gauge('flint_receivers_active', 'Input streams running', () => [...progress.receivers.values()].filter((r) => r.active).length);
    counter('flint_records_received_total', 'Records received by input streams (queued batches included)', () => progress.numTotalReceivedRecords);
    if (blockCountStats) {
      counter('flint_blocks_counted_total', 'Blocks of received text counted while their batch filled (blockInterval)', () => blockCountStats()?.blocksCounted);
      counter('flint_batches_counted_from_blocks_total', 'Batches whose word count was taken from their blocks', () => blockCountStats()?.batchesFromBlocks);
    }
    if (!poolStats) return;
    gauge('flint_pool_threads', 'Workers the wasm core pool is sized to', () => poolStats()?.threads);
    gauge('flint_pool_workers', 'Workers of the wasm core pool alive now', () => poolStats()?.workers);
    gauge('flint_pool_tasks_running', 'Tasks running on the wasm core pool', () => poolStats()?.tasksRunning);
    gauge('flint_pool_tasks_queued', 'Tasks waiting for a worker of the wasm core pool', () => poolStats()?.tasksQueued);
    counter('flint_pool_tasks_completed_total', 'Tasks the wasm core pool finished', () => poolStats()?.tasksCompleted);
    counter('flint_pool_worker_restarts_total', 'Workers of the wasm core pool replaced after a crash or trap', () => poolStats()?.restarts);
  }
}
