// DirectKafkaInputDStream (Spark's streaming-kafka-0-10 direct stream): at each batch time the
// stream fixes, per topic-partition, the offset range [position, min(latest, position + cap)),
// logs it with the batch, and the batch holds exactly those records. A restarted context re-reads
// the logged ranges of the batches its checkpoint did not cover.
import type { DStream } from '../../../dstream/dstream.js';
import type { InputOperator, RecoverableInput, StreamEnv } from '../../../dstream/operator.js';
import { FlintError } from '../../../errors.js';
import { PIDRateEstimator } from '../../../scheduler/rate/pid-rate-estimator.js';
import { RateController } from '../../../scheduler/rate/rate-controller.js';
import type { BatchInfo } from '../../../scheduler/listener.js';
import { kafkaClient, type KafkaAdmin, type KafkaConsumer } from '../../kafka/client.js';
import { assignAssigner } from './assign-assigner.js';
import { FetchBuffer } from './fetch-buffer.js';
import { WakeSignal } from './wake-signal.js';
import { KafkaBatch, type KafkaRecord } from './kafka-batch.js';
import { checkKafkaOptions, type CheckedKafkaOptions, type KafkaStreamOptions } from './kafka-options.js';
import { OffsetRange, parseTpKey, tpKey, type RangeRecord } from './offset-range.js';
import { maxMessagesPerPartition } from './rate-caps.js';

/** KafkaJS's default rebalance timeout, ms: how long a join may wait for the group's other members. */
const REBALANCE_TIMEOUT = 60_000;

/** Wait before a consumer the client gave up on joins the group again, ms. */
const RESTART_DELAY = 1000;

/** Called once the offsets given to `commitAsync` are committed, or the commit failed. */
export type CommitCallback = (error: Error | undefined, ranges: readonly OffsetRange[]) => void;

/**
 * The input operator behind `ssc.kafkaStream`. A KafkaJS consumer in the group fetches ahead
 * into a bounded {@link FetchBuffer}; the batch at each time takes exactly its ranges from it.
 * Partitions come from the group protocol: processes with the same `groupId` share them.
 */
export class DirectKafkaInputDStream implements InputOperator<KafkaRecord> {
  readonly name: string;
  readonly dependencies: readonly DStream<unknown>[] = [];
  readonly slideDuration: number;
  private readonly o: CheckedKafkaOptions;
  private admin: KafkaAdmin | undefined;
  private consumer: KafkaConsumer | undefined;
  private readonly buffer = new FetchBuffer();
  /** Next offset of each partition this process reads (its position). */
  private readonly next = new Map<string, number>();
  /** Partitions assigned to this process whose fetch position is set. */
  private readonly assigned = new Set<string>();
  private readonly paused = new Set<string>();
  /** While a batch waits for its ranges: the offset each partition must be fetched up to. */
  private readonly awaited = new Map<string, number>();
  private lastTaken = { time: NaN, ranges: [] as OffsetRange[] };
  private replays: ReadonlyMap<number, unknown> = new Map();
  private readonly recordsByTime = new Map<number, number>();
  private readonly controller: RateController | undefined;
  private estimatedRate: number | undefined;
  private stopped = false;
  private readonly assignment = new WakeSignal();
  private restartTimer: NodeJS.Timeout | undefined;
  private commits: { ranges: readonly OffsetRange[]; callback: CommitCallback | undefined }[] = [];

  /** The position is each partition's next offset; a batch's record is its offset ranges. */
  readonly recovery: RecoverableInput = {
    batchRecord: (time) => (this.lastTaken.time === time ? this.lastTaken.ranges.map((r) => r.toRecord()) : []),
    position: () => Object.fromEntries(this.next),
    restore: (position, replays) => {
      for (const [key, offset] of Object.entries(position as Record<string, number>)) this.next.set(key, offset);
      this.replays = replays;
    },
  };

  /** Checks the options at the call; brokers and topics are checked by start(). */
  constructor(
    private readonly env: StreamEnv,
    options: KafkaStreamOptions,
  ) {
    this.o = checkKafkaOptions(options);
    this.slideDuration = env.batchInterval;
    this.name = `DirectKafkaInputDStream(${this.describeTopics()})`;
    const { backpressure, backpressureInitialRate } = env.receiverLimits;
    if (backpressure) {
      this.estimatedRate = backpressureInitialRate;
      this.controller = new RateController(new PIDRateEstimator(env.batchInterval), (rate) => void (this.estimatedRate = rate));
    }
  }

