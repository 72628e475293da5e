// CompositeKeyTable on the js core: open addressing (linear probing) over keys of `width` f64
// values, compared bit for bit. Entries are numbered in insertion order and keep their number
// until compact(); a removed entry leaves a tombstone in its bucket.
import type { CompositeKeyTable } from '../core.js';

const EMPTY = 0;
const TOMBSTONE = -1;

/** The js core's table of composite keys (event-time window start + group key values). */
export class JsCompositeKeyTable implements CompositeKeyTable {
  count = 0;
  live = 0;
  private keys: Float64Array;
  private bits: Int32Array;
  private hashes: Int32Array;
  private alive: Uint8Array;
  private buckets: Int32Array;
  private used = 0; // buckets not EMPTY (entries and tombstones)

  constructor(readonly width: number) {
    this.keys = new Float64Array(64 * width);
    this.bits = new Int32Array(this.keys.buffer);
    this.hashes = new Int32Array(64);
    this.alive = new Uint8Array(64);
    this.buckets = new Int32Array(128);
  }

  upsert(keys: Float64Array, n: number, out: Int32Array): void {
    const w = this.width;
    const words = new Int32Array(keys.buffer, keys.byteOffset, n * w * 2);
    for (let r = 0; r < n; r++) {
      if (2 * (this.used + 1) > this.buckets.length) this.rehash(this.buckets.length * 2);
      out[r] = this.find(words, r * w * 2);
    }
  }

  // The entry of the key at words[at, at + 2 * width), inserted when new.
  private find(words: Int32Array, at: number): number {
    const w2 = this.width * 2;
    let h = 0x2545f491;
    for (let i = 0; i < w2; i++) h = mix(h, words[at + i]!);
    h = finish(h);
    const buckets = this.buckets;
    const mask = buckets.length - 1;
    const bits = this.bits;
    let tomb = -1;
    for (let b = h & mask; ; b = (b + 1) & mask) {
      const slot = buckets[b]!;
      if (slot === EMPTY) {
        const id = this.insert(words, at, h);
        if (tomb >= 0) buckets[tomb] = id + 1;
        else {
          buckets[b] = id + 1;
          this.used++;
        }
        return id;
      }
      if (slot === TOMBSTONE) {
        if (tomb < 0) tomb = b;
        continue;
      }
      const id = slot - 1;
      if (this.hashes[id] !== h) continue;
      let same = true;
      const base = id * w2;
      for (let i = 0; i < w2; i++) {
        if (bits[base + i] !== words[at + i]) {
          same = false;
          break;
        }
      }
      if (same) return id;
    }
  }

  private insert(words: Int32Array, at: number, h: number): number {
    if (this.count === this.hashes.length) this.growEntries();
    const id = this.count++;
    const w2 = this.width * 2;
    this.bits.set(words.subarray(at, at + w2), id * w2);
    this.hashes[id] = h;
    this.alive[id] = 1;
    this.live++;
    return id;
  }

  private growEntries(): void {
    const cap = this.hashes.length * 2;
    const keys = new Float64Array(cap * this.width);
    keys.set(this.keys);
    this.keys = keys;
    this.bits = new Int32Array(keys.buffer);
    const hashes = new Int32Array(cap);
    hashes.set(this.hashes);
    this.hashes = hashes;
    const alive = new Uint8Array(cap);
    alive.set(this.alive);
    this.alive = alive;
  }

  private rehash(size: number): void {
    const buckets = new Int32Array(Math.max(size, 128));
    const mask = buckets.length - 1;
    for (let id = 0; id < this.count; id++) {
      if (!this.alive[id]) continue;
      let b = this.hashes[id]! & mask;
      while (buckets[b] !== EMPTY) b = (b + 1) & mask;
      buckets[b] = id + 1;
    }
    this.buckets = buckets;
    this.used = this.live;
  }

  key(id: number, k: number): number {
    return this.keys[id * this.width + k]!;
  }

  isLive(id: number): boolean {
    return this.alive[id] === 1;
  }

  remove(id: number): void {
    if (!this.alive[id]) return;
    const mask = this.buckets.length - 1;
    let b = this.hashes[id]! & mask;
    while (this.buckets[b] !== id + 1) b = (b + 1) & mask;
    this.buckets[b] = TOMBSTONE;
    this.alive[id] = 0;
    this.live--;
  }

  compact(): Int32Array {
    const moved = new Int32Array(this.count).fill(-1);
    const w = this.width;
    let next = 0;
    for (let id = 0; id < this.count; id++) {
      if (!this.alive[id]) continue;
      moved[id] = next;
      if (next !== id) {
        this.keys.copyWithin(next * w, id * w, id * w + w);
        this.hashes[next] = this.hashes[id]!;
        this.alive[next] = 1;
      }
      next++;
    }
    this.alive.fill(0, next, this.count);
    this.count = next;
    this.rehash(Math.max(128, nextPow2(4 * next)));
    return moved;
  }

  close(): void {
    this.count = this.live = 0;
  }
}

function mix(h: number, word: number): number {
  h ^= Math.imul(word, 0xcc9e2d51);
  h = (h << 13) | (h >>> 19);
  return Math.imul(h, 5) + 0xe6546b64;
}

// murmur3's finalizer: spreads the low bits the mask keeps.
function finish(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

function nextPow2(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}
