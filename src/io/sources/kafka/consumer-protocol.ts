// Kafka's consumer protocol (version 0): the bytes a group member sends with its join request
// (its subscription) and the leader sends back to each member (its assignment). KafkaJS hands
// these to partition assigners as raw Buffers; the format is Kafka's own, the same in every client.

/** What a member sends when it joins: the topics it reads, and free-form bytes for the assigner. */
export interface MemberSubscription {
  topics: string[];
  userData: Buffer;
}

/** Partitions by topic. */
export type TopicAssignment = Record<string, number[]>;

/** Encodes a subscription: int16 version, array of strings, bytes. */
export function encodeSubscription({ topics, userData }: MemberSubscription): Buffer {
  return Buffer.concat([int16(0), array(topics.map(string)), bytes(userData)]);
}

/** Decodes a subscription written by any Kafka client. */
export function decodeSubscription(buffer: Buffer): MemberSubscription {
  const r = new Reader(buffer);
  r.int16();
  const topics = r.array(() => r.string());
  return { topics, userData: r.bytes() };
}

/** Encodes an assignment: int16 version, array of (topic, array of int32), empty user data. */
export function encodeAssignment(assignment: TopicAssignment): Buffer {
  const topics = Object.entries(assignment).map(([topic, partitions]) => Buffer.concat([string(topic), array(partitions.map(int32))]));
  return Buffer.concat([int16(0), array(topics), bytes(Buffer.alloc(0))]);
}

function int16(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeInt16BE(n);
  return b;
}

function int32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
}

function string(s: string): Buffer {
  const body = Buffer.from(s, 'utf8');
  return Buffer.concat([int16(body.length), body]);
}

function bytes(body: Buffer): Buffer {
  return Buffer.concat([int32(body.length), body]);
}

function array(items: Buffer[]): Buffer {
  return Buffer.concat([int32(items.length), ...items]);
}

class Reader {
  private at = 0;
  constructor(private readonly buffer: Buffer) {}

  int16(): number {
    const n = this.buffer.readInt16BE(this.at);
    this.at += 2;
    return n;
  }

  int32(): number {
    const n = this.buffer.readInt32BE(this.at);
    this.at += 4;
    return n;
  }

  string(): string {
    const length = this.int16();
    return this.buffer.toString('utf8', this.at, (this.at += length));
  }

  /** Null bytes (length -1) read as empty. */
  bytes(): Buffer {
    const length = this.at < this.buffer.length ? this.int32() : -1;
    if (length < 0) return Buffer.alloc(0);
    return this.buffer.subarray(this.at, (this.at += length));
  }

  array<T>(item: () => T): T[] {
    const n = this.int32();
    return Array.from({ length: Math.max(0, n) }, item);
  }
}
