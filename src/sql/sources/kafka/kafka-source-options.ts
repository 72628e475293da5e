// The options of Structured Streaming's Kafka source, with Spark's names (KafkaSourceProvider):
// one of `subscribe`, `subscribePattern`, `assign`; `startingOffsets`; `maxOffsetsPerTrigger`;
// `failOnDataLoss`; `includeHeaders`; `kafka.bootstrap.servers` and `kafka.group.id` for the client.
import { FlintError } from '../../../errors.js';
import { securityFromSparkOptions, type KafkaSecurity } from '../../../io/kafka/security.js';

/** Offsets per topic and partition, as Spark writes them: `{"topic":{"0":23,"1":-1}}`. */
export type PartitionOffsets = { [topic: string]: { [partition: string]: number } };

/** Which partitions the source reads (Spark's ConsumerStrategy). */
export type ConsumerStrategy =
  | { readonly kind: 'subscribe'; readonly topics: readonly string[] }
  | { readonly kind: 'subscribePattern'; readonly pattern: RegExp }
  | { readonly kind: 'assign'; readonly partitions: { readonly [topic: string]: readonly number[] } };

/** Where a query with no checkpoint starts: Spark's `startingOffsets`. */
export type StartingOffsets = 'earliest' | 'latest' | PartitionOffsets;

/** The parsed options. */
export interface KafkaSourceOptions {
  readonly brokers: readonly string[];
  readonly strategy: ConsumerStrategy;
  readonly startingOffsets: StartingOffsets;
  readonly maxOffsetsPerTrigger: number | undefined;
  readonly failOnDataLoss: boolean;
  readonly groupId: string | undefined;
  /** Real time to wait for the records of a batch's ranges (`fetchTimeoutMs`, default 60000). */
  readonly fetchTimeoutMs: number;
  /** TLS and SASL from the `kafka.security.protocol`, `kafka.sasl.*` and `kafka.ssl.*` options. */
  readonly security: KafkaSecurity;
  /** Spark's `includeHeaders`: a `headers` column of the records' headers. */
  readonly includeHeaders: boolean;
}

/** Spark's offset -2 in a startingOffsets JSON: the partition's earliest offset. */
export const EARLIEST = -2;
/** Spark's offset -1 in a startingOffsets JSON: the partition's latest offset. */
export const LATEST = -1;

/** Parses reader options (keys lower-cased, as the reader keeps them). */
export function parseKafkaSourceOptions(o: ReadonlyMap<string, string>): KafkaSourceOptions {
  if (o.has('endingoffsets')) throw invalid("kafka source: ending offset not valid in streaming queries; endingOffsets is for batch reads (flint.read.format('kafka'))");
  return parseCommonOptions(o, 'latest');
}

/** Options of a batch read (Spark's KafkaRelation): the records from startingOffsets to endingOffsets. */
export interface KafkaBatchOptions extends KafkaSourceOptions {
  /** Where the read stops (exclusive): `latest` (the default) or JSON offsets, -1 for latest. */
  readonly endingOffsets: 'latest' | PartitionOffsets;
}

/** Parses the options of `flint.read.format('kafka')`, refusing the bounds Spark refuses for batch queries. */
export function parseKafkaBatchOptions(o: ReadonlyMap<string, string>): KafkaBatchOptions {
  const common = parseCommonOptions(o, 'earliest');
  const ending = parseOffsets(o.get('endingoffsets') ?? 'latest', 'endingOffsets');
  const starting = common.startingOffsets;
  if (starting === 'latest') throw invalid("kafka source: starting offset can't be latest for batch queries on Kafka; use earliest or JSON offsets");
  if (ending === 'earliest') throw invalid("kafka source: ending offset can't be earliest for batch queries on Kafka; use latest or JSON offsets");
  const check = (offsets: StartingOffsets, bad: number, what: string): void => {
    if (typeof offsets !== 'object') return;
    for (const [topic, parts] of Object.entries(offsets)) {
      for (const [p, offset] of Object.entries(parts)) if (offset === bad) throw invalid(`kafka source: ${what} for ${topic}-${p} can't be ${bad === LATEST ? 'latest' : 'earliest'} for batch queries on Kafka`);
    }
  };
  check(starting, LATEST, 'startingOffsets');
  check(ending, EARLIEST, 'endingOffsets');
  return { ...common, endingOffsets: ending };
}

function parseCommonOptions(o: ReadonlyMap<string, string>, startingDefault: 'earliest' | 'latest'): KafkaSourceOptions {
  return {
    brokers: parseBootstrapServers(o, 'kafka source'),
    strategy: parseStrategy(o),
    startingOffsets: parseOffsets(o.get('startingoffsets') ?? startingDefault, 'startingOffsets'),
    maxOffsetsPerTrigger: optionalPositiveInt(o, 'maxoffsetspertrigger', 'maxOffsetsPerTrigger'),
    failOnDataLoss: parseBoolean(o.get('failondataloss') ?? 'true', 'failOnDataLoss'),
    groupId: o.get('kafka.group.id'),
    fetchTimeoutMs: optionalPositiveInt(o, 'fetchtimeoutms', 'fetchTimeoutMs') ?? 60_000,
    security: securityFromSparkOptions(o, 'kafka source'),
    includeHeaders: parseBoolean(o.get('includeheaders') ?? 'false', 'includeHeaders'),
  };
}

