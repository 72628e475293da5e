// Merging the workers' packed partials (assembly/packed.ts) into one packed buffer on the main
// thread, reading the partials where they are: the wasm core's merge of many keys. The kernels'
// merge table costs 64 to 128 bytes a key plus copies in and out of wasm memory (1.3 GB at 5M
// keys); this index costs 16 to 32 bytes a key plus 16 per entry, freed after the merge, and the
// only other memory is the result. It gives the same bytes as the kernels' merge.
import { OP, type OpCode } from './kernel-instance.js';
import { packedHeaderBytes, packedSection, packedSectionBytes, parsePacked, type PackedPartition } from './packed-tables.js';

/**
 * The partials folded in order with `op`, as the kernels' combinerMergePacked into an empty
 * combiner then packing it gives: keys in first-seen order (partial by partial), each value
 * `op(op(v0, v1), v2)...` in partial order, hashes as the partials carry them. Every partial has
 * the same number of partitions.
 */
export function mergePackedPartials(partials: readonly ArrayBuffer[], op: OpCode): ArrayBuffer {
  const parsed = partials.map(parsePacked);
  const n = parsed[0]!.length;
  const merged = Array.from({ length: n }, (_, p) => mergePartition(parsed.map((parts) => parts[p]!), op));
  let size = packedHeaderBytes(n);
  for (const m of merged) size += packedSectionBytes(m.count, m.arenaLen);
  const out = new ArrayBuffer(size);
  const header = new Uint32Array(out, 0, 1 + 2 * n);
  header[0] = n;
  let at = packedHeaderBytes(n);
  merged.forEach((m, p) => {
    header[1 + 2 * p] = m.count;
    header[2 + 2 * p] = m.arenaLen;
    m.write(packedSection(out, at, m.count, m.arenaLen));
    at += packedSectionBytes(m.count, m.arenaLen);
  });
  return out;
}

/** One partition's merge: its size, and how to write it into a section of that size. */
interface MergedPartition {
  count: number;
  arenaLen: number;
  write(into: PackedPartition): void;
}

/**
 * Open addressing over output entries (linear probing, at most half full). A slot holds the
 * entry's index + 1 and its hash side by side, so a probe that misses reads one cache line. An
 * output entry is the first occurrence of its key: which section and index it came from, and its
 * folded value.
 */
function mergePartition(sections: readonly PackedPartition[], op: OpCode): MergedPartition {
  let total = 0;
  for (const s of sections) total += s.count;
  let cap = 16;
  while (cap < 2 * total) cap *= 2;
  const mask = cap - 1;
  const slots = new Int32Array(2 * cap);
  const fromSection = new Int32Array(total);
  const fromIndex = new Int32Array(total);
  const values = new Float64Array(total);
  let count = 0;
  let arenaLen = 0;
  for (let s = 0; s < sections.length; s++) {
    const { count: c, values: vs, offsets, hashes: unsigned, arena } = sections[s]!;
    // As int32 the hashes stay machine integers in optimized code (uint32 above 2^31 would not).
    const hashes = new Int32Array(unsigned.buffer, unsigned.byteOffset, c);
    for (let i = 0; i < c; i++) {
      const h = hashes[i]!;
      const start = offsets[i]!;
      const len = offsets[i + 1]! - start;
      const v = vs[i]!;
      let slot = h & mask;
      for (;;) {
        const e = slots[2 * slot]! - 1;
        if (e < 0) {
          slots[2 * slot] = count + 1;
          slots[2 * slot + 1] = h;
          fromSection[count] = s;
          fromIndex[count] = i;
          values[count] = op === OP.subtract ? -v : v;
          count++;
          arenaLen += len;
          break;
        }
        if (slots[2 * slot + 1] === h && sameKey(sections[fromSection[e]!]!, fromIndex[e]!, arena, start, len)) {
          values[e] = fold(op, values[e]!, v);
          break;
        }
        slot = (slot + 1) & mask;
      }
    }
  }
  return {
    count,
    arenaLen,
    write(into) {
      const arena = into.arena;
      let at = 0;
      for (let e = 0; e < count; e++) {
        const o = sections[fromSection[e]!]!;
        const j = fromIndex[e]!;
        const start = o.offsets[j]!;
        const end = o.offsets[j + 1]!;
        into.values[e] = values[e]!;
        into.hashes[e] = o.hashes[j]!;
        into.offsets[e] = at;
        // Keys are short: a loop beats a subarray (an object) per key.
        const from = o.arena;
        for (let b = start; b < end; b++) arena[at++] = from[b]!;
      }
      into.offsets[count] = at;
    },
  };
}

function sameKey(o: PackedPartition, j: number, arena: Uint8Array, start: number, len: number): boolean {
  const from = o.offsets[j]!;
  if (o.offsets[j + 1]! - from !== len) return false;
  const a = o.arena;
  for (let k = 0; k < len; k++) if (a[from + k] !== arena[start + k]) return false;
  return true;
}

/** The kernels' fold (assembly/table.ts, tableAdd) of `x` into `cur`. */
function fold(op: OpCode, cur: number, x: number): number {
  if (op === OP.sum) return cur + x;
  if (op === OP.subtract) return cur - x;
  if (op === OP.min) return x < cur ? x : cur;
  return x > cur ? x : cur;
}
