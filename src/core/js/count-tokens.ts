// The js core's fused word count: `text.flatMap(split).map(pair(v)).reduceByKey(sum | min | max)`
// in one pass over the text's UTF-8 bytes, with no token or pair arrays. The separators are ASCII,
// and no byte of a multi-byte UTF-8 character is ASCII, so splitting the bytes gives exactly the
// tokens that splitting the decoded lines gives.
import { NumberPairsBatch } from '../../batch/number-pairs.js';
import type { LineBlock, PairedTokenBatch } from '../../batch/text-batch.js';
import { kernelFormOf } from '../../functions/spellings.js';
import { TokenTable } from './token-table.js';

const LF = 0x0a;
/** FNV-1a (32-bit) offset basis and prime: a byte-at-a-time hash for the table, not for partitioning. */
const FNV_BASIS = 0x811c9dc5 | 0;
const FNV_PRIME = 0x01000193;

/** The reducers a fused count runs, by their tag or Spark spelling. */
export type TokenReducer = 'sum' | 'min' | 'max';

/** The reducer `f` is when a fused count can run it. */
export function tokenReducerOf(f: unknown): TokenReducer | undefined {
  const kind = kernelFormOf(f)?.kind;
  return kind === 'sum' || kind === 'min' || kind === 'max' ? kind : undefined;
}

/**
 * Counts `batch` into `numPartitions` hash partitions, as reduceByKey with `reducer` over its
 * materialized pairs would: keys in first-seen order, each value the same left fold per input
 * partition, those partials folded in partition order. With min and max every value is the
 * pair's one value.
 */
export function countTokens(batch: PairedTokenBatch<number>, reducer: TokenReducer, numPartitions: number): NumberPairsBatch {
  const { separators, fields, text } = batch.tokens;
  const table = new TokenTable();
  const value = batch.value;
  text.blocks.forEach((blocks, part) => {
    for (const block of blocks) {
      if (fields) scanFields(table, block, separators.charCodeAt(0), part, value);
      else scanTokens(table, block, separatorTable(separators), part, value);
    }
  });
  return new NumberPairsBatch(table.toColumns(numPartitions, reducer === 'sum' ? undefined : value));
}

const separatorTables = new Map<string, Uint8Array>();

/** 1 for the bytes that end a token: the separators and the line feed. */
function separatorTable(separators: string): Uint8Array {
  let table = separatorTables.get(separators);
  if (table === undefined) {
    table = new Uint8Array(256);
    for (let i = 0; i < separators.length; i++) table[separators.charCodeAt(i)] = 1;
    table[LF] = 1;
    separatorTables.set(separators, table);
  }
  return table;
}

/** Murmur3's finalizer: FNV's low bits alone spread keys poorly over a power-of-two table. */
function mix(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/**
 * Flint's `split`: maximal runs of non-separator bytes, empty tokens dropped. Text after the last
 * line feed is not a line (the decoder drops it too).
 */
function scanTokens(table: TokenTable, block: LineBlock, isSeparator: Uint8Array, part: number, value: number): void {
  const bytes = block.bytes;
  // The line feed is a separator: the token loop below always stops before `n`.
  const n = bytes.lastIndexOf(LF) + 1;
  let i = 0;
  while (i < n) {
    if (isSeparator[bytes[i]!] === 1) {
      i++;
      continue;
    }
    const start = i;
    let h = FNV_BASIS;
    for (let c = bytes[i]!; isSeparator[c] === 0; c = bytes[++i]!) h = Math.imul(h ^ c, FNV_PRIME);
    table.add(bytes, start, i, mix(h), part, value);
  }
}

/**
 * JS's `line.split(sep)`: every line has one more field than separators, empty fields included
 * (an empty line is one empty field).
 */
function scanFields(table: TokenTable, block: LineBlock, separator: number, part: number, value: number): void {
  const bytes = block.bytes;
  const n = bytes.lastIndexOf(LF) + 1;
  let start = 0;
  let h = FNV_BASIS;
  for (let i = 0; i < n; i++) {
    const c = bytes[i]!;
    if (c === LF || c === separator) {
      table.add(bytes, start, i, mix(h), part, value);
      start = i + 1;
      h = FNV_BASIS;
    } else {
      h = Math.imul(h ^ c, FNV_PRIME);
    }
  }
}
