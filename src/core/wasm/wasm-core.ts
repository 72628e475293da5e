// The wasm core: word-count pipelines on text (split -> pair -> reduceByKey with sum, min or max)
// run as AssemblyScript kernels on a worker pool, one count run per worker fed pieces of the text;
// their partial tables are merged in text order (in the main thread's kernel instance, or for many
// keys in JS over the packed partials), so results equal the js core's partition by partition. Everything else runs on the js core.
import type { Batch } from '../../batch/batch.js';
import type { Combiner } from '../../batch/shuffle.js';
import { PairedTokenBatch, type LineBlock } from '../../batch/text-batch.js';
import { FlintError } from '../../errors.js';
import { kernelFormOf } from '../../functions/spellings.js';
import { BufferRecycler } from '../../pool/buffer-recycler.js';
import type { CountSettings } from '../../pool/count-run.js';
import { WorkerPool, type PoolStats } from '../../pool/pool.js';
import type { BlockCounter, BlockCountStats, CompositeKeyTable, Core, SlidingReducer, SlidingWindowState, SumWindowState, WindowAggregateKind, WindowAggregation } from '../core.js';
import { JsCore } from '../js/js-core.js';
import { BlockCount, SPLIT_BACKLOG_BYTES, WasmBlockCounter } from './block-count.js';
import { KernelCompositeKeyTable } from './composite-key-table.js';
import { KernelWindowAggregation } from './window-aggregation.js';
import { KIND, Kernels, OP, separatorTable, type OpCode, type ValueKind } from './kernel-instance.js';
import { mergePackedPartials } from './merge-packed.js';
import { PackedBatch, packedKeys } from './packed-tables.js';
import { PieceScheduler } from './piece-scheduler.js';
import { SEGMENT_PIECES_IN_FLIGHT, SegmentRun } from './segment-run.js';
import { piecesOf } from './pieces.js';
import { countOnPool } from './pooled-count.js';
import { KernelSlidingWindow } from './sliding-window.js';
import { KernelSumWindow } from './sum-window.js';
import { warmUpTokens } from '../warm-up.js';

const REDUCER_OPS: Record<string, OpCode> = { sum: OP.sum, min: OP.min, max: OP.max };

/**
 * Pieces per worker thread: enough that work stealing can even out a worker the host slows down,
 * few enough that the per-piece round trip (about 0.1 ms) stays small.
 */
const PIECES_PER_THREAD = 8;
/** Smaller pieces cost more in round trips than they win in balance. */
const MIN_PIECE_BYTES = 256 << 10;
/** Pieces of a block sent to its segment's worker as it arrives: all are sent at once, so their size only sets how often the worker reports back. */
const SEGMENT_PIECE_BYTES = 1 << 20;
/** Larger pieces make the first copy (the one not overlapped with counting) and the tail long. */
const MAX_PIECE_BYTES = 4 << 20;
/**
 * A worker sends its table back once it packs to this many bytes when results allow cutting a
 * segment. A key packs to 16 bytes and its own, so a table never holds 1M keys and stays at 2M
 * buckets (64 MB; one more doubling is 128 MB plus the copy, per worker): a batch of many
 * distinct keys costs the workers bounded memory.
 */
const FLUSH_BYTES = 16 << 20;
/**
 * Past this many keys in the partials together, they are merged in JS (merge-packed.ts, same
 * bytes out): the kernels' merge table is about twice as fast but costs 100 to 200 bytes a key
 * of wasm memory that is never given back (1.3 GB at 5M keys).
 */
const MERGE_IN_JS_KEYS = 1 << 20;
/**
 * Distinct keys of the warm-up text (about 0.8 MB per worker): each table grows to hold them at
 * start(), which covers a batch of the benchmark's 100k-word vocabulary.
 */
const WARM_UP_KEYS = 1 << 17;

