// Group-key strings as small integer ids, looked up by their UTF-8 bytes (an open-addressing
// table over a byte arena, FNV-1a hashed), so a CSV cell gets its id without becoming a JS
// string; strings are decoded once per id, when an output row needs them.
import { TextDecoder, TextEncoder } from 'node:util';
import type { StringIds } from '../core.js';

const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
const encoder = new TextEncoder();

/** Ids for strings, by their UTF-8 bytes; ids are dense from 0 and never reused. */
export class StringDictionary implements StringIds {
  private arena = new Uint8Array(1 << 12);
  private arenaLen = 0;
  private starts = new Int32Array(256);
  private ends = new Int32Array(256);
  private hashes = new Int32Array(256);
  private buckets = new Int32Array(512);
  private readonly decoded: (string | undefined)[] = [];
  /** Ids given so far. */
  size = 0;

  /** The id of the bytes `b[from, to)`, added when new. */
  idOfBytes(b: Uint8Array, from: number, to: number): number {
    let h = 0x811c9dc5;
    for (let i = from; i < to; i++) h = Math.imul(h ^ b[i]!, 0x01000193);
    const buckets = this.buckets;
    const mask = buckets.length - 1;
    const len = to - from;
    for (let at = h & mask; ; at = (at + 1) & mask) {
      const slot = buckets[at]!;
      if (slot === 0) return this.add(b, from, to, h, at);
      const id = slot - 1;
      if (this.hashes[id] !== h) continue;
      const s = this.starts[id]!;
      if (this.ends[id]! - s !== len) continue;
      let i = 0;
      while (i < len && this.arena[s + i] === b[from + i]) i++;
      if (i === len) return id;
    }
  }

  idsOfCells(bytes: Uint8Array, starts: Int32Array, ends: Int32Array, from: number, to: number, out: Float64Array, offset: number, stride: number): void {
    for (let r = from; r < to; r++) out[(r - from) * stride + offset] = starts[r]! < 0 ? -1 : this.idOfBytes(bytes, starts[r]!, ends[r]!);
  }

  /** The id of `s`. */
  idOf(s: string): number {
    const bytes = encoder.encode(s);
    const id = this.idOfBytes(bytes, 0, bytes.length);
    this.decoded[id] ??= s;
    return id;
  }

  /** The string of `id`. */
  string(id: number): string {
    let s = this.decoded[id];
    if (s === undefined) {
      s = decoder.decode(this.arena.subarray(this.starts[id]!, this.ends[id]!));
      this.decoded[id] = s;
    }
    return s;
  }

  /** Bytes held (arena and tables), for the state's memory estimate. */
  get bytes(): number {
    return this.arena.byteLength + 12 * this.starts.length + 4 * this.buckets.length;
  }

  private add(b: Uint8Array, from: number, to: number, h: number, bucket: number): number {
    const id = this.size++;
    this.decoded.push(undefined); // dense, so lookups by id stay fast elements (not a sparse array's dictionary)
    if (id === this.starts.length) this.growEntries();
    const len = to - from;
    if (this.arenaLen + len > this.arena.length) {
      const arena = new Uint8Array(Math.max(2 * this.arena.length, this.arenaLen + len));
      arena.set(this.arena.subarray(0, this.arenaLen));
      this.arena = arena;
    }
    this.arena.set(b.subarray(from, to), this.arenaLen);
    this.starts[id] = this.arenaLen;
    this.ends[id] = this.arenaLen += len;
    this.hashes[id] = h;
    this.buckets[bucket] = id + 1;
    if (2 * this.size > this.buckets.length) this.rehash();
    return id;
  }

  private growEntries(): void {
    const grow = (a: Int32Array): Int32Array<ArrayBuffer> => {
      const next = new Int32Array(a.length * 2);
      next.set(a);
      return next;
    };
    this.starts = grow(this.starts);
    this.ends = grow(this.ends);
    this.hashes = grow(this.hashes);
  }

  private rehash(): void {
    const buckets = new Int32Array(this.buckets.length * 2);
    const mask = buckets.length - 1;
    for (let id = 0; id < this.size; id++) {
      let at = this.hashes[id]! & mask;
      while (buckets[at] !== 0) at = (at + 1) & mask;
      buckets[at] = id + 1;
    }
    this.buckets = buckets;
  }
}
