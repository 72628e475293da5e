// Kernels: one WASM instance with the JS helpers around its raw exports. Each worker thread owns
// one, and the wasm core owns one on the main thread for merges and resident window state.
import { FlintError } from '../../errors.js';
import { instantiateKernels, type KernelExports } from './kernels.js';

/** Value kinds and reducer codes, as in assembly/table.ts. */
export const KIND = { i64: 0, f64: 1 } as const;
export const OP = { sum: 0, min: 1, max: 2, subtract: 3 } as const;
export type ValueKind = (typeof KIND)[keyof typeof KIND];
export type OpCode = (typeof OP)[keyof typeof OP];

/** Readable bytes the kernels need after any key they read (assembly/table.ts, KEY_SLACK). */
const KEY_SLACK = 16;

/** Input is fed to the tokenizer in pieces of about this size (PERF-NOTES, point 2). */
const CHUNK_BYTES = 1 << 20;
const LF = 0x0a;

/** The 256-entry separator table for `separators`; `\n` always separates (lines never join). */
export function separatorTable(separators: string): Uint8Array {
  const table = new Uint8Array(256);
  for (const c of separators) table[c.charCodeAt(0)] = 1;
  table[LF] = 1;
  return table;
}

/** The 8 raw bytes the kernel takes for `value` in a table of `kind`. */
export function rawValue(value: number, kind: ValueKind): bigint {
  if (kind === KIND.i64) return BigInt(value);
  return new BigUint64Array(new Float64Array([value]).buffer)[0]!;
}

/**
 * A kernel instance with named, typed operations. A kernel that traps may leave its tables half
 * updated, so after any failing call the instance is replaced: every combiner and window made
 * before is gone, and {@link Kernels.generation} tells their owners to rebuild.
 */
export class Kernels {
  private raw: KernelExports = instantiateKernels();
  private readonly ex: KernelExports = guardExports(
    () => this.raw,
    () => this.replaceInstance(),
  );
  private readonly combiners = new Map<string, number>();
  /** Incremented each time the instance is replaced after a failure. */
  generation = 0;

  private replaceInstance(): void {
    this.raw = instantiateKernels();
    this.combiners.clear();
    this.generation++;
  }

  /** An empty combiner of `n` partitions of `kind`; the same one is reused for the same shape. */
  combiner(n: number, kind: ValueKind, slot = 'default'): number {
    const key = `${slot}:${n}:${kind}`;
    let c = this.combiners.get(key);
    if (c === undefined) {
      c = this.ex.combinerNew(n, kind) >>> 0;
      this.combiners.set(key, c);
    } else {
      this.ex.combinerClear(c);
    }
    return c;
  }

  /**
   * A combiner that keeps its contents between calls (resident state), created on first use.
   * With `trackZeros`, {@link Kernels.dropZeros} can remove keys whose value became 0; with
   * `denseValues`, {@link Kernels.packValues} can write its values alone.
   */
  resident(name: string, n: number, kind: ValueKind, { trackZeros = false, denseValues = false } = {}): number {
    const key = `resident:${name}`;
    let c = this.combiners.get(key);
    if (c === undefined) {
      c = this.ex.combinerNew(n, kind) >>> 0;
      if (trackZeros) this.ex.combinerTrackZeros(c);
      if (denseValues) this.ex.combinerKeepDenseValues(c);
      this.combiners.set(key, c);
    }
    return c;
  }

  /** Frees a resident combiner. */
  freeResident(name: string): void {
    const key = `resident:${name}`;
    const c = this.combiners.get(key);
    if (c !== undefined) this.ex.combinerFree(c);
    this.combiners.delete(key);
  }

  /** Empties a combiner. */
  clear(c: number): void {
    this.ex.combinerClear(c);
  }

  /**
   * Tokenizes `bytes` (whole lines) and folds `value` per token into `c` with `op`, feeding the
   * kernel pieces of about 1 MB cut at line ends. With `fields`, every separator ends a token,
   * empty ones included, as JS's `line.split(sep)` does; otherwise empty tokens are dropped, as
   * Flint's `split` does. Returns the number of tokens.
   */
  addTokens(c: number, bytes: Uint8Array, seps: Uint8Array, value: number, kind: ValueKind, op: OpCode, fields = false): number {
    const raw = rawValue(value, kind);
    const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    let tokens = 0;
    for (let from = 0; from < buf.length; ) {
      let to = Math.min(buf.length, from + CHUNK_BYTES);
      if (to < buf.length) to = buf.indexOf(LF, to - 1) + 1 || buf.length;
      const len = to - from;
      const ptr = this.ex.scratch(len + 256) >>> 0;
      const mem = new Uint8Array(this.ex.memory.buffer);
      mem.set(buf.subarray(from, to), ptr);
      mem.set(seps, ptr + len);
      tokens += this.ex.combinerAddTokens(c, ptr, len, ptr + len, raw, op, fields ? 1 : 0) >>> 0;
      from = to;
    }
    return tokens;
  }

