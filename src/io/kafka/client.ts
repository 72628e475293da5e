// The part of the KafkaJS API Flint uses, and the default client: `kafkajs`, an optional peer
// dependency loaded only when a program reads or writes Kafka without passing its own client.
import { FlintError } from '../../errors.js';
import type { KafkaSecurity } from './security.js';

/** A fetched message as KafkaJS gives it. */
export interface KafkaMessage {
  readonly offset: string;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly timestamp: string;
  readonly headers?: Readonly<Record<string, Buffer | string | (Buffer | string)[] | undefined>>;
}

/** What a consumer hands `eachBatch`: the messages of one fetch for one partition. */
export interface KafkaFetchBatch {
  readonly topic: string;
  readonly partition: number;
  readonly messages: readonly KafkaMessage[];
  /** The offset of the last message fetched (KafkaJS's `Batch.lastOffset()`, control records included). */
  lastOffset(): string;
  /** The offset the fetch asked for (KafkaJS's `Batch.fetchedOffset`); a client without it gives none. */
  readonly fetchedOffset?: string;
}

/** Topic and partitions, as KafkaJS's pause/resume take them. */
export interface TopicPartitions {
  topic: string;
  partitions: number[];
}

/** A KafkaJS consumer (the members Flint calls). */
export interface KafkaConsumer {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  subscribe(subscription: { topics: (string | RegExp)[]; fromBeginning?: boolean }): Promise<void>;
  run(config: { autoCommit: boolean; eachBatch: (payload: { batch: KafkaFetchBatch }) => Promise<void> }): Promise<void>;
  seek(target: { topic: string; partition: number; offset: string }): void;
  /** Pauses partitions, or a whole topic when `partitions` is left out. */
  pause(topics: (TopicPartitions | { topic: string })[]): void;
  resume(topics: TopicPartitions[]): void;
  commitOffsets(offsets: { topic: string; partition: number; offset: string }[]): Promise<void>;
  on(event: string, listener: (event: { payload: any }) => void): () => void;
  readonly events: { readonly GROUP_JOIN: string; readonly CRASH: string };
}

/** A message to produce. */
export interface KafkaOutgoingMessage {
  key?: Buffer | string | null;
  value: Buffer | string | null;
  partition?: number;
  headers?: Record<string, Buffer | string | (Buffer | string)[]>;
}

/** A KafkaJS producer (the members Flint calls). */
export interface KafkaProducer {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  send(record: { topic: string; acks?: number; messages: KafkaOutgoingMessage[] }): Promise<unknown>;
}

/** A KafkaJS admin client (the members Flint calls; none needs Kafka's admin API proper). */
export interface KafkaAdmin {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  listTopics(): Promise<string[]>;
  fetchTopicOffsets(topic: string): Promise<{ partition: number; high: string; low: string }[]>;
  fetchOffsets(options: { groupId: string; topics: string[] }): Promise<{ topic: string; partitions: { partition: number; offset: string }[] }[]>;
}

/**
 * A KafkaJS-compatible client: a `new Kafka({...})` of `kafkajs` (tested, 2.2.4), or of
 * Confluent's `@confluentinc/kafka-javascript` in its KafkaJS mode (same API; not tested here).
 */
export interface KafkaClient {
  consumer(config: {
    groupId: string;
    sessionTimeout?: number;
    heartbeatInterval?: number;
    maxBytesPerPartition?: number;
    maxWaitTimeInMs?: number;
    allowAutoTopicCreation?: boolean;
    /** KafkaJS partition assigners; Flint passes its own for `assign`. */
    partitionAssigners?: unknown[];
  }): KafkaConsumer;
  producer(config?: { allowAutoTopicCreation?: boolean; idempotent?: boolean }): KafkaProducer;
  admin(): KafkaAdmin;
}

/** Where a client's own error logs go (Flint reports them to streaming listeners). */
export type ClientLog = (message: string) => void;

/**
 * The client `options.client`, else a new kafkajs client for `brokers`. Fails with a FlintError
 * that says how to install kafkajs when it is missing.
 */
export async function kafkaClient(
  what: string,
  options: { brokers?: readonly string[]; client?: KafkaClient; clientId?: string } & KafkaSecurity,
  log: ClientLog,
): Promise<KafkaClient> {
  if (options.client) return options.client;
  let kafkajs: any;
  try {
    kafkajs = await import('kafkajs');
  } catch (error) {
    throw new FlintError(
      'SOURCE_ERROR',
      `${what} needs a Kafka client: run \`npm install kafkajs\` (an optional peer dependency of flint-streaming), or pass options.client`,
      { cause: error },
    );
  }
  const { Kafka, logLevel } = kafkajs.default ?? kafkajs;
  return new Kafka({
    clientId: options.clientId ?? 'flint',
    brokers: [...options.brokers!],
    ...(options.ssl !== undefined ? { ssl: options.ssl } : {}),
    ...(options.sasl !== undefined ? { sasl: { ...options.sasl } } : {}),
    // Fail fast on unreachable brokers: Flint reports and retries at the next batch itself.
    connectionTimeout: 3000,
    retry: { retries: 3, initialRetryTime: 100, maxRetryTime: 1000 },
    logLevel: logLevel.ERROR,
    logCreator: () => (entry: { log: { message: string; error?: string } }) =>
      log(entry.log.error ? `${entry.log.message}: ${entry.log.error}` : entry.log.message),
  }) as KafkaClient;
}

/** Checks `brokers`, unless a client is given: a non-empty array of "host:port" strings. */
export function checkBrokers(what: string, brokers: unknown, client: unknown): void {
  if (client !== undefined) {
    if (typeof client !== 'object' || client === null || typeof (client as KafkaClient).admin !== 'function') {
      throw new FlintError('INVALID_ARGUMENT', `${what} options.client must be a KafkaJS-compatible client (new Kafka({ brokers }) of kafkajs)`);
    }
    return;
  }
  if (!Array.isArray(brokers) || brokers.length === 0 || !brokers.every((b) => typeof b === 'string' && /^[^:]+:\d+$/.test(b))) {
    throw new FlintError('INVALID_ARGUMENT', `${what} options.brokers must be a non-empty array of "host:port" strings, e.g. ["localhost:9092"], got ${JSON.stringify(brokers)}`);
  }
}
