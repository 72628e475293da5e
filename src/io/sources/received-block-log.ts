// The write-ahead log of one receiver stream (Spark's WriteAheadLogBasedBlockHandler): every
// piece of stored data is appended before it joins a batch, so the batches of a crashed run can
// be rebuilt from the log. A batch is the log range [from, to) of the pieces it took.
import { deserialize, serialize } from 'node:v8';
import { WriteAheadLog, type WriteAheadLogOptions } from '../../checkpoint/write-ahead-log.js';
import { FlintError } from '../../errors.js';
import type { Piece } from './receiver-flow.js';

const LINES = 0;
const ITEMS = 1;

/** A receiver's pieces in a write-ahead log. */
export class ReceivedBlockLog<T> {
  private lastDurable: Promise<void> = Promise.resolve();

  private constructor(private readonly log: WriteAheadLog) {}

  /** Opens (and recovers) the log in `dir`. */
  static async open<T>(dir: string, options: WriteAheadLogOptions = {}): Promise<ReceivedBlockLog<T>> {
    return new ReceivedBlockLog<T>(await WriteAheadLog.open(dir, options));
  }

  /** What opening the log cut off: a record torn by a crash, never acknowledged. */
  get tornTail(): { file: string; bytes: number; reason: string } | undefined {
    return this.log.tornTail;
  }

  /** Where the next piece starts. */
  get end(): number {
    return this.log.end;
  }

  /** Appends `piece`; it is durable once {@link ReceivedBlockLog.durable} settles. */
  append(piece: Piece<T>, what: string): void {
    this.lastDurable = this.log.append(encode(piece, what)).durable;
  }

  /** Settles once everything appended so far is on disk (rejects if the log failed). */
  durable(): Promise<void> {
    return this.lastDurable;
  }

  /** fsyncs everything appended so far. */
  sync(): Promise<void> {
    return this.log.sync();
  }

  /** The pieces in [from, to), in order. */
  async read(from: number, to: number): Promise<Piece<T>[]> {
    const pieces: Piece<T>[] = [];
    for await (const payload of this.log.read(from, to)) pieces.push(decode<T>(Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength)));
    return pieces;
  }

  /** Deletes segments that only hold pieces before `position`. */
  clean(position: number): Promise<void> {
    return this.log.clean(position);
  }

  /** Flushes and closes the log. */
  close(): Promise<void> {
    return this.log.close();
  }
}

function encode<T>(piece: Piece<T>, what: string): Uint8Array {
  if ('lines' in piece) {
    const head = Buffer.alloc(5);
    head.writeUInt8(LINES, 0);
    head.writeUInt32LE(piece.lines.lines, 1);
    return Buffer.concat([head, piece.lines.bytes]);
  }
  try {
    return Buffer.concat([Buffer.of(ITEMS), serialize(piece.items)]);
  } catch (error) {
    throw new FlintError(
      'CHECKPOINT_UNSUPPORTED',
      `${what} stored a value the write-ahead log cannot hold (${(error as Error).message}); store plain data, or turn writeAheadLog off`,
      { cause: error },
    );
  }
}

function decode<T>(payload: Buffer): Piece<T> {
  if (payload.readUInt8(0) === LINES) return { lines: { lines: payload.readUInt32LE(1), bytes: payload.subarray(5) } };
  return { items: deserialize(payload.subarray(1)) as T[] };
}
