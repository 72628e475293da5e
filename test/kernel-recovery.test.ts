// A kernel that fails on the main thread is replaced; resident windows rebuild and stay correct.
import { describe, expect, it } from 'vitest';
import { blockOfLines, TextBatch } from '../src/batch/text-batch.js';
import { FlintError, pair, sum, words } from '../src/index.js';
import { KIND, Kernels, OP } from '../src/core/wasm/kernel-instance.js';
import { PackedBatch } from '../src/core/wasm/packed-tables.js';
import { WasmCore } from '../src/core/wasm/wasm-core.js';

// A packed buffer whose header promises far more entries than it holds.
function corruptPacked(): ArrayBuffer {
  const buf = new ArrayBuffer(16);
  const header = new Uint32Array(buf);
  header[0] = 1;
  header[1] = 0x7fffffff;
  header[2] = 0x7fffffff;
  return buf;
}

async function pane(core: WasmCore, lines: string[]): Promise<PackedBatch> {
  const text = TextBatch.fromBlocks([blockOfLines(lines)], 1);
  const result = await core.reduceByKey(text.flatMap(words).map(pair(1)), sum, 1);
  expect(result).toBeInstanceOf(PackedBatch);
  return result as unknown as PackedBatch;
}

// A kernel call that traps: a combiner of 2^29 partitions needs a 2 GB allocation.
function trap(kernels: Kernels): void {
  kernels.combiner(2 ** 29, KIND.f64);
}

describe('main-thread kernel failure', () => {
  it('a malformed packed buffer is refused with a clear error, changing nothing', () => {
    const kernels = new Kernels();
    const c = kernels.combiner(1, KIND.f64);
    const good = kernels.pack(c);
    for (const bad of [corruptPacked(), good.slice(0, 3), new ArrayBuffer(64)]) {
      expect(() => kernels.mergePacked(c, bad, OP.sum)).toThrow(/packed table buffer is malformed/);
    }
    expect(kernels.generation).toBe(0);
  });

  it('surfaces as JOB_FAILED and replaces the instance, which then works', () => {
    const kernels = new Kernels();
    let error: unknown;
    try {
      trap(kernels);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(FlintError);
    expect((error as FlintError).code).toBe('JOB_FAILED');
    expect((error as Error).message).toMatch(/combinerNew failed .*instance was replaced/);
    expect(kernels.generation).toBe(1);
    const fresh = kernels.combiner(1, KIND.f64);
    expect(new PackedBatch(kernels.pack(fresh)).count()).toBe(0);
  });

  it('a resident sum window rebuilds from the previous window after a replacement', async () => {
    const core = new WasmCore(1);
    try {
      const a = await pane(core, ['x y', 'x']);
      const b = await pane(core, ['y z']);
      const window = core.createSumWindow(1, true);
      const w1 = window.slide(1000, 0, undefined, [], [a])!;
      expect(new Map(w1.collect())).toEqual(new Map([['x', 2], ['y', 1]]));
      const kernels = (core as unknown as { kernels: Kernels }).kernels;
      expect(() => trap(kernels)).toThrow(FlintError);
      const w2 = window.slide(2000, 1000, w1, [a], [b])!;
      expect(new Map(w2.collect())).toEqual(new Map([['y', 1], ['z', 1]]));
    } finally {
      await core.close();
    }
  });
});
