// StringIds on the wasm core: the dictionary kernel of assembly/dictionary.ts, in the window
// aggregation's kernel instance (so its CSV kernel interns cells without leaving wasm). Strings
// are decoded once per id, when an output row needs them.
import { TextDecoder, TextEncoder } from 'node:util';
import type { StringIds } from '../core.js';
import type { KernelExports } from './kernels.js';

const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
const encoder = new TextEncoder();

/** The wasm core's string ids. */
export class KernelStringDictionary implements StringIds {
  private readonly decoded: (string | undefined)[] = [];

  constructor(
    private readonly ex: KernelExports,
    /** The dictionary's address in `ex`'s memory. */
    readonly dict: number,
  ) {}

  idsOfCells(bytes: Uint8Array, starts: Int32Array, ends: Int32Array, from: number, to: number, out: Float64Array, offset: number, stride: number): void {
    const n = to - from;
    if (n <= 0) return;
    // Copies the byte span the cells cover, and their offsets rebased to it.
    let lo = Infinity;
    let hi = 0;
    for (let r = from; r < to; r++) {
      if (starts[r]! < 0) continue;
      if (starts[r]! < lo) lo = starts[r]!;
      if (ends[r]! > hi) hi = ends[r]!;
    }
    if (lo === Infinity) lo = hi = 0;
    const span = hi - lo;
    const spanAt = 8 * n;
    const base = this.ex.scratch(spanAt + span + 8) >>> 0;
    const ids = this.ex.outBuffer(8 * n) >>> 0;
    const buffer = this.ex.memory.buffer;
    const cells = new Int32Array(buffer, base, 2 * n);
    for (let r = from; r < to; r++) {
      cells[r - from] = starts[r]! < 0 ? -1 : starts[r]! - lo;
      cells[n + r - from] = ends[r]! - lo;
    }
    new Uint8Array(buffer, base + spanAt, span).set(bytes.subarray(lo, hi));
    this.ex.dictInternCells(this.dict, base + spanAt, base, base + 4 * n, n, ids, 1);
    const got = new Float64Array(this.ex.memory.buffer, ids, n);
    for (let i = 0; i < n; i++) out[i * stride + offset] = got[i]!;
  }

  idOf(s: string): number {
    const bytes = encoder.encode(s);
    const at = this.ex.scratch(Math.max(1, bytes.length)) >>> 0;
    new Uint8Array(this.ex.memory.buffer, at, bytes.length).set(bytes);
    const id = this.ex.dictIntern(this.dict, at, bytes.length);
    if (this.decoded[id] === undefined) this.remember(id, s);
    return id;
  }

  string(id: number): string {
    let s = this.decoded[id];
    if (s === undefined) {
      const at = this.ex.dictBytes(this.dict, id) >>> 0;
      s = decoder.decode(new Uint8Array(this.ex.memory.buffer, at, this.ex.dictLength(this.dict, id) >>> 0));
      this.remember(id, s);
    }
    return s;
  }

  // Ids are decoded in any order; the array is kept dense (fast elements, not a sparse array's dictionary).
  private remember(id: number, s: string): void {
    while (this.decoded.length < id) this.decoded.push(undefined);
    this.decoded[id] = s;
  }

  get bytes(): number {
    return this.ex.dictMemory(this.dict) >>> 0;
  }
}
