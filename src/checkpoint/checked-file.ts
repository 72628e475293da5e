// Checked files: every file Flint writes into a checkpoint directory is written atomically
// (temporary name, fsync, rename, fsync of the directory) and carries a header with a CRC-32, so a
// reader can tell a complete file from a torn, truncated or foreign one.
import { readFileSync } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { crc32 } from 'node:zlib';
import { FlintError } from '../errors.js';

/** Format version of every checked file; a reader refuses versions it does not know. */
export const CHECKPOINT_FORMAT_VERSION = 1;

const MAGIC = 0x544e4c46; // "FLNT" little-endian
const HEADER_BYTES = 24;

/**
 * Header: magic u32, version u16, kind u16, payload length u64, CRC-32 of the payload u32,
 * CRC-32 of the first 20 header bytes u32 (so a bit flip in the length is caught before it is
 * trusted).
 */
function header(kind: number, payloadBytes: number, payloadCrc: number): Buffer {
  const h = Buffer.alloc(HEADER_BYTES);
  h.writeUInt32LE(MAGIC, 0);
  h.writeUInt16LE(CHECKPOINT_FORMAT_VERSION, 4);
  h.writeUInt16LE(kind, 6);
  h.writeBigUInt64LE(BigInt(payloadBytes), 8);
  h.writeUInt32LE(payloadCrc, 16);
  h.writeUInt32LE(crc32(h.subarray(0, 20)), 20);
  return h;
}

// Empty chunks are skipped: Node's crc32 resets its running value for an empty view on a
// zero-length ArrayBuffer (seen on Node 20.20).
function checksum(chunks: readonly Uint8Array[]): number {
  let crc = 0;
  for (const c of chunks) if (c.byteLength > 0) crc = crc32(c, crc);
  return crc;
}

/**
 * A file's kind, stored in its header, so a data file is never read as metadata (2 was the batch
 * record file, now the batch log). 4 and up are Structured Streaming's logs and state (src/sql).
 */
export const FILE_KIND = { metadata: 1, batch: 3, sqlLog: 4, sqlState: 5 } as const;
/** One of {@link FILE_KIND}. */
export type FileKind = (typeof FILE_KIND)[keyof typeof FILE_KIND];

/** One checked file to write: its path, kind and payload chunks. */
export type CheckedFile = readonly [path: string, kind: FileKind, chunks: readonly Uint8Array[]];

/**
 * Writes `chunks` as the payload of a checked file at `path`, atomically: a reader sees the old
 * file, the new one, or none, never a part.
 */
export async function writeCheckedFile(path: string, kind: FileKind, chunks: readonly Uint8Array[]): Promise<void> {
  await writeCheckedFiles([[path, kind, chunks]]);
}

/**
 * Writes several checked files, each atomically, renamed in the order given once all are on
 * disk, with one fsync per directory: a file later in the list (metadata) is never visible
 * without the ones before it (the data it names).
 */
export async function writeCheckedFiles(files: readonly CheckedFile[]): Promise<void> {
  const temporaries = await Promise.all(files.map(([path, kind, chunks]) => writeTemporary(path, kind, chunks)));
  for (const [i, [path]] of files.entries()) await rename(temporaries[i]!, path);
  for (const dir of new Set(files.map(([path]) => dirname(path)))) await syncDirectory(dir);
}

async function writeTemporary(path: string, kind: FileKind, chunks: readonly Uint8Array[]): Promise<string> {
  const bytes = chunks.reduce((n, c) => n + c.byteLength, 0);
  const tmp = join(dirname(path), `.${basename(path)}.tmp`);
  const file = await open(tmp, 'w');
  try {
    await file.writev([header(kind, bytes, checksum(chunks)), ...chunks.filter((c) => c.byteLength > 0)]);
    await file.sync();
  } finally {
    await file.close();
  }
  return tmp;
}

/** fsyncs a directory, so a rename or a new file in it survives a power cut. */
export async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Removes `path` if present. */
export async function removeFile(path: string): Promise<void> {
  await rm(path, { force: true });
}

/**
 * The verified payload of the checked file at `path`, of `kind`. Throws a `CHECKPOINT_CORRUPT`
 * FlintError naming the file when it is truncated, torn, of another kind or version, or fails its
 * checksum. Synchronous: recovery reads before the program's graph runs.
 */
export function readCheckedFile(path: string, kind: FileKind): Buffer {
  let data: Buffer;
  try {
    data = readFileSync(path);
  } catch (error) {
    throw corrupt(path, `cannot be read (${(error as Error).message})`, error);
  }
  if (data.length < HEADER_BYTES) throw corrupt(path, `is truncated (${data.length} bytes, shorter than its header)`);
  if (data.readUInt32LE(0) !== MAGIC) throw corrupt(path, 'is not a Flint checkpoint file (bad magic number)');
  if (data.readUInt32LE(20) !== crc32(data.subarray(0, 20))) throw corrupt(path, 'has a damaged header (checksum mismatch)');
  const version = data.readUInt16LE(4);
  if (version !== CHECKPOINT_FORMAT_VERSION) {
    throw corrupt(path, `has format version ${version}; this Flint reads version ${CHECKPOINT_FORMAT_VERSION}`);
  }
  if (data.readUInt16LE(6) !== kind) throw corrupt(path, `holds another kind of data (${data.readUInt16LE(6)}, expected ${kind})`);
  const length = Number(data.readBigUInt64LE(8));
  if (data.length - HEADER_BYTES !== length) {
    throw corrupt(path, `is truncated or torn (${data.length - HEADER_BYTES} payload bytes, header says ${length})`);
  }
  const payload = data.subarray(HEADER_BYTES);
  if (crc32(payload) !== data.readUInt32LE(16)) throw corrupt(path, 'fails its checksum (the data was damaged)');
  return payload;
}

function corrupt(path: string, what: string, cause?: unknown): FlintError {
  return new FlintError('CHECKPOINT_CORRUPT', `checkpoint file "${path}" ${what}`, { cause });
}
