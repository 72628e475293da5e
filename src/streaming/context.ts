// StreamingContext: the entry point. It owns the graph, the clock, the core and the scheduler,
// creates input streams, and runs the lifecycle start -> awaitTermination -> stop.
import type { Readable } from 'node:stream';
import type { Batch } from '../batch/batch.js';
import { CheckpointFiles } from '../checkpoint/checkpoint-files.js';
import { Checkpointer } from '../checkpoint/checkpointer.js';
import { layoutOf, type GraphLayout } from '../checkpoint/graph-layout.js';
import { checkCompatible, readCheckpoint, restoreGraph, type RecoveredCheckpoint } from '../checkpoint/recovery.js';
import type { WriteAheadLogOptions } from '../checkpoint/write-ahead-log.js';
import type { Core, CoreName } from '../core/core.js';
import { createCore } from '../core/create-core.js';
import { DStream } from '../dstream/dstream.js';
import type { InputOperator, ReceiverThrottleReport, SourceErrorReport, StreamEnv, TextOutput } from '../dstream/operator.js';
import { TransformedDStream } from '../dstream/transformed.js';
import { unionOperator } from '../dstream/union.js';
import { FlintError } from '../errors.js';
import { DirectKafkaInputDStream } from '../io/sources/kafka/direct-kafka-input-dstream.js';
import { KafkaDStream } from '../io/sources/kafka/kafka-dstream.js';
import type { KafkaStreamOptions } from '../io/sources/kafka/kafka-options.js';
import { FileInputDStream, type FileStreamOptions } from '../io/sources/file-input-dstream.js';
import { QueueInputDStream, type QueueStreamOptions } from '../io/sources/queue-input-dstream.js';
import { ReadableReceiver, type ReadableStreamOptions } from '../io/sources/readable-receiver.js';
import type { Receiver } from '../io/sources/receiver.js';
import { ReceiverInputDStream } from '../io/sources/receiver-input-dstream.js';
import { receiverLimits, type ReceiverLimits } from '../io/sources/receiver-limits.js';
import { SocketReceiver, type SocketStreamOptions } from '../io/sources/socket-receiver.js';
import { JobGenerator } from '../scheduler/job-generator.js';
import { JobScheduler } from '../scheduler/job-scheduler.js';
import { ListenerBus, type BatchInfo, type ReceiverInfo, type StreamingListener } from '../scheduler/listener.js';
import { onAbort, signalOf, type AwaitTerminationOptions, type StartOptions } from './abort.js';
import { StreamingUI } from '../ui/streaming-ui.js';
import { resolveUIOptions, type UIOptions } from '../ui/ui-options.js';
import { checkCheckpointDirectory } from './checkpoint-directory.js';
import { SystemClock, type Clock } from './clock.js';
import { checkDuration } from './duration.js';
import { DStreamGraph } from './graph.js';
import { parseMaster } from './master.js';
import { TerminationWaiter } from './termination-waiter.js';
import { remainingUntil, settlesWithin } from './time-limit.js';

// Node defines Symbol.asyncDispose from 20.4 on; where it is missing, transpiled `await using`
// (esbuild's helper) looks for Symbol.for('Symbol.asyncDispose') instead.
const asyncDispose: typeof Symbol.asyncDispose = (Symbol.asyncDispose ?? Symbol.for('Symbol.asyncDispose')) as typeof Symbol.asyncDispose;

