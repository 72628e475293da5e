// The wasm core: word-count pipelines on text (split -> pair -> reduceByKey with sum, min or max)
// run as AssemblyScript kernels on a worker pool, one task per input partition; their partial
// tables are merged in input-partition order in the main thread's kernel instance, so results
// equal the js core's partition by partition. Everything else runs on the js core.
import type { Batch } from '../../batch/batch.js';
import type { Combiner } from '../../batch/shuffle.js';
import { type LineBlock, PairedTokenBatch } from '../../batch/text-batch.js';
import { FlintError } from '../../errors.js';
import { buildingBlockOf } from '../../functions/building-blocks.js';
import { BufferRecycler } from '../../pool/buffer-recycler.js';
import { WorkerPool } from '../../pool/pool.js';
import type { CombineTextTask } from '../../pool/tasks.js';
import type { CombineTextReply } from '../../pool/worker.js';
import type { Core, SlidingReducer, SlidingWindowState, SumWindowState } from '../core.js';
import { JsCore } from '../js/js-core.js';
import { KIND, Kernels, OP, type OpCode, type ValueKind } from './kernel-instance.js';
import { PackedBatch } from './packed-tables.js';
import { piecesOf } from './pieces.js';
import { KernelSlidingWindow } from './sliding-window.js';
import { KernelSumWindow } from './sum-window.js';

const REDUCER_OPS: Record<string, OpCode> = { sum: OP.sum, min: OP.min, max: OP.max };

/** Pieces per worker thread when a batch can be cut freely (a fast worker takes more of them). */
const PIECES_PER_THREAD = 2;
/** Smaller pieces cost more in task round trips and merges than they win in balance. */
const MIN_PIECE_BYTES = 4 << 20;
/**
 * Piece size of a one-thread run: small enough that copying the first piece (the only copy not
 * overlapped with counting) is short, large enough that task round trips stay negligible.
 */
const PIPELINE_PIECE_BYTES = 8 << 20;

/** A piece of text to send: byte ranges copied together, and the run it continues, if any. */
interface Piece {
  ranges: Uint8Array[];
  run?: CombineTextTask['run'];
}