  /**
   * Connects, checks that the topics exist, joins the group and waits for the first assignment.
   * Fails with a `SOURCE_ERROR` FlintError saying what is wrong (brokers unreachable, a topic
   * missing, no assignment within the session timeout).
   */
  async start(): Promise<void> {
    const report = (message: string): void => this.env.reportSourceError({ source: this.name, message: `Kafka client: ${message}` });
    const client = await kafkaClient('kafkaStream', this.o, report);
    this.admin = client.admin();
    const topics = await this.resolveTopics(this.admin);
    const consumer = client.consumer({
      groupId: this.o.groupId,
      sessionTimeout: this.o.sessionTimeout,
      heartbeatInterval: Math.min(3000, Math.floor(this.o.sessionTimeout / 3)),
      // A seek takes effect at the next fetch: an idle fetch must not hold it up for long.
      maxWaitTimeInMs: Math.min(500, this.env.batchInterval),
      allowAutoTopicCreation: false,
      ...(this.o.assign && { partitionAssigners: [assignAssigner(this.wantedAssignment(), () => this.ownedAssignment())] }),
    });
    this.consumer = consumer;
    let joined!: () => void;
    const firstJoin = new Promise<void>((resolve) => (joined = resolve));
    // One assignment at a time: a rebalance can come while the last one still looks up offsets.
    let assigning = Promise.resolve();
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      assigning = assigning.then(() =>
        this.onAssigned(payload.memberAssignment as Record<string, number[]>).then(joined, (error) =>
          this.env.reportSourceError({ source: this.name, message: `cannot set the start of newly assigned partitions: ${(error as Error).message}`, error }),
        ),
      );
    });
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      const restarts = payload?.restart ? 'the client restarts it' : `Flint joins the group again in ${RESTART_DELAY} ms`;
      this.env.reportSourceError({ source: this.name, message: `the Kafka consumer stopped: ${String(payload?.error?.message ?? payload?.error)}; ${restarts}`, error: payload?.error });
      if (!payload?.restart) this.scheduleRestart(topics);
    });
    await this.runConsumer(topics);
    // Joining a group with members waits for them to rejoin: up to their rebalance timeout
    // (KafkaJS's default, 60 s), more than the session timeout.
    const limit = this.o.sessionTimeout + REBALANCE_TIMEOUT;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), limit)));
    const inTime = await Promise.race([firstJoin.then(() => true), late]);
    clearTimeout(timer);
    if (!inTime) {
      await this.stop();
      throw new FlintError('SOURCE_ERROR', `${this.name} got no partitions from group "${this.o.groupId}" within ${limit} ms; check that the brokers' group coordinator is up`);
    }
    // A process restarted after a crash may find its partitions still held by its former self
    // until that member's session times out and the group rebalances.
    if (!(await this.untilAssignedAll(2 * this.o.sessionTimeout + 5000))) {
      await this.stop();
      throw new FlintError('SOURCE_ERROR', this.notGivenMessage(this.missingAssigned()));
    }
  }

  // With `assign`: resolves true once the group gave every named partition, false after `ms`.
  private untilAssignedAll(ms: number): Promise<boolean> {
    return this.assignment.until(() => this.missingAssigned().length === 0, ms);
  }

  /** Leaves the group and closes the connections. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.restartTimer);
    await Promise.allSettled([this.consumer?.disconnect(), this.admin?.disconnect()]);
  }

  private async runConsumer(topics: string[]): Promise<void> {
    const consumer = this.consumer!;
    await consumer.connect();
    await consumer.subscribe({ topics });
    await consumer.run({ autoCommit: false, eachBatch: async ({ batch }) => this.onFetched(batch.topic, batch.partition, () => this.buffer.add(batch)) });
  }

  // KafkaJS leaves a consumer stopped after an error it does not retry (a group coordinator's
  // protocol error, say). The stream must not go quiet for good: it joins again while it runs.
  private scheduleRestart(topics: string[]): void {
    if (this.stopped) return;
    clearTimeout(this.restartTimer);
    this.restartTimer = setTimeout(() => {
      this.paused.clear(); // a new run fetches every partition
      this.runConsumer(topics).catch((error: Error) => {
        this.env.reportSourceError({ source: this.name, message: `joining the group again failed: ${error.message}; retrying in ${RESTART_DELAY} ms`, error });
        this.scheduleRestart(topics);
      });
    }, RESTART_DELAY);
  }

  /**
   * Queues the ranges' end offsets to be committed to the group once the current batch's outputs
   * have run (Spark's `CanCommitOffsets.commitAsync`).
   */
  commitAsync(ranges: readonly OffsetRange[], callback?: CommitCallback): void {
    if (!Array.isArray(ranges) || !ranges.every((r) => r instanceof OffsetRange)) {
      throw new FlintError('INVALID_ARGUMENT', 'commitAsync needs the OffsetRange[] of a batch: batch.offsetRanges()');
    }
    this.commits.push({ ranges, callback });
  }

  /** Feeds backpressure and sends the commits queued during the batch. */
  onBatchCompleted(info: BatchInfo): void {
    const records = this.recordsByTime.get(info.batchTime);
    for (const t of this.recordsByTime.keys()) if (t <= info.batchTime) this.recordsByTime.delete(t);
    if (records !== undefined) this.controller?.onBatchCompleted(info, records);
    const commits = this.commits;
    this.commits = [];
    for (const { ranges, callback } of commits) {
      const offsets = ranges.map((r) => ({ topic: r.topic, partition: r.partition, offset: String(r.untilOffset) }));
      this.consumer!.commitOffsets(offsets).then(
        () => callback?.(undefined, ranges),
        (error: Error) => {
          this.env.reportSourceError({ source: this.name, message: `committing offsets failed: ${error.message}`, error });
          callback?.(error, ranges);
        },
      );
    }
  }

  /** The records of the batch's offset ranges: the logged ones for a re-run batch, else new ones. */
  async compute(time: number): Promise<KafkaBatch> {
    const replay = this.replays.get(time) as RangeRecord[] | undefined;
    let ranges = replay ? replay.map(OffsetRange.fromRecord) : await this.planRanges();
    for (const r of ranges) {
      this.awaited.set(tpKey(r.topic, r.partition), r.untilOffset);
      this.resume(tpKey(r.topic, r.partition));
    }
    // A new batch stops waiting for a partition whose fetched bytes reach the bound: it ends its
    // range there and later batches take the rest, so a lag of any size is read in bounded pieces.
    const full = (r: OffsetRange): boolean => !replay && this.buffer.bytes(tpKey(r.topic, r.partition)) > this.o.maxBufferedBytesPerPartition;
    const fetched = await this.buffer.waitFor(ranges, this.o.pollTimeout, full);
    this.awaited.clear();
    // A new batch leaves out the partitions a rebalance took away while it waited: their new
    // owner reads them from the group's committed offset.
    if (!replay) ranges = ranges.filter((r) => this.assigned.has(tpKey(r.topic, r.partition)));
    if (!fetched) {
      const short = ranges.filter((r) => !this.buffer.covers(r) && !full(r));
      if (replay) {
        throw new FlintError(
          'SOURCE_ERROR',
          `${this.name} cannot read again the offsets the batch at ${time} ms took (${short.join(', ')}) within pollTimeout (${this.o.pollTimeout} ms); ` +
            'the partitions may be assigned to another process of the group, or Kafka may no longer have them',
        );
      }
      this.env.reportSourceError({ source: this.name, message: `fetching did not reach the end of ${short.join(', ')} within pollTimeout (${this.o.pollTimeout} ms); the batch at ${time} ms takes what was fetched, later batches the rest` });
    }
    // A range not fetched in time, or cut at the byte bound, ends where fetching got to.
    ranges = ranges.map((r) => (this.buffer.covers(r) ? r : new OffsetRange(r.topic, r.partition, r.fromOffset, Math.max(r.fromOffset, this.buffer.fetchedUntil(tpKey(r.topic, r.partition)) ?? r.fromOffset))));
    const messages = ranges.map((r) => this.buffer.take(r));
    for (const r of ranges) {
      const key = tpKey(r.topic, r.partition);
      this.next.set(key, r.untilOffset);
      if (this.buffer.bytes(key) <= this.o.maxBufferedBytesPerPartition) this.resume(key);
    }
    this.lastTaken = { time, ranges };
    const batch = new KafkaBatch(ranges, messages);
    this.recordsByTime.set(time, batch.count());
    return batch;
  }

  private describeTopics(): string {
    const { topics, topicPattern, assign } = this.o;
    if (assign) return Object.entries(assign).map(([t, ps]) => `${t}[${ps.join(',')}]`).join(',');
    return topics?.join(',') ?? String(topicPattern);
  }

  private wantedAssignment(): Record<string, number[]> {
    return Object.fromEntries(Object.entries(this.o.assign!).map(([t, ps]) => [t, [...ps]]));
  }

  private ownedAssignment(): Record<string, number[]> {
    const owned: Record<string, number[]> = {};
    for (const key of this.assigned) {
      const [topic, partition] = parseTpKey(key);
      (owned[topic] ??= []).push(partition);
    }
    return owned;
  }

  // With `assign`, the partitions named that the group did not give this process.
  private missingAssigned(): string[] {
    if (!this.o.assign) return [];
    return Object.entries(this.o.assign).flatMap(([t, ps]) => ps.map((p) => tpKey(t, p))).filter((key) => !this.assigned.has(key));
  }

  private notGivenMessage(missing: string[]): string {
    return (
      `${this.name}: group "${this.o.groupId}" gives ${missing.join(', ')} to another process; ` +
      'with options.assign each partition must be named by one process of the group only'
    );
  }

  // The topics to read: the named ones, which must all exist, or those the pattern matches now.
  private async resolveTopics(admin: KafkaAdmin): Promise<string[]> {
    const where = this.o.brokers?.join(',') ?? 'the given client';
    let existing: string[];
    try {
      await admin.connect();
      existing = await admin.listTopics();
    } catch (error) {
      throw new FlintError('SOURCE_ERROR', `${this.name} cannot reach the Kafka brokers (${where}): ${(error as Error).message}; check options.brokers and that Kafka is up`, { cause: error });
    }
    if (this.o.topicPattern) {
      const matched = existing.filter((t) => this.o.topicPattern!.test(t)).sort();
      if (matched.length === 0) throw new FlintError('SOURCE_ERROR', `${this.name}: no topic on ${where} matches ${String(this.o.topicPattern)}`);
      return matched;
    }
    const topics = this.o.topics ?? Object.keys(this.o.assign!);
    const missing = topics.filter((t) => !existing.includes(t));
    if (missing.length > 0) {
      throw new FlintError('SOURCE_ERROR', `${this.name}: topic ${missing.map((t) => `"${t}"`).join(', ')} does not exist on ${where}; create it first (Flint never creates topics)`);
    }
    if (this.o.assign) await this.checkPartitionsExist(admin, where);
    return [...topics];
  }

  private async checkPartitionsExist(admin: KafkaAdmin, where: string): Promise<void> {
    for (const [topic, wanted] of Object.entries(this.o.assign!)) {
      const have = new Set((await admin.fetchTopicOffsets(topic)).map((o) => o.partition));
      const absent = wanted.filter((p) => !have.has(p));
      if (absent.length > 0) {
        throw new FlintError('SOURCE_ERROR', `${this.name}: topic "${topic}" on ${where} has no partition ${absent.join(', ')} (it has ${[...have].sort((a, b) => a - b).join(', ')}); fix options.assign`);
      }
    }
  }

  // A (re)assignment: partitions taken away are forgotten, new ones start at their position, or
  // as startingOffsets says, and the consumer is told to fetch from there. Partitions kept go on
  // fetching where the buffer ends: a consumer restarted after a crash would start elsewhere.
  private async onAssigned(assignment: Record<string, number[]>): Promise<void> {
    const now = new Set(Object.entries(assignment).flatMap(([topic, ps]) => ps.map((p) => tpKey(topic, p))));
    for (const key of [...this.assigned]) {
      const [topic, partition] = parseTpKey(key);
      if (now.has(key)) {
        this.consumer!.seek({ topic, partition, offset: String(this.buffer.fetchedUntil(key)) });
        continue;
      }
      this.assigned.delete(key);
      this.next.delete(key);
      this.buffer.drop(key);
    }
    const fresh = [...now].filter((key) => !this.assigned.has(key));
    const starts = await this.startingOffsets(fresh.filter((key) => !this.next.has(key)));
    for (const key of fresh) {
      const offset = this.next.get(key) ?? starts.get(key)!;
      const [topic, partition] = parseTpKey(key);
      this.next.set(key, offset);
      this.buffer.reset(key, offset);
      this.consumer!.seek({ topic, partition, offset: String(offset) });
      this.assigned.add(key);
    }
    const missing = this.missingAssigned();
    if (missing.length > 0) this.env.reportSourceError({ source: this.name, message: this.notGivenMessage(missing) });
    this.assignment.wake();
  }

  // Explicit startingOffsets, else the group's committed offset, else earliest or latest.
  private async startingOffsets(keys: string[]): Promise<Map<string, number>> {
    const starts = new Map<string, number>();
    const explicit = typeof this.o.startingOffsets === 'object' ? this.o.startingOffsets : undefined;
    const topics = [...new Set(keys.map((k) => parseTpKey(k)[0]))];
    if (topics.length === 0) return starts;
    const committed = new Map<string, number>();
    if (!explicit) {
      for (const { topic, partitions } of await this.admin!.fetchOffsets({ groupId: this.o.groupId, topics })) {
        for (const { partition, offset } of partitions) if (Number(offset) >= 0) committed.set(tpKey(topic, partition), Number(offset));
      }
    }
    const ends = await this.watermarks(topics);
    for (const key of keys) {
      const [topic, partition] = parseTpKey(key);
      const given = explicit?.[topic]?.[partition];
      const { low, high } = ends.get(key) ?? { low: 0, high: 0 };
      starts.set(key, given ?? committed.get(key) ?? (this.o.startingOffsets === 'earliest' ? low : high));
    }
    return starts;
  }

  private async watermarks(topics: readonly string[]): Promise<Map<string, { low: number; high: number }>> {
    const ends = new Map<string, { low: number; high: number }>();
    for (const topic of topics) {
      for (const { partition, low, high } of await this.admin!.fetchTopicOffsets(topic)) ends.set(tpKey(topic, partition), { low: Number(low), high: Number(high) });
    }
    return ends;
  }

  // New ranges: from each partition's position to the latest offset, capped by the rate limits.
  // When the offsets cannot be listed, every range is empty and listeners are told.
  private async planRanges(): Promise<OffsetRange[]> {
    let keys = [...this.assigned].sort();
    let ends: Map<string, { low: number; high: number }>;
    try {
      ends = await this.watermarks([...new Set(keys.map((k) => parseTpKey(k)[0]))]);
    } catch (error) {
      this.env.reportSourceError({ source: this.name, message: `cannot list the latest offsets: ${(error as Error).message}; this batch is empty, the next one tries again`, error });
      ends = new Map();
    }
    // A rebalance during the lookup may have taken partitions away: plan only those still held.
    keys = keys.filter((key) => this.assigned.has(key));
    const froms = new Map<string, number>();
    const lags = new Map<string, number>();
    for (const key of keys) {
      const end = ends.get(key);
      const from = end ? this.inRange(key, this.next.get(key)!, end) : this.next.get(key)!;
      froms.set(key, from);
      lags.set(key, Math.max(0, (end?.high ?? from) - from));
    }
    const caps = maxMessagesPerPartition(lags, { maxRatePerPartition: this.o.maxRatePerPartition, estimatedRate: this.estimatedRate, batchInterval: this.env.batchInterval });
    return keys.map((key) => {
      const [topic, partition] = parseTpKey(key);
      const from = froms.get(key)!;
      return new OffsetRange(topic, partition, from, from + Math.min(lags.get(key)!, caps?.get(key) ?? Infinity));
    });
  }

  // A position Kafka no longer has: autoOffsetReset says where to go on, or the batch fails.
  private inRange(key: string, from: number, { low, high }: { low: number; high: number }): number {
    if (from >= low && from <= high) return from;
    const what = `${this.name}: offset ${from} of ${key} is out of range (Kafka has ${low} to ${high})`;
    if (this.o.autoOffsetReset === 'none') {
      throw new FlintError('KAFKA_OFFSET_OUT_OF_RANGE', `${what}; set options.autoOffsetReset to 'earliest' or 'latest' to go on from there, skipping what is gone`);
    }
    const to = this.o.autoOffsetReset === 'earliest' ? low : high;
    this.env.reportSourceError({ source: this.name, message: `${what}; autoOffsetReset '${this.o.autoOffsetReset}' goes on from ${to}, skipping ${Math.abs(to - from)} offsets` });
    const [topic, partition] = parseTpKey(key);
    this.buffer.reset(key, to);
    this.consumer!.seek({ topic, partition, offset: String(to) });
    return to;
  }

  // After each fetch: a fetch the buffer refuses (sent before a seek) sends the consumer back to
  // where the buffer ends. Fetching ahead pauses while a partition holds more than its byte bound,
  // but not before a re-run batch has its logged range, which it must read whole (a new batch
  // stops waiting at the bound instead).
  private onFetched(topic: string, partition: number, add: () => boolean): void {
    const key = tpKey(topic, partition);
    if (!add()) {
      this.consumer!.seek({ topic, partition, offset: String(this.buffer.fetchedUntil(key)) });
      return;
    }
    const batchWaits = (this.buffer.fetchedUntil(key) ?? Infinity) < (this.awaited.get(key) ?? -1);
    if (this.buffer.bytes(key) > this.o.maxBufferedBytesPerPartition && !batchWaits && !this.paused.has(key)) {
      this.paused.add(key);
      this.consumer!.pause([{ topic, partitions: [partition] }]);
    }
  }

  private resume(key: string): void {
    if (!this.paused.delete(key)) return;
    const [topic, partition] = parseTpKey(key);
    this.consumer!.resume([{ topic, partitions: [partition] }]);
  }
}