/** Options of a {@link StreamingContext}. */
export interface StreamingContextOptions {
  /** Interval between batches, in ms (e.g. `Seconds(1)`). */
  batchInterval: number;
  /** `'local'`, `'local[n]'` or `'local[*]'`: worker threads and default partitions (default `local[*]`). */
  master?: string;
  /** Name shown in logs and the CLI (default `flint`). */
  appName?: string;
  /** Engine core: `wasm` (default; kernels on a worker pool of `local[n]` threads) or `js`. */
  core?: CoreName;
  /** Source of time; pass a `ManualClock` to drive batches by hand in tests. */
  clock?: Clock;
  /** Where `print()` writes (default `process.stdout`). */
  out?: TextOutput;
  /**
   * Stop gracefully on SIGTERM and SIGINT: stop receiving, finish the received batches, write a
   * final checkpoint, then exit 0 (Spark's `spark.streaming.stopGracefullyOnShutdown`; default false).
   */
  stopGracefullyOnShutdown?: boolean;
  /**
   * Warm the core up in `start()` (default true): the wasm core starts its workers and counts a
   * small text in each, so the first batch runs about as fast as the next ones; this adds about
   * the workers' start-up to `start()`. `FLINT_WARM_UP=0` in the environment makes the default
   * false (the test suite, which starts hundreds of contexts, sets it).
   */
  warmUp?: boolean;
  /**
   * Append what receivers store (sockets, stdin, custom receivers) to a write-ahead log in the
   * checkpoint directory before it joins a batch, so a restarted context re-runs the batches of a
   * crashed one with their data (Spark's `spark.streaming.receiver.writeAheadLog.enable`; default
   * false). `Receiver.store` then resolves once the data is on disk. Needs `checkpoint(dir)`. An
   * object turns it on with settings: `syncIntervalMs` (the longest data waits for its fsync,
   * default 50; a batch's data is always fsync'd before the batch runs), `segmentBytes` (default
   * 64 MiB; whole segments are deleted once checkpoints cover them).
   */
  writeAheadLog?: boolean | WriteAheadLogOptions;
  /**
   * Most records per second each receiver stores (Spark's `spark.streaming.receiver.maxRate`);
   * default unlimited. Records are lines for text sources. Over the rate, a receiver stops reading.
   */
  receiverMaxRate?: number;
  /**
   * Let each receiver's rate follow how fast batches are processed, with Spark's PID rate
   * estimator (`spark.streaming.backpressure.enabled`; default false). Never above `receiverMaxRate`.
   */
  backpressure?: boolean;
  /**
   * With `backpressure`, records/s per receiver until the first estimate, which comes after the
   * second batch with records (Spark's `spark.streaming.backpressure.initialRate`); default `receiverMaxRate`.
   */
  backpressureInitialRate?: number;
  /**
   * Most bytes received but not yet processed, over all receivers together; at the bound,
   * receivers stop reading (sockets and stdin pause, so TCP or the pipe slows the sender) and
   * listeners get `onReceiverThrottled`. Default 1/64 of the JS heap limit, between 16 and 256 MiB
   * (64 MiB with a 4 GiB heap limit, Node's usual default); `Infinity` turns the bound off.
   */
  maxBufferedBytes?: number;
  /**
   * Ms between the blocks a receiver hands on while a batch fills (Spark's
   * `spark.streaming.blockInterval`; default 50, Spark's 200: a block here is not a task, and
   * shorter blocks leave less to count at the batch time). On the wasm core, a receiver stream whose batches
   * feed a kernel word count (`flatMap(words).map(pair(1)).reduceByKey(sum)`, `countByValue`) has
   * each block counted by the workers as it arrives, so at the batch time only the last block and
   * the merge remain. Results are the same for any value.
   */
  blockInterval?: number;
  /**
   * Serve the web UI (a Streaming page like Spark's, its REST API under `/api/v1` and Prometheus
   * metrics at `/metrics`) from `start()` to `stop()`: `true` for the defaults (127.0.0.1:4040,
   * the next free port when taken), or `{ port, host, retainedBatches }`. Default false. The
   * address is printed on stderr and given by {@link StreamingContext.uiWebUrl}.
   */
  ui?: boolean | UIOptions;
}

/** Lifecycle state, as Spark's `StreamingContextState`. */
export type StreamingContextState = 'INITIALIZED' | 'ACTIVE' | 'STOPPED';

/** Options of {@link StreamingContext.stop}. */
export interface StopOptions {
  /** Wait until all received data has been processed (default false: finish only the running batch). */
  graceful?: boolean;
  /**
   * With `graceful`, the longest the whole stop waits, in ms of real time (default 10 batch
   * intervals; `Infinity` for no limit). Batches not processed by then are dropped, and an output
   * still running is abandoned.
   */
  gracefulTimeout?: number;
}

