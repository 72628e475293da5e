// The kernels' token scan against a plain JS split: every token, wherever it sits relative to the
// 16-byte blocks the SIMD scan reads and to the end of the input (with or without a separator).
// Both ways of splitting: tokens (Flint's `split`, empty tokens dropped) and fields (JS's
// `line.split(sep)`, empty fields kept, an empty line is one empty field).
import { describe, expect, it } from 'vitest';
import { KIND, Kernels, OP, separatorTable } from '../src/core/wasm/kernel-instance.js';
import { PackedBatch } from '../src/core/wasm/packed-tables.js';
import { mulberry32 } from './support/random-text.js';

/** Word counts in first-seen order, splitting on the characters of `separators` and `\n`. */
function splitCount(text: string, separators: string): [string, number][] {
  const counts = new Map<string, number>();
  let token = '';
  for (const ch of text + '\n') {
    if (separators.includes(ch) || ch === '\n') {
      if (token) counts.set(token, (counts.get(token) ?? 0) + 1);
      token = '';
    } else {
      token += ch;
    }
  }
  return [...counts];
}

/** Field counts in first-seen order: JS's `line.split(separator)` over each line of `text`. */
function fieldCount(text: string, separator: string): [string, number][] {
  const counts = new Map<string, number>();
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop(); // whole lines end with \n
  for (const line of lines) for (const field of line.split(separator)) counts.set(field, (counts.get(field) ?? 0) + 1);
  return [...counts];
}

describe('token scan', () => {
  // ' \t' takes the SIMD scan (separators are spaces or control bytes), ',' the bytewise one.
  it.each([' \t', ','])('counts like a JS split for every length and ending (separators %j)', (separators) => {
    const kernels = new Kernels();
    const rng = mulberry32(5);
    const alphabet = ['a', 'b', 'é', '\0', ' ', '\t', ',', '\n'];
    for (let length = 0; length <= 70; length++) {
      for (let round = 0; round < 8; round++) {
        let text = '';
        while (Buffer.byteLength(text) < length) text += alphabet[Math.floor(rng() * alphabet.length)];
        const c = kernels.combiner(1, KIND.i64);
        const tokens = kernels.addTokens(c, Buffer.from(text), separatorTable(separators), 1, KIND.i64, OP.sum);
        const expected = splitCount(text, separators);
        expect(new PackedBatch(kernels.packSplit(c, 1)).collect(), JSON.stringify(text)).toEqual(expected);
        expect(tokens).toBe(expected.reduce((n, [, v]) => n + v, 0));
      }
    }
  });

  // ' ', '\t' and '\n' take the SIMD scan, ',' and 'é''s neighbour 'b' the bytewise one; with
  // '\n', the line end itself, every line is one field.
  it.each([' ', '\t', '\n', ',', 'b'])('counts fields like JS line.split(%j) for every length, with empty fields and lines', (separator) => {
    const kernels = new Kernels();
    const rng = mulberry32(9);
    const alphabet = ['a', 'b', 'é', '\0', ' ', ' ', '\t', ',', '\n'];
    for (let length = 0; length <= 70; length++) {
      for (let round = 0; round < 8; round++) {
        let text = '';
        while (Buffer.byteLength(text) < length) text += alphabet[Math.floor(rng() * alphabet.length)];
        if (!text.endsWith('\n')) text += '\n'; // the kernels get whole lines
        const c = kernels.combiner(1, KIND.i64);
        const tokens = kernels.addTokens(c, Buffer.from(text), separatorTable(separator), 1, KIND.i64, OP.sum, true);
        const expected = fieldCount(text, separator);
        expect(new PackedBatch(kernels.packSplit(c, 1)).collect(), JSON.stringify(text)).toEqual(expected);
        expect(tokens).toBe(expected.reduce((n, [, v]) => n + v, 0));
      }
    }
  });

  it('keeps empty fields in every partition table and value kind (the general path)', () => {
    const kernels = new Kernels();
    const text = ' x  y\n\nx \n';
    const c = kernels.combiner(3, KIND.f64);
    kernels.addTokens(c, Buffer.from(text), separatorTable(' '), 0.5, KIND.f64, OP.sum, true);
    const got = new PackedBatch(kernels.pack(c)).collect().sort(([a], [b]) => a.localeCompare(b));
    // ' x  y' has two empty fields, the empty line one, 'x ' one.
    expect(got).toEqual([['', 2], ['x', 1], ['y', 0.5]]);
  });
});
