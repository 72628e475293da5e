// HDFSMetadataLog: a directory of files named by batch id, each written whole (checked-file's
// atomic, checksummed write) or not at all: the offset and commit logs and the rate and Kafka
// sources' logs. The file source's and file sink's logs are compactible (compactible-log.ts).
import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { FILE_KIND, readCheckedFile, removeFile, writeCheckedFile } from '../../checkpoint/checked-file.js';
import { decodeJson, encodeJson } from '../state/value-codec.js';

/** A log of JSON entries by batch id (Spark's `HDFSMetadataLog`). */
export class MetadataLog<T> {
  constructor(readonly path: string) {
    mkdirSync(path, { recursive: true });
  }

  /** Writes the entry of `batchId`; false (and nothing written) when it exists already, as Spark's `add`. */
  async add(batchId: number, entry: T): Promise<boolean> {
    if (this.batchIds().includes(batchId)) return false;
    await writeCheckedFile(join(this.path, String(batchId)), FILE_KIND.sqlLog, [Buffer.from(encodeJson(entry))]);
    return true;
  }

  /** The entry of `batchId`, if written. */
  get(batchId: number): T | undefined {
    if (!this.batchIds().includes(batchId)) return undefined;
    return decodeJson(readCheckedFile(join(this.path, String(batchId)), FILE_KIND.sqlLog).toString('utf8')) as T;
  }

  /** The newest entry and its batch id. */
  getLatest(): [number, T] | undefined {
    const ids = this.batchIds();
    const last = ids[ids.length - 1];
    return last === undefined ? undefined : [last, this.get(last)!];
  }

  /** Batch ids with an entry, ascending (temporary files of an interrupted write are not entries). */
  batchIds(): number[] {
    return readdirSync(this.path)
      .filter((f) => /^\d+$/.test(f))
      .map(Number)
      .sort((a, b) => a - b);
  }

  /** Removes entries older than `thresholdBatchId` (Spark's `purge`). */
  async purge(thresholdBatchId: number): Promise<void> {
    for (const id of this.batchIds()) if (id < thresholdBatchId) await removeFile(join(this.path, String(id)));
  }
}