/**
 * How long a non-graceful stop waits for the running batch, in ms, before abandoning its output
 * (Spark's JobScheduler waits 2 s for its job threads); sources get as long again to stop.
 */
export const STOP_WAIT_MS = 2000;

/** The main entry point of a Flint program (Spark's `StreamingContext`). */
export class StreamingContext implements StreamEnv {
  readonly batchInterval: number;
  readonly appName: string;
  readonly master: string;
  readonly defaultParallelism: number;
  readonly clock: Clock;
  readonly core: Core;
  readonly out: TextOutput;
  /** The rate limits and memory bound receivers follow, from the options. */
  readonly receiverLimits: ReceiverLimits;
  private readonly graph = new DStreamGraph();
  private readonly bus = new ListenerBus();
  private readonly waiter = new TerminationWaiter();
  private readonly scheduler: JobScheduler;
  private readonly generator: JobGenerator;
  private readonly receiverInfos = new Map<string, ReceiverInfo>();
  private state: StreamingContextState = 'INITIALIZED';
  private checkpointDir: string | undefined;
  private stopping: Promise<void> | undefined;
  /** The checkpoint this context resumes from (set by getOrCreate). */
  private recovered: RecoveredCheckpoint | undefined;
  private checkpointer: Checkpointer | undefined;
  private lastCompletedTime: number | undefined;
  private readonly stopGracefullyOnShutdown: boolean;
  private readonly warmUp: boolean;
  private readonly writeAheadLog: WriteAheadLogOptions | undefined;
  private removeShutdownHook: (() => void) | undefined;
  private removeAbortListener: (() => void) | undefined;
  private readonly ui: StreamingUI | undefined;
  /** The context most recently started and not yet stopped (Spark's `getActive`). */
  private static active: StreamingContext | undefined;

  constructor(options: StreamingContextOptions) {
    if (!options || typeof options !== 'object') {
      throw new FlintError('INVALID_ARGUMENT', 'new StreamingContext needs options, e.g. { batchInterval: Seconds(1) }');
    }
    this.batchInterval = checkDuration(options.batchInterval, 'batchInterval', { positive: true });
    this.master = options.master ?? 'local[*]';
    this.defaultParallelism = parseMaster(this.master);
    this.appName = options.appName ?? 'flint';
    this.clock = options.clock ?? new SystemClock();
    this.out = options.out ?? process.stdout;
    this.receiverLimits = receiverLimits(options);
    this.core = createCore(options.core ?? 'wasm', this.defaultParallelism);
    this.stopGracefullyOnShutdown = options.stopGracefullyOnShutdown ?? false;
    this.warmUp = options.warmUp ?? process.env.FLINT_WARM_UP !== '0';
    this.writeAheadLog = options.writeAheadLog === true ? {} : options.writeAheadLog || undefined;
    const ui = resolveUIOptions(options.ui);
    if (ui) {
      this.ui = new StreamingUI(this, ui, () => this.graph.outputStreams);
      this.bus.add(this.ui.listener);
    }
    this.scheduler = new JobScheduler(this.clock, this.bus, {
      onJobError: (error) => this.waiter.notifyError(error),
      onBatchDone: (time, info) => this.afterBatch(time, info),
    });
    this.generator = new JobGenerator(
      this.clock,
      this.batchInterval,
      this.graph,
      this.scheduler,
      (error) => this.waiter.notifyError(error),
      (time) => this.checkpointer?.recordBatch(time) ?? Promise.resolve(),
    );
  }

