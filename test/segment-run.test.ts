// SegmentRun: a block counter's segment on one worker. Its blocks wait as references to the
// received text and are copied into transfer buffers only a few pieces ahead of the worker, so a
// fast producer neither drops text nor takes a fresh buffer per piece.
import { describe, expect, it } from 'vitest';
import { blockOfLines } from '../src/batch/text-batch.js';
import { KIND, OP } from '../src/core/wasm/kernel-instance.js';
import { PackedBatch } from '../src/core/wasm/packed-tables.js';
import { SEGMENT_PIECES_IN_FLIGHT, SegmentRun } from '../src/core/wasm/segment-run.js';
import { BufferRecycler } from '../src/pool/buffer-recycler.js';
import type { CountSettings } from '../src/pool/count-run.js';
import { WorkerPool } from '../src/pool/pool.js';
import { mulberry32, randomInt, randomLine } from './support/random-text.js';

const WORD_COUNT: CountSettings = { separators: ' ', fields: false, value: 1, valueKind: KIND.i64, op: OP.sum, numPartitions: 1 };

/** A recycler that records how many of its buffers are out (taken and not given back) at most. */
class WatchedRecycler extends BufferRecycler {
  out = 0;
  maxOut = 0;
  override take(size: number): ArrayBuffer {
    this.maxOut = Math.max(this.maxOut, ++this.out);
    return super.take(size);
  }
  override give(buffer: ArrayBuffer): void {
    this.out--;
    super.give(buffer);
  }
}

function jsWordCount(lines: string[]): [string, number][] {
  const counts = new Map<string, number>();
  for (const line of lines) for (const w of line.split(' ')) if (w !== '') counts.set(w, (counts.get(w) ?? 0) + 1);
  return [...counts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

describe('SegmentRun', () => {
  it('counts every block sent at once, with at most a few pieces copied ahead of the worker', async () => {
    const pool = new WorkerPool(1);
    try {
      const rng = mulberry32(7);
      const lines: string[] = [];
      const blocks = Array.from({ length: 20 }, () => {
        const block = Array.from({ length: 50 + randomInt(rng, 300) }, () => randomLine(rng, { longKeyChance: 0.01 }));
        lines.push(...block);
        return blockOfLines(block);
      });
      const buffers = new WatchedRecycler(SEGMENT_PIECES_IN_FLIGHT);
      const run = new SegmentRun(pool, buffers, WORD_COUNT, 2048);
      for (const block of blocks) run.send([block]);
      expect(run.caughtUp).toBe(false);
      run.end();
      const counted = new PackedBatch(await run.table).collect();
      expect([...counted].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))).toEqual(jsWordCount(lines));
      // Many pieces went through (2 KB each), never more than the limit at once, all given back.
      const bytes = blocks.reduce((n, b) => n + b.bytes.byteLength, 0);
      expect(bytes / 2048).toBeGreaterThan(10 * SEGMENT_PIECES_IN_FLIGHT);
      expect(buffers.maxOut).toBe(SEGMENT_PIECES_IN_FLIGHT);
      expect(buffers.out).toBe(0);
      expect(run.caughtUp).toBe(true);
    } finally {
      await pool.close();
    }
  });
});