  /** Folds a packed buffer into `c` with `op`; `hashed` is false for buffers packed in JS (packPairs). */
  mergePacked(c: number, packed: ArrayBuffer, op: OpCode, hashed = true): void {
    const ptr = this.ex.scratch(packed.byteLength + KEY_SLACK) >>> 0;
    new Uint8Array(this.ex.memory.buffer).set(new Uint8Array(packed), ptr);
    checkMerged(this.ex.combinerMergePacked(c, ptr, packed.byteLength, op, hashed ? 1 : 0), 'combiner');
  }

  /** Folds combiner `src` into `dst` with `op`, partition by partition. */
  merge(dst: number, src: number, op: OpCode): void {
    this.ex.combinerMerge(dst, src, op);
  }

  /** Drops keys whose value became 0, in every partition (the combiner must track zeros). */
  dropZeros(c: number): void {
    this.ex.combinerDropZeros(c);
  }

  /** A two-stacks sliding window (assembly/window.ts) of `n` partitions of f64 reduced with `op`. */
  slidingNew(n: number, op: OpCode): number {
    return this.ex.slidingNew(n, op) >>> 0;
  }

  /** Frees a sliding window and its tables. */
  slidingFree(w: number): void {
    this.ex.slidingFree(w);
  }

  /** Number of panes in a sliding window. */
  slidingSize(w: number): number {
    return this.ex.slidingSize(w) >>> 0;
  }

  /** Appends a packed pane as the newest pane of `w`. */
  slidingPush(w: number, packed: ArrayBuffer): void {
    const ptr = this.ex.scratch(packed.byteLength + KEY_SLACK) >>> 0;
    new Uint8Array(this.ex.memory.buffer).set(new Uint8Array(packed), ptr);
    checkMerged(this.ex.slidingPush(w, ptr, packed.byteLength), 'sliding window');
  }

  /** Drops the `count` oldest panes of `w` (all of them when `count` is at least its size). */
  slidingEvict(w: number, count: number): void {
    this.ex.slidingEvict(w, count);
  }

  /** The combiner holding the whole window of `w`; valid until the next push or evict. */
  slidingResult(w: number): number {
    return this.ex.slidingResult(w) >>> 0;
  }

  /**
   * Copies the single table of `c` out as a packed buffer of `n` partitions (each key in
   * partition xxHash32 % n), owned by JS.
   */
  packSplit(c: number, n: number): ArrayBuffer {
    const ptr = this.ex.combinerPackSplit(c, n) >>> 0;
    const size = this.ex.packedSplitSize() >>> 0;
    return new Uint8Array(this.ex.memory.buffer, ptr, size).slice().buffer;
  }

  /** Bytes `c` packs to: 16 a key plus the keys' bytes. */
  packedSize(c: number): number {
    return this.ex.combinerPackedSize(c) >>> 0;
  }

  /** A number that stays the same exactly while the keys of `c` and their order do. */
  keysVersion(c: number): number {
    return this.ex.combinerKeysVersion(c) >>> 0;
  }

  /**
   * Copies out the values of `c`'s `keys` live keys, as the f64 values sections of its packed form
   * one after the other (`c` must keep dense values, see {@link Kernels.resident}).
   */
  packValues(c: number, keys: number): ArrayBuffer {
    const size = 8 * keys;
    const ptr = this.ex.outBuffer(size) >>> 0;
    this.ex.combinerPackValues(c, ptr);
    return new Uint8Array(this.ex.memory.buffer, ptr, size).slice().buffer;
  }

  /** Copies `c` out as a packed buffer owned by JS. */
  pack(c: number): ArrayBuffer {
    const size = this.ex.combinerPackedSize(c) >>> 0;
    const ptr = this.ex.outBuffer(size) >>> 0;
    this.ex.combinerPack(c, ptr);
    return new Uint8Array(this.ex.memory.buffer, ptr, size).slice().buffer;
  }
}

// The status codes of combinerMergePacked and slidingPush (assembly/packed.ts).
function checkMerged(status: number, into: string): void {
  if (status === 1) throw new Error(`packed buffer has a different number of partitions than the ${into}`);
  if (status === 2) {
    throw new FlintError('JOB_FAILED', `a packed table buffer is malformed (sections past its end or key offsets out of order); nothing was merged into the ${into}`);
  }
}

// Every call into the instance goes through here: a trap replaces the instance and surfaces as a
// FlintError naming what failed.
function guardExports(current: () => KernelExports, replace: () => void): KernelExports {
  return new Proxy({} as KernelExports, {
    get(_, name: string) {
      const value = (current() as unknown as Record<string, unknown>)[name];
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        try {
          return (value as (...a: unknown[]) => unknown)(...args);
        } catch (error) {
          replace();
          throw new FlintError(
            'JOB_FAILED',
            `WASM kernel ${name} failed (${(error as Error)?.message ?? String(error)}); the kernel instance was replaced and its windows will be rebuilt`,
            { cause: error },
          );
        }
      };
    },
  });
}
