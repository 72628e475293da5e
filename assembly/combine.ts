// Map-side combine: tokenize UTF-8 text (or take keys given as bytes), hash each key, and fold its
// value into one table per output partition (hash % n), as reduceByKey's first stage does.
import { keyHash, Table, tableAdd, tableClear, tableDropZeros, tableFree, tableMerge, tableNew } from './table';

@unmanaged
export class Combiner {
  n: u32;
  kind: i32;
  tables: usize; // n Table pointers
}

/** A combiner with `n` partition tables of value `kind`. */
export function combinerNew(n: u32, kind: i32): Combiner {
  const c = changetype<Combiner>(heap.alloc(offsetof<Combiner>()));
  c.n = n;
  c.kind = kind;
  c.tables = heap.alloc((<usize>n) << 2);
  for (let p: u32 = 0; p < n; p++) store<u32>(c.tables + ((<usize>p) << 2), changetype<u32>(tableNew(kind)));
  return c;
}

/** The table of partition `p`. */
export function combinerTable(c: Combiner, p: u32): Table {
  return changetype<Table>(<usize>load<u32>(c.tables + ((<usize>p) << 2)));
}

/** Empties every partition table. */
export function combinerClear(c: Combiner): void {
  for (let p: u32 = 0; p < c.n; p++) tableClear(combinerTable(c, p));
}

/** Frees the combiner and its tables. */
export function combinerFree(c: Combiner): void {
  for (let p: u32 = 0; p < c.n; p++) tableFree(combinerTable(c, p));
  heap.free(c.tables);
  heap.free(changetype<usize>(c));
}

/**
 * Splits `len` bytes at `input` into tokens on the bytes flagged in the 256-byte table `seps`
 * and adds `value` for each token. Returns the number of tokens.
 */
export function combinerAddTokens(c: Combiner, input: usize, len: u32, seps: usize, value: u64, op: i32): u32 {
  const end = input + len;
  let p = input;
  let tokens: u32 = 0;
  const n = c.n;
  while (p < end) {
    while (p < end && load<u8>(seps + load<u8>(p)) != 0) p++;
    if (p >= end) break;
    const start = p;
    while (p < end && load<u8>(seps + load<u8>(p)) == 0) p++;
    const klen = <u32>(p - start);
    const h = keyHash(start, klen);
    tableAdd(combinerTable(c, n == 1 ? 0 : h % n), start, klen, h, value, op);
    tokens++;
  }
  return tokens;
}

/**
 * Adds `count` keys stored back to back at `arena` (key i spans offsets[i]..offsets[i+1], u32)
 * with 8-byte values at `values`.
 */
export function combinerAddKeys(c: Combiner, arena: usize, offsets: usize, count: u32, values: usize, op: i32): void {
  const n = c.n;
  for (let i: u32 = 0; i < count; i++) {
    const from = load<u32>(offsets + ((<usize>i) << 2));
    const klen = load<u32>(offsets + ((<usize>(i + 1)) << 2)) - from;
    const h = keyHash(arena + from, klen);
    tableAdd(combinerTable(c, n == 1 ? 0 : h % n), arena + from, klen, h, load<u64>(values + ((<usize>i) << 3)), op);
  }
}

/** Folds every partition of `src` into the same partition of `dst`. */
export function combinerMerge(dst: Combiner, src: Combiner, op: i32): void {
  for (let p: u32 = 0; p < dst.n; p++) tableMerge(combinerTable(dst, p), combinerTable(src, p), op);
}

/** Removes zero values from every partition table (keys back at the identity of sum). */
export function combinerDropZeros(c: Combiner): void {
  for (let p: u32 = 0; p < c.n; p++) tableDropZeros(combinerTable(c, p));
}