/** Spark's refusal of a schema given to the kafka source, whose rows have a fixed schema. */
export function refuseUserSchema(schema: unknown): void {
  if (schema) throw invalid('kafka source: does not support user-specified schema; the schema is key, value, topic, partition, offset, timestamp, timestampType');
}

/** `kafka.bootstrap.servers` as a broker list; required, as in Spark. */
export function parseBootstrapServers(o: ReadonlyMap<string, string>, what: string): string[] {
  const servers = o.get('kafka.bootstrap.servers');
  if (!servers) throw invalid(`${what}: option 'kafka.bootstrap.servers' must be specified for configuring Kafka consumer, e.g. option('kafka.bootstrap.servers', 'host:9092')`);
  const brokers = servers.split(',').map((s) => s.trim()).filter((s) => s !== '');
  for (const b of brokers) if (!/^[^:\s]+:\d+$/.test(b)) throw invalid(`${what}: 'kafka.bootstrap.servers' must be "host:port" entries separated by commas, got "${servers}"`);
  return brokers;
}

function parseStrategy(o: ReadonlyMap<string, string>): ConsumerStrategy {
  const given = ['subscribe', 'subscribepattern', 'assign'].filter((k) => o.has(k));
  if (given.length !== 1) {
    throw invalid(`kafka source: exactly one of the options 'subscribe', 'subscribePattern' or 'assign' must be specified (got ${given.length === 0 ? 'none' : given.join(', ')})`);
  }
  const value = o.get(given[0]!)!;
  if (given[0] === 'subscribe') {
    const topics = value.split(',').map((t) => t.trim()).filter((t) => t !== '');
    if (topics.length === 0) throw invalid(`kafka source: no topics to subscribe to were given in option 'subscribe' = "${value}"`);
    return { kind: 'subscribe', topics };
  }
  if (given[0] === 'subscribepattern') {
    if (value.trim() === '') throw invalid("kafka source: pattern to subscribe is empty in option 'subscribePattern'");
    return { kind: 'subscribePattern', pattern: new RegExp(`^(?:${value})$`) };
  }
  const parsed = parseJsonObject(value, 'assign', '{"topicA":[0,1],"topicB":[2,4]}');
  const partitions: Record<string, number[]> = {};
  for (const [topic, list] of Object.entries(parsed)) {
    if (!Array.isArray(list) || !list.every((p) => Number.isInteger(p) && p >= 0)) throw invalid(`kafka source: option 'assign' must map topics to arrays of partition numbers, e.g. {"topicA":[0,1]}; got ${value}`);
    partitions[topic] = [...(list as number[])].sort((a, b) => a - b);
  }
  if (Object.keys(partitions).length === 0) throw invalid("kafka source: option 'assign' names no partitions");
  return { kind: 'assign', partitions };
}

function parseOffsets(value: string, option: string): StartingOffsets {
  const v = value.trim();
  if (v.toLowerCase() === 'earliest' || v.toLowerCase() === 'latest') return v.toLowerCase() as 'earliest' | 'latest';
  const parsed = parseJsonObject(v, option, '{"topicA":{"0":23,"1":-1},"topicB":{"0":-2}}');
  const out: PartitionOffsets = {};
  for (const [topic, parts] of Object.entries(parsed)) {
    if (parts === null || typeof parts !== 'object' || Array.isArray(parts)) throw invalid(`kafka source: ${option} must map each topic to {"partition": offset}, got ${value}`);
    out[topic] = {};
    for (const [p, offset] of Object.entries(parts as Record<string, unknown>)) {
      if (!/^\d+$/.test(p) || !Number.isInteger(offset) || (offset as number) < EARLIEST) {
        throw invalid(`kafka source: ${option} has a bad entry "${topic}": {"${p}": ${JSON.stringify(offset)}}; offsets are numbers, -2 for earliest, -1 for latest`);
      }
      out[topic]![p] = offset as number;
    }
  }
  return out;
}

function parseJsonObject(value: string, option: string, example: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    parsed = undefined;
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw invalid(`kafka source: option '${option}' must be JSON like ${example}, got ${value}`);
  return parsed as Record<string, unknown>;
}

function optionalPositiveInt(o: ReadonlyMap<string, string>, key: string, name: string): number | undefined {
  const v = o.get(key);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw invalid(`kafka source: option '${name}' must be a positive integer, got "${v}"`);
  return n;
}

function parseBoolean(v: string, name: string): boolean {
  if (/^true$/i.test(v)) return true;
  if (/^false$/i.test(v)) return false;
  throw invalid(`kafka source: option '${name}' must be true or false, got "${v}"`);
}

function invalid(message: string): FlintError {
  return new FlintError('INVALID_ARGUMENT', message);
}
