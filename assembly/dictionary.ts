// Group-key strings as small integer ids, looked up by their UTF-8 bytes: an open-addressing
// table (a multiply hash of strings of up to 8 bytes, FNV-1a of longer ones; linear probing, i32
// buckets holding id + 1) over a byte arena. Ids are dense from 0 and never reused. The wasm
// core's twin of src/core/js/string-dictionary.ts, kept in the window aggregation's kernel
// instance so CSV cells get their ids without leaving wasm.
import { zeroed } from './allocate';

@unmanaged
class Dict {
  arena: usize;
  arenaLen: u32;
  arenaCap: u32;
  starts: usize; // u32 per id
  ends: usize; // u32 per id
  hashes: usize; // u32 per id
  heads: usize; // u64 per id: the bytes of an id of up to 8 (zero-padded), compared whole
  cap: u32; // ids the per-id arrays hold
  size: u32; // ids given
  buckets: usize; // i32 per bucket
  mask: u32;
}

/** A new empty dictionary. */
export function dictNew(): usize {
  const d = changetype<Dict>(heap.alloc(offsetof<Dict>()));
  d.arenaCap = 1 << 12;
  d.arena = heap.alloc(d.arenaCap);
  d.arenaLen = 0;
  d.cap = 256;
  d.starts = heap.alloc(256 << 2);
  d.ends = heap.alloc(256 << 2);
  d.hashes = heap.alloc(256 << 2);
  d.heads = heap.alloc(256 << 3);
  d.size = 0;
  d.buckets = zeroed(512 << 2);
  d.mask = 511;
  return changetype<usize>(d);
}

/** Frees a dictionary. */
export function dictFree(p: usize): void {
  const d = changetype<Dict>(p);
  heap.free(d.arena);
  heap.free(d.starts);
  heap.free(d.ends);
  heap.free(d.hashes);
  heap.free(d.heads);
  heap.free(d.buckets);
  heap.free(p);
}

/**
 * The id of the `len` bytes at `ptr`, added when new. Strings of up to 8 bytes (most group keys)
 * are one u64: hashed with one multiply and compared with one load; longer ones by FNV-1a and
 * their bytes.
 */
export function dictIntern(p: usize, ptr: usize, len: u32): i32 {
  return intern(p, ptr, len);
}

/** dictIntern, inlined where a kernel interns cells itself (assembly/csv-rows.ts). */
// @ts-ignore: decorator
@inline
export function intern(p: usize, ptr: usize, len: u32): i32 {
  const d = changetype<Dict>(p);
  const short = len <= 8;
  let head: u64 = 0;
  let h: u32;
  if (short) {
    head = headOf(ptr, len);
    const x = (head ^ (<u64>len << 58)) * 0x9e3779b97f4a7c15;
    h = <u32>(x >> 32) ^ <u32>x;
  } else {
    h = 0x811c9dc5;
    for (let i: usize = 0; i < <usize>len; i++) h = (h ^ <u32>load<u8>(ptr + i)) * 0x01000193;
  }
  let b = h & d.mask;
  while (true) {
    const slot = load<i32>(d.buckets + ((<usize>b) << 2));
    if (slot == 0) return add(d, ptr, len, h, head, b);
    const id = <usize>(slot - 1);
    if (load<u32>(d.hashes + (id << 2)) == h) {
      const s = load<u32>(d.starts + (id << 2));
      if (load<u32>(d.ends + (id << 2)) - s == len && (short ? load<u64>(d.heads + (id << 3)) == head : memory.compare(d.arena + <usize>s, ptr, <usize>len) == 0)) return <i32>id;
    }
    b = (b + 1) & d.mask;
  }
}

// The `len` (<= 8) bytes at `ptr` as a u64, zero-padded; one load unless it would read past memory.
// @ts-ignore: decorator
@inline
function headOf(ptr: usize, len: u32): u64 {
  const mask: u64 = len == 8 ? <u64>-1 : ((<u64>1) << (<u64>len << 3)) - 1;
  if (ptr + 8 <= (<usize>memory.size()) << 16) return load<u64>(ptr) & mask;
  let head: u64 = 0;
  for (let i: u32 = 0; i < len; i++) head |= (<u64>load<u8>(ptr + <usize>i)) << (<u64>i << 3);
  return head;
}