/** The kernel op for a tagged reducer or its Spark spelling, if it is one. */
function reducerOp(f: unknown): OpCode | undefined {
  const kind = kernelFormOf(f)?.kind;
  return kind === undefined ? undefined : REDUCER_OPS[kind];
}

/**
 * The table kind for `value` folded with `op` over `bytes` of text. i64 only where it is exact
 * the way JS numbers are: JS adds f64 values one at a time, rounding once a sum passes 2^53 (so
 * 74 x 123456789012345 differs from the exact integer), and keeps -0. A token is at least one
 * byte, so `bytes` bounds how many values a sum adds up.
 */
function valueKindFor(value: number, op: OpCode, bytes: number): ValueKind {
  if (!Number.isSafeInteger(value) || Object.is(value, -0)) return KIND.f64;
  return op !== OP.sum || Math.abs(value) * bytes <= Number.MAX_SAFE_INTEGER ? KIND.i64 : KIND.f64;
}

/** The value kind for `value` folded with `op` over `bytes` of text, when any grouping of the text gives the same result. */
function exactKind({ value, op }: Pick<CountSettings, 'value' | 'op'>, bytes: number): ValueKind | undefined {
  const kind = valueKindFor(value, op as OpCode, bytes);
  return kind === KIND.i64 || op !== OP.sum ? kind : undefined;
}

/** Piece size for `bytes` of text on `threads` workers: enough pieces to balance, few enough to stay cheap. */
function pieceSize(bytes: number, threads: number): number {
  return Math.min(MAX_PIECE_BYTES, Math.max(MIN_PIECE_BYTES, Math.ceil(bytes / (PIECES_PER_THREAD * threads))));
}

/** Runs the hot paths as WASM kernels on `threads` workers. */
export class WasmCore implements Core {
  readonly name = 'wasm' as const;
  private readonly js = new JsCore();
  private poolInstance: WorkerPool | undefined;
  private kernelsInstance: Kernels | undefined;
  private closed = false;
  private readonly buffers: BufferRecycler;
  private readonly windows = new Set<SumWindowState | SlidingWindowState>();
  private readonly blockStats: BlockCountStats = { blocksCounted: 0, batchesFromBlocks: 0, segments: 0 };

  /**
   * `threads` workers. `pieceBytes` sets the size text is cut to for the workers (tests use small
   * pieces to exercise segments of many pieces and work stealing); by default it follows the batch.
   * `flushBytes` sets when a worker sends a table back mid-segment (default {@link FLUSH_BYTES};
   * tests use small tables to exercise segments of many partials). `splitBacklogBytes` sets how far
   * behind a segment's worker may fall before blocks go to a new segment (see block-count.ts).
   */
  constructor(
    private readonly threads: number,
    private readonly options: { pieceBytes?: number; flushBytes?: number; splitBacklogBytes?: number } = {},
  ) {
    // Enough idle buffers for every worker's segment run to have its pieces in flight.
    this.buffers = new BufferRecycler(SEGMENT_PIECES_IN_FLIGHT * threads);
  }

  async reduceByKey<K, V>(batch: Batch<[K, V]>, f: (a: V, b: V) => V, numPartitions: number): Promise<Batch<[K, V]>> {
    const op = reducerOp(f);
    if (op === undefined || !(batch instanceof PairedTokenBatch) || typeof batch.value !== 'number' || !Number.isFinite(batch.value)) {
      return this.js.reduceByKey(batch, f, numPartitions);
    }
    const result = await this.countTokens(batch as PairedTokenBatch<number>, op, numPartitions);
    return result as unknown as Batch<[K, V]>;
  }

  combineByKey<K, V, C>(batch: Batch<[K, V]>, combiner: Combiner<V, C>, numPartitions: number): Promise<Batch<[K, C]>> {
    return this.js.combineByKey(batch, combiner, numPartitions);
  }

  createSumWindow(numPartitions: number, dropZeros: boolean): SumWindowState {
    const window = new KernelSumWindow(this.kernels, numPartitions, dropZeros);
    this.windows.add(window);
    return window;
  }

