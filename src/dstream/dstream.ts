// DStream: a stream of batches, one per slide. The base owns caching by time, remembering and
// time validation; public methods are one-line factories that build operator objects.
import type { Readable } from 'node:stream';
import { Batch } from '../batch/batch.js';
import { FlintError } from '../errors.js';
import { formatRecord, printBatch } from '../io/sinks/print.js';
import { saveAsTextFiles } from '../io/sinks/text-files.js';
import { KafkaSink, type KafkaSinkOptions } from '../io/sinks/kafka-sink.js';
import { BatchIterator, checkCanIterate, type BatchIteratorOptions } from '../io/sinks/batch-iterator.js';
import { RecordReadable, type ToReadableOptions } from '../io/sinks/record-readable.js';
import { pair, subtract, sum } from '../functions/building-blocks.js';
import { checkDuration } from '../streaming/duration.js';
import { ForEachDStream } from './foreach.js';
import { InternalMapWithStateDStream, mappedRecordsOperator, stateSnapshotsOperator } from './map-with-state.js';
import type { Operator, OutputHooks, StreamEnv } from './operator.js';
import { ReducedWindowedDStream } from './reduced-windowed.js';
import { ShuffledDStream } from './shuffled.js';
import { SlidingReducedWindowedDStream, slidingReducerOf } from './sliding-reduced-windowed.js';
import type { StateSpec } from './state-spec.js';
import { StateDStream, type UpdateStateOptions } from './state.js';
import { TransformedDStream, type MissingParentPolicy } from './transformed.js';
import { unionOperator } from './union.js';
import { WindowedDStream } from './windowed.js';

/** Spark's minimum default checkpoint interval of a stateful stream (`Seconds(10)`). */
export const DEFAULT_CHECKPOINT_MS = 10_000;

/** A function that reduces two values into one. */
export type ReduceFunc<V> = (a: V, b: V) => V;

/** A batch, or a promise of one, returned by user transform functions. */
export type BatchLike<U> = Batch<U> | Promise<Batch<U>>;

/**
 * A discretized stream: a sequence of {@link Batch}es, one every `slideDuration` ms (Spark's
 * `DStream`). Build it from a `StreamingContext`, chain transformations, end with an output.
 */
export class DStream<T> {
  /** The context this stream belongs to. */
  readonly ssc: StreamEnv;
  /** The operator that computes this stream's batches. */
  readonly operator: Operator<T>;
  private zeroTime: number | undefined;
  private rememberMs = 0;
  private checkpointMs: number | undefined;
  private readonly generated = new Map<number, Promise<Batch<T> | undefined>>();

  /** Wraps `operator`; use the factories on streams and contexts instead of calling this. */
  constructor(ssc: StreamEnv, operator: Operator<T>) {
    ssc.assertGraphMutable('create a new DStream');
    this.ssc = ssc;
    this.operator = operator;
    operator.bind?.(this);
  }

  /** Interval between this stream's batches, in ms. */
  get slideDuration(): number {
    return this.operator.slideDuration;
  }

  /** The streams this one depends on. */
  get dependencies(): readonly DStream<unknown>[] {
    return this.operator.dependencies;
  }

  /** How long computed batches are kept, in ms (set at start). */
  get rememberDuration(): number {
    return this.rememberMs;
  }

  /** The checkpoint interval set with {@link DStream.checkpoint}, if any. */
  get checkpointDuration(): number | undefined {
    return this.checkpointMs;
  }

  /**
   * How often this stream's state is checkpointed, in ms: as set with {@link DStream.checkpoint},
   * else the operator's default, else Spark's (the smallest multiple of the slide that is at
   * least 10 s).
   */
  get checkpointInterval(): number {
    const slide = this.slideDuration;
    return this.checkpointMs ?? this.operator.defaultCheckpointInterval ?? slide * Math.ceil(DEFAULT_CHECKPOINT_MS / slide);
  }

  /** Spark-style name of the operator, e.g. `MappedDStream`. */
  toString(): string {
    return this.operator.name;
  }

