// The Core interface: the hot paths an engine implements. `js` is the readable reference;
// `wasm` (AssemblyScript kernels on a worker pool) implements the same contract.
import type { Batch } from '../batch/batch.js';
import type { LineBlock, PreCounted } from '../batch/text-batch.js';
import type { Combiner } from '../batch/shuffle.js';
import type { PoolStats } from '../pool/pool.js';

/** Names of the available cores. */
export type CoreName = 'js' | 'wasm';

/** What an engine core computes. Results must be identical across cores, partition by partition. */
export interface Core {
  /** Which core this is. */
  readonly name: CoreName;
  /** Merges values per key with `f` into `numPartitions` hash partitions (map-side combine first). */
  reduceByKey<K, V>(batch: Batch<[K, V]>, f: (a: V, b: V) => V, numPartitions: number): Promise<Batch<[K, V]>>;
  /** Spark's `combineByKey` into `numPartitions` hash partitions. */
  combineByKey<K, V, C>(batch: Batch<[K, V]>, combiner: Combiner<V, C>, numPartitions: number): Promise<Batch<[K, C]>>;
  /**
   * A resident window for `reduceByKeyAndWindow(sum, subtract)` with `numPartitions`, when the core
   * keeps one (both do: the wasm core in its kernel instance, the js core in Maps). With
   * `dropZeros` keys whose sum is back at 0 leave the window (Flint's tagged `sum`/`subtract`);
   * without, they stay, as Spark keeps them for `(a, b) => a + b` and `(a, b) => a - b`.
   */
  createSumWindow?(numPartitions: number, dropZeros: boolean): SumWindowState;
  /**
   * A resident window for `reduceByKeyAndWindow(min|max)` (no inverse) with `numPartitions`, when
   * the core keeps one (the wasm core does, with two stacks; the js core recomputes each window).
   */
  createSlidingWindow?(reducer: SlidingReducer, numPartitions: number): SlidingWindowState;
  /**
   * A table of composite keys of `width` numbers (an event-time window's start and the group
   * key values or ids), kept across batches by Structured Streaming's columnar aggregation.
   */
  createCompositeKeyTable?(width: number): CompositeKeyTable;
  /**
   * The state of an event-time window aggregation over composite keys of `width` numbers with the
   * aggregates `kinds`: the key table plus each entry's buffers, updated a chunk of rows at a time
   * (the wasm core in one kernel call per chunk).
   */
  createWindowAggregation?(width: number, kinds: readonly WindowAggregateKind[]): WindowAggregation;
  /**
   * A counter for one receiver stream's text as it arrives (Spark's block interval), when the core
   * keeps one (the wasm core does; the js core counts on the main thread at the batch, as before).
   */
  createBlockCounter?(): BlockCounter;
  /** What the core's block counters did so far, when it has them (tests and metrics read it). */
  blockCountStats?(): BlockCountStats;
  /** Counters of the core's worker pool, when it has one (the wasm core); read by the web UI. */
  poolStats?(): PoolStats;
  /**
   * Gets ready for the first batch, called by `start()`: threads started, code compiled and
   * optimized, tables grown, so the first batch runs about as fast as the next ones.
   */
  warmUp?(): Promise<void>;
  /** Releases threads and memory; the core is unusable afterwards. */
  close(): Promise<void>;
}

/**
 * A window of `[key, number]` sums kept by a core. Each method returns the new window, or
 * `undefined` when its inputs are not in a form the core holds (the caller then computes the
 * window itself, and the state rebuilds from the previous window at its next slide).
 */
export interface SumWindowState {
  /** Subtracts the leaving panes and adds the entering ones; `previous` is the window at `previousTime`. */
  slide(
    time: number,
    previousTime: number,
    previous: Batch<[string, number]> | undefined,
    oldPanes: Batch<unknown>[],
    newPanes: Batch<unknown>[],
  ): Batch<[string, number]> | undefined;
  /** Rebuilds the window from all its panes (bounds float drift). */
  recompute(time: number, panes: Batch<unknown>[]): Batch<[string, number]> | undefined;
  /** Frees the state. */
  close(): void;
}