function add(d: Dict, ptr: usize, len: u32, h: u32, head: u64, bucket: u32): i32 {
  if (d.size == d.cap) growIds(d);
  if (d.arenaLen + len > d.arenaCap) {
    let cap = d.arenaCap * 2;
    while (cap < d.arenaLen + len) cap *= 2;
    const arena = heap.alloc(<usize>cap);
    memory.copy(arena, d.arena, <usize>d.arenaLen);
    heap.free(d.arena);
    d.arena = arena;
    d.arenaCap = cap;
  }
  const id = d.size++;
  memory.copy(d.arena + <usize>d.arenaLen, ptr, <usize>len);
  store<u32>(d.starts + ((<usize>id) << 2), d.arenaLen);
  d.arenaLen += len;
  store<u32>(d.ends + ((<usize>id) << 2), d.arenaLen);
  store<u32>(d.hashes + ((<usize>id) << 2), h);
  store<u64>(d.heads + ((<usize>id) << 3), head);
  store<i32>(d.buckets + ((<usize>bucket) << 2), <i32>id + 1);
  if (d.size * 2 > d.mask + 1) rehash(d);
  return <i32>id;
}

function grown(p: usize, used: usize, bytes: usize): usize {
  const next = heap.alloc(bytes);
  memory.copy(next, p, used);
  heap.free(p);
  return next;
}

function growIds(d: Dict): void {
  const cap = d.cap * 2;
  d.starts = grown(d.starts, (<usize>d.size) << 2, (<usize>cap) << 2);
  d.ends = grown(d.ends, (<usize>d.size) << 2, (<usize>cap) << 2);
  d.hashes = grown(d.hashes, (<usize>d.size) << 2, (<usize>cap) << 2);
  d.heads = grown(d.heads, (<usize>d.size) << 3, (<usize>cap) << 3);
  d.cap = cap;
}

function rehash(d: Dict): void {
  const size = (d.mask + 1) * 2;
  heap.free(d.buckets);
  d.buckets = zeroed((<usize>size) << 2);
  d.mask = size - 1;
  for (let id: u32 = 0; id < d.size; id++) {
    let b = load<u32>(d.hashes + ((<usize>id) << 2)) & d.mask;
    while (load<i32>(d.buckets + ((<usize>b) << 2)) != 0) b = (b + 1) & d.mask;
    store<i32>(d.buckets + ((<usize>b) << 2), <i32>id + 1);
  }
}

/**
 * The ids of `n` cells of the bytes at `bytes`: cell i is [starts[i], ends[i]) (i32 offsets; a
 * negative start is null, id -1), written as f64 to out[i * stride].
 */
export function dictInternCells(p: usize, bytes: usize, starts: usize, ends: usize, n: u32, out: usize, stride: u32): void {
  for (let i: u32 = 0; i < n; i++) {
    const s = load<i32>(starts + ((<usize>i) << 2));
    const id: i32 = s < 0 ? -1 : dictIntern(p, bytes + <usize>s, <u32>(load<i32>(ends + ((<usize>i) << 2)) - s));
    store<f64>(out + (<usize>i) * ((<usize>stride) << 3), <f64>id);
  }
}

/** Address of the bytes of `id` (their length: dictLength). */
export function dictBytes(p: usize, id: u32): usize {
  const d = changetype<Dict>(p);
  return d.arena + <usize>load<u32>(d.starts + ((<usize>id) << 2));
}

/** Length of the bytes of `id`. */
export function dictLength(p: usize, id: u32): u32 {
  const d = changetype<Dict>(p);
  return load<u32>(d.ends + ((<usize>id) << 2)) - load<u32>(d.starts + ((<usize>id) << 2));
}

/** Bytes held (arena and tables), for the state's memory estimate. */
export function dictMemory(p: usize): u32 {
  const d = changetype<Dict>(p);
  return d.arenaCap + 20 * d.cap + 4 * (d.mask + 1);
}
