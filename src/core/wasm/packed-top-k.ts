// The first k records of a packed batch in an order whose first criterion is the value, found
// from the value column: a bounded heap gives the k-th best value, and only the records at least
// that good have their keys decoded. The generic sort then orders those few, so ties (broken by
// a later criterion, or by batch order as the stable sort does) come out as over the whole batch.
import { Batch, sortedBy } from '../../batch/batch.js';
import type { PackedPartition } from './packed-tables.js';

type Pair = [string, number];

/**
 * In batch order, decoded, the records whose value is at least as good as the k-th best
 * (`lowFirst`: smaller is better): a superset of the first k of any such order, ties included.
 * Undefined when a value is NaN or infinite (their comparisons are left to the generic path).
 */
export function topCandidates(parts: readonly PackedPartition[], k: number, lowFirst: boolean): Pair[] | undefined {
  if (k === 0) return [];
  const sign = lowFirst ? 1 : -1;
  const threshold = kthBest(parts, k, sign);
  if (threshold === undefined) return undefined;
  const out: Pair[] = [];
  for (const part of parts) {
    const { values, offsets } = part;
    let text: Buffer | undefined;
    for (let i = 0; i < part.count; i++) {
      const v = values[i]!;
      if (sign * v > threshold) continue;
      text ??= Buffer.from(part.arena.buffer, part.arena.byteOffset, part.arena.byteLength);
      out.push([text.toString('utf8', offsets[i]!, offsets[i + 1]!), v]);
    }
  }
  return out;
}

// The k-th smallest of sign * value over all records (Infinity when there are k or fewer), by a
// max-heap of the k smallest seen; undefined if a value is not finite.
function kthBest(parts: readonly PackedPartition[], k: number, sign: number): number | undefined {
  const heap = new Float64Array(k);
  let size = 0;
  for (const { values, count } of parts) {
    for (let i = 0; i < count; i++) {
      const x = sign * values[i]!;
      if (!Number.isFinite(x)) return undefined;
      if (size < k) siftUp(heap, size++, x);
      else if (x < heap[0]!) siftDown(heap, size, x);
    }
  }
  return size < k ? Infinity : heap[0]!;
}

function siftUp(heap: Float64Array, at: number, x: number): void {
  let i = at;
  while (i > 0) {
    const parent = (i - 1) >> 1;
    if (heap[parent]! >= x) break;
    heap[i] = heap[parent]!;
    i = parent;
  }
  heap[i] = x;
}

// Replaces the root (the largest) with x and restores the heap.
function siftDown(heap: Float64Array, size: number, x: number): void {
  let i = 0;
  for (;;) {
    let child = 2 * i + 1;
    if (child >= size) break;
    if (child + 1 < size && heap[child + 1]! > heap[child]!) child++;
    if (heap[child]! <= x) break;
    heap[i] = heap[child]!;
    i = child;
  }
  heap[i] = x;
}

/**
 * `sortBy(key, ascending)` of a packed batch, by a key whose first criterion is the value: the
 * whole sort (every key decoded) only when the partitions are read; `take(n)` and `first()` decode
 * only what they may return, and `count()` nothing.
 */
export class SortedPackedBatch extends Batch<Pair> {
  constructor(
    private readonly sections: readonly PackedPartition[],
    private readonly size: number,
    private readonly key: (x: Pair) => unknown,
    private readonly ascending: boolean,
    private readonly lowFirst: boolean,
    sortAll: () => readonly (readonly Pair[])[],
    numPartitions: number,
  ) {
    super({ numPartitions, materialize: sortAll });
  }

  /** Number of pairs, without decoding. */
  override count(): number {
    return this.size;
  }

  /** True when there is no pair. */
  override isEmpty(): boolean {
    return this.size === 0;
  }

  /** The first `n` pairs of the sorted order, decoding only the candidates for them. */
  override take(n: number): Pair[] {
    if (n <= 0) return [];
    if (!Number.isFinite(n) || n >= this.size) return super.take(n);
    const k = Math.ceil(n);
    const candidates = topCandidates(this.sections, k, this.lowFirst);
    if (candidates === undefined) return super.take(n);
    return sortedBy(candidates, this.key, this.ascending).slice(0, k);
  }
}