  createSlidingWindow(reducer: SlidingReducer, numPartitions: number): SlidingWindowState {
    const window = new KernelSlidingWindow(this.kernels, reducer, numPartitions);
    this.windows.add(window);
    return window;
  }

  /**
   * The composite-key table kernel (assembly/composite.ts) in a kernel instance of its own, so
   * the table lives as long as its query's operator and goes with it (no close hook needed).
   */
  createCompositeKeyTable(width: number): CompositeKeyTable {
    return new KernelCompositeKeyTable(width);
  }

  /** The window aggregation kernel (assembly/window-aggregate.ts) in a kernel instance of its own, as the table. */
  createWindowAggregation(width: number, kinds: readonly WindowAggregateKind[]): WindowAggregation {
    return new KernelWindowAggregation(width, kinds);
  }

  createBlockCounter(): BlockCounter {
    const core = this;
    return new WasmBlockCounter({
      open: (settings) => new SegmentRun(this.pool, this.buffers, settings, this.options.pieceBytes ?? SEGMENT_PIECE_BYTES),
      count: (blocks, settings) => this.countBlocks(blocks, settings),
      get kernels() {
        return core.kernels;
      },
      exactKind,
      stats: this.blockStats,
      threads: this.threads,
      splitBacklogBytes: this.options.splitBacklogBytes ?? SPLIT_BACKLOG_BYTES,
    });
  }

  blockCountStats(): BlockCountStats {
    return { ...this.blockStats };
  }

  poolStats(): PoolStats {
    // The pool starts with the first batch that needs it; until then it has no workers.
    return this.poolInstance?.stats() ?? { threads: this.threads, workers: 0, tasksRunning: 0, tasksQueued: 0, tasksCompleted: 0, restarts: 0 };
  }