  // ---- time, caching and lifecycle (used by the graph) ----

  /** The batch for `time`: computed once, then served from the cache while remembered. */
  getOrCompute(time: number): Promise<Batch<T> | undefined> {
    if (!this.isTimeValid(time)) return Promise.resolve(undefined);
    let batch = this.generated.get(time);
    if (!batch) {
      batch = this.operator.compute(time);
      this.generated.set(time, batch);
      batch.catch(() => this.generated.delete(time));
    }
    return batch;
  }

  /**
   * The cached batch of the latest time, computed or being computed, without computing anything;
   * for monitoring (the web UI counts the keys of stateful streams with it).
   */
  latestGeneratedBatch(): Promise<Batch<T> | undefined> | undefined {
    let latest: number | undefined;
    for (const time of this.generated.keys()) if (latest === undefined || time > latest) latest = time;
    return latest === undefined ? undefined : this.generated.get(latest);
  }

  /**
   * Puts a batch read from a checkpoint back in the cache at `time` (Spark's
   * `restoreCheckpointData`), so later batches build on it instead of recomputing the past.
   */
  restoreBatch(time: number, batch: Batch<T> | undefined): void {
    this.generated.set(time, Promise.resolve(batch));
  }

  /** True when this stream yields a batch at `time`. */
  isTimeValid(time: number): boolean {
    if (this.zeroTime === undefined) {
      throw new FlintError('CONTEXT_NOT_STARTED', `${this} has not been initialized; start the StreamingContext first`);
    }
    return time > this.zeroTime && (time - this.zeroTime) % this.slideDuration === 0;
  }

  /** True once the stream has been initialized by a started context. */
  zeroTimeSet(): boolean {
    return this.zeroTime !== undefined;
  }

  /** The time batches are counted from (one batch interval before the first batch). */
  get zero(): number {
    if (this.zeroTime === undefined) {
      throw new FlintError('CONTEXT_NOT_STARTED', `${this} has not been initialized; start the StreamingContext first`);
    }
    return this.zeroTime;
  }

  /** Sets zero time and default remember durations, recursively (Spark's `initialize`). */
  initialize(zeroTime: number): void {
    if (this.zeroTime !== undefined && this.zeroTime !== zeroTime) {
      throw new FlintError('INVALID_TIME', `${this} is already initialized with zero time ${this.zeroTime}`);
    }
    this.zeroTime = zeroTime;
    this.rememberMs = Math.max(this.rememberMs, this.checkpointMs !== undefined ? 2 * this.checkpointMs : this.slideDuration);
    for (const dep of this.dependencies) dep.initialize(zeroTime);
    this.remember(this.rememberMs);
  }

  /** Keeps batches for at least `duration` ms, and makes parents keep what this stream needs. */
  remember(duration: number): void {
    this.rememberMs = Math.max(this.rememberMs, duration);
    const parentNeeds = this.rememberMs + (this.operator.parentRememberExtra ?? 0);
    for (const dep of this.dependencies) dep.remember(parentNeeds);
  }

  /** Forgets batches older than the remember duration, recursively (Spark's `clearMetadata`). */
  clearMetadata(time: number): void {
    for (const t of this.generated.keys()) if (t <= time - this.rememberMs) this.generated.delete(t);
    for (const dep of this.dependencies) dep.clearMetadata(time);
  }

  /** Checks what can only be checked once the graph is complete (checkpointing). */
  validateAtStart(checkpointDir: string | undefined): void {
    if (this.operator.mustCheckpoint && checkpointDir === undefined) {
      throw new FlintError(
        'CHECKPOINT_REQUIRED',
        `${this} keeps state across batches and needs a checkpoint directory; ` +
          `call ssc.checkpoint('/path/to/dir') before ssc.start()`,
      );
    }
    if (this.checkpointMs !== undefined && this.checkpointMs % this.slideDuration !== 0) {
      throw new FlintError(
        'INVALID_DURATION',
        `checkpoint interval ${this.checkpointMs} ms of ${this} must be a multiple of its slide duration ${this.slideDuration} ms`,
      );
    }
    for (const dep of this.dependencies) dep.validateAtStart(checkpointDir);
  }

