// Text kept as UTF-8 bytes until something needs strings. A TextBatch holds whole lines; flatMap
// with Flint's `split`/`words` (or Spark's spelling `(line) => line.split(' ')`) gives a
// TokenBatch and map with `pair(v)` a PairedTokenBatch, both still bytes underneath, so a core
// with kernels can count words without one JS string per word. Every one of them decodes to
// exactly what the plain JS functions would compute.
import { countLineFeeds } from '../core/wasm/line-feeds.js';
import { kernelFormOf } from '../functions/spellings.js';
import { Batch } from './batch.js';

/**
 * Whole lines of text: `bytes` is valid UTF-8 in which every line ends with `\n`, and `lines`
 * says how many there are. Text sources end lines at `\n`, `\r\n` or a lone `\r` (see
 * LineSplitter) and store each with `\n` alone, so the decoder and the kernels split on `\n` only.
 */
export interface LineBlock {
  readonly bytes: Uint8Array;
  readonly lines: number;
}

const LF = 0x0a;

/** Number of `\n` in `bytes` (by the kernels' SIMD scan). */
export function countLines(bytes: Uint8Array): number {
  return countLineFeeds(bytes);
}

/** A block of the given lines (none of which contains `\n`). */
export function blockOfLines(lines: readonly string[]): LineBlock {
  return { bytes: Buffer.from(lines.length === 0 ? '' : lines.join('\n') + '\n'), lines: lines.length };
}

/** The first `count` lines of `block` (0 < count < block.lines) and the rest, without copying. */
export function splitLines(block: LineBlock, count: number): [LineBlock, LineBlock] {
  const buf = Buffer.from(block.bytes.buffer, block.bytes.byteOffset, block.bytes.byteLength);
  let end = 0;
  for (let i = 0; i < count; i++) end = buf.indexOf(LF, end) + 1;
  return [
    { bytes: block.bytes.subarray(0, end), lines: count },
    { bytes: block.bytes.subarray(end), lines: block.lines - count },
  ];
}

function decodeLines(blocks: readonly LineBlock[]): string[] {
  const out: string[] = [];
  for (const { bytes } of blocks) {
    const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
    const lines = text.split('\n');
    lines.pop(); // the text ends with \n: the last piece is empty
    for (const line of lines) out.push(line);
  }
  return out;
}

/**
 * How a kernel splits lines: on `separators` (ASCII characters), dropping empty tokens as Flint's
 * `split` does, or with `fields` keeping them as JS's `line.split(sep)` does.
 */
export interface LineSplit {
  separators: string;
  fields: boolean;
}

/** How kernels split lines for `f`, or undefined when `f` is not a split they can run. */
export function lineSplitOf(f: unknown): LineSplit | undefined {
  const form = kernelFormOf(f);
  if (form?.kind !== 'split' && form?.kind !== 'fields') return undefined;
  const separators = form.param as string;
  if (![...separators].every((c) => c.charCodeAt(0) < 0x80)) return undefined;
  return { separators, fields: form.kind === 'fields' };
}

/** Walks a list of line blocks by global byte offset, cutting a block only where a cut falls. */
class BlockCursor {
  private index = 0;
  /** Offset in the current block of the first byte not taken yet. */
  private offset = 0;
  /** Lines of the current block not taken yet. */
  private lines: number;
  /** Global offset of the current block's first byte. */
  private base = 0;

  constructor(private readonly blocks: readonly LineBlock[]) {
    this.lines = blocks[0]?.lines ?? 0;
  }

  private get at(): number {
    return this.base + this.offset;
  }

  /**
   * The end (global offset) of the line holding byte `target - 1`, so a partition cut there ends
   * with the line the target falls in; the current position when that is not ahead of it.
   */
  lineEndAfter(target: number): number {
    if (target <= this.at) return this.at;
    let base = this.base;
    for (let k = this.index; k < this.blocks.length; k++) {
      const bytes = this.blocks[k]!.bytes;
      if (target - 1 < base + bytes.byteLength) {
        const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
        const lf = buf.indexOf(LF, target - 1 - base);
        return lf === -1 ? base + bytes.byteLength : base + lf + 1;
      }
      base += bytes.byteLength;
    }
    return base;
  }

  /** The bytes from the current position to global offset `to`, as blocks. */
  take(to: number): LineBlock[] {
    const out: LineBlock[] = [];
    while (this.index < this.blocks.length && this.at < to) {
      const block = this.blocks[this.index]!;
      const end = Math.min(block.bytes.byteLength, to - this.base);
      const bytes = this.offset === 0 && end === block.bytes.byteLength ? block.bytes : block.bytes.subarray(this.offset, end);
      const lines = end === block.bytes.byteLength ? this.lines : this.countSide(block.bytes, end);
      if (bytes.byteLength > 0) out.push({ bytes, lines });
      this.lines -= lines;
      this.offset = end;
      if (end === block.bytes.byteLength) this.next();
    }
    return out;
  }

