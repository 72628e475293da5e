// Batch.toLocalIterator (Spark's RDD.toLocalIterator): every element, partitions in order, the same
// as collect(), on every kind of batch the cores produce: packed word counts and resident windows
// (wasm), pair columns (js), updateStateByKey's state columns and plain batches. Batches that hold
// keys as bytes decode them as the loop reaches them.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PackedBatch } from '../src/core/wasm/packed-tables.js';
import { Batch, type CoreName, ManualClock, pair, StreamingContext, subtract, sum, words } from '../src/index.js';
import { mulberry32, randomLines, textBatch } from './support/random-text.js';

afterEach(() => vi.restoreAllMocks());

type Build = 'count' | 'window' | 'state' | 'object state';

/** Every batch `build` outputs over `batches` of random lines on `core`, each checked by `check`. */
async function eachOutput(core: CoreName, build: Build, check: (b: Batch<unknown>) => void): Promise<number> {
  const rng = mulberry32(core === 'js' ? 7 : 11);
  const clock = new ManualClock(0);
  const ssc = new StreamingContext({ batchInterval: 1000, master: 'local[2]', core, clock, out: { write: () => true } });
  const dir = mkdtempSync(join(tmpdir(), 'flint-to-local-iterator-'));
  ssc.checkpoint(dir);
  const queue = Array.from({ length: 6 }, (_, i) => textBatch(randomLines(rng, 300), 1 + (i % 3)));
  const counts = ssc.queueStream(queue).flatMap(words).map(pair(1));
  const out =
    build === 'count'
      ? counts.reduceByKey(sum, 3)
      : build === 'window'
        ? counts.reduceByKeyAndWindow(sum, subtract, 3000, 1000, 3)
        : build === 'state'
          ? counts.updateStateByKey<string, number, number>((values, state) => values.reduce((a, b) => a + b, state ?? 0), 3)
          : counts.updateStateByKey<string, number, { n: number }>((values, state) => ({ n: values.length + (state?.n ?? 0) }), 3);
  let seen = 0;
  out.foreachRDD((b) => {
    check(b);
    seen++;
  });
  try {
    await ssc.start();
    await clock.advance(queue.length * 1000);
  } finally {
    await ssc.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  return seen;
}

// The batch class each pipeline outputs on each core, whose own iterator is under test.
const KIND = {
  count: { wasm: 'PackedBatch', js: 'NumberPairsBatch' },
  window: { wasm: 'PackedBatch', js: 'NumberPairsBatch' },
  state: { wasm: 'NumberPairsBatch', js: 'NumberPairsBatch' },
  'object state': { wasm: 'StateColumnsBatch', js: 'StateColumnsBatch' },
} as const;

describe('toLocalIterator', () => {
  for (const core of ['wasm', 'js'] as const) {
    for (const build of ['count', 'window', 'state', 'object state'] as const) {
      it(`yields what collect() returns, in order: ${build} on the ${core} core`, async () => {
        let pairs = 0;
        const kinds = new Set<string>();
        const batches = await eachOutput(core, build, (b) => {
          kinds.add(b.constructor.name);
          // 3 as asked, also by updateStateByKey(f, 3) (Spark's numPartitions overload); the default would be 2.
          expect(b.numPartitions).toBe(3);
          const iterated = [...b.toLocalIterator()];
          expect(iterated).toEqual(b.collect());
          pairs += iterated.length;
        });
        expect(batches).toBe(6);
        expect(pairs).toBeGreaterThan(0);
        // The overrides, not only the generic path, are what is checked.
        expect([...kinds]).toContain(KIND[build][core]);
      });
    }
  }

  it('decodes the keys of a packed batch one at a time, as the loop reaches them', async () => {
    let checked = false;
    await eachOutput('wasm', 'window', (b) => {
      if (!(b instanceof PackedBatch) || b.count() < 20 || checked) return;
      checked = true;
      const decode = vi.spyOn(Buffer.prototype, 'toString');
      const it = b.toLocalIterator();
      const first = [it.next().value, it.next().value, it.next().value];
      expect(decode).toHaveBeenCalledTimes(3);
      decode.mockRestore();
      expect(first).toEqual(b.take(3));
    });
    expect(checked).toBe(true);
  });

  it('walks a plain batch partition after partition, empty partitions included', () => {
    const b = new Batch([[1, 2], [], [3], []]);
    expect([...b.toLocalIterator()]).toEqual([1, 2, 3]);
    expect([...Batch.empty(3).toLocalIterator()]).toEqual([]);
  });
});