  // ---- basic transformations ----

  /**
   * Applies `f` to every element. A function returning a pair gives a pair stream: Spark's
   * `map((w) => [w, 1])` is a `DStream<[string, number]>`, ready for `reduceByKey`, with no cast.
   */
  map<K, V>(f: (x: T) => [K, V]): DStream<[K, V]>;
  /** Applies `f` to every element. */
  map<U>(f: (x: T) => U): DStream<U>;
  map<U>(f: (x: T) => U): DStream<U> {
    return this.transformNamed('MappedDStream', (b) => b.map(f));
  }

  /** Applies `f` to every element and flattens the results. */
  flatMap<U>(f: (x: T) => Iterable<U>): DStream<U> {
    return this.transformNamed('FlatMappedDStream', (b) => b.flatMap(f));
  }

  /** Keeps the elements for which `f` is true. */
  filter(f: (x: T) => boolean): DStream<T> {
    return this.transformNamed('FilteredDStream', (b) => b.filter(f));
  }

  /** Applies `f` to each partition of each batch. */
  mapPartitions<U>(f: (items: T[], index: number) => Iterable<U>): DStream<U> {
    return this.transformNamed('MapPartitionedDStream', (b) => b.mapPartitions(f));
  }

  /** Each partition becomes one array element (Spark's `glom`). */
  glom(): DStream<T[]> {
    return this.transformNamed('GlommedDStream', (b) => b.glom());
  }

  /** Redistributes each batch into `numPartitions` partitions. */
  repartition(numPartitions: number): DStream<T> {
    checkPositiveInt(numPartitions, 'numPartitions');
    // Spark's repartition is a transform, so it too fails when the parent yields no batch.
    return this.transformNamed('RepartitionedDStream', (b) => b.repartition(numPartitions), 'fail');
  }

  /** Elements of this stream and of `other`, batch by batch. */
  union(other: DStream<T>): DStream<T> {
    return new DStream(this.ssc, unionOperator([this, other]));
  }

  /** Number of elements per batch, as a one-element stream (0 for an empty batch). */
  count(): DStream<number> {
    // Spark's mapPartitions(size), union [0], reduce(+) gives this one element; Batch.count() gets
    // it without building the elements of a batch held in columns or packed bytes.
    return this.transformNamed('CountedDStream', (b) => Batch.of([b.count()]), 'fail');
  }

  /** One element per non-empty batch: all elements reduced with `f`. */
  reduce(f: ReduceFunc<T>): DStream<T> {
    return this.map((x) => [null, x] as [null, T])
      .reduceByKey(f, 1)
      .map(([, v]) => v);
  }

  /** Occurrences of each distinct element per batch. */
  countByValue(numPartitions = this.ssc.defaultParallelism): DStream<[T, number]> {
    return this.map(pair(1)).reduceByKey(sum, numPartitions);
  }

  /** Applies `f` to each batch with its time. */
  transform<U>(f: (batch: Batch<T>, time: number) => BatchLike<U>): DStream<U> {
    return this.transformNamed('TransformedDStream', f, 'fail');
  }

  /** Combines each batch of this stream with the same-time batch of `other`. */
  transformWith<U, V>(other: DStream<U>, f: (a: Batch<T>, b: Batch<U>, time: number) => BatchLike<V>): DStream<V> {
    return new DStream(
      this.ssc,
      new TransformedDStream<V>('TransformedDStream', [this, other], ([a, b], time) =>
        f(a as Batch<T>, b as Batch<U>, time),
      ),
    );
  }

  // ---- windows ----

  /** All elements of the batches in the last `windowDuration` ms, every `slideDuration` ms. */
  window(windowDuration: number, slideDuration: number = this.slideDuration): DStream<T> {
    return new DStream(this.ssc, new WindowedDStream(this, windowDuration, slideDuration));
  }

