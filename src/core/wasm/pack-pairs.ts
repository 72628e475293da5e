// Packing a JS batch of `[string, number]` pairs into the packed table format (assembly/packed.ts),
// so that a resident window can start again from a window the js core computed (after a batch the
// kernels could not take). Probe hashes are left at 0: the kernel hashes such a buffer's keys
// itself (Kernels.mergePacked with `hashed` false).
import type { Batch } from '../../batch/batch.js';
import { packedHeaderBytes, packedSection, packedSectionBytes } from './packed-tables.js';

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
  let size = packedHeaderBytes(numPartitions);
  for (const part of parts) {
    const encoded: Buffer[] = [];
    for (const pair of part) {
      const [key, value] = pair as [unknown, unknown];
      if (typeof key !== 'string' || LONE_SURROGATE.test(key) || typeof value !== 'number') return undefined;
      encoded.push(Buffer.from(key, 'utf8'));
    }
    keys.push(encoded);
    size += packedSectionBytes(part.length, arenaBytes(encoded));
  }
  const buffer = new ArrayBuffer(size);
  const header = new Uint32Array(buffer, 0, 1 + 2 * numPartitions);
  header[0] = numPartitions;
  let at = packedHeaderBytes(numPartitions);
  parts.forEach((part, p) => {
    const arenaLen = arenaBytes(keys[p]!);
    const { values, offsets, arena } = packedSection(buffer, at, part.length, arenaLen);
    let offset = 0;
    part.forEach((pair, i) => {
      const bytes = keys[p]![i]!;
      values[i] = (pair as [string, number])[1];
      offsets[i] = offset;
      arena.set(bytes, offset);
      offset += bytes.byteLength;
    });
    offsets[part.length] = offset;
    header[1 + 2 * p] = part.length;
    header[2 + 2 * p] = arenaLen;
    at += packedSectionBytes(part.length, arenaLen);
  });
  return buffer;
}

function arenaBytes(keys: readonly Buffer[]): number {
  return keys.reduce((n, k) => n + k.byteLength, 0);
}