  /**
   * The context restored from the newest complete checkpoint in `checkpointPath`, or, when there
   * is none, the one `creatingFunc` makes (Spark's `getOrCreate`). Functions cannot be saved, so
   * `creatingFunc` always runs and defines the streams; the checkpoint's state is then put back
   * into them by position. Throws `CHECKPOINT_INCOMPATIBLE` when the program's streams differ
   * from the checkpoint's, and `CHECKPOINT_CORRUPT` when no checkpoint there reads back whole.
   */
  static getOrCreate(checkpointPath: string, creatingFunc: () => StreamingContext): StreamingContext {
    if (typeof checkpointPath !== 'string' || checkpointPath === '') {
      throw new FlintError('INVALID_ARGUMENT', 'getOrCreate needs a checkpoint directory path, e.g. StreamingContext.getOrCreate("/tmp/ckpt", createContext)');
    }
    const recovered = readCheckpoint(checkpointPath);
    const ssc = creatingFunc();
    if (!(ssc instanceof StreamingContext) || ssc.state !== 'INITIALIZED') {
      throw new FlintError('INVALID_ARGUMENT', 'the function given to getOrCreate must return a new, not yet started StreamingContext');
    }
    ssc.checkpointDir ??= checkpointPath;
    if (recovered) {
      checkCompatible(checkpointPath, recovered, layoutOf(ssc.graph, ssc.batchInterval), ssc.batchInterval);
      ssc.recovered = recovered;
      ssc.checkpointDir = checkpointPath;
    }
    return ssc;
  }

  /** The active context if there is one, else {@link StreamingContext.getOrCreate} (Spark's `getActiveOrCreate`). */
  static getActiveOrCreate(checkpointPath: string, creatingFunc: () => StreamingContext): StreamingContext {
    return StreamingContext.getActive() ?? StreamingContext.getOrCreate(checkpointPath, creatingFunc);
  }

  /** The context most recently started and not yet stopped, if any (Spark's `getActive`). */
  static getActive(): StreamingContext | undefined {
    return StreamingContext.active;
  }

  /** The web UI's address (`http://host:port`) while it serves, if the `ui` option is on (Spark's `uiWebUrl`). */
  get uiWebUrl(): string | undefined {
    return this.ui?.webUrl;
  }

  /** Current lifecycle state. */
  getState(): StreamingContextState {
    return this.state;
  }

  /**
   * Sets the checkpoint directory: stateful and inverse-window operations need it, and with it the
   * context writes checkpoints there that {@link StreamingContext.getOrCreate} recovers from.
   */
  checkpoint(directory: string): void {
    this.assertGraphMutable('set the checkpoint directory');
    if (typeof directory !== 'string' || directory === '') {
      throw new FlintError('INVALID_ARGUMENT', 'checkpoint needs a directory path, e.g. ssc.checkpoint("/tmp/flint-checkpoint")');
    }
    // A recovered context keeps the directory it recovered from, as Spark's does.
    if (!this.recovered) this.checkpointDir = directory;
  }

  /** Keeps every generated batch for at least `duration` ms (for `slice` and late reads). */
  remember(duration: number): void {
    this.assertGraphMutable('change remember()');
    this.graph.remember(checkDuration(duration, 'remember duration'));
  }

  // ---- input streams ----

  /** A stream of batches taken from `queue`, one array (or Batch) per batch time. */
  queueStream<T>(queue: (readonly T[] | Batch<T>)[], options: QueueStreamOptions<T> = {}): DStream<T> {
    if (!Array.isArray(queue)) {
      throw new FlintError('INVALID_ARGUMENT', 'queueStream needs an array of batches, e.g. [[1, 2], [3]]');
    }
    return this.addInput(new QueueInputDStream(queue, this.batchInterval, options));
  }

  /** Lines of UTF-8 text from a TCP server at `host:port` (try `nc -lk 9999`). */
  socketTextStream(host: string, port: number, options: SocketStreamOptions = {}): DStream<string> {
    const receiver = new SocketReceiver(host, port, options);
    return this.receiverStream(receiver, `SocketReceiver(${host}:${port})`);
  }

  /**
   * Lines of UTF-8 text from any Node `Readable` (a pipe, a file stream, `process.stdin`), split,
   * limited and throttled as {@link StreamingContext.socketTextStream}'s: over the rate or the
   * memory bound the readable is paused, and with `writeAheadLog` its lines are logged. It does
   * not reconnect: `options.onEnd` is called when the input is over.
   */
  readableStream(readable: Readable, options: ReadableStreamOptions = {}): DStream<string> {
    const { name = 'ReadableReceiver', ...receiverOptions } = options;
    return this.receiverStream(new ReadableReceiver(readable, receiverOptions), name);
  }