/** The kernel op for a tagged reducer, if it is one. */
function reducerOp(f: unknown): OpCode | undefined {
  const kind = buildingBlockOf(f)?.kind;
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

/** Runs the hot paths as WASM kernels on `threads` workers. */
export class WasmCore implements Core {
  readonly name = 'wasm' as const;
  private readonly js = new JsCore();
  private poolInstance: WorkerPool | undefined;
  private kernelsInstance: Kernels | undefined;
  private closed = false;
  private nextRun = 0;
  private readonly buffers: BufferRecycler;
  private readonly windows = new Set<SumWindowState | SlidingWindowState>();

  /**
   * `threads` workers. `pieceBytes` sets the size text is cut to for the workers (tests use small
   * pieces to exercise runs of many pieces); by default it follows the batch and the threads.
   */
  constructor(
    private readonly threads: number,
    private readonly options: { pieceBytes?: number } = {},
  ) {
    this.buffers = new BufferRecycler(2 * threads);
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

  createSumWindow(numPartitions: number): SumWindowState {
    const window = new KernelSumWindow(this.kernels, numPartitions);
    this.windows.add(window);
    return window;
  }

  createSlidingWindow(reducer: SlidingReducer, numPartitions: number): SlidingWindowState {
    const window = new KernelSlidingWindow(this.kernels, reducer, numPartitions);
    this.windows.add(window);
    return window;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const w of this.windows) w.close();
    this.windows.clear();
    await this.poolInstance?.close();
  }

  /**
   * The batch's text goes to the workers as pieces cut at line ends, at most `threads + 1` in
   * flight, so the main thread copies the next piece while the workers count the current ones.
   * Partials are merged in text order, which adds up each key's values in the js core's order:
   * - one thread: each run of pieces fills one table in the worker (the whole batch when
   *   regrouping cannot change a sum, else one run per input partition), so nothing is merged
   *   but the runs;
   * - several threads: every piece returns its own partial (pieces only where regrouping cannot
   *   change a result: exact i64 sums, or min/max; else one per input partition).
   */
  private async countTokens(batch: PairedTokenBatch<number>, op: OpCode, numPartitions: number): Promise<PackedBatch> {
    const { value } = batch;
    const partitions = batch.tokens.text.blocks.filter((blocks) => blocks.length > 0);
    const bytes = partitions.flat().reduce((n, b) => n + b.bytes.byteLength, 0);
    const valueKind = valueKindFor(value, op, bytes);
    const exactInAnyOrder = valueKind === KIND.i64 || op !== OP.sum;
    const base = { kind: 'combineText', separators: batch.tokens.separators, value, valueKind, op, numPartitions } as const;
    const partials = await this.runInOrder(this.plan(partitions, bytes, exactInAnyOrder), base);
    if (partials.length === 1) return new PackedBatch(partials[0]!);
    const merged = this.kernels.combiner(numPartitions, valueKind, 'merge');
    for (const partial of partials) this.kernels.mergePacked(merged, partial, op);
    return new PackedBatch(this.kernels.pack(merged));
  }

  // The pieces to send, each with the run it belongs to (one thread) or none (a run of its own).
  private plan(partitions: (readonly LineBlock[])[], bytes: number, exactInAnyOrder: boolean): Piece[] {
    if (this.threads === 1) {
      const runs = exactInAnyOrder ? [partitions.flat()] : partitions;
      return runs.flatMap((blocks) => {
        const id = this.nextRun++;
        const pieces = piecesOf(blocks, this.options.pieceBytes ?? PIPELINE_PIECE_BYTES);
        return pieces.map((ranges, i) => ({ ranges, run: { id, first: i === 0, last: i === pieces.length - 1 } }));
      });
    }
    const pieceBytes = !exactInAnyOrder ? Infinity : this.options.pieceBytes ?? Math.max(MIN_PIECE_BYTES, Math.ceil(bytes / (PIECES_PER_THREAD * this.threads)));
    return partitions.flatMap((blocks) => piecesOf(blocks, pieceBytes)).map((ranges) => ({ ranges }));
  }

  // Sends the pieces, keeping at most threads + 1 in flight; resolves to the packed partials in
  // piece order.
  private async runInOrder(pieces: Piece[], base: Omit<CombineTextTask, 'bytes' | 'run'>): Promise<ArrayBuffer[]> {
    const replies: Promise<ArrayBuffer | undefined>[] = [];
    const inFlight = new Set<Promise<unknown>>();
    for (const piece of pieces) {
      while (inFlight.size > this.threads) await Promise.race(inFlight);
      const bytes = this.copyToTransferable(piece.ranges);
      const task: CombineTextTask = { ...base, bytes, run: piece.run };
      const reply = this.pool.run<CombineTextReply>(task, [bytes.buffer as ArrayBuffer]).then((r) => {
        this.buffers.give(r.input);
        return r.packed;
      });
      replies.push(reply);
      // Settled either way; a failure surfaces from Promise.all below.
      const settled: Promise<unknown> = reply.then(
        (): boolean => inFlight.delete(settled),
        (): boolean => inFlight.delete(settled),
      );
      inFlight.add(settled);
    }
    return (await Promise.all(replies)).filter((p): p is ArrayBuffer => p !== undefined);
  }

  // Task input gets its own ArrayBuffer (a recycled one) so it can be transferred, not cloned.
  private copyToTransferable(parts: Uint8Array[]): Uint8Array {
    const total = parts.reduce((n, p) => n + p.byteLength, 0);
    const out = new Uint8Array(this.buffers.take(total), 0, total);
    let at = 0;
    for (const p of parts) {
      out.set(p, at);
      at += p.byteLength;
    }
    return out;
  }

  private get pool(): WorkerPool {
    // A closed core must not start a new pool: nothing would close it, and its threads would
    // keep the process alive.
    if (this.closed) throw new FlintError('CONTEXT_STOPPED', 'the wasm core is closed; the StreamingContext was stopped');
    this.poolInstance ??= new WorkerPool(this.threads);
    return this.poolInstance;
  }

  private get kernels(): Kernels {
    this.kernelsInstance ??= new Kernels();
    return this.kernelsInstance;
  }
}