/** Flint's tagged reducers without an inverse that a sliding window can keep. */
export type SlidingReducer = 'min' | 'max';

/**
 * A window of `[key, number]` values reduced with min or max, kept by a core across slides. It
 * remembers which panes it holds, so a slide folds in only the panes that entered and drops the
 * ones that left.
 */
export interface SlidingWindowState {
  /**
   * The window over `panes` (the per-batch reductions inside it, oldest first), or `undefined`
   * when they are not in a form the core holds (the caller then recomputes the window).
   */
  slide(panes: readonly Batch<unknown>[]): Batch<[string, number]> | undefined;
  /** Frees the state. */
  close(): void;
}

/**
 * A hash table from keys of `width` f64 values (compared bit for bit) to entry ids. Ids are
 * given in insertion order, stay put until {@link CompositeKeyTable.compact}, and index the
 * caller's accumulator arrays.
 */
export interface CompositeKeyTable {
  /** Numbers per key. */
  readonly width: number;
  /** Ids given so far (removed ones included): ids are `0 .. count - 1`. */
  readonly count: number;
  /** Entries not removed. */
  readonly live: number;
  /** Finds or inserts each of the `n` keys of `keys` (row-major, `n * width`); writes their ids to `out`. */
  upsert(keys: Float64Array, n: number, out: Int32Array): void;
  /** Number `k` of the key of entry `id`. */
  key(id: number, k: number): number;
  /** False once `id` is removed. */
  isLive(id: number): boolean;
  /** Removes entry `id`. */
  remove(id: number): void;
  /** Renumbers the live entries `0 .. live - 1` in order; returns each old id's new id (-1: removed). */
  compact(): Int32Array;
  /** Frees the table. */
  close(): void;
}

/** An aggregate of {@link WindowAggregation}, with the row path's buffers: count a = n; sum a = sum, b = non-null values; avg a = sum, b = n; min/max a = value, b = non-null values. */
export type WindowAggregateKind = 'count' | 'sum' | 'avg' | 'min' | 'max';

/** Window length, slide and offset in ms (Spark's `window(time, length, slide, start)`). */
export interface WindowMs {
  readonly windowMs: number;
  readonly slideMs: number;
  readonly startMs: number;
}

/** Rows `0 .. n - 1` of one chunk for {@link WindowAggregation.update}. */
export interface WindowAggregationChunk {
  readonly n: number;
  /** Event times (epoch ms); a row whose `timeNulls` is 1 is skipped. */
  readonly times: Float64Array;
  readonly timeNulls: Uint8Array | undefined;
  /** The group key numbers, `width - 1` a row. */
  readonly rowKeys: Float64Array;
  /** Per aggregate, its input values (undefined for `count(*)`) and null flags (undefined: none null). */
  readonly values: readonly (Float64Array | undefined)[];
  readonly nulls: readonly (Uint8Array | undefined)[];
}

/** Spark's event-time statistics of a batch (EventTimeWatermarkExec): of the non-null times, added to in row order. */
export interface EventTimeTotals {
  max: number;
  min: number;
  sum: number;
  count: number;
}

/** Ids of group-key strings, by their UTF-8 bytes: dense from 0, never reused. */
export interface StringIds {
  /** The ids of cells `from .. to - 1` (bytes `[starts[r], ends[r])`, a negative start is null: id -1) into `out[(r - from) * stride + offset]`. */
  idsOfCells(bytes: Uint8Array, starts: Int32Array, ends: Int32Array, from: number, to: number, out: Float64Array, offset: number, stride: number): void;
  /** The id of `s`. */
  idOf(s: string): number;
  /** The string of `id`. */
  string(id: number): string;
  /** Bytes held, for the state's memory estimate. */
  readonly bytes: number;
}

/** A CSV file for {@link WindowAggregation.updateCsv}. */
export interface CsvRowsInput {
  /** Reads the file's bytes into the memory `into(size)` gives (the core's own), returning them. */
  readonly read: (into: (size: number) => Uint8Array) => Uint8Array;
  /** The one-byte separator. */
  readonly sep: number;
  /** The first line is a header. */
  readonly header: boolean;
  /** Per field of a line: `'time'`, the key slot it fills (string ids), or undefined (not read). */
  readonly fields: readonly ('time' | number | undefined)[];
}

