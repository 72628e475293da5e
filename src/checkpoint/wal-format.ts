// The on-disk format of a write-ahead log segment: a magic header, then records framed like
// LevelDB's log records (length, CRC-32, payload), and a scanner that verifies them in order.
import type { FileHandle } from 'node:fs/promises';
import { crc32 } from 'node:zlib';
import { FlintError } from '../errors.js';

/**
 * The first bytes of every segment: "FLNTWAL" and the format version (1). Recovery truncates only
 * files that carry them, so a foreign file in the log's directory is rejected, never cut.
 */
export const SEGMENT_MAGIC: Uint8Array = Buffer.from('FLNTWAL\x01', 'latin1');

/** Bytes before each payload: its length and a CRC-32 of the length bytes and the payload (u32 LE each). */
export const RECORD_HEADER_BYTES = 8;

/** The largest payload a record header can describe. */
export const MAX_PAYLOAD_BYTES = 0xffff_ffff;

/** Segment files are named by the log position of their first record, zero-padded so they sort. */
const SEGMENT_NAME = /^log-(\d{18})$/;

/** Reads are done in chunks this big, so a scan of small records costs few system calls. */
const READ_CHUNK_BYTES = 1 << 20;

const EMPTY = Buffer.alloc(0);

/** The file name of the segment whose first record starts at log position `start`. */
export function segmentName(start: number): string {
  return `log-${String(start).padStart(18, '0')}`;
}

/** The start position a segment file name encodes, or undefined when the name is not a segment's. */
export function segmentStart(name: string): number | undefined {
  const match = SEGMENT_NAME.exec(name);
  return match ? Number(match[1]) : undefined;
}

/** The header of a record holding `payload`. */
export function recordHeader(payload: Uint8Array): Buffer {
  const header = Buffer.allocUnsafe(RECORD_HEADER_BYTES);
  header.writeUInt32LE(payload.length, 0);
  // The CRC covers the length too, so a flipped length bit is caught, not trusted.
  header.writeUInt32LE(crc32(payload, crc32(header.subarray(0, 4))), 4);
  return header;
}

/**
 * True when the segment starts with {@link SEGMENT_MAGIC}; false when it is shorter and holds a
 * prefix of it (a crash while the segment was being created). Throws for anything else.
 */
export async function hasMagic(handle: FileHandle, size: number, path: string): Promise<boolean> {
  const head = Buffer.alloc(Math.min(size, SEGMENT_MAGIC.length));
  await readFully(handle, head, 0);
  if (head.equals(SEGMENT_MAGIC)) return true;
  if (head.length < SEGMENT_MAGIC.length && head.equals(SEGMENT_MAGIC.subarray(0, head.length))) return false;
  const version = SEGMENT_MAGIC.length - 1;
  if (head.length === SEGMENT_MAGIC.length && head.subarray(0, version).equals(SEGMENT_MAGIC.subarray(0, version))) {
    throw new FlintError(
      'WAL_CORRUPT',
      `${path} is a write-ahead log segment of format version ${head[version]}, which this Flint cannot read; open it with the Flint version that wrote it`,
    );
  }
  throw new FlintError(
    'WAL_CORRUPT',
    `${path} is not a Flint write-ahead log segment (it does not start with "FLNTWAL"); give the log a directory of its own, or move the file away`,
  );
}

/**
 * Reads a segment's records in order from a file offset, verifying each one. LevelDB's rule: a
 * length is checked against the bytes left in the file before it is trusted, and the scan stops
 * at the first record that is cut short or fails its checksum, saying why in `problem`.
 */
export class RecordScanner {
  /** File offset of the next record; once the scan has stopped, the end of the valid records. */
  offset: number;
  /** Why the scan stopped before the end of the file; undefined while all records verified. */
  problem: string | undefined;
  private chunk: Buffer = EMPTY;
  private chunkOffset = 0;

  constructor(
    private readonly handle: FileHandle,
    /** The file's size when the scan started; bytes appended later are not read. */
    private readonly size: number,
    offset: number,
  ) {
    this.offset = offset;
  }

  /** The payload of the record at `offset` if it verifies, without moving past it; undefined at the end or at a bad record. */
  async peek(): Promise<Buffer | undefined> {
    const left = this.size - this.offset;
    if (left === 0) return undefined;
    if (left < RECORD_HEADER_BYTES) return this.stop(`a record header cut short after ${left} bytes`);
    const header = await this.bytes(this.offset, RECORD_HEADER_BYTES);
    const length = header.readUInt32LE(0);
    if (length > left - RECORD_HEADER_BYTES) {
      return this.stop(`a record of ${length} bytes with only ${left - RECORD_HEADER_BYTES} bytes left in the file`);
    }
    const crc = header.readUInt32LE(4);
    const payload = await this.bytes(this.offset + RECORD_HEADER_BYTES, length);
    if (crc32(payload, crc32(header.subarray(0, 4))) !== crc) return this.stop(`a record of ${length} bytes that fails its checksum`);
    return payload;
  }

  /** The payload of the record at `offset` if it verifies, moving past it; undefined at the end or at a bad record. */
  async next(): Promise<Buffer | undefined> {
    const payload = await this.peek();
    if (payload !== undefined) this.offset += RECORD_HEADER_BYTES + payload.length;
    return payload;
  }

  private stop(problem: string): undefined {
    this.problem = `${problem} at byte ${this.offset}`;
    return undefined;
  }

  /** `length` bytes at file offset `at`, from the current chunk or a newly read one. */
  private async bytes(at: number, length: number): Promise<Buffer> {
    const inChunk = at - this.chunkOffset;
    if (inChunk >= 0 && inChunk + length <= this.chunk.length) return this.chunk.subarray(inChunk, inChunk + length);
    // A fresh buffer, never a reused one: payloads already handed out still point into the old chunk.
    this.chunk = Buffer.allocUnsafe(Math.min(Math.max(READ_CHUNK_BYTES, length), this.size - at));
    this.chunkOffset = at;
    await readFully(this.handle, this.chunk, at);
    return this.chunk.subarray(0, length);
  }
}

/** Fills `buffer` from file offset `position`; a short read means the file shrank meanwhile. */
async function readFully(handle: FileHandle, buffer: Buffer, position: number): Promise<void> {
  for (let done = 0; done < buffer.length; ) {
    const { bytesRead } = await handle.read(buffer, done, buffer.length - done, position + done);
    if (bytesRead === 0) throw new Error(`the file ended at byte ${position + done} while being read; was it truncated meanwhile?`);
    done += bytesRead;
  }
}
