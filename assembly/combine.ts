// Map-side combine: tokenize UTF-8 text and fold each token's value into the table of its output
// partition (xxHash32 % n), as reduceByKey's first stage does. A combiner of one table takes
// tokens for every partition at once; packed.ts splits it by partition when it is packed, so the
// per-token path never computes xxHash32.
import { entryValue, KIND_I64, OP_SUM, partitionOfKey, Table, tableApply, tableClear, tableDropZeros, tableFree, tableMerge, tableNew, tableTrackZeros, tableUpsertKey } from './table';

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

// @ts-ignore: decorator
@inline
function addToken(c: Combiner, start: usize, len: u32, value: u64, op: i32): void {
  const t = combinerTable(c, partitionOfKey(start, len, c.n));
  const before = t.count;
  const ep = tableUpsertKey(t, start, len);
  tableApply(t, ep, value, op, t.count != before);
}

// True when no byte above 0x20 (space) is a separator: then separators can be found 16 bytes at
// a time as "bytes <= 0x20" and checked against the table only there.
function separatorsAreControlOrSpace(seps: usize): bool {
  for (let b: usize = 0x21; b < 256; b++) if (load<u8>(seps + b) != 0) return false;
  return true;
}

// SIMD scan: a bitmask of bytes <= 0x20 per 16-byte block; each set bit that is a real separator
// ends a token. Bytes past `end` are masked off; a token running up to `end` is added last. With
// `counting` (a constant at each call site, folded away once inlined) each token's update is the
// word count's one add into the single table `t`; otherwise the generic addToken.
// @ts-ignore: decorator
@inline
function scanSimd(c: Combiner, input: usize, len: u32, seps: usize, value: u64, op: i32, counting: bool): u32 {
  const t = combinerTable(c, 0);
  const end = input + len;
  const space = i8x16.splat(0x20);
  let start = input;
  let tokens: u32 = 0;
  for (let base = input; base < end; base += 16) {
    let mask = <u32>i8x16.bitmask(i8x16.le_u(v128.load(base), space));
    const remain = end - base;
    // Bytes past the end are not looked at; a token running up to the end is added below.
    if (remain < 16) mask &= ~(<u32>0xffff << <u32>remain);
    while (mask != 0) {
      const pos = base + <usize>ctz(mask);
      mask &= mask - 1;
      if (load<u8>(seps + load<u8>(pos)) == 0) continue;
      if (pos > start) {
        scanToken(c, t, start, <u32>(pos - start), value, op, counting);
        tokens++;
      }
      start = pos + 1;
    }
  }
  if (end > start) {
    scanToken(c, t, start, <u32>(end - start), value, op, counting);
    tokens++;
  }
  return tokens;
}

// @ts-ignore: decorator
@inline
function scanToken(c: Combiner, t: Table, start: usize, len: u32, value: u64, op: i32, counting: bool): void {
  if (counting) {
    const vp = entryValue(tableUpsertKey(t, start, len));
    store<i64>(vp, load<i64>(vp) + <i64>value);
  } else {
    addToken(c, start, len, value, op);
  }
}

function addTokensSimd(c: Combiner, input: usize, len: u32, seps: usize, value: u64, op: i32): u32 {
  return scanSimd(c, input, len, seps, value, op, false);
}

// The map side of a word count (one table, i64 sums, no zero tracking): most tokens take this path.
function countTokensSimd(c: Combiner, input: usize, len: u32, seps: usize, value: u64): u32 {
  return scanSimd(c, input, len, seps, value, OP_SUM, true);
}

function addTokensBytewise(c: Combiner, input: usize, len: u32, seps: usize, value: u64, op: i32): u32 {
  const end = input + len;
  let p = input;
  let tokens: u32 = 0;
  while (p < end) {
    while (p < end && load<u8>(seps + load<u8>(p)) != 0) p++;
    if (p >= end) break;
    const start = p;
    while (p < end && load<u8>(seps + load<u8>(p)) == 0) p++;
    addToken(c, start, <u32>(p - start), value, op);
    tokens++;
  }
  return tokens;
}

/**
 * Splits `len` bytes at `input` into tokens on the bytes flagged in the 256-byte table `seps`
 * and adds `value` for each token. Returns the number of tokens. The input needs 256 readable
 * bytes after its end (the SIMD scan reads whole 16-byte blocks; keys are read as words).
 */
export function combinerAddTokens(c: Combiner, input: usize, len: u32, seps: usize, value: u64, op: i32): u32 {
  if (!separatorsAreControlOrSpace(seps)) return addTokensBytewise(c, input, len, seps, value, op);
  const t = combinerTable(c, 0);
  if (c.n == 1 && t.kind == KIND_I64 && op == OP_SUM && !t.trackZeros) return countTokensSimd(c, input, len, seps, value);
  return addTokensSimd(c, input, len, seps, value, op);
}

/** Folds every partition of `src` into the same partition of `dst`. */
export function combinerMerge(dst: Combiner, src: Combiner, op: i32): void {
  for (let p: u32 = 0; p < dst.n; p++) tableMerge(combinerTable(dst, p), combinerTable(src, p), op);
}

/** Removes keys whose value became 0 (the identity of sum) in every partition table. */
export function combinerDropZeros(c: Combiner): void {
  for (let p: u32 = 0; p < c.n; p++) tableDropZeros(combinerTable(c, p));
}

/** Makes every partition table remember keys whose value becomes 0, for combinerDropZeros. */
export function combinerTrackZeros(c: Combiner): void {
  for (let p: u32 = 0; p < c.n; p++) tableTrackZeros(combinerTable(c, p), true);
}
