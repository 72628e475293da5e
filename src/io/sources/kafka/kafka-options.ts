// The options of ssc.kafkaStream, checked once at the call (Spark's ConsumerStrategies and
// the spark.streaming.kafka.* settings, as one object).
import { FlintError } from '../../../errors.js';
import { checkBrokers, type KafkaClient } from '../../kafka/client.js';
import { checkSecurity, type KafkaSasl } from '../../kafka/security.js';
import type { ConnectionOptions } from 'node:tls';

/** Where partitions with no checkpointed position start. */
export type StartingOffsets = 'latest' | 'earliest' | Readonly<Record<string, Readonly<Record<string, number>>>>;

/** Options of `ssc.kafkaStream` (Spark's `KafkaUtils.createDirectStream`). */
export interface KafkaStreamOptions {
  /** Bootstrap brokers, e.g. `['localhost:9092']` (needed unless `client` is given). */
  brokers?: readonly string[];
  /** A KafkaJS-compatible client to use instead of a new `kafkajs` one. */
  client?: KafkaClient;
  /** TLS to the brokers: `true` for the system's CAs, or Node TLS options (`ca`, `cert`, `key`) (KafkaJS's `ssl`). */
  ssl?: boolean | ConnectionOptions;
  /** SASL credentials: `{ mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512', username, password }` (KafkaJS's `sasl`). */
  sasl?: KafkaSasl;
  /** Topics to read (Spark's `Subscribe`); give this or `topicPattern`. */
  topics?: readonly string[];
  /** Topics to read, by name (Spark's `SubscribePattern`), matched once at start. */
  topicPattern?: RegExp;
  /**
   * Fixed partitions to read, by topic, e.g. `{ events: [0, 1] }` (Spark's `Assign`): the group
   * never moves them to another process, so keyed state and checkpoints stay with this process.
   * Every process of the group must use `assign`, each naming its own partitions.
   */
  assign?: Readonly<Record<string, readonly number[]>>;
  /** Consumer group: processes with the same group share the topics' partitions; commits go to it. */
  groupId: string;
  /**
   * Where a partition with no position in the checkpoint starts: `'latest'` (default, Spark's
   * `auto.offset.reset`), `'earliest'`, or offsets by topic and partition (others start at the
   * group's committed offset, else latest). Without explicit offsets, a committed offset wins.
   */
  startingOffsets?: StartingOffsets;
  /**
   * A position Kafka no longer has (deleted by retention, or a topic recreated): `'none'`
   * (default, as Spark's executors) fails the batch with a `KAFKA_OFFSET_OUT_OF_RANGE`
   * FlintError; `'earliest'` or `'latest'` moves on from there and tells listeners
   * (`onReceiverError`) how many offsets were skipped.
   */
  autoOffsetReset?: 'none' | 'earliest' | 'latest';
  /** Most records per second per partition (Spark's `spark.streaming.kafka.maxRatePerPartition`); default unlimited. */
  maxRatePerPartition?: number;
  /** The group's session timeout, ms (default 30000, KafkaJS's). */
  sessionTimeout?: number;
  /** Longest a batch waits for the messages of its range to be fetched, ms (default 10000). */
  pollTimeout?: number;
  /** Fetched-ahead bytes per partition above which fetching pauses (default 8 MiB). */
  maxBufferedBytesPerPartition?: number;
}

/** The options with defaults filled in. */
export type CheckedKafkaOptions = Required<Omit<KafkaStreamOptions, 'brokers' | 'client' | 'ssl' | 'sasl' | 'topics' | 'topicPattern' | 'assign'>> &
  Pick<KafkaStreamOptions, 'brokers' | 'client' | 'ssl' | 'sasl' | 'topics' | 'topicPattern' | 'assign'>;

const WHAT = 'kafkaStream';

