// Counting a receiver stream's text block by block while its batch fills (Spark's block
// interval): each block goes to a worker as it arrives, into the table of the current segment
// (consecutive text on one worker) while that worker is at most a few MB behind, else into a new
// segment on a free worker; when no worker is free, the block waits in the current segment (a new
// one would only queue behind the busy workers and cost one more table to pack and merge).
// Segments' tables are merged in text order into one table per batch in the main thread's kernel
// instance; at the cut the last block is shared by the workers and the table is packed, so the
// batch's word count only has to pick it up.
//
//   time ->   | block 1 | block 2 | block 3 | block 4 | last |  cut
//   workers:    seg 1 ...................  seg 2 ....... seg 3 + seg 4 (shared)
//   main:                                 merge 1        merge 2  merge 3, 4, pack -> the batch
import type { LineBlock, PreCounted } from '../../batch/text-batch.js';
import type { CountSettings } from '../../pool/count-run.js';
import type { BlockCounter, BlockCountStats } from '../core.js';
import type { Kernels, ValueKind } from './kernel-instance.js';
import type { SegmentRun } from './segment-run.js';

/**
 * A last block at least this large is shared by the workers at the cut; a smaller one joins the
 * current segment if its worker keeps up: counting a few MB costs less than two more tables'
 * packs and merges.
 */
const SPREAD_LAST_BYTES = 8 << 20;

/**
 * A segment's worker more than this far behind (bytes sent, not counted yet) hands the next block
 * to a new segment on a free worker; less behind, it keeps the block. Short blocks leave a busy
 * worker slightly behind at almost every block: a segment for each would cost a table to pack and
 * merge per block (at 50 ms blocks and 80 MB/s, 16% more worker CPU per MB).
 */
export const SPLIT_BACKLOG_BYTES = 4 << 20;

/** What a {@link WasmBlockCounter} needs of its core. */
export interface BlockCountHost {
  /** A run on a worker for one segment of text counted with `settings`. */
  open(settings: CountSettings): SegmentRun;
  /** The packed partials of `blocks` counted by all the workers (a table each), in text order. */
  count(blocks: readonly LineBlock[], settings: CountSettings): Promise<ArrayBuffer[]>;
  /** The main thread's kernel instance, where partials are merged. */
  readonly kernels: Kernels;
  /**
   * The value kind for `settings` over `bytes` of text when any grouping of the text gives the
   * same result (exact sums, min, max); undefined when only text order would.
   */
  exactKind(settings: Pick<CountSettings, 'value' | 'op'>, bytes: number): ValueKind | undefined;
  /** Where counters add up their work. */
  readonly stats: BlockCountStats;
  /** Workers of the pool: at most this many segment runs count at once. */
  readonly threads: number;
  /** See {@link SPLIT_BACKLOG_BYTES}. */
  readonly splitBacklogBytes: number;
}

/** What is asked of a count, but the value kind (which follows the batch's size). */
type Shape = Omit<CountSettings, 'valueKind'>;

function shapeKey({ separators, fields, value, op, numPartitions }: Shape): string {
  return JSON.stringify([separators, fields, Object.is(value, -0) ? '-0' : value, op, numPartitions]);
}

/** The batch being received. */
interface Filling {
  readonly shape: Shape;
  readonly key: string;
  kind: ValueKind | undefined;
  bytes: number;
  /** False once a block could not be counted or merged: the batch is then counted from its text. */
  ok: boolean;
  /** The segment blocks go to while its worker keeps up. */
  run?: SegmentRun;
  /** The batch's only table so far, not merged yet. */
  first?: ArrayBuffer;
  combiner?: number;
  generation?: number;
}

/**
 * The count of one batch's text made while it arrived. The first word count to read the batch
 * takes it (or teaches the counter its settings); the batch stops holding it then, so a window
 * that keeps the batch does not keep its table too.
 */
export class BlockCount implements PreCounted {
  private result: Promise<ArrayBuffer | undefined> | undefined;

  constructor(
    private readonly counter: WasmBlockCounter,
    /** Bytes of the batch's text counted, from its start. */
    readonly bytes: number,
    private readonly key: string | undefined,
    private readonly kind: ValueKind | undefined,
    result: Promise<ArrayBuffer | undefined>,
  ) {
    this.result = result;
  }

  /**
   * The packed count when it was made with `settings` over all `bytes` of the batch's text;
   * otherwise undefined, and the counter counts for `settings` from the next block on.
   */
  claim(settings: CountSettings, bytes: number): Promise<ArrayBuffer | undefined> {
    const result = this.result;
    if (result === undefined) return Promise.resolve(undefined);
    this.result = undefined;
    if (this.key !== shapeKey(settings)) {
      this.counter.learn(settings);
      return Promise.resolve(undefined);
    }
    if (this.bytes !== bytes || this.kind !== settings.valueKind) return Promise.resolve(undefined);
    return result;
  }
}

let nextSlot = 0;

/**
 * The wasm core's {@link BlockCounter}. It counts nothing until a word count over its stream asked
 * for a count (the first batch's claim teaches it the settings), and stops for good when the first
 * word count to read a batch asks for other settings than an earlier one did.
 */
export class WasmBlockCounter implements BlockCounter {
  private shape: Shape | undefined;
  private mixed = false;
  private filling: Filling | undefined;
  /** Merges and packs, one at a time in text order: one batch's table is packed before the next is started. */
  private chain: Promise<void> = Promise.resolve();
  private readonly slot = `blocks${nextSlot++}`;
  /** Segment runs holding a worker: opened, and their table not back yet. */
  private openRuns = 0;