  /**
   * Starts the workers and has each count the warm-up text (the same words for all, so every
   * worker's table and the main thread's merge table grow to {@link WARM_UP_KEYS} keys) as the word count
   * of a batch runs: kernels instantiated and tiered up, tables sized.
   */
  async warmUp(): Promise<void> {
    const tokens = warmUpTokens(WARM_UP_KEYS, this.threads);
    const bytes = tokens.tokens.text.blocks.flat().reduce((n, b) => n + b.bytes.byteLength, 0);
    await this.countTokens(tokens, OP.sum, this.threads, Math.ceil(bytes / this.threads));
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const w of this.windows) w.close();
    this.windows.clear();
    await this.poolInstance?.close();
  }

  /**
   * The batch's text goes to the workers as pieces cut at line ends (see countOnPool). Each worker
   * fills one table per segment of consecutive pieces, and the segments' partials are merged in
   * text order, which gives keys the js core's order and adds up values in its order: segments
   * start as `threads` equal shares of the text and may be split when that cannot change a result
   * (exact i64 sums, min, max); otherwise each input partition is one segment. A batch no bigger
   * than one piece is counted in place instead (see countHere), with the same segments. Text a
   * block counter counted as it arrived (exact counts only) is taken from it instead.
   */
  private async countTokens(batch: PairedTokenBatch<number>, op: OpCode, numPartitions: number, pieceBytesWanted?: number): Promise<PackedBatch> {
    const { value } = batch;
    const partitions = batch.tokens.text.blocks.filter((blocks) => blocks.length > 0);
    const bytes = partitions.flat().reduce((n, b) => n + b.bytes.byteLength, 0);
    const valueKind = valueKindFor(value, op, bytes);
    const exactInAnyOrder = valueKind === KIND.i64 || op !== OP.sum;
    const { separators, fields } = batch.tokens;
    const settings = { separators, fields, value, valueKind, op, numPartitions };
    const pre = batch.tokens.text.preCounted;
    if (exactInAnyOrder && pre instanceof BlockCount) {
      const packed = await pre.claim(settings, bytes);
      if (packed !== undefined) {
        this.blockStats.batchesFromBlocks++;
        return new PackedBatch(packed);
      }
    }
    const pieceBytes = pieceBytesWanted ?? this.options.pieceBytes ?? pieceSize(bytes, this.threads);
    const perSegment = exactInAnyOrder ? [piecesOf(partitions.flat(), pieceBytes)] : partitions.map((blocks) => piecesOf(blocks, pieceBytes));
    const ranges = exactInAnyOrder ? undefined : PieceScheduler.consecutiveRanges(perSegment.map((p) => p.length));
    // Workers may send a segment back in several partials only where that cannot change a result.
    const counting = exactInAnyOrder ? { ...settings, flushBytes: this.options.flushBytes ?? FLUSH_BYTES } : settings;
    const partials = bytes <= pieceBytes && pieceBytesWanted === undefined ? this.countHere(perSegment, settings) : await this.countPieces(perSegment.flat(), ranges, counting);
    if (partials.length === 1) return new PackedBatch(partials[0]!);
    if (packedKeys(partials) > MERGE_IN_JS_KEYS) return new PackedBatch(mergePackedPartials(partials, op));
    const merged = this.kernels.combiner(numPartitions, valueKind, 'merge');
    for (const partial of partials) this.kernels.mergePacked(merged, partial, op);
    return new PackedBatch(this.kernels.pack(merged));
  }

  /** The last block of a receiver's batch (exact counts only), counted as {@link WasmCore.countTokens} counts a batch. */
  private async countBlocks(blocks: readonly LineBlock[], settings: CountSettings): Promise<ArrayBuffer[]> {
    const bytes = blocks.reduce((n, b) => n + b.bytes.byteLength, 0);
    return this.countPieces(piecesOf(blocks, this.options.pieceBytes ?? pieceSize(bytes, this.threads)), undefined, settings);
  }

  /**
   * The partials of `pieces`, in text order: `ranges` fixes the segments (which then never split);
   * without, the pieces start as `threads` equal segments that work stealing may split.
   */
  private countPieces(pieces: Uint8Array[][], ranges: [number, number][] | undefined, settings: CountSettings): Promise<ArrayBuffer[]> {
    const scheduler = new PieceScheduler(ranges ?? PieceScheduler.evenRanges(pieces.length, this.threads), ranges === undefined);
    const workers = Math.min(this.threads, scheduler.initialSegments);
    return countOnPool(this.pool, this.buffers, pieces, scheduler, workers, settings);
  }

  /**
   * Counts a batch no bigger than one piece in the main thread's kernel instance, segment by
   * segment as the workers would (one table each, split by partition): a worker's round trip costs
   * more than counting a pane of a few hundred KB, and a worker's table, grown by the warm-up and
   * cold between small batches, costs cache misses a small table here does not (a 256 KB pane:
   * about 2 ms here against 6 ms on a worker).
   */
  private countHere(segments: readonly Uint8Array[][][], settings: CountSettings): ArrayBuffer[] {
    this.checkOpen();
    const { separators, fields, value, valueKind, op, numPartitions } = settings;
    const seps = separatorTable(separators);
    return segments.map((pieces) => {
      const table = this.kernels.combiner(1, valueKind, 'in-place');
      for (const bytes of pieces.flat()) this.kernels.addTokens(table, bytes, seps, value, valueKind, op, fields);
      return this.kernels.packSplit(table, numPartitions);
    });
  }

  private checkOpen(): void {
    if (this.closed) throw new FlintError('CONTEXT_STOPPED', 'the wasm core is closed; the StreamingContext was stopped');
  }

  private get pool(): WorkerPool {
    // A closed core must not start a new pool: nothing would close it, and its threads would
    // keep the process alive.
    this.checkOpen();
    this.poolInstance ??= new WorkerPool(this.threads);
    return this.poolInstance;
  }

  private get kernels(): Kernels {
    this.kernelsInstance ??= new Kernels();
    return this.kernelsInstance;
  }
}
