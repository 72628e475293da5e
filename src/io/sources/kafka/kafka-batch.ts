// KafkaBatch: the records of one batch of a Kafka direct stream, one partition per Kafka
// topic-partition (Spark's KafkaRDD), with the offset ranges it covers (HasOffsetRanges).
import { isUtf8 } from 'node:buffer';
import { Batch } from '../../../batch/batch.js';
import { countLines, TextBatch, type LineBlock } from '../../../batch/text-batch.js';
import type { KafkaMessage } from '../../kafka/client.js';
import type { OffsetRange } from './offset-range.js';

/** One Kafka record (Spark's `ConsumerRecord`). Keys and values are bytes, as Kafka keeps them. */
export interface KafkaRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  /** Milliseconds since the epoch (create or log-append time, as the topic is configured). */
  readonly timestamp: number;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: Readonly<Record<string, Buffer | string | (Buffer | string)[] | undefined>>;
}

/** A batch of a Kafka direct stream: partition i holds the records of `offsetRanges()[i]`. */
export class KafkaBatch extends Batch<KafkaRecord> {
  constructor(
    private readonly ranges: readonly OffsetRange[],
    /** The fetched messages of each range, in offset order. */
    readonly messages: readonly (readonly KafkaMessage[])[],
  ) {
    super({
      numPartitions: ranges.length,
      materialize: () => ranges.map((r, i) => messages[i]!.map((m) => toRecord(r, m))),
    });
  }

  /** The offset range of each partition (Spark's `HasOffsetRanges.offsetRanges`). */
  offsetRanges(): OffsetRange[] {
    return [...this.ranges];
  }

  /** Number of records, without building them. */
  override count(): number {
    return this.messages.reduce((n, m) => n + m.length, 0);
  }

  /**
   * The values as lines of text kept as bytes, one partition per Kafka partition: each value is
   * one line, or several when it holds line breaks (`\n`, `\r\n` or a lone `\r`, as text sources
   * split lines); a null value is an empty line. Values that are not valid UTF-8 are decoded with
   * U+FFFD for the bad bytes, as file and socket text is; `onInvalid` hears how many there were.
   */
  valueLines(onInvalid: (values: number) => void): TextBatch {
    let invalid = 0;
    const parts = this.messages.map((ms): LineBlock[] => {
      if (ms.length === 0) return [];
      const { bytes, invalidValues } = joinValues(ms);
      invalid += invalidValues;
      return [{ bytes, lines: countLines(bytes) }];
    });
    if (invalid > 0) onInvalid(invalid);
    return new TextBatch(parts);
  }
}

function toRecord(range: OffsetRange, m: KafkaMessage): KafkaRecord {
  return {
    topic: range.topic,
    partition: range.partition,
    offset: Number(m.offset),
    timestamp: Number(m.timestamp),
    key: m.key,
    value: m.value,
    headers: m.headers ?? {},
  };
}

const LF = 0x0a;
const CR = 0x0d;

// All values, each followed by \n, in one buffer: one copy per byte, then one scan each for \r
// and for UTF-8 validity over the whole; only a buffer that fails a check is looked at again.
function joinValues(ms: readonly KafkaMessage[]): { bytes: Buffer; invalidValues: number } {
  let total = 0;
  for (const m of ms) total += (m.value?.length ?? 0) + 1;
  let bytes: Buffer = Buffer.allocUnsafe(total);
  let at = 0;
  for (const m of ms) {
    if (m.value) at += m.value.copy(bytes, at);
    bytes[at++] = LF;
  }
  if (bytes.indexOf(CR) !== -1) bytes = normalizeLineBreaks(bytes);
  if (isUtf8(bytes)) return { bytes, invalidValues: 0 };
  let invalidValues = 0;
  const lines = ms.map((m) => {
    const value = m.value ?? Buffer.alloc(0);
    if (isUtf8(value)) return value;
    invalidValues++;
    return Buffer.from(value.toString('utf8'));
  });
  return { bytes: normalizeLineBreaks(Buffer.concat(lines.flatMap((l) => [l, Buffer.of(LF)]))), invalidValues };
}

// \r\n and a lone \r become \n (LineBlock holds lines ended by \n only).
function normalizeLineBreaks(bytes: Buffer): Buffer {
  const out = Buffer.allocUnsafe(bytes.length);
  let n = 0;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b !== CR) out[n++] = b;
    else if (bytes[i + 1] !== LF) out[n++] = LF;
  }
  return out.subarray(0, n);
}
