// The wasm core's JS merge of packed partials (merge-packed.ts) against the kernels' merge, its
// trusted reference: on random partials (overlapping keys, multi-byte and long keys, i64 and f64
// values, every reducer) both must give the same bytes.
import { describe, expect, it } from 'vitest';
import { KIND, Kernels, OP, separatorTable, type OpCode, type ValueKind } from '../src/core/wasm/kernel-instance.js';
import { mergePackedPartials } from '../src/core/wasm/merge-packed.js';
import { PackedBatch, parsePacked, type PackedPartition } from '../src/core/wasm/packed-tables.js';
import { mulberry32, randomInt, randomLines } from './support/random-text.js';

const CASES: [string, OpCode, ValueKind, number][] = [
  ['count', OP.sum, KIND.i64, 1],
  ['float sum', OP.sum, KIND.f64, 0.1],
  ['subtract', OP.subtract, KIND.f64, 2.5],
  ['min', OP.min, KIND.i64, -3],
  ['max', OP.max, KIND.f64, 7.5],
];

/** A section's values, offsets, hashes and key bytes, as plain arrays for comparing. */
function sectionBytes(p: PackedPartition): number[][] {
  return [[...p.values], [...p.offsets], [...p.hashes], [...p.arena]];
}

describe('mergePackedPartials', () => {
  it.each(CASES)('gives the bytes of the kernels\' merge (%s)', (_, op, kind, value) => {
    const kernels = new Kernels();
    const rng = mulberry32(11);
    for (let round = 0; round < 20; round++) {
      const numPartitions = 1 + randomInt(rng, 4);
      const partials = Array.from({ length: 1 + randomInt(rng, 5) }, () => {
        const c = kernels.combiner(1, kind, 'partial');
        const text = randomLines(rng, 1 + randomInt(rng, 60)).join('\n') + '\n';
        kernels.addTokens(c, Buffer.from(text), separatorTable(' ,'), value, kind, op === OP.subtract ? OP.sum : op);
        return kernels.packSplit(c, numPartitions);
      });
      const merged = kernels.combiner(numPartitions, kind, 'merge');
      for (const p of partials) kernels.mergePacked(merged, p, op);
      const expected = kernels.pack(merged);
      const actual = mergePackedPartials(partials, op);
      expect(new PackedBatch(actual).glom().collect(), `round ${round}`).toEqual(new PackedBatch(expected).glom().collect());
      // Same sections byte for byte (the alignment padding between them is not written).
      expect(parsePacked(actual).map(sectionBytes), `round ${round}`).toEqual(parsePacked(expected).map(sectionBytes));
    }
  });
});
