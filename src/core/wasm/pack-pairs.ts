// Packing a JS batch of `[string, number]` pairs into the packed table format (assembly/packed.ts),
// so that a resident window can start again from a window the js core computed (after a batch the
// kernels could not take). Probe hashes are left at 0: the kernel hashes such a buffer's keys
// itself (Kernels.mergePacked with `hashed` false).
import type { Batch } from '../../batch/batch.js';

const align8 = (x: number): number => (x + 7) & ~7;
/** A lone surrogate (a paired one is matched as one code point, outside this class). */
const LONE_SURROGATE = /\p{Cs}/u;

/**
 * The packed buffer of `batch`, or undefined when it cannot be packed without changing it: it is
 * not hash-partitioned into `numPartitions`, or a key is not a well-formed string (UTF-8 would
 * replace a lone surrogate), or a value is not a number.
 */
export function packPairs(batch: Batch<unknown>, numPartitions: number): ArrayBuffer | undefined {
  if (batch.numPartitions !== numPartitions || batch.hashPartitions !== numPartitions) return undefined;
  const parts = batch.partitions as readonly (readonly unknown[])[];
  const keys: Buffer[][] = [];
  let size = align8(4 * (1 + 2 * numPartitions));
  for (const part of parts) {
    const encoded: Buffer[] = [];
    let arena = 0;
    for (const pair of part) {
      const [key, value] = pair as [unknown, unknown];
      if (typeof key !== 'string' || LONE_SURROGATE.test(key) || typeof value !== 'number') return undefined;
      const bytes = Buffer.from(key, 'utf8');
      encoded.push(bytes);
      arena += bytes.byteLength;
    }
    keys.push(encoded);
    size += align8(16 * part.length + 4 + arena);
  }
  const buffer = new ArrayBuffer(size);
  const header = new Uint32Array(buffer, 0, 1 + 2 * numPartitions);
  header[0] = numPartitions;
  let at = align8(4 * (1 + 2 * numPartitions));
  parts.forEach((part, p) => {
    const count = part.length;
    const values = new Float64Array(buffer, at, count);
    const offsets = new Uint32Array(buffer, at + 8 * count, count + 1);
    const arena = new Uint8Array(buffer, at + 16 * count + 4);
    let offset = 0;
    part.forEach((pair, i) => {
      const bytes = keys[p]![i]!;
      values[i] = (pair as [string, number])[1];
      offsets[i] = offset;
      arena.set(bytes, offset);
      offset += bytes.byteLength;
    });
    offsets[count] = offset;
    header[1 + 2 * p] = count;
    header[2 + 2 * p] = offset;
    at += align8(16 * count + 4 + offset);
  });
  return buffer;
}