/** Checks every option; a mistake throws a FlintError naming the option and how to fix it. */
export function checkKafkaOptions(options: KafkaStreamOptions): CheckedKafkaOptions {
  if (!options || typeof options !== 'object') {
    throw invalid('needs options, e.g. ssc.kafkaStream({ brokers: ["localhost:9092"], topics: ["events"], groupId: "my-app" })');
  }
  const { topics, topicPattern, assign, groupId, startingOffsets = 'latest', autoOffsetReset = 'none' } = options;
  checkBrokers(WHAT, options.brokers, options.client);
  checkSecurity(WHAT, options);
  if ([topics, topicPattern, assign].filter((o) => o !== undefined).length !== 1) {
    throw invalid('needs exactly one of options.topics (an array of names), options.topicPattern (a RegExp) and options.assign (partitions by topic)');
  }
  if (topics !== undefined && (!Array.isArray(topics) || topics.length === 0 || !topics.every(isTopicName))) {
    throw invalid(`options.topics must be a non-empty array of topic names (letters, digits, '.', '_', '-'), got ${JSON.stringify(topics)}`);
  }
  if (topicPattern !== undefined && !(topicPattern instanceof RegExp)) throw invalid('options.topicPattern must be a RegExp, e.g. /^events-.*/');
  if (assign !== undefined) checkAssign(assign);
  if (typeof groupId !== 'string' || groupId === '') throw invalid('options.groupId must be a non-empty string naming the consumer group');
  checkStartingOffsets(startingOffsets);
  if (!['none', 'earliest', 'latest'].includes(autoOffsetReset)) {
    throw invalid(`options.autoOffsetReset must be 'none', 'earliest' or 'latest', got ${JSON.stringify(autoOffsetReset)}`);
  }
  return {
    ...options,
    groupId,
    startingOffsets,
    autoOffsetReset,
    maxRatePerPartition: positive(options.maxRatePerPartition, 'maxRatePerPartition', Infinity, 'records per second'),
    sessionTimeout: positive(options.sessionTimeout, 'sessionTimeout', 30_000, 'ms'),
    pollTimeout: positive(options.pollTimeout, 'pollTimeout', 10_000, 'ms'),
    maxBufferedBytesPerPartition: positive(options.maxBufferedBytesPerPartition, 'maxBufferedBytesPerPartition', 8 * 1024 * 1024, 'bytes'),
  };
}

function isTopicName(t: unknown): boolean {
  return typeof t === 'string' && /^[A-Za-z0-9._-]+$/.test(t);
}

function checkAssign(assign: unknown): void {
  const ok =
    typeof assign === 'object' && assign !== null && Object.keys(assign).length > 0 &&
    Object.entries(assign).every(
      ([topic, ps]) => isTopicName(topic) && Array.isArray(ps) && ps.length > 0 && new Set(ps).size === ps.length && ps.every((p) => Number.isSafeInteger(p) && p >= 0),
    );
  if (!ok) {
    throw invalid(`options.assign must give each topic a non-empty array of distinct partition numbers, e.g. { events: [0, 1] }, got ${JSON.stringify(assign)}`);
  }
}

function checkStartingOffsets(s: unknown): void {
  if (s === 'latest' || s === 'earliest') return;
  const ok =
    typeof s === 'object' && s !== null &&
    Object.values(s).every((ps) => typeof ps === 'object' && ps !== null && Object.entries(ps).every(([p, o]) => /^\d+$/.test(p) && Number.isSafeInteger(o) && (o as number) >= 0));
  if (!ok) {
    throw invalid(`options.startingOffsets must be 'latest', 'earliest' or offsets by topic and partition, e.g. { events: { 0: 42 } }, got ${JSON.stringify(s)}`);
  }
}

function positive(value: number | undefined, name: string, fallback: number, unit: string): number {
  if (value === undefined) return fallback;
  if (!(typeof value === 'number' && value > 0)) throw invalid(`options.${name} must be a positive number of ${unit}, got ${String(value)}`);
  return value;
}

function invalid(message: string): FlintError {
  return new FlintError('INVALID_ARGUMENT', `${WHAT} ${message}`);
}
