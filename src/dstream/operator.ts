// The contract every DStream operator implements, and what operators may see of their context.
import type { Batch } from '../batch/batch.js';
import type { WriteAheadLogOptions } from '../checkpoint/write-ahead-log.js';
import type { Core } from '../core/core.js';
import type { ReceiverLimits } from '../io/sources/receiver-limits.js';
import type { BatchInfo } from '../scheduler/listener.js';
import type { Clock } from '../streaming/clock.js';
import type { DStream } from './dstream.js';

/**
 * One transformation in the graph (Spark's DStream subclasses): it names its parents, how often it
 * yields a batch, and how to compute the batch for a valid time. Caching and time checks live in
 * {@link DStream}, once.
 */
export interface Operator<T> {
  /** Spark-style class name, shown in errors and debug output (e.g. `WindowedDStream`). */
  readonly name: string;
  /** The streams this one reads. */
  readonly dependencies: readonly DStream<any>[];
  /** Interval between this stream's batches, in ms. */
  readonly slideDuration: number;
  /** The batch for `time`, a valid time for this stream; `undefined` for none. */
  compute(time: number): Promise<Batch<T> | undefined>;
  /** Extra history parents must keep beyond this stream's remember duration (windows). */
  readonly parentRememberExtra?: number;
  /** True when the operator keeps state across batches and needs a checkpoint directory. */
  readonly mustCheckpoint?: boolean;
  /** Receives the DStream that wraps this operator, for operators that read their own past. */
  bind?(self: DStream<T>): void;
  /** Length of the window over the parent, for window operators (read by checkpoints: panes). */
  readonly windowDuration?: number;
  /** Checkpoint interval when the program sets none (default: Spark's, see DStream.checkpointInterval). */
  readonly defaultCheckpointInterval?: number;
  /** Partitions of the output, for operators that shuffle (part of a checkpoint's fingerprint). */
  readonly numPartitions?: number;
}

/** An operator with no parents that produces data (Spark's InputDStream). */
export interface InputOperator<T> extends Operator<T> {
  /** Starts receiving; called by `StreamingContext.start()`. */
  start(): Promise<void>;
  /** Stops receiving; resolves once resources are released. */
  stop(): Promise<void>;
  /** True while data has been received but not yet assigned to a batch. */
  hasPendingData?(): boolean;
  /** How the source gives a batch again after a restart; absent when it cannot. */
  readonly recovery?: RecoverableInput;
  /** The batch `info.batchTime` has been processed (memory accounting and backpressure). */
  onBatchCompleted?(info: BatchInfo): void;
}

/**
 * A source that can say exactly what it gave each batch and give it again (DESIGN.md: sources own
 * their positions). Records and positions are JSON-able; the checkpoint stores them.
 */
export interface RecoverableInput {
  /** What the batch at `time` took (files, entries, log range); written before its jobs run. */
  batchRecord(time: number): unknown;
  /** Where the source stands after the batches generated so far. */
  position(): unknown;
  /**
   * Before start() on a recovered context: continue from `position` (taken right after the
   * checkpoint's batch) and give each batch in `replays` (later batches, by time, in order)
   * exactly what its record says when it is computed again.
   */
  restore(position: unknown, replays: ReadonlyMap<number, unknown>): void;
  /** Data only batches up to `time` used may be deleted (the oldest kept checkpoint is at `time`). */
  forgetBefore?(time: number): Promise<void>;
  /** Receivers: keep what is stored in a write-ahead log in `dir` (before restore and start). */
  openLog?(dir: string, options: WriteAheadLogOptions): Promise<void>;
  /** Receivers: after restore, data the log holds beyond every batch joins the next new one. */
  readmitUnallocated?(): Promise<void>;
  /** Releases what openLog opened, once the context has stopped. */
  close?(): Promise<void>;
}

/** An output operation run once per batch (Spark's ForEachDStream). */
export interface OutputOperator {
  /** Runs the output for `time`. */
  run(time: number): Promise<void>;
  /** Short description used in listener events, e.g. `print at app.ts`. */
  readonly description: string;
  /** Releases what the output holds open (a producer's connections) once the context has stopped. */
  close?(): Promise<void>;
  /**
   * The context began to stop: from now on the output must not wait on anything outside the job
   * (a consumer reading an iterator), since that code may be what is waiting for the stop.
   */
  stopping?(): void;
}

/** What an output operation's sink may do around the batches: the optional hooks of {@link OutputOperator}. */
export type OutputHooks = Pick<OutputOperator, 'close' | 'stopping'>;

/** Where an error met by a source is reported (surfaced to streaming listeners). */
export interface SourceErrorReport {
  /** Name of the source, e.g. `SocketReceiver(127.0.0.1:9999)`. */
  source: string;
  /** What happened, written for a person. */
  message: string;
  /** The underlying error, if any. */
  error?: unknown;
  /** The source's running total of records it skipped as malformed (e.g. over-long lines). */
  droppedRecords?: number;
}

/** A receiver held back by the memory bound, or let go again (surfaced to streaming listeners). */
export interface ReceiverThrottleReport {
  /** Name of the receiver's stream. */
  source: string;
  /** True when the receiver has to wait, false when it may go on. */
  throttled: boolean;
  /** Received-but-unprocessed bytes of all the context's receivers. */
  bufferedBytes: number;
  /** The context's `maxBufferedBytes`. */
  maxBufferedBytes: number;
}

/** A place text can be written to, such as `process.stdout`. */
export interface TextOutput {
  /** Writes `text` as is. */
  write(text: string): unknown;
}

/** What operators may use of their StreamingContext. */
export interface StreamEnv {
  /** Default number of partitions for shuffles (n of `local[n]`). */
  readonly defaultParallelism: number;
  /** The engine core. */
  readonly core: Core;
  /** The context's batch interval in ms. */
  readonly batchInterval: number;
  /** The context's clock; receivers' rate limits run on it. */
  readonly clock: Clock;
  /** Rate limits and the memory bound every receiver follows. */
  readonly receiverLimits: ReceiverLimits;
  /** Where `print()` writes (process.stdout unless the context was given another). */
  readonly out: TextOutput;
  /** Registers a new input stream; throws once the context has started. */
  registerInputStream(stream: DStream<unknown>): void;
  /** Registers a new output stream; throws once the context has started. */
  registerOutputStream(stream: DStream<unknown>): void;
  /** Throws if the graph can no longer change (context started or stopped). */
  assertGraphMutable(what: string): void;
  /** Reports an error met while receiving, to listeners; never throws. */
  reportSourceError(report: SourceErrorReport): void;
  /** Tells listeners that a receiver waits for memory, or no longer does; never throws. */
  reportReceiverThrottle(report: ReceiverThrottleReport): void;
}