  /** Number of elements in each window (an inverse window over counts, as in Spark). */
  countByWindow(windowDuration: number, slideDuration: number): DStream<number> {
    return this.map(() => 1).reduceByWindow(
      (a, b) => a + b,
      (a, b) => a - b,
      windowDuration,
      slideDuration,
    );
  }

  /** Reduces each window with `f`, recomputing it from the window's batches. */
  reduceByWindow(f: ReduceFunc<T>, windowDuration: number, slideDuration: number): DStream<T>;
  /** Reduces each window incrementally: adds entering batches with `f`, removes leaving ones with `inv`. */
  reduceByWindow(f: ReduceFunc<T>, inv: ReduceFunc<T>, windowDuration: number, slideDuration: number): DStream<T>;
  reduceByWindow(
    f: ReduceFunc<T>,
    invOrWindow: ReduceFunc<T> | number,
    windowOrSlide: number,
    slide?: number,
  ): DStream<T> {
    if (typeof invOrWindow === 'number') {
      return this.reduce(f).window(invOrWindow, windowOrSlide).reduce(f);
    }
    return this.map((x) => [1, x] as [number, T])
      .reduceByKeyAndWindow(f, invOrWindow, windowOrSlide, slide ?? this.slideDuration, 1)
      .map(([, v]) => v);
  }

  /**
   * Count of each distinct element over the window; zero counts are dropped. Built on Flint's
   * sum/subtract, so the wasm core keeps the window resident.
   */
  countByValueAndWindow(
    windowDuration: number,
    slideDuration: number = this.slideDuration,
    numPartitions = this.ssc.defaultParallelism,
  ): DStream<[T, number]> {
    return this.map(pair(1)).reduceByKeyAndWindow(sum, subtract, windowDuration, slideDuration, numPartitions);
  }

  /** The batches generated for times in `[fromTime, toTime]` (aligned to the slide). */
  async slice(fromTime: number, toTime: number): Promise<Batch<T>[]> {
    const zero = this.zero;
    const slide = this.slideDuration;
    const alignedTo = toTime - ((((toTime - zero) % slide) + slide) % slide);
    const alignedFrom = fromTime - ((((fromTime - zero) % slide) + slide) % slide);
    const out: Batch<T>[] = [];
    for (let t = alignedFrom; t <= alignedTo; t += slide) {
      const batch = t > zero ? await this.getOrCompute(t) : undefined;
      if (batch) out.push(batch);
    }
    return out;
  }

  // ---- persistence ----

  /** Marks this stream for periodic checkpointing every `interval` ms (a multiple of its slide). */
  checkpoint(interval: number): this {
    this.ssc.assertGraphMutable('change checkpointing');
    this.checkpointMs = checkDuration(interval, 'checkpoint interval', { positive: true });
    return this;
  }

  /**
   * Spark's `cache()`. Flint computes each batch once and shares it with every consumer while
   * it is remembered, so every stream already behaves as cached; this returns the stream.
   */
  cache(): this {
    return this;
  }

  /** Same as {@link DStream.cache}. */
  persist(): this {
    return this.cache();
  }

  // ---- outputs ----

  /** Prints the first `num` elements of every batch in Spark's format (`print(0)`: the header, and `...` if any). */
  print(num = 10): void {
    if (!Number.isInteger(num) || num < 0) {
      throw new FlintError('INVALID_ARGUMENT', `print(num) needs a whole number of elements >= 0, got ${String(num)}`);
    }
    this.foreachNamed(`print(${num})`, (batch, time) => printBatch(batch, time, num, this.ssc));
  }

  /** Runs `f` on every batch, one batch at a time, in output-definition order. */
  foreachRDD(f: (batch: Batch<T>, time: number) => void | Promise<void>): void {
    this.foreachNamed('foreachRDD', f);
  }

  /** Writes every batch to the directory `prefix-<time>.suffix` as `part-NNNNN` text files. */
  saveAsTextFiles(prefix: string, suffix?: string): void {
    if (typeof prefix !== 'string' || prefix === '') {
      throw new FlintError('INVALID_ARGUMENT', 'saveAsTextFiles needs a non-empty path prefix, e.g. "out/counts"');
    }
    this.foreachNamed('saveAsTextFiles', (batch, time) => saveAsTextFiles(batch, time, prefix, suffix, formatRecord));
  }

