// Reading the packed table format (assembly/packed.ts) and the batch that decodes it lazily.
import { Batch, compareValues } from '../../batch/batch.js';
import { valueComparatorDirection, valueKeyDirection } from '../../functions/orderings.js';
import { SortedPackedBatch, topCandidates } from './packed-top-k.js';

/** One partition of a packed buffer, as views (no copy). */
export interface PackedPartition {
  readonly count: number;
  readonly values: Float64Array;
  readonly offsets: Uint32Array;
  readonly hashes: Uint32Array;
  readonly arena: Uint8Array;
}

const align8 = (x: number): number => (x + 7) & ~7;

/** Bytes of the header of a packed buffer of `n` partitions (u32 n, then count and arenaLen each). */
export function packedHeaderBytes(n: number): number {
  return align8(4 * (1 + 2 * n));
}

/** Bytes of one partition's section of `count` keys and `arenaLen` key bytes. */
export function packedSectionBytes(count: number, arenaLen: number): number {
  return align8(16 * count + 4 + arenaLen);
}

/** Views on the section of `count` keys and `arenaLen` key bytes starting at byte `at`. */
export function packedSection(buffer: ArrayBuffer, at: number, count: number, arenaLen: number): PackedPartition {
  const values = new Float64Array(buffer, at, count);
  const offsets = new Uint32Array(buffer, at + 8 * count, count + 1);
  const hashes = new Uint32Array(buffer, at + 12 * count + 4, count);
  const arena = new Uint8Array(buffer, at + 16 * count + 4, arenaLen);
  return { count, values, offsets, hashes, arena };
}

/** Keys in packed buffers, all partitions together (read from the headers). */
export function packedKeys(buffers: readonly ArrayBuffer[]): number {
  let n = 0;
  for (const b of buffers) {
    const sizes = new Uint32Array(b, 4, 2 * new Uint32Array(b, 0, 1)[0]!);
    for (let i = 0; i < sizes.length; i += 2) n += sizes[i]!;
  }
  return n;
}

/** Views on every partition of a packed buffer. */
export function parsePacked(buffer: ArrayBuffer): PackedPartition[] {
  const header = new Uint32Array(buffer, 0, 1);
  const n = header[0]!;
  const sizes = new Uint32Array(buffer, 4, 2 * n);
  let at = packedHeaderBytes(n);
  const parts: PackedPartition[] = [];
  for (let p = 0; p < n; p++) {
    const count = sizes[2 * p]!;
    const arenaLen = sizes[2 * p + 1]!;
    parts.push(packedSection(buffer, at, count, arenaLen));
    at += packedSectionBytes(count, arenaLen);
  }
  return parts;
}

function decodePartition(part: PackedPartition, count = part.count): [string, number][] {
  const text = Buffer.from(part.arena.buffer, part.arena.byteOffset, part.arena.byteLength);
  const out: [string, number][] = new Array(count);
  for (let i = 0; i < count; i++) {
    out[i] = [text.toString('utf8', part.offsets[i]!, part.offsets[i + 1]!), part.values[i]!];
  }
  return out;
}

/**
 * A hash-partitioned batch of `[key, number]` pairs held in a packed buffer: keys become JS
 * strings only when the partitions are read.
 */
export class PackedBatch extends Batch<[string, number]> {
  private readonly counts: number[];

  /**
   * `packed` is owned by this batch (never written after creation). `sections` are its views, or
   * (from {@link PackedBatch.withValues}) views on another batch's buffer with values of their own.
   */
  constructor(
    private readonly buffer: ArrayBuffer,
    private readonly sections: readonly PackedPartition[] = parsePacked(buffer),
    private readonly ownValues = false,
  ) {
    super({ numPartitions: sections.length, materialize: () => sections.map((p) => decodePartition(p)) }, sections.length);
    this.counts = sections.map((p) => p.count);
  }

  /** The packed buffer; for a batch with values of its own, a fresh one assembled on each call. */
  get packed(): ArrayBuffer {
    if (!this.ownValues) return this.buffer;
    const out = this.buffer.slice(0);
    for (const s of this.sections) new Float64Array(out, s.offsets.byteOffset - 8 * s.count, s.count).set(s.values);
    return out;
  }

  /**
   * The same keys in the same order with other values: `values` holds one f64 per pair,
   * partition after partition. The key sections are shared with this batch, not copied (a
   * resident window whose keys stayed put writes out only its values).
   */
  withValues(values: ArrayBuffer): PackedBatch {
    if (values.byteLength !== 8 * this.count()) throw new Error(`withValues: ${values.byteLength} bytes of values for ${this.count()} keys`);
    let at = 0;
    const sections = this.sections.map((s) => {
      const own = new Float64Array(values, at, s.count);
      at += 8 * s.count;
      return { ...s, values: own };
    });
    return new PackedBatch(this.buffer, sections, true);
  }

  /**
   * Sorted by `key`. When the key orders by value first (`([k, n]) => [-n, k]`, `([, n]) => n`,
   * see functions/orderings.ts), `take(n)` on the result decodes only the keys it may return.
   */
  override sortBy<U>(key: (x: [string, number]) => U, ascending = true, numPartitions = this.numPartitions): Batch<[string, number]> {
    const direction = valueKeyDirection(key);
    if (direction === undefined) return super.sortBy(key, ascending, numPartitions);
    const n = Math.max(1, numPartitions);
    const sortAll = (): readonly (readonly [string, number][])[] => super.sortBy(key, ascending, n).partitions;
    return new SortedPackedBatch(this.sections, this.count(), key, ascending, (direction === 1) === ascending, sortAll, n);
  }

  /** Spark's `takeOrdered`; by value ({@link byValue}), only the keys kept are decoded. */
  override takeOrdered(num: number, ordering: (a: [string, number], b: [string, number]) => number = compareValues): [string, number][] {
    const direction = valueComparatorDirection(ordering);
    const candidates = direction === undefined || !Number.isInteger(num) || num < 0 ? undefined : topCandidates(this.sections, num, direction === 1);
    return candidates === undefined ? super.takeOrdered(num, ordering) : candidates.sort(ordering).slice(0, num);
  }

  /** Spark's `top`; by value ({@link byValue}), only the keys kept are decoded. */
  override top(num: number, ordering: (a: [string, number], b: [string, number]) => number = compareValues): [string, number][] {
    const direction = valueComparatorDirection(ordering);
    const candidates = direction === undefined || !Number.isInteger(num) || num < 0 ? undefined : topCandidates(this.sections, num, direction === -1);
    return candidates === undefined ? super.top(num, ordering) : candidates.sort((a, b) => ordering(b, a)).slice(0, num);
  }

  /** Every pair, partitions in order, each key decoded as the loop reaches it. */
  override *toLocalIterator(): IterableIterator<[string, number]> {
    for (const part of this.sections) {
      const text = Buffer.from(part.arena.buffer, part.arena.byteOffset, part.arena.byteLength);
      for (let i = 0; i < part.count; i++) yield [text.toString('utf8', part.offsets[i]!, part.offsets[i + 1]!), part.values[i]!];
    }
  }

  /** The first `n` pairs in partition order; only their keys are decoded. */
  override take(n: number): [string, number][] {
    const out: [string, number][] = [];
    for (const s of this.sections) {
      if (out.length >= n) break;
      out.push(...decodePartition(s, Math.min(s.count, n - out.length)));
    }
    return out;
  }

  /** Number of pairs, without decoding. */
  override count(): number {
    return this.counts.reduce((a, b) => a + b, 0);
  }

  /** True when there is no pair. */
  override isEmpty(): boolean {
    return this.count() === 0;
  }
}
