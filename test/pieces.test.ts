// Cutting text into pieces for the workers (every byte once, in order, cut only at line ends) and
// handing them out to workers in segments of consecutive pieces.
import { describe, expect, it } from 'vitest';
import { blockOfLines } from '../src/batch/text-batch.js';
import { PieceScheduler } from '../src/core/wasm/piece-scheduler.js';
import { piecesOf } from '../src/core/wasm/pieces.js';
import { mulberry32 } from './support/random-text.js';

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

describe('PieceScheduler', () => {
  /** Takes pieces for random workers until none is left: what each segment got, in take order. */
  function drain(scheduler: PieceScheduler, workers: number, rng: () => number): Map<number, number[]> {
    const segments = new Map<number, number[]>();
    const done = new Set<number>();
    while (done.size < workers) {
      const worker = Math.floor(rng() * workers);
      const next = scheduler.take(worker);
      if (next === undefined) {
        done.add(worker);
        continue;
      }
      segments.set(next.segment, [...(segments.get(next.segment) ?? []), next.piece]);
    }
    return segments;
  }

  it('cuts pieces into even or consecutive ranges and counts those that hold a piece', () => {
    expect(PieceScheduler.evenRanges(10, 3)).toEqual([[0, 3], [3, 6], [6, 10]]);
    expect(PieceScheduler.evenRanges(1, 2)).toEqual([[0, 0], [0, 1]]);
    expect(PieceScheduler.consecutiveRanges([2, 0, 3])).toEqual([[0, 2], [2, 2], [2, 5]]);
    expect(new PieceScheduler(PieceScheduler.evenRanges(1, 2), true).initialSegments).toBe(1);
    expect(new PieceScheduler(PieceScheduler.consecutiveRanges([2, 0, 3]), false).initialSegments).toBe(2);
  });

  it('hands out every piece once; each segment is a run of consecutive pieces named by its first', () => {
    const rng = mulberry32(11);
    for (let round = 0; round < 200; round++) {
      const pieces = Math.floor(rng() * 40);
      const workers = 1 + Math.floor(rng() * 4);
      const segments = drain(new PieceScheduler(PieceScheduler.evenRanges(pieces, workers), true), workers, rng);
      const ordered = [...segments].sort(([a], [b]) => a - b);
      for (const [segment, taken] of ordered) expect(taken).toEqual(taken.map((_, i) => segment + i));
      expect(ordered.flatMap(([, taken]) => taken)).toEqual(Array.from({ length: pieces }, (_, i) => i));
    }
  });

  it('an idle worker takes the back half of the largest unsent remainder', () => {
    const scheduler = new PieceScheduler(PieceScheduler.evenRanges(16, 2), true);
    // Unstarted segments go out in order: worker 0 starts the first, worker 1 the second.
    expect(scheduler.take(0)).toEqual({ piece: 0, segment: 0 });
    expect(scheduler.take(1)).toEqual({ piece: 8, segment: 8 });
    expect(scheduler.take(1)).toEqual({ piece: 9, segment: 8 });
    for (let piece = 1; piece < 8; piece++) expect(scheduler.take(0)).toEqual({ piece, segment: 0 });
    // Pieces 10..15 are unsent: worker 0 takes 13..15, worker 1 keeps 10..12.
    expect(scheduler.take(0)).toEqual({ piece: 13, segment: 13 });
    expect(scheduler.take(1)).toEqual({ piece: 10, segment: 8 });
    expect(scheduler.take(1)).toEqual({ piece: 11, segment: 8 });
    // One unsent piece (12) is not split off; worker 0 goes on with its own.
    expect(scheduler.take(0)).toEqual({ piece: 14, segment: 13 });
    expect(scheduler.take(0)).toEqual({ piece: 15, segment: 13 });
    expect(scheduler.take(0)).toBeUndefined();
    expect(scheduler.take(1)).toEqual({ piece: 12, segment: 8 });
    expect(scheduler.take(1)).toBeUndefined();
  });

  it('never splits a segment that must stay whole: idle workers take the next whole one', () => {
    const scheduler = new PieceScheduler([[0, 3], [3, 3], [3, 5]], false);
    expect(scheduler.take(0)).toEqual({ piece: 0, segment: 0 });
    expect(scheduler.take(1)).toEqual({ piece: 3, segment: 3 });
    expect(scheduler.take(1)).toEqual({ piece: 4, segment: 3 });
    expect(scheduler.take(1)).toBeUndefined();
    expect([1, 2].map(() => scheduler.take(0)?.piece)).toEqual([1, 2]);
    expect(scheduler.take(0)).toBeUndefined();
  });
});
