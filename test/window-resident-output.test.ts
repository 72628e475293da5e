// The resident sum windows' shortcuts must not change a result: the wasm window writes out only
// its values while its keys stay put (the key sections shared with the last whole window), and
// the js window subtracts a pane it added whole without looking its keys up. Each is checked
// against the way without the shortcut, on random panes with keys that come, stay and go.
import { describe, expect, it } from 'vitest';
import type { PairColumns } from '../src/batch/number-pairs.js';
import { WindowPartition } from '../src/core/js/window-partition.js';
import { KIND, Kernels, OP, separatorTable } from '../src/core/wasm/kernel-instance.js';
import { PackedBatch, parsePacked, type PackedPartition } from '../src/core/wasm/packed-tables.js';
import { mulberry32, pick, randomInt, randomLines, type Rng } from './support/random-text.js';

const VOCABULARY = ['a', 'b', 'cat', 'the', 'é', '日本', '😀', 'long-' + 'k'.repeat(40), 'z'];

function sectionBytes(p: PackedPartition): number[][] {
  return [[...p.values], [...p.offsets], [...p.hashes], [...p.arena]];
}

/** A packed pane of random lines over a small vocabulary, each token worth `value`. */
function randomPane(kernels: Kernels, rng: Rng, numPartitions: number, value: number): ArrayBuffer {
  const c = kernels.combiner(1, KIND.f64, 'pane');
  const text = randomLines(rng, 1 + randomInt(rng, 8), { vocabulary: VOCABULARY, maxWords: 4 }).join('\n') + '\n';
  kernels.addTokens(c, Buffer.from(text), separatorTable(' '), value, KIND.f64, OP.sum);
  return kernels.packSplit(c, numPartitions);
}

describe('the wasm resident window written out as values only', () => {
  it('gives the values of a whole pack, and the same key sections while the keys version stays', () => {
    const kernels = new Kernels();
    const rng = mulberry32(7);
    const n = 3;
    const win = kernels.resident('test-window', n, KIND.f64, { trackZeros: true, denseValues: true });
    const panes: ArrayBuffer[] = [];
    let previous: { batch: PackedBatch; version: number } | undefined;
    let shared = 0;
    for (let slide = 0; slide < 300; slide++) {
      // Mostly a pane in and the oldest out (keys come and go), sometimes values only: the same
      // pane subtracted and added back, so no key moves.
      if (panes.length > 0 && rng() < 0.3) {
        const pane = pick(rng, panes);
        kernels.mergePacked(win, pane, OP.subtract);
        kernels.mergePacked(win, pane, OP.sum);
      } else {
        const pane = randomPane(kernels, rng, n, pick(rng, [1, 2, 0.5, -1]));
        kernels.mergePacked(win, pane, OP.sum);
        panes.push(pane);
        if (panes.length > 4) kernels.mergePacked(win, panes.shift()!, OP.subtract);
      }
      kernels.dropZeros(win);
      const whole = new PackedBatch(kernels.pack(win));
      const version = kernels.keysVersion(win);
      const values = kernels.packValues(win, whole.count());
      expect([...new Float64Array(values)], `slide ${slide}`).toEqual(parsePacked(whole.packed).flatMap((s) => [...s.values]));
      if (previous?.version === version) {
        shared++;
        const reused = previous.batch.withValues(values);
        expect(reused.collect(), `slide ${slide}`).toEqual(whole.collect());
        expect(parsePacked(reused.packed).map(sectionBytes), `slide ${slide}`).toEqual(parsePacked(whole.packed).map(sectionBytes));
      } else {
        previous = { batch: whole, version };
      }
    }
    expect(shared).toBeGreaterThan(30);
    kernels.freeResident('test-window');
  });

  it('refuses values that do not match its keys', () => {
    const kernels = new Kernels();
    const c = kernels.combiner(2, KIND.f64);
    kernels.addTokens(c, Buffer.from('a b c\n'), separatorTable(' '), 1, KIND.f64, OP.sum);
    const batch = new PackedBatch(kernels.pack(c));
    expect(() => batch.withValues(new ArrayBuffer(8))).toThrow(/8 bytes of values for 3 keys/);
  });
});

describe('the js resident window partition', () => {
  /** Random columns of distinct keys (a reduced pane's partition). */
  function randomColumns(rng: Rng): PairColumns {
    const keys = [...new Set(Array.from({ length: randomInt(rng, 7) }, () => pick(rng, VOCABULARY)))];
    return { keys, values: Float64Array.from(keys, () => pick(rng, [1, -1, 2, 0.25, -3])) };
  }

  it('subtracts a remembered pane as it would by looking its keys up', () => {
    const rng = mulberry32(3);
    const fast = new WindowPartition();
    const slow = new WindowPartition();
    const panes: PairColumns[] = [];
    let lastKeys: readonly string[] | undefined;
    let keysShared = 0;
    for (let slide = 0; slide < 400; slide++) {
      const zerosFast: string[] = [];
      const zerosSlow: string[] = [];
      if (panes.length > 3 || (panes.length > 0 && rng() < 0.2)) {
        const leaving = panes.shift()!;
        // Leaving panes always held their keys here: a key not held is then an error in both.
        expect(fast.subtract(leaving, true, zerosFast)).toBe(slow.subtract(leaving, true, zerosSlow));
      }
      const entering = randomColumns(rng);
      fast.add(entering, zerosFast, true);
      slow.add(entering, zerosSlow, false);
      panes.push(entering);
      expect(zerosFast, `slide ${slide}`).toEqual(zerosSlow);
      fast.dropZeros(zerosFast);
      slow.dropZeros(zerosSlow);
      const columns = fast.columns();
      expect(columns, `slide ${slide}`).toEqual(slow.columns());
      if (columns.keys === lastKeys) keysShared++;
      lastKeys = columns.keys;
    }
    expect(keysShared).toBeGreaterThan(0);
  });
});
