// A hash table of byte-string keys in typed arrays (open addressing, linear probing), the js
// core's version of the kernels' table: a token is looked up by its bytes, so a word becomes a JS
// string once per distinct key, not once per occurrence.
import { xxhash32 } from '../../batch/hash.js';
import type { PairColumns } from '../../batch/number-pairs.js';

const INITIAL_SLOTS = 1 << 12;
const INITIAL_ARENA = 1 << 16;

/**
 * Distinct keys in first-insertion order, each with a sum kept the way the js core's map-side
 * combine adds it up: a left fold per input partition (`local`), and those partials folded in
 * partition order (`total`). Keys' bytes are copied once into an arena; slots hold entry indices.
 */
export class TokenTable {
  /** Number of distinct keys. */
  size = 0;
  private slots = new Int32Array(INITIAL_SLOTS);
  private mask = INITIAL_SLOTS - 1;
  private hashes = new Int32Array(INITIAL_SLOTS >> 1);
  private starts = new Int32Array(INITIAL_SLOTS >> 1);
  private lengths = new Int32Array(INITIAL_SLOTS >> 1);
  /** The input partition whose partial `local` holds; -1 once folded into `total`. */
  private partOf = new Int32Array(INITIAL_SLOTS >> 1);
  private local = new Float64Array(INITIAL_SLOTS >> 1);
  private total = new Float64Array(INITIAL_SLOTS >> 1);
  /** 1 when `total` holds at least one partition's partial. */
  private hasTotal = new Uint8Array(INITIAL_SLOTS >> 1);
  private arena = Buffer.allocUnsafe(INITIAL_ARENA);
  private arenaUsed = 0;

  /**
   * Adds `value` for the key `bytes[start, end)` (whose table hash is `h`) seen in input
   * partition `part`. Partitions must come in increasing order.
   */
  add(bytes: Uint8Array, start: number, end: number, h: number, part: number, value: number): void {
    const len = end - start;
    const slots = this.slots;
    const mask = this.mask;
    let i = h & mask;
    for (;;) {
      const e = slots[i]! - 1;
      if (e < 0) break;
      if (this.hashes[e] === h && this.lengths[e] === len && this.sameBytes(e, bytes, start, len)) {
        if (this.partOf[e] === part) {
          this.local[e] += value;
        } else {
          this.fold(e);
          this.local[e] = value;
          this.partOf[e] = part;
        }
        return;
      }
      i = (i + 1) & mask;
    }
    this.insert(i, bytes, start, len, h, part, value);
  }

  /**
   * Every key in first-insertion order, decoded from UTF-8 once, with its sum (or `constant` when
   * given: min and max of one repeated value are that value), placed in its xxHash32 partition.
   */
  toColumns(numPartitions: number, constant?: number): PairColumns[] {
    const arena = this.arena;
    const partition = new Int32Array(this.size);
    const counts = new Int32Array(numPartitions);
    if (numPartitions > 1) {
      for (let e = 0; e < this.size; e++) {
        const start = this.starts[e]!;
        const p = xxhash32(arena, start, start + this.lengths[e]!) % numPartitions;
        partition[e] = p;
        counts[p]++;
      }
    } else {
      counts[0] = this.size;
    }
    const out = Array.from(counts, (n) => ({ keys: new Array<string>(n), values: new Float64Array(n) }));
    const filled = new Int32Array(numPartitions);
    for (let e = 0; e < this.size; e++) {
      const p = partition[e]!;
      const at = filled[p]++;
      const start = this.starts[e]!;
      out[p]!.keys[at] = arena.toString('utf8', start, start + this.lengths[e]!);
      if (constant === undefined) this.fold(e);
      out[p]!.values[at] = constant ?? this.total[e]!;
    }
    return out;
  }

  /** Folds the key's current partition partial into its total, in partition order. */
  private fold(e: number): void {
    if (this.partOf[e] === -1) return;
    this.total[e] = this.hasTotal[e] === 1 ? this.total[e]! + this.local[e]! : this.local[e]!;
    this.hasTotal[e] = 1;
    this.partOf[e] = -1;
  }

  private sameBytes(e: number, bytes: Uint8Array, start: number, len: number): boolean {
    const arena = this.arena;
    const at = this.starts[e]!;
    for (let k = 0; k < len; k++) if (arena[at + k] !== bytes[start + k]) return false;
    return true;
  }

  private insert(slot: number, bytes: Uint8Array, start: number, len: number, h: number, part: number, value: number): void {
    const e = this.size++;
    if (e === this.hashes.length) this.growEntries();
    if (this.arenaUsed + len > this.arena.length) this.growArena(len);
    const arena = this.arena;
    const at = this.arenaUsed;
    // Most keys are words: a loop beats making a subarray (a Buffer object) to copy one.
    if (len <= 32) for (let k = 0; k < len; k++) arena[at + k] = bytes[start + k]!;
    else arena.set(bytes.subarray(start, start + len), at);
    this.starts[e] = this.arenaUsed;
    this.arenaUsed += len;
    this.lengths[e] = len;
    this.hashes[e] = h;
    this.partOf[e] = part;
    this.local[e] = value;
    this.hasTotal[e] = 0;
    this.slots[slot] = e + 1;
    // At most half full: linear probes stay short.
    if (this.size * 2 > this.slots.length) this.rehash();
  }

  private growEntries(): void {
    const n = this.hashes.length * 2;
    this.hashes = grown(this.hashes, new Int32Array(n));
    this.starts = grown(this.starts, new Int32Array(n));
    this.lengths = grown(this.lengths, new Int32Array(n));
    this.partOf = grown(this.partOf, new Int32Array(n));
    this.local = grown(this.local, new Float64Array(n));
    this.total = grown(this.total, new Float64Array(n));
    this.hasTotal = grown(this.hasTotal, new Uint8Array(n));
  }

  private growArena(len: number): void {
    let n = this.arena.length * 2;
    while (n < this.arenaUsed + len) n *= 2;
    const arena = Buffer.allocUnsafe(n);
    this.arena.copy(arena, 0, 0, this.arenaUsed);
    this.arena = arena;
  }

  private rehash(): void {
    const slots = new Int32Array(this.slots.length * 2);
    const mask = slots.length - 1;
    for (let e = 0; e < this.size; e++) {
      let i = this.hashes[e]! & mask;
      while (slots[i] !== 0) i = (i + 1) & mask;
      slots[i] = e + 1;
    }
    this.slots = slots;
    this.mask = mask;
  }
}

function grown<T extends Int32Array | Float64Array | Uint8Array>(from: T, to: T): T {
  to.set(from as never);
  return to;
}