  /**
   * Writes every batch to a Kafka topic with acks=all; the batch's output succeeds once Kafka
   * acknowledged all its records. At-least-once: see {@link KafkaSink}.
   */
  saveToKafka(options: KafkaSinkOptions<T>): void {
    const sink = new KafkaSink(options);
    const op = new ForEachDStream(this, (batch) => sink.write(batch), `saveToKafka(${options.topic})`, { close: () => sink.close() });
    this.ssc.registerOutputStream(new DStream(this.ssc, op));
  }

  /**
   * The batches of this stream as `[time, batch]`, for `for await`; an output operation, so call
   * it before `start()`. A slow loop slows the job rather than buffering: see
   * {@link BatchIteratorOptions.highWaterMark}. The iteration ends once the context has stopped;
   * `break` detaches it, and the job goes on without it.
   */
  iterator(options: BatchIteratorOptions = {}): BatchIterator<T> {
    checkCanIterate(this.ssc, String(this));
    return this.handTo('iterator', new BatchIterator<T>(options));
  }

  /** `for await (const [time, batch] of stream)`: {@link DStream.iterator} with its defaults. */
  [Symbol.asyncIterator](): BatchIterator<T> {
    return this.iterator();
  }

  /**
   * The records of every batch, in order, as an object-mode `Readable` that ends when the context
   * has stopped; an output operation, so call it before `start()`. When the reader is slow, its
   * buffer fills (`highWaterMark` records) and the batch's output waits for it.
   */
  toReadable(options: ToReadableOptions = {}): Readable {
    checkCanIterate(this.ssc, String(this));
    const batches = new BatchIterator<T>({ highWaterMark: 0 });
    const readable = new RecordReadable(batches, options);
    this.handTo('toReadable', batches);
    return readable;
  }

  // ---- pair operations (Spark's PairDStreamFunctions) ----

  /** Merges the values of each key with `f`, per batch. */
  reduceByKey<K, V>(this: DStream<[K, V]>, f: ReduceFunc<V>, numPartitions = this.ssc.defaultParallelism): DStream<[K, V]> {
    return new DStream(this.ssc, ShuffledDStream.reduce(this, f, checkPositiveInt(numPartitions, 'numPartitions')));
  }

  /** All values of each key, per batch. */
  groupByKey<K, V>(this: DStream<[K, V]>, numPartitions = this.ssc.defaultParallelism): DStream<[K, V[]]> {
    return this.combineByKey<K, V, V[]>(
      (v) => [v],
      (c, v) => (c.push(v), c),
      (a, b) => a.concat(b),
      numPartitions,
    );
  }

  /** Spark's generic per-key aggregation, per batch. */
  combineByKey<K, V, C>(
    this: DStream<[K, V]>,
    createCombiner: (v: V) => C,
    mergeValue: (c: C, v: V) => C,
    mergeCombiners: (a: C, b: C) => C,
    numPartitions = this.ssc.defaultParallelism,
  ): DStream<[K, C]> {
    const n = checkPositiveInt(numPartitions, 'numPartitions');
    return new DStream(this.ssc, ShuffledDStream.combine(this, { createCombiner, mergeValue, mergeCombiners }, n));
  }

  /** Applies `f` to every value. */
  mapValues<K, V, W>(this: DStream<[K, V]>, f: (v: V) => W): DStream<[K, W]> {
    return this.transformNamed('MapValuedDStream', (b) => b.mapValues(f));
  }

  /** Applies `f` to every value, one pair per result. */
  flatMapValues<K, V, W>(this: DStream<[K, V]>, f: (v: V) => Iterable<W>): DStream<[K, W]> {
    return this.transformNamed('FlatMapValuedDStream', (b) => b.flatMapValues(f));
  }

