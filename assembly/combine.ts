// Map-side combine: fold each token's value into the table of its output partition (xxHash32 % n),
// as reduceByKey's first stage does. A combiner of one table takes tokens for every partition at
// once; partition.ts splits it by partition when it is packed, so the per-token path never
// computes xxHash32.
import { partitionOfKey } from './partition';
import { scanTokensBytewise, scanTokensSimd, separatorsAreControlOrSpace } from './tokenize';
import { entryValue, KIND_I64, OP_SUM, Table, tableApply, tableClear, tableDropZeros, tableFree, tableKeepDenseValues, tableMerge, tableNew, tableTrackZeros, tableUpsertKey } from './table';

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

// The word count's sink: one table, i64 sums, no zero tracking. Most tokens take this path.
@unmanaged
class CountInto {
  t: Table;
  value: u64;

  // @ts-ignore: decorator
  @inline
  token(start: usize, len: u32): void {
    const vp = entryValue(tableUpsertKey(this.t, start, len));
    store<i64>(vp, load<i64>(vp) + <i64>this.value);
  }
}

// Any other combine: the token's partition table, any value kind and reducer.
@unmanaged
class AddInto {
  c: Combiner;
  value: u64;
  op: i32;

  // @ts-ignore: decorator
  @inline
  token(start: usize, len: u32): void {
    const t = combinerTable(this.c, partitionOfKey(start, len, this.c.n));
    const before = t.count;
    const ep = tableUpsertKey(t, start, len);
    tableApply(t, ep, this.value, this.op, t.count != before);
  }
}

// One function per sink and way of splitting, so each token loop is compiled (and
// register-allocated) on its own.
function countTokens(t: Table, input: usize, len: u32, seps: usize, value: u64): u32 {
  const sink = countInto(t, value);
  const tokens = scanTokensSimd(sink, input, len, seps, false);
  heap.free(changetype<usize>(sink));
  return tokens;
}

function countFields(t: Table, input: usize, len: u32, seps: usize, value: u64): u32 {
  const sink = countInto(t, value);
  const tokens = scanTokensSimd(sink, input, len, seps, true);
  heap.free(changetype<usize>(sink));
  return tokens;
}

// @ts-ignore: decorator
@inline
function countInto(t: Table, value: u64): CountInto {
  const sink = changetype<CountInto>(heap.alloc(offsetof<CountInto>()));
  sink.t = t;
  sink.value = value;
  return sink;
}

function addTokens(c: Combiner, input: usize, len: u32, seps: usize, value: u64, op: i32, simd: bool, fields: bool): u32 {
  const sink = changetype<AddInto>(heap.alloc(offsetof<AddInto>()));
  sink.c = c;
  sink.value = value;
  sink.op = op;
  let tokens: u32;
  if (simd) tokens = fields ? scanTokensSimd(sink, input, len, seps, true) : scanTokensSimd(sink, input, len, seps, false);
  else tokens = fields ? scanTokensBytewise(sink, input, len, seps, true) : scanTokensBytewise(sink, input, len, seps, false);
  heap.free(changetype<usize>(sink));
  return tokens;
}

/**
 * Splits `len` bytes at `input` (whole lines, each ending with `\n`) on the bytes flagged in the
 * 256-byte table `seps` and adds `value` for each token. With `fields`, every separator ends a
 * field, empty ones included (JS's `line.split(sep)`); otherwise runs of separators separate and
 * no token is empty. Returns the number of tokens. The input needs 256 readable bytes after its
 * end (the SIMD scan reads whole 16-byte blocks; keys are read as words).
 */
export function combinerAddTokens(c: Combiner, input: usize, len: u32, seps: usize, value: u64, op: i32, fields: bool): u32 {
  const simd = separatorsAreControlOrSpace(seps);
  const t = combinerTable(c, 0);
  if (simd && c.n == 1 && t.kind == KIND_I64 && op == OP_SUM && !t.trackZeros && t.dense == 0) {
    return fields ? countFields(t, input, len, seps, value) : countTokens(t, input, len, seps, value);
  }
  return addTokens(c, input, len, seps, value, op, simd, fields);
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

/** Makes every partition table keep its values in entry order too, for combinerPackValues. */
export function combinerKeepDenseValues(c: Combiner): void {
  for (let p: u32 = 0; p < c.n; p++) tableKeepDenseValues(combinerTable(c, p));
}