  /** Lines of new text files moved into `directory`. */
  textFileStream(directory: string, options: FileStreamOptions = {}): DStream<string> {
    return this.addInput(new FileInputDStream(this, directory, options));
  }

  /**
   * Records of Kafka topics, each batch an exact offset range per partition (Spark's
   * `KafkaUtils.createDirectStream`); see the README's Kafka section.
   */
  kafkaStream(options: KafkaStreamOptions): KafkaDStream {
    const stream = new KafkaDStream(this, new DirectKafkaInputDStream(this, options));
    this.registerInputStream(stream as DStream<unknown>);
    return stream;
  }

  /** Data stored by a custom {@link Receiver}. */
  receiverStream<T>(receiver: Receiver<T>, name = receiver.constructor.name || 'Receiver'): DStream<T> {
    return this.addInput(new ReceiverInputDStream(this, receiver, name, this.defaultParallelism));
  }

  /** Union of several streams with the same slide. */
  union<T>(streams: DStream<T>[]): DStream<T> {
    if (!Array.isArray(streams) || streams.length === 0) {
      throw new FlintError('INVALID_ARGUMENT', 'union needs at least one stream');
    }
    return new DStream(this, unionOperator(streams));
  }

  /** A stream computed from the same-time batches of several streams. */
  transform<U>(streams: DStream<any>[], f: (batches: Batch<any>[], time: number) => Batch<U> | Promise<Batch<U>>): DStream<U> {
    if (!Array.isArray(streams) || streams.length === 0) {
      throw new FlintError('INVALID_ARGUMENT', 'transform needs at least one stream');
    }
    return new DStream(this, new TransformedDStream<U>('TransformedDStream', streams, f));
  }

  /** Registers a listener for batch and receiver events. */
  addStreamingListener(listener: StreamingListener): void {
    this.bus.add(listener);
  }

  /** Removes a listener added with {@link StreamingContext.addStreamingListener}. */
  removeStreamingListener(listener: StreamingListener): void {
    this.bus.remove(listener);
  }

  // ---- lifecycle ----

  /**
   * Validates the graph, starts the sources and schedules the first batch. When `options.signal`
   * aborts, the context stops gracefully; a signal already aborted stops it and rejects with the
   * signal's reason, as Node's APIs do.
   */
  async start(options?: StartOptions): Promise<void> {
    const signal = signalOf(options, 'start()');
    if (this.state === 'ACTIVE') throw new FlintError('CONTEXT_STARTED', 'StreamingContext has already been started');
    if (this.state === 'STOPPED') {
      throw new FlintError('CONTEXT_STOPPED', 'StreamingContext has already been stopped and cannot be restarted; create a new StreamingContext');
    }
    if (signal?.aborted) {
      await this.stop();
      signal.throwIfAborted();
    }
    const recovered = this.recovered;
    const nextTime = this.generator.firstBatchTime();
    const zeroTime = recovered ? recovered.metadata.zeroTime : nextTime - this.batchInterval;
    this.graph.start(zeroTime, this.checkpointDir);
    if (this.writeAheadLog !== undefined && this.checkpointDir === undefined) {
      throw new FlintError('CHECKPOINT_REQUIRED', 'writeAheadLog keeps its log in the checkpoint directory; call ssc.checkpoint(\'/path/to/dir\') before ssc.start()');
    }
    if (this.checkpointDir !== undefined) await this.startCheckpointing(this.checkpointDir, zeroTime);
    this.state = 'ACTIVE';
    const started: InputOperator<unknown>[] = [];
    try {
      await this.ui?.start();
      // Threads started and code optimized now, so the first batch is not several times the next.
      if (this.warmUp) await this.core.warmUp?.();
      for (const input of this.graph.inputOperators()) {
        await input.start();
        started.push(input);
        this.updateReceiver(input.name, { active: true }, 'onReceiverStarted');
      }
      if (!recovered) await this.checkpointer?.writeInitial();
    } catch (error) {
      await Promise.allSettled(started.map((s) => s.stop()));
      await this.graph.closeOutputs();
      this.state = 'STOPPED';
      await this.ui?.stop();
      await this.core.close();
      this.waiter.notifyStop();
      throw error;
    }
    // A recovered context runs the batches after its checkpoint first, then goes on with the clock.
    const firstTime = recovered ? Math.max(nextTime, recovered.metadata.time + this.batchInterval) : nextTime;
    const replayTimes: number[] = [];
    for (let t = (recovered?.metadata.time ?? firstTime) + this.batchInterval; t < firstTime; t += this.batchInterval) replayTimes.push(t);
    this.generator.start(firstTime, replayTimes);
    StreamingContext.active = this;
    if (this.stopGracefullyOnShutdown) this.removeShutdownHook = onShutdownSignal(() => this.stop({ graceful: true }));
    this.removeAbortListener = onAbort(signal, () => this.stopOnAbort());
    this.bus.post('onStreamingStarted', { time: this.clock.now() });
    for (const problem of recovered?.problems ?? []) {
      process.emitWarning(`checkpoint recovery: ${problem.message}`, 'FlintCheckpointWarning');
      this.bus.post('onCheckpointFallback', { problem });
    }
  }