  // Lines from the current offset to `end` of a block cut there: counts the shorter side only.
  private countSide(bytes: Uint8Array, end: number): number {
    if (end - this.offset <= bytes.byteLength - end) return countLines(bytes.subarray(this.offset, end));
    return this.lines - countLines(bytes.subarray(end));
  }

  private next(): void {
    this.base += this.blocks[this.index]!.bytes.byteLength;
    this.index++;
    this.offset = 0;
    this.lines = this.blocks[this.index]?.lines ?? 0;
  }
}

/**
 * What a core counted of a batch's text while the batch was being received (Spark's block
 * interval; see `Core.createBlockCounter`): the first `bytes` bytes of the text, in order. Opaque
 * to everything but the core that made it, which may use it or ignore it.
 */
export interface PreCounted {
  readonly bytes: number;
}

/** Lines of text, kept as bytes per partition. */
export class TextBatch extends Batch<string> {
  /** The line blocks of each partition. */
  readonly blocks: readonly (readonly LineBlock[])[];

  constructor(
    blocks: readonly (readonly LineBlock[])[],
    /** What a core counted of these lines as they arrived, if anything. */
    readonly preCounted?: PreCounted,
  ) {
    super({ numPartitions: blocks.length, materialize: () => blocks.map(decodeLines) });
    this.blocks = blocks;
  }

  /**
   * The lines of `blocks`, in order, cut at line boundaries into `numPartitions` partitions of
   * about the same number of bytes (received text is partitioned by size, as Spark cuts
   * received data into blocks). The blocks are kept by reference, not copied: a partition is a
   * list of whole blocks and pieces of the blocks a cut falls in, and only those are recounted.
   * Each block's `lines` must be right.
   */
  static fromBlocks(blocks: readonly LineBlock[], numPartitions: number, preCounted?: PreCounted): TextBatch {
    const total = blocks.reduce((n, b) => n + b.bytes.byteLength, 0);
    const cursor = new BlockCursor(blocks);
    const parts: LineBlock[][] = [];
    for (let i = 1; i <= numPartitions; i++) {
      const to = i < numPartitions ? cursor.lineEndAfter(Math.floor((i * total) / numPartitions)) : total;
      parts.push(cursor.take(to));
    }
    return new TextBatch(parts, preCounted);
  }

  /** Number of lines, without decoding. */
  override count(): number {
    let n = 0;
    for (const p of this.blocks) for (const b of p) n += b.lines;
    return n;
  }

  /** True when there is no line. */
  override isEmpty(): boolean {
    return this.count() === 0;
  }

  /**
   * With Flint's `split`/`words` or `(line) => line.split(' ')` on ASCII separators, stays in
   * bytes; otherwise decodes.
   */
  override flatMap<U>(f: (x: string) => Iterable<U>): Batch<U> {
    const how = lineSplitOf(f);
    if (how === undefined) return super.flatMap(f);
    return new TokenBatch(this, how, f as unknown as (line: string) => Iterable<string>) as unknown as Batch<U>;
  }
}

/** The tokens of a TextBatch split on ASCII separators (`lines.flatMap(words)`). */
export class TokenBatch extends Batch<string> {
  /** The separator characters. */
  readonly separators: string;
  /** True when empty tokens are kept (JS's `line.split(sep)`), false when dropped (`split`). */
  readonly fields: boolean;

  constructor(
    readonly text: TextBatch,
    how: LineSplit,
    split: (line: string) => Iterable<string>,
  ) {
    super({
      numPartitions: text.numPartitions,
      materialize: () =>
        text.partitions.map((lines) => {
          const tokens: string[] = [];
          for (const line of lines) for (const token of split(line)) tokens.push(token);
          return tokens;
        }),
    });
    this.separators = how.separators;
    this.fields = how.fields;
  }

  /** With Flint's `pair(v)` or its spelling `(w) => [w, v]`, stays in bytes; otherwise decodes. */
  override map<U>(f: (x: string) => U): Batch<U> {
    const form = kernelFormOf(f);
    if (form?.kind !== 'pair') return super.map(f);
    return new PairedTokenBatch(this, form.param, f as unknown as (token: string) => [string, unknown]) as unknown as Batch<U>;
  }
}

/** Every token paired with one value (`tokens.map(pair(1))`). */
export class PairedTokenBatch<V> extends Batch<[string, V]> {
  constructor(
    readonly tokens: TokenBatch,
    readonly value: V,
    pairWith: (token: string) => [string, V],
  ) {
    super({
      numPartitions: tokens.numPartitions,
      materialize: () => tokens.partitions.map((p) => p.map(pairWith)),
    });
  }
}
