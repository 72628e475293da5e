// A checkpoint's data file: the batches one checkpoint wrote, each under the key
// `<stream id>@<batch time>`, in one checked file (one fsync for all of them).
import { ByteReader, ByteWriter } from './byte-io.js';
import { FILE_KIND, readCheckedFile, type CheckedFile } from './checked-file.js';

/** The key of stream `id`'s batch at `time` in a data file. */
export function batchKey(id: number | string, time: number): string {
  return `${id}@${time}`;
}

/** A data file at `path` with `entries` (key, encoded batch), ready for writeCheckedFiles. */
export function dataFile(path: string, entries: readonly [string, readonly Uint8Array[]][]): CheckedFile {
  const w = new ByteWriter().u32(entries.length);
  for (const [key, chunks] of entries) w.bytes(Buffer.from(key)).chunked(chunks);
  return [path, FILE_KIND.batch, w.finish()];
}

/** The verified entries of the data file at `path`, as views on its bytes. */
export function readDataFile(path: string): Map<string, Buffer> {
  const r = new ByteReader(readCheckedFile(path, FILE_KIND.batch), path);
  const entries = new Map<string, Buffer>();
  const n = r.u32();
  for (let i = 0; i < n; i++) entries.set(r.bytes().toString('utf8'), r.bytes());
  return entries;
}
