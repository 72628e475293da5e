// CompositeKeyTable on the wasm core: the hash table kernel of assembly/composite.ts. Keys are
// copied into the kernel's scratch buffer once per call and ids read back from its out buffer;
// the key array is read through a Float64Array view rebuilt after calls that may move it.
import type { CompositeKeyTable } from '../core.js';
import { instantiateKernels, type KernelExports } from './kernels.js';

/** The wasm core's table of composite keys (event-time window start + group key values). */
export class KernelCompositeKeyTable implements CompositeKeyTable {
  private readonly ex: KernelExports;
  private readonly table: number;
  private keys!: Float64Array;
  private alive!: Uint8Array;
  count = 0;
  live = 0;

  /** A table in a kernel instance of its own, or the table at `shared.table` of `shared.ex` (a window aggregation's). */
  constructor(
    readonly width: number,
    shared?: { ex: KernelExports; table: number },
  ) {
    this.ex = shared?.ex ?? instantiateKernels();
    this.table = shared?.table ?? this.ex.compositeNew(width) >>> 0;
    this.refresh();
  }

  /** The views and counts again, after a kernel call that may grow memory or move the arrays. */
  refresh(): void {
    const buffer = this.ex.memory.buffer;
    this.count = this.ex.compositeCount(this.table) >>> 0;
    this.live = this.ex.compositeLive(this.table) >>> 0;
    this.keys = new Float64Array(buffer, this.ex.compositeKeys(this.table) >>> 0, Math.max(this.count, 1) * this.width);
    this.alive = new Uint8Array(buffer, this.ex.compositeAlive(this.table) >>> 0, Math.max(this.count, 1));
  }

  upsert(keys: Float64Array, n: number, out: Int32Array): void {
    if (n === 0) return;
    const values = n * this.width;
    const input = this.ex.scratch(values * 8) >>> 0;
    const ids = this.ex.outBuffer(n * 4) >>> 0;
    new Float64Array(this.ex.memory.buffer, input, values).set(keys.subarray(0, values));
    this.ex.compositeUpsert(this.table, input, n, ids);
    out.set(new Int32Array(this.ex.memory.buffer, ids, n));
    this.refresh();
  }

  key(id: number, k: number): number {
    return this.keys[id * this.width + k]!;
  }

  isLive(id: number): boolean {
    return this.alive[id] === 1;
  }

  remove(id: number): void {
    this.ex.compositeRemove(this.table, id);
    this.alive[id] = 0;
    this.live--;
  }

  compact(): Int32Array {
    const count = this.count;
    const moved = this.ex.outBuffer(Math.max(count, 1) * 4) >>> 0;
    this.ex.compositeCompact(this.table, moved);
    const out = new Int32Array(this.ex.memory.buffer, moved, count).slice();
    this.refresh();
    return out;
  }

  close(): void {
    this.ex.compositeFree(this.table);
  }
}