  // Checks the directory, then lays the graph out for checkpoints and, when recovering, puts the
  // checkpoint's state back into the streams before any source starts.
  private async startCheckpointing(dir: string, zeroTime: number): Promise<void> {
    await checkCheckpointDirectory(dir);
    const layout: GraphLayout = layoutOf(this.graph, this.batchInterval);
    const recovered = this.recovered && { metadata: this.recovered.metadata, replayed: new Set(this.recovered.replays.keys()) };
    this.checkpointer = new Checkpointer(new CheckpointFiles(dir), layout, zeroTime, this.batchInterval, recovered, this.writeAheadLog);
    await this.checkpointer.prepare();
    if (this.recovered) await restoreGraph(layout, this.recovered);
  }

  // After a batch: write the checkpoint that follows it when one is due, then forget old batches
  // (after, because the checkpoint reads batches the window still remembers).
  // Not called for a batch stop() abandoned: no checkpoint may say it is done, so a restart runs
  // it again.
  private async afterBatch(time: number, info: BatchInfo): Promise<void> {
    this.graph.batchCompleted(info);
    this.lastCompletedTime = time;
    if (this.checkpointer?.isCheckpointTime(time)) await this.writeCheckpoint(time);
    this.graph.clearMetadata(time);
  }

  private async writeCheckpoint(time: number): Promise<void> {
    const started = performance.now();
    try {
      const bytesWritten = await this.checkpointer!.write(time);
      if (bytesWritten > 0) {
        this.bus.post('onCheckpointCompleted', { checkpointInfo: { time, bytesWritten, durationMs: performance.now() - started } });
      }
    } catch (error) {
      // As in Spark, a failed checkpoint does not stop the stream: recovery uses the previous one.
      const message = `writing the checkpoint at ${time} ms failed: ${(error as Error)?.message ?? String(error)}`;
      process.emitWarning(message, 'FlintCheckpointWarning');
      this.bus.post('onCheckpointFailed', { problem: { time, message } });
    }
  }

  /**
   * Stops the context; the promise resolves once it is stopped. Not graceful (default): the
   * running batch gets up to {@link STOP_WAIT_MS} to finish, queued ones are dropped. Graceful:
   * sources stop, then what they received is processed, for up to `gracefulTimeout`. An output
   * still running at the limit is abandoned and reported to listeners. Called from inside an
   * output (`foreachRDD`), the stop does not wait for that output, nor for batches queued behind it.
   */
  stop(options: StopOptions = {}): Promise<void> {
    const { gracefulTimeout } = options;
    if (gracefulTimeout !== undefined && !(typeof gracefulTimeout === 'number' && gracefulTimeout >= 0)) {
      return Promise.reject(
        new FlintError('INVALID_ARGUMENT', `stop() options.gracefulTimeout must be a number of ms >= 0 (or Infinity), got ${String(gracefulTimeout)}`),
      );
    }
    this.stopping ??= this.doStop(options);
    return this.stopping;
  }