/** The rate source's rows for {@link WindowAggregation.updateRate} (see RateRange in src/sql/columnar/columnar-batch.ts). */
export interface RateRowsInput {
  readonly rangeStart: number;
  readonly rangeEnd: number;
  readonly numPartitions: number;
  readonly startMs: number;
  readonly msPerValue: number;
  /** Per aggregate, the column it reads (undefined for `count(*)`). */
  readonly inputs: readonly ('timestamp' | 'value' | undefined)[];
}

/**
 * The state of an event-time window aggregation: a {@link CompositeKeyTable} of (window start,
 * key numbers) and, by entry id, the buffers of each aggregate. A batch is `begin`, `update` per
 * chunk (rows into partial buffers), `merge` (partial buffers into the state, as
 * AggregateFunction.merge), so sums add in the row path's order on every core.
 */
export interface WindowAggregation {
  /** The keys; entries are removed through it. */
  readonly table: CompositeKeyTable;
  /** The ids of string key values. */
  readonly dictionary: StringIds;
  /** State buffer a of aggregate `k` by entry id (a view: take it again after any other call). */
  bufferA(k: number): Float64Array;
  /** State buffer b of aggregate `k` by entry id (a view, as bufferA). */
  bufferB(k: number): Float64Array;
  /** Starts a batch. */
  begin(): void;
  /**
   * Adds a chunk's rows to the windows holding them, dropping windows that end at or before
   * `lateBefore`, and their times to `stats` when given; returns how many (row, window) pairs
   * were dropped.
   */
  update(chunk: WindowAggregationChunk, window: WindowMs, lateBefore: number, stats?: EventTimeTotals): number;
  /**
   * Adds the rows of a CSV file with a time column and string keys (and `count(*)` aggregates)
   * as {@link update} would once csv-columns.ts had read it; returns the rows read and the pairs
   * dropped, or undefined when a time is not in the common form or a cell is quoted (nothing was
   * added: read it the slow way).
   */
  updateCsv?(input: CsvRowsInput, window: WindowMs, lateBefore: number, stats?: EventTimeTotals): { rows: number; dropped: number } | undefined;
  /**
   * Adds the rate source's rows (windows only, no key columns) as {@link update} would once they
   * were generated, generating them itself; returns the pairs dropped.
   */
  updateRate?(input: RateRowsInput, window: WindowMs, lateBefore: number, stats?: EventTimeTotals): number;
  /** Ends a batch: merges its partial buffers into the state; returns the ids it touched, in first-touch order. */
  merge(): Int32Array;
  /**
   * Removes the entries whose window ended at or before the watermark (start + `windowMs` <=
   * `watermarkMs`); returns their ids in id order (keys and buffers readable until the next
   * compact) and the smallest window start left.
   */
  evict(watermarkMs: number, windowMs: number): { ids: Int32Array; minStart: number };
  /** Makes room in the buffers for every id of the table (after upserts into `table` directly). */
  ensure(): void;
  /** Compacts the table and the state buffers with it; returns each old id's new id (-1: removed). */
  compact(): Int32Array;
  /** Frees the state. */
  close(): void;
}

/**
 * Counts a receiver stream's text block by block while its batch fills, so that at the batch time
 * only the last block and the merge remain. It counts what the stream's word count asked for at
 * an earlier batch (and nothing until one has); a batch whose count does not match what is asked
 * then is counted from its text as before, so results never depend on it.
 */
export interface BlockCounter {
  /** Counts `blocks`, the next text of the batch being received, in the background. */
  add(blocks: readonly LineBlock[]): void;
  /** The batch is cut after `last`, its last blocks: what was counted of it, to travel with its TextBatch. */
  cut(last: readonly LineBlock[]): PreCounted | undefined;
}

/** Running totals of a core's block counters. */
export interface BlockCountStats {
  /** Blocks counted while their batch filled. */
  blocksCounted: number;
  /** Batches whose word count was taken from their blocks' counts. */
  batchesFromBlocks: number;
  /** Segments the blocks were counted in (each a table merged at the cut). */
  segments: number;
}
