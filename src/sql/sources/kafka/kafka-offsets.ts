// Offset arithmetic of the Kafka source: partition offsets from the admin client, the starting
// offsets a new query resolves, and Spark's rate limit (KafkaSource.rateLimit).
import { FlintError } from '../../../errors.js';
import type { KafkaAdmin } from '../../../io/kafka/client.js';
import { EARLIEST, LATEST, type ConsumerStrategy, type PartitionOffsets, type StartingOffsets } from './kafka-source-options.js';

/** Earliest (`low`) and latest (`high`, exclusive) offset of each partition read. */
export type PartitionBounds = { [topic: string]: { [partition: string]: { low: number; high: number } } };

/** The topics a strategy reads; a missing topic fails with a message that says to create it. */
export async function resolveTopics(admin: KafkaAdmin, strategy: ConsumerStrategy, where: string): Promise<string[]> {
  const existing = new Set(await admin.listTopics());
  if (strategy.kind === 'subscribePattern') {
    const topics = [...existing].filter((t) => strategy.pattern.test(t)).sort();
    if (topics.length === 0) throw new FlintError('SOURCE_ERROR', `${where}: no topic on the brokers matches subscribePattern ${strategy.pattern.source}; topics are matched when the query starts, so create them first`);
    return topics;
  }
  const wanted = strategy.kind === 'subscribe' ? [...strategy.topics] : Object.keys(strategy.partitions);
  const missing = wanted.filter((t) => !existing.has(t));
  if (missing.length > 0) throw new FlintError('SOURCE_ERROR', `${where}: topic${missing.length > 1 ? 's' : ''} ${missing.map((t) => `"${t}"`).join(', ')} do${missing.length > 1 ? '' : 'es'} not exist on the brokers; create ${missing.length > 1 ? 'them' : 'it'} first (Flint does not create topics)`);
  return [...new Set(wanted)].sort();
}

/** Offsets of every partition the strategy reads, now. */
export async function fetchBounds(admin: KafkaAdmin, topics: readonly string[], strategy: ConsumerStrategy): Promise<PartitionBounds> {
  const out: PartitionBounds = {};
  for (const topic of topics) {
    const assigned = strategy.kind === 'assign' ? new Set(strategy.partitions[topic]) : undefined;
    const parts: PartitionBounds[string] = {};
    for (const { partition, low, high } of [...(await admin.fetchTopicOffsets(topic))].sort((a, b) => a.partition - b.partition)) {
      if (!assigned || assigned.has(partition)) parts[partition] = { low: Number(low), high: Number(high) };
    }
    out[topic] = parts;
  }
  return out;
}

/** Spark's startingOffsets resolved against the partitions there are (a JSON must name them all). */
export function initialOffsets(starting: StartingOffsets, bounds: PartitionBounds, where: string): PartitionOffsets {
  const out: PartitionOffsets = {};
  for (const [topic, parts] of Object.entries(bounds)) {
    out[topic] = {};
    for (const [p, { low, high }] of Object.entries(parts)) {
      let offset: number | undefined;
      if (starting === 'earliest') offset = low;
      else if (starting === 'latest') offset = high;
      else offset = starting[topic]?.[p];
      if (offset === undefined) throw new FlintError('INVALID_ARGUMENT', `${where}: startingOffsets names specific offsets, so it must name every partition read; ${topic}-${p} is missing`);
      out[topic]![p] = offset === EARLIEST ? low : offset === LATEST ? high : offset;
    }
  }
  if (typeof starting === 'object') {
    for (const [topic, parts] of Object.entries(starting)) {
      for (const p of Object.keys(parts)) if (out[topic]?.[p] === undefined) throw new FlintError('INVALID_ARGUMENT', `${where}: startingOffsets names ${topic}-${p}, which this query does not read`);
    }
  }
  return out;
}

/**
 * Spark's KafkaSource.rateLimit: `limit` offsets shared among the partitions in proportion to
 * how far behind each is; a share under one is rounded up so a small partition is not starved.
 */
export function rateLimit(limit: number, from: (topic: string, partition: string) => number, until: PartitionOffsets): PartitionOffsets {
  const sizes = new Map<string, number>();
  let total = 0;
  forEachOffset(until, (topic, p, end) => {
    const size = end - from(topic, p);
    if (size > 0) {
      sizes.set(`${topic}\u0000${p}`, size);
      total += size;
    }
  });
  if (total < 1) return until;
  const out: PartitionOffsets = {};
  forEachOffset(until, (topic, p, end) => {
    const size = sizes.get(`${topic}\u0000${p}`);
    const prorate = size === undefined ? 0 : limit * (size / total);
    const step = prorate < 1 ? Math.ceil(prorate) : Math.floor(prorate);
    (out[topic] ??= {})[p] = size === undefined ? end : Math.min(end, from(topic, p) + step);
  });
  return out;
}

/** Calls `f` for each partition's offset, topics in order. */
export function forEachOffset(offsets: PartitionOffsets, f: (topic: string, partition: string, offset: number) => void): void {
  for (const topic of Object.keys(offsets).sort()) for (const [p, o] of Object.entries(offsets[topic]!)) f(topic, p, o);
}

/** The same offsets with topics in name order (partitions, integer keys, are ordered by JS). */
export function sortedOffsets(offsets: PartitionOffsets): PartitionOffsets {
  const out: PartitionOffsets = {};
  forEachOffset(offsets, (t, p, o) => ((out[t] ??= {})[p] = o));
  return out;
}