  /**
   * Resolves when the context stops; rejects with the error that stopped it. When
   * `options.signal` aborts, the context stops gracefully and the wait resolves once it has.
   */
  async awaitTermination(options?: AwaitTerminationOptions): Promise<void> {
    const removeAbortListener = onAbort(signalOf(options, 'awaitTermination()'), () => this.stopOnAbort());
    try {
      await this.waiter.wait();
    } finally {
      removeAbortListener();
    }
  }

  /** Stops the context gracefully, so `await using ssc = new StreamingContext(...)` stops it at the end of the block. */
  async [asyncDispose](): Promise<void> {
    await this.stop({ graceful: true });
  }

  /** Resolves `true` when stopped within `timeout` ms, `false` otherwise; rejects on error. */
  async awaitTerminationOrTimeout(timeout: number): Promise<boolean> {
    checkDuration(timeout, 'awaitTerminationOrTimeout timeout');
    return this.waiter.waitFor(timeout);
  }

  // ---- StreamEnv (used by streams) ----

  /** Adds an input stream to the graph (used by sources). */
  registerInputStream(stream: DStream<unknown>): void {
    this.assertGraphMutable('add an input stream');
    this.graph.addInputStream(stream);
  }

  /** Adds an output stream to the graph (used by output operations). */
  registerOutputStream(stream: DStream<unknown>): void {
    this.assertGraphMutable('add an output operation');
    this.graph.addOutputStream(stream);
  }

  /** Throws when the graph can no longer change. */
  assertGraphMutable(what: string): void {
    if (this.state === 'ACTIVE') {
      throw new FlintError('CONTEXT_STARTED', `cannot ${what} after the StreamingContext has started; define every operation before start()`);
    }
    if (this.state === 'STOPPED') {
      throw new FlintError('CONTEXT_STOPPED', `cannot ${what}: the StreamingContext has been stopped; create a new StreamingContext`);
    }
  }

  /** Reports a source error to listeners as a receiver error. */
  reportSourceError(report: SourceErrorReport): void {
    const error = report.error as Error | undefined;
    this.updateReceiver(
      report.source,
      {
        lastErrorMessage: report.message,
        lastError: error?.stack ?? (error ? String(error) : ''),
        lastErrorTime: this.clock.now(),
        ...(report.droppedRecords !== undefined && { droppedRecords: report.droppedRecords }),
      },
      'onReceiverError',
    );
  }

  /** Posts `onReceiverThrottled` or `onReceiverResumed` for a receiver held back by the memory bound. */
  reportReceiverThrottle({ source, throttled, ...bound }: ReceiverThrottleReport): void {
    const event = { receiverInfo: this.receiverInfo(source), throttleInfo: { ...bound, time: this.clock.now() } };
    this.bus.post(throttled ? 'onReceiverThrottled' : 'onReceiverResumed', event);
  }

  // An abort has nobody to report a failed stop to but awaitTermination.
  private stopOnAbort(): void {
    this.stop({ graceful: true }).catch((error: unknown) => this.waiter.notifyError(error));
  }

  private addInput<T>(op: InputOperator<T>): DStream<T> {
    const stream = new DStream<T>(this, op);
    this.registerInputStream(stream as DStream<unknown>);
    return stream;
  }

  private updateReceiver(
    name: string,
    change: Partial<ReceiverInfo>,
    event: 'onReceiverStarted' | 'onReceiverError' | 'onReceiverStopped',
  ): void {
    const info = this.receiverInfo(name);
    Object.assign(info, change);
    this.bus.post(event, { receiverInfo: info });
  }