  constructor(private readonly host: BlockCountHost) {}

  /** Counts for `settings` from the next block on (unless another shape was learned before). */
  learn(settings: CountSettings): void {
    if (this.mixed || this.host.exactKind(settings, 0) === undefined) return;
    const { valueKind: _, ...shape } = settings;
    if (this.shape === undefined) this.shape = shape;
    else if (shapeKey(this.shape) !== shapeKey(shape)) {
      this.mixed = true;
      this.shape = undefined;
    }
  }

  add(blocks: readonly LineBlock[]): void {
    const f = this.extend(blocks);
    if (f === undefined) return;
    const run = f.run !== undefined && (f.run.backlogBytes <= this.host.splitBacklogBytes || !this.workerFree) ? f.run : this.startSegment(f);
    run?.send(blocks);
    this.host.stats.blocksCounted++;
  }

  cut(last: readonly LineBlock[]): PreCounted | undefined {
    const f = this.extend(last);
    if (f !== undefined) {
      const bytes = last.reduce((n, b) => n + b.bytes.byteLength, 0);
      // Shared even when no worker is free: the pieces go to whichever worker frees up first, so
      // the cut ends sooner than if the busy segment's worker counted it all.
      if (f.run?.caughtUp && bytes < SPREAD_LAST_BYTES) f.run.send(last);
      else this.spread(f, last);
    }
    const filling = this.filling;
    this.filling = undefined;
    filling?.run?.end();
    if (filling === undefined) return new BlockCount(this, 0, undefined, undefined, Promise.resolve(undefined));
    const result = this.chain.then(() => this.pack(filling)).catch(() => undefined);
    this.chain = result.then(() => undefined);
    return new BlockCount(this, filling.bytes, filling.key, filling.kind, result);
  }

  // The batch's filling with `blocks` added, if they can be counted; otherwise (no settings yet,
  // or a count that would need text order) undefined, and the batch is counted from its text.
  private extend(blocks: readonly LineBlock[]): Filling | undefined {
    const shape = this.shape;
    if (shape === undefined || blocks.length === 0) return undefined;
    const f = (this.filling ??= { shape, key: shapeKey(shape), kind: undefined, bytes: 0, ok: true });
    f.bytes += blocks.reduce((n, b) => n + b.bytes.byteLength, 0);
    const kind = this.host.exactKind(f.shape, f.bytes);
    if (kind === undefined || (f.kind !== undefined && kind !== f.kind)) f.ok = false;
    if (!f.ok || kind === undefined) {
      f.run?.end();
      f.run = undefined;
      return undefined;
    }
    f.kind = kind;
    return f;
  }

  // A worker holds no segment run, so a new segment would start counting at once.
  private get workerFree(): boolean {
    return this.openRuns < this.host.threads;
  }

  // Ends the current segment and opens the next; its table joins the batch's after the ones before.
  // A core that can no longer count (it was closed) leaves the batch to be counted from its text.
  private startSegment(f: Filling): SegmentRun | undefined {
    f.run?.end();
    f.run = undefined;
    try {
      f.run = this.host.open({ ...f.shape, valueKind: f.kind! });
    } catch {
      f.ok = false;
      return undefined;
    }
    this.openRuns++;
    const released = () => void this.openRuns--;
    f.run.table.then(released, released);
    this.host.stats.segments++;
    this.mergeInTurn(f, f.run.table.then((table) => [table]));
    return f.run;
  }

  // The workers share `blocks`; until their tables are back, no worker counts as free.
  private spread(f: Filling, blocks: readonly LineBlock[]): void {
    const tables = this.host.count(blocks, { ...f.shape, valueKind: f.kind! });
    const threads = this.host.threads;
    this.openRuns += threads;
    const released = () => void (this.openRuns -= threads);
    tables.then(released, released);
    this.mergeInTurn(f, tables);
  }

  private mergeInTurn(f: Filling, tables: Promise<ArrayBuffer[]>): void {
    tables.catch(() => undefined); // observed below, in the chain
    this.chain = this.chain
      .then(async () => {
        const partials = await tables;
        if (f.ok) this.merge(f, partials);
      })
      .catch(() => {
        f.ok = false;
      });
  }

  // The first table waits unmerged: a batch of one table (a worker that kept up all along) is
  // that table, with no merge and no pack on the main thread.
  private merge(f: Filling, partials: readonly ArrayBuffer[]): void {
    const tables = f.first === undefined ? partials : [f.first, ...partials];
    if (f.combiner === undefined && tables.length === 1) {
      f.first = tables[0];
      return;
    }
    f.first = undefined;
    const k = this.host.kernels;
    if (f.combiner === undefined) {
      f.combiner = k.combiner(f.shape.numPartitions, f.kind!, this.slot);
      f.generation = k.generation;
    }
    // A trap replaced the instance (and the table) since the batch's first merge.
    if (k.generation !== f.generation) {
      f.ok = false;
      return;
    }
    for (const partial of tables) k.mergePacked(f.combiner, partial, f.shape.op);
  }

  private pack(f: Filling): ArrayBuffer | undefined {
    if (!f.ok) return undefined;
    if (f.combiner === undefined) return f.first;
    const k = this.host.kernels;
    return k.generation === f.generation ? k.pack(f.combiner) : undefined;
  }
}