  /** Inner join of same-time batches. */
  join<K, V, W>(this: DStream<[K, V]>, other: DStream<[K, W]>, numPartitions = this.ssc.defaultParallelism): DStream<[K, [V, W]]> {
    return this.transformWith(other, (a, b) => a.join(b, numPartitions));
  }

  /** Left outer join of same-time batches; a missing right side is `undefined`. */
  leftOuterJoin<K, V, W>(
    this: DStream<[K, V]>,
    other: DStream<[K, W]>,
    numPartitions = this.ssc.defaultParallelism,
  ): DStream<[K, [V, W | undefined]]> {
    return this.transformWith(other, (a, b) => a.leftOuterJoin(b, numPartitions));
  }

  /** Right outer join of same-time batches; a missing left side is `undefined`. */
  rightOuterJoin<K, V, W>(
    this: DStream<[K, V]>,
    other: DStream<[K, W]>,
    numPartitions = this.ssc.defaultParallelism,
  ): DStream<[K, [V | undefined, W]]> {
    return this.transformWith(other, (a, b) => a.rightOuterJoin(b, numPartitions));
  }

  /** Full outer join of same-time batches; a missing side is `undefined`. */
  fullOuterJoin<K, V, W>(
    this: DStream<[K, V]>,
    other: DStream<[K, W]>,
    numPartitions = this.ssc.defaultParallelism,
  ): DStream<[K, [V | undefined, W | undefined]]> {
    return this.transformWith(other, (a, b) => a.fullOuterJoin(b, numPartitions));
  }

  /** For each key in either batch: `[k, [valuesHere, valuesThere]]`. */
  cogroup<K, V, W>(
    this: DStream<[K, V]>,
    other: DStream<[K, W]>,
    numPartitions = this.ssc.defaultParallelism,
  ): DStream<[K, [V[], W[]]]> {
    return this.transformWith(other, (a, b) => a.cogroup(b, numPartitions));
  }

  /**
   * Per-key reduce over each window, recomputed from the window's batches (Spark's definition).
   * With Flint's `min` or `max` a core may instead keep the window with two stacks (same results).
   */
  reduceByKeyAndWindow<K, V>(
    this: DStream<[K, V]>,
    f: ReduceFunc<V>,
    windowDuration: number,
    slideDuration?: number,
    numPartitions?: number,
  ): DStream<[K, V]>;
  /**
   * Per-key reduce over each window, incrementally: `inv` removes the batches that left the
   * window. Keys whose value fails `filterFunc` are dropped. Needs a checkpoint directory.
   */
  reduceByKeyAndWindow<K, V>(
    this: DStream<[K, V]>,
    f: ReduceFunc<V>,
    inv: ReduceFunc<V>,
    windowDuration: number,
    slideDuration?: number,
    numPartitions?: number,
    filterFunc?: (pair: [K, V]) => boolean,
  ): DStream<[K, V]>;
  reduceByKeyAndWindow<K, V>(
    this: DStream<[K, V]>,
    f: ReduceFunc<V>,
    ...rest: unknown[]
  ): DStream<[K, V]> {
    if (typeof rest[0] !== 'function') {
      const [windowDuration, slide = this.slideDuration, np = this.ssc.defaultParallelism] = rest as number[];
      const reduced = this.reduceByKey(f, np);
      const reducer = slidingReducerOf(f);
      if (reducer === undefined) return reduced.window(windowDuration!, slide).reduceByKey(f, np);
      return new DStream(this.ssc, new SlidingReducedWindowedDStream(reduced, f, reducer, windowDuration!, slide, np));
    }
    const [inv, windowDuration, slide, np, filterFunc] = rest as [
      ReduceFunc<V>,
      number,
      number | undefined,
      number | undefined,
      ((pair: [K, V]) => boolean) | undefined,
    ];
    const n = checkPositiveInt(np ?? this.ssc.defaultParallelism, 'numPartitions');
    const reduced = this.reduceByKey(f, n);
    const op = new ReducedWindowedDStream(reduced, f, inv, windowDuration, slide ?? this.slideDuration, n, filterFunc);
    return new DStream(this.ssc, op);
  }