  private receiverInfo(name: string): ReceiverInfo {
    // streamId is the input's index in the graph, as BatchInfo.streamIdToNumRecords counts it.
    const index = this.graph.inputOperators().findIndex((input) => input.name === name);
    const info = this.receiverInfos.get(name) ?? {
      streamId: index >= 0 ? index : this.receiverInfos.size,
      name,
      active: true,
      lastErrorMessage: '',
      lastError: '',
      lastErrorTime: -1,
      droppedRecords: 0,
    };
    this.receiverInfos.set(name, info);
    return info;
  }

  private async doStop({ graceful = false, gracefulTimeout }: StopOptions): Promise<void> {
    this.removeShutdownHook?.();
    this.removeAbortListener?.();
    if (StreamingContext.active === this) StreamingContext.active = undefined;
    if (this.state !== 'ACTIVE') {
      await this.graph.closeOutputs();
      this.state = 'STOPPED';
      await this.core.close();
      this.waiter.notifyStop();
      return;
    }
    // Outputs that wait on a consumer outside the job (iterators, toReadable) stop waiting, so the
    // stop never waits on code that may itself be waiting for the stop.
    this.graph.outputsStopping();
    const inputs = this.graph.inputOperators();
    const wait = graceful ? (gracefulTimeout ?? 10 * this.batchInterval) : STOP_WAIT_MS;
    const deadline = performance.now() + wait;
    if (graceful) {
      await this.stopInputs(inputs, wait);
      // From inside an output, no batch can take the data before that output returns.
      if (!this.scheduler.calledFromRunningOutput()) await this.waitForPendingData(inputs, deadline);
    }
    await this.generator.stop();
    const limit = graceful ? `within gracefulTimeout (${wait} ms)` : `within ${wait} ms`;
    await this.scheduler.stop(!graceful, remainingUntil(deadline), limit);
    if (!graceful) await this.stopInputs(inputs, STOP_WAIT_MS);
    await this.graph.closeOutputs();
    // A graceful stop leaves a checkpoint right after the last completed batch, so a restart
    // re-runs nothing that ran; batches dropped or abandoned by the stop run again.
    if (graceful && this.lastCompletedTime !== undefined && this.checkpointer) await this.writeCheckpoint(this.lastCompletedTime);
    await this.checkpointer?.close();
    for (const input of inputs) this.updateReceiver(input.name, { active: false }, 'onReceiverStopped');
    this.state = 'STOPPED';
    await this.ui?.stop();
    await this.core.close();
    this.waiter.notifyStop();
  }

  // A source that does not stop in time is reported and left behind; a stopped receiver's
  // late data is dropped anyway.
  private async stopInputs(inputs: InputOperator<unknown>[], timeout: number): Promise<void> {
    await Promise.all(
      inputs.map(async (input) => {
        if (await settlesWithin(input.stop(), timeout)) return;
        this.reportSourceError({
          source: input.name,
          message: `did not stop within ${timeout} ms of stop(); left behind, anything it stores from now on is dropped`,
        });
      }),
    );
  }

  // Received data is assigned to a batch at the next tick, which the context's clock drives. The
  // deadline is real time, so a graceful stop returns even if a ManualClock is never advanced;
  // data still waiting then is dropped, and listeners are told.
  private async waitForPendingData(inputs: InputOperator<unknown>[], deadline: number): Promise<void> {
    while (inputs.some((i) => i.hasPendingData?.()) && performance.now() < deadline) {
      await new Promise<void>((resolve) => setTimeout(resolve, 5));
    }
    for (const input of inputs.filter((i) => i.hasPendingData?.())) {
      this.reportSourceError({
        source: input.name,
        message: 'the graceful stop ran out of time before a batch took the data received last; that data is dropped',
      });
    }
  }
}

/** Calls `stop` on the first SIGTERM or SIGINT; returns a function that removes the handlers. */
function onShutdownSignal(stop: () => Promise<void>): () => void {
  const handler = (signal: NodeJS.Signals): void => {
    void stop().then(
      () => process.exit(0),
      () => process.exit(signal === 'SIGINT' ? 130 : 143),
    );
  };
  process.once('SIGTERM', handler).once('SIGINT', handler);
  return () => {
    process.off('SIGTERM', handler);
    process.off('SIGINT', handler);
  };
}
