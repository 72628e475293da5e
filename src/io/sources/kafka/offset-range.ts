// OffsetRange (Spark's org.apache.spark.streaming.kafka010.OffsetRange): the offsets of one
// topic-partition a batch covers, fixed when the batch is generated.

/** Offsets `[fromOffset, untilOffset)` of one topic-partition (Spark's `OffsetRange`). */
export class OffsetRange {
  constructor(
    readonly topic: string,
    readonly partition: number,
    /** First offset in the range. */
    readonly fromOffset: number,
    /** One past the last offset in the range. */
    readonly untilOffset: number,
  ) {}

  /** Number of offsets in the range (records, unless compaction or transaction markers left gaps). */
  count(): number {
    return this.untilOffset - this.fromOffset;
  }

  /** `topic-partition [from, until)`, as Spark prints it. */
  toString(): string {
    return `OffsetRange(topic: '${this.topic}', partition: ${this.partition}, range: [${this.fromOffset} -> ${this.untilOffset}])`;
  }

  /** The JSON form kept in a checkpoint's batch log. */
  toRecord(): RangeRecord {
    return [this.topic, this.partition, this.fromOffset, this.untilOffset];
  }

  /** The range a batch log record holds. */
  static fromRecord([topic, partition, from, until]: RangeRecord): OffsetRange {
    return new OffsetRange(topic, partition, from, until);
  }
}

/** An offset range as logged with its batch: `[topic, partition, from, until]`. */
export type RangeRecord = [string, number, number, number];

/** The key of a topic-partition in positions: `topic:partition` (topic names cannot hold ':'). */
export function tpKey(topic: string, partition: number): string {
  return `${topic}:${partition}`;
}

/** The topic and partition of a {@link tpKey}. */
export function parseTpKey(key: string): [string, number] {
  const at = key.lastIndexOf(':');
  return [key.slice(0, at), Number(key.slice(at + 1))];
}