  /** All values of each key over each window. */
  groupByKeyAndWindow<K, V>(
    this: DStream<[K, V]>,
    windowDuration: number,
    slideDuration: number = this.slideDuration,
    numPartitions = this.ssc.defaultParallelism,
  ): DStream<[K, V[]]> {
    return this.groupByKey(numPartitions)
      .window(windowDuration, slideDuration)
      .combineByKey<K, V[], V[]>(
        (vs) => [...vs],
        (c, vs) => c.concat(vs),
        (a, b) => a.concat(b),
        numPartitions,
      );
  }

  /**
   * Keeps a state per key across batches: `update(values, state, key, time)` runs for every key
   * with state or new values; returning `undefined` removes the key. Needs a checkpoint directory.
   * A number for `options` is the number of partitions, as Spark's `updateStateByKey(f, numPartitions)`.
   */
  updateStateByKey<K, V, S>(
    this: DStream<[K, V]>,
    update: (values: V[], state: S | undefined, key: K, time: number) => S | undefined,
    optionsOrPartitions: UpdateStateOptions<K, S> | number = {},
  ): DStream<[K, S]> {
    const options = typeof optionsOrPartitions === 'number' ? { numPartitions: optionsOrPartitions } : optionsOrPartitions;
    const n = checkPositiveInt(options.numPartitions ?? this.ssc.defaultParallelism, 'numPartitions');
    return new DStream(this.ssc, new StateDStream(this, update, n, options.initialState ?? []));
  }

  /**
   * Calls the spec's function for every new record with the key's {@link State}; emits every value
   * it returns, `undefined` included, as Spark does (add `.filter((m) => m !== undefined)` for
   * Spark's `Option`-returning form). Needs a checkpoint directory.
   */
  mapWithState<K, V, S, M>(this: DStream<[K, V]>, spec: StateSpec<K, V, S, M>): MapWithStateStream<K, S, M> {
    const n = spec.getNumPartitions() ?? this.ssc.defaultParallelism;
    const internal = new DStream(this.ssc, new InternalMapWithStateDStream(this, spec, n));
    const mapped = new DStream(this.ssc, mappedRecordsOperator(internal)) as MapWithStateStream<K, S, M>;
    mapped.stateSnapshots = () => new DStream(this.ssc, stateSnapshotsOperator(internal));
    // The state lives in the internal stream, so that is what checkpointing (and timeouts) follow.
    mapped.checkpoint = (interval: number) => (internal.checkpoint(interval), mapped);
    return mapped;
  }

  // ---- helpers ----

  // Element-wise operators pass a missing parent batch on, as Spark's MappedDStream and kin do.
  private transformNamed<U>(
    name: string,
    f: (batch: Batch<T>, time: number) => BatchLike<U>,
    onMissingParent: MissingParentPolicy = 'propagate',
  ): DStream<U> {
    const op = new TransformedDStream<U>(name, [this], ([b], time) => f(b as Batch<T>, time), onMissingParent);
    return new DStream(this.ssc, op);
  }

  // An output that hands every batch to `batches`, for a consumer outside the job.
  private handTo(description: string, batches: BatchIterator<T>): BatchIterator<T> {
    this.foreachNamed(description, (batch, time) => batches.offer(time, batch), batches);
    return batches;
  }

  private foreachNamed(description: string, f: (batch: Batch<T>, time: number) => void | Promise<void>, hooks?: OutputHooks): void {
    const op = new ForEachDStream(this, f, description, hooks);
    this.ssc.registerOutputStream(new DStream(this.ssc, op));
  }
}

/** The stream `mapWithState` returns: mapped records, plus the full state after every batch. */
export type MapWithStateStream<K, S, M> = DStream<M> & {
  /** The whole state, `[key, state]`, after every batch. */
  stateSnapshots(): DStream<[K, S]>;
};

function checkPositiveInt(n: number, what: string): number {
  if (!Number.isInteger(n) || n < 1) {
    throw new FlintError('INVALID_ARGUMENT', `${what} must be a positive integer, got ${String(n)}`);
  }
  return n;
}
