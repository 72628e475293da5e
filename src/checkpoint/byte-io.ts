// Little-endian writer and reader for checkpoint payloads: the writer collects chunks (large
// byte arrays are kept by reference, not copied), the reader walks one verified buffer.
import { FlintError } from '../errors.js';

/** Builds a payload as a list of chunks. */
export class ByteWriter {
  readonly chunks: Uint8Array[] = [];
  private scratch = Buffer.alloc(4096);
  private used = 0;

  /** Appends an unsigned 8-bit integer. */
  u8(v: number): this {
    this.room(1).writeUInt8(v, this.used);
    this.used += 1;
    return this;
  }

  /** Appends an unsigned 32-bit integer. */
  u32(v: number): this {
    this.room(4).writeUInt32LE(v, this.used);
    this.used += 4;
    return this;
  }

  /** Appends a float64 (any JS number, or an integer up to 2^53). */
  f64(v: number): this {
    this.room(8).writeDoubleLE(v, this.used);
    this.used += 8;
    return this;
  }

  /** Appends `bytes` with its length in front; the bytes are referenced, not copied. */
  bytes(bytes: Uint8Array): this {
    this.f64(bytes.byteLength);
    this.flush();
    this.chunks.push(bytes);
    return this;
  }

  /** Appends chunks as one length-prefixed byte array, without copying them. */
  chunked(chunks: readonly Uint8Array[]): this {
    this.f64(chunks.reduce((n, c) => n + c.byteLength, 0));
    this.flush();
    for (const c of chunks) this.chunks.push(c);
    return this;
  }

  /** The chunks written, ready for a checked file. */
  finish(): Uint8Array[] {
    this.flush();
    return this.chunks;
  }

  private room(n: number): Buffer {
    if (this.used + n > this.scratch.length) this.flush();
    return this.scratch;
  }

  private flush(): void {
    if (this.used === 0) return;
    this.chunks.push(this.scratch.subarray(0, this.used));
    this.scratch = Buffer.alloc(4096);
    this.used = 0;
  }
}

/** Reads what a {@link ByteWriter} wrote; any overrun is a corrupt file. */
export class ByteReader {
  private at = 0;

  constructor(
    private readonly buf: Buffer,
    private readonly file: string,
  ) {}

  /** Reads an unsigned 8-bit integer. */
  u8(): number {
    this.need(1);
    return this.buf.readUInt8(this.at++);
  }

  /** Reads an unsigned 32-bit integer. */
  u32(): number {
    this.need(4);
    const v = this.buf.readUInt32LE(this.at);
    this.at += 4;
    return v;
  }

  /** Reads a float64. */
  f64(): number {
    this.need(8);
    const v = this.buf.readDoubleLE(this.at);
    this.at += 8;
    return v;
  }

  /** Reads a length-prefixed byte array, as a view on the file's buffer. */
  bytes(): Buffer {
    const n = this.f64();
    this.need(n);
    const out = this.buf.subarray(this.at, this.at + n);
    this.at += n;
    return out;
  }

  /** True when everything was read. */
  get done(): boolean {
    return this.at === this.buf.length;
  }

  private need(n: number): void {
    if (!Number.isInteger(n) || n < 0 || this.at + n > this.buf.length) {
      throw new FlintError('CHECKPOINT_CORRUPT', `checkpoint file "${this.file}" ends before its data does (a damaged or foreign file)`);
    }
  }
}
