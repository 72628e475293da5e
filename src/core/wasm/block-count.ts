// Counting a receiver stream's text block by block while its batch fills (Spark's block
// interval): each block goes to the workers as it arrives and its partials are merged, in text
// order, into one table per batch in the main thread's kernel instance; at the cut the table is
// packed, so the batch's word count only has to pick it up.
//
//   time ->   | block 1 | block 2 | block 3 | block 4 | last |  cut
//   workers:    count 1   count 2   count 3   count 4   count last
//   main:                 merge 1   merge 2   merge 3   merge 4   merge last, pack -> the batch
import type { LineBlock, PreCounted } from '../../batch/text-batch.js';
import type { CountSettings } from '../../pool/count-run.js';
import type { BlockCounter, BlockCountStats } from '../core.js';
import type { Kernels, ValueKind } from './kernel-instance.js';

/** What a {@link WasmBlockCounter} needs of its core. */
export interface BlockCountHost {
  /**
   * The packed partials of `blocks` counted on the workers with `settings`, in text order: one
   * table on one worker, or with `spread` shared by every worker (a table each).
   */
  count(blocks: readonly LineBlock[], settings: CountSettings, spread: boolean): Promise<ArrayBuffer[]>;
  /** The main thread's kernel instance, where partials are merged. */
  readonly kernels: Kernels;
  /**
   * The value kind for `settings` over `bytes` of text when any grouping of the text gives the
   * same result (exact sums, min, max); undefined when only text order would.
   */
  exactKind(settings: Pick<CountSettings, 'value' | 'op'>, bytes: number): ValueKind | undefined;
  /** Where counters add up their work. */
  readonly stats: BlockCountStats;
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
  combiner?: number;
  generation?: number;
}

/** The count of one batch's text made while it arrived; a word count takes it at most once. */
export class BlockCount implements PreCounted {
  private claimed = false;

  constructor(
    private readonly counter: WasmBlockCounter,
    /** Bytes of the batch's text counted, from its start. */
    readonly bytes: number,
    private readonly key: string | undefined,
    private readonly kind: ValueKind | undefined,
    private readonly result: Promise<ArrayBuffer | undefined>,
  ) {}

  /**
   * The packed count when it was made with `settings` over all `bytes` of the batch's text;
   * otherwise undefined, and the counter counts for `settings` from the next block on.
   */
  claim(settings: CountSettings, bytes: number): Promise<ArrayBuffer | undefined> {
    if (this.claimed) return Promise.resolve(undefined);
    this.claimed = true;
    if (this.key !== shapeKey(settings)) {
      this.counter.learn(settings);
      return Promise.resolve(undefined);
    }
    if (this.bytes !== bytes || this.kind !== settings.valueKind) return Promise.resolve(undefined);
    return this.result;
  }
}

let nextSlot = 0;

/**
 * The wasm core's {@link BlockCounter}. It counts nothing until a word count over its stream asked
 * for a count (the first batch's claim teaches it the settings), and stops for good when word
 * counts with different settings read the same stream.
 */
export class WasmBlockCounter implements BlockCounter {
  private shape: Shape | undefined;
  private mixed = false;
  private filling: Filling | undefined;
  /** Merges and packs, one at a time in text order: one batch's table is packed before the next is started. */
  private chain: Promise<void> = Promise.resolve();
  private readonly slot = `blocks${nextSlot++}`;

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

  /**
   * A block is one table on one worker: blocks go to the workers in turn as they come free, and each
   * table costs a pack and a merge of its keys, so a table per worker per block would double that.
   */
  add(blocks: readonly LineBlock[]): void {
    this.count(blocks, false);
  }

  /** The last block is shared by all workers: nothing else is left to overlap it with. */
  cut(last: readonly LineBlock[]): PreCounted | undefined {
    this.count(last, true);
    const f = this.filling;
    this.filling = undefined;
    if (f === undefined) return new BlockCount(this, 0, undefined, undefined, Promise.resolve(undefined));
    const result = this.chain.then(() => this.pack(f)).catch(() => undefined);
    this.chain = result.then(() => undefined);
    return new BlockCount(this, f.bytes, f.key, f.kind, result);
  }

  private count(blocks: readonly LineBlock[], spread: boolean): void {
    const shape = this.shape;
    if (shape === undefined || blocks.length === 0) return;
    const f = (this.filling ??= { shape, key: shapeKey(shape), kind: undefined, bytes: 0, ok: true });
    f.bytes += blocks.reduce((n, b) => n + b.bytes.byteLength, 0);
    const kind = this.host.exactKind(f.shape, f.bytes);
    if (kind === undefined || (f.kind !== undefined && kind !== f.kind)) f.ok = false;
    if (!f.ok || kind === undefined) return;
    f.kind = kind;
    const counting = this.host.count(blocks, { ...f.shape, valueKind: kind }, spread);
    counting.catch(() => undefined); // observed below, in the chain
    this.chain = this.chain
      .then(async () => {
        const partials = await counting;
        if (f.ok) this.merge(f, partials);
      })
      .catch(() => {
        f.ok = false;
      });
  }

  private merge(f: Filling, partials: readonly ArrayBuffer[]): void {
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
    for (const partial of partials) k.mergePacked(f.combiner, partial, f.shape.op);
    this.host.stats.blocksCounted += 1;
  }

  private pack(f: Filling): ArrayBuffer | undefined {
    const k = this.host.kernels;
    if (!f.ok || f.combiner === undefined || k.generation !== f.generation) return undefined;
    return k.pack(f.combiner);
  }
}
