// Cutting text into pieces for the workers: every byte once, in order, cut only at line ends.
import { describe, expect, it } from 'vitest';
import { blockOfLines } from '../src/batch/text-batch.js';
import { piecesOf } from '../src/core/wasm/pieces.js';

const text = (pieces: Uint8Array[][]) => pieces.map((p) => Buffer.concat(p).toString()).join('');

describe('piecesOf', () => {
  const blocks = [blockOfLines(['aaaa', 'bb', 'c']), blockOfLines(['dddddd']), blockOfLines(['e', 'ff'])];
  const all = 'aaaa\nbb\nc\ndddddd\ne\nff\n';

  it('keeps every byte once, in order, and cuts only after a newline', () => {
    for (const size of [1, 2, 3, 5, 8, 13, 100, Infinity]) {
      const pieces = piecesOf(blocks, size);
      expect(text(pieces)).toBe(all);
      for (const p of pieces) expect(Buffer.concat(p).toString().endsWith('\n')).toBe(true);
    }
  });

  it('makes pieces of about the asked size', () => {
    expect(piecesOf(blocks, Infinity)).toHaveLength(1);
    expect(piecesOf(blocks, 1).map((p) => Buffer.concat(p).toString())).toEqual(['aaaa\n', 'bb\n', 'c\n', 'dddddd\n', 'e\n', 'ff\n']);
    expect(piecesOf(blocks, 8).map((p) => Buffer.concat(p).toString())).toEqual(['aaaa\nbb\n', 'c\ndddddd\n', 'e\nff\n']);
    expect(piecesOf([], 8)).toEqual([]);
  });
});

describe('a large partition shared by several workers', () => {
  it('counts exactly as the js core, partition by partition', async () => {
    const { TextBatch } = await import('../src/batch/text-batch.js');
    const { JsCore } = await import('../src/core/js/js-core.js');
    const { WasmCore } = await import('../src/core/wasm/wasm-core.js');
    const { PackedBatch } = await import('../src/core/wasm/packed-tables.js');
    const { max, pair, sum, words } = await import('../src/index.js');
    let seed = 99;
    const rand = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
    const lines: string[] = [];
    for (let bytes = 0; bytes < 9e6; ) {
      const line = Array.from({ length: 8 }, () => `w${Math.floor(rand() ** 3 * 50_000)}`).join(' ');
      lines.push(line);
      bytes += line.length + 1;
    }
    const text = TextBatch.fromBlocks([blockOfLines(lines)], 1); // one partition, two workers
    const wasm = new WasmCore(2);
    const js = new JsCore();
    try {
      for (const [f, v] of [[sum, 1], [max, 3]] as const) {
        const a = await wasm.reduceByKey(text.flatMap(words).map(pair(v)), f, 3);
        const b = await js.reduceByKey(text.flatMap(words).map(pair(v)), f, 3);
        expect(a).toBeInstanceOf(PackedBatch);
        expect(a.partitions).toEqual(b.partitions);
      }
    } finally {
      await wasm.close();
    }
  }, 60_000);
});
