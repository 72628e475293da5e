// CompactibleFileStreamLog: a metadata log of file lists that would otherwise grow by one file per
// batch forever. Every `compactInterval` batches (batch ids 9, 19, 29, ... for 10) the entries of
// all batches so far go into one `<id>.compact` file; files of batches more than
// `minBatchesToRetain` behind, before the compact file that covers them, are deleted once they are
// older than `cleanupDelayMs` (a reader that listed them a moment ago can still open them).
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { FILE_KIND, readCheckedFile, removeFile, writeCheckedFile } from '../../checkpoint/checked-file.js';
import { FlintError } from '../../errors.js';
import { decodeJson, encodeJson } from '../state/value-codec.js';

/** How a compactible log compacts and cleans up (Spark's `spark.sql.streaming.file{Sink,Source}.log.*`). */
export interface CompactionSettings {
  /** Batches per compact file (`.compactInterval`, default 10). */
  compactInterval: number;
  /** Whether files a compact file covers are deleted (`.deletion`, default true). */
  deletion: boolean;
  /** How old a covered file must be before it is deleted, ms (`.cleanupDelay`, default 10 minutes). */
  cleanupDelayMs: number;
  /** Batches whose files are kept whatever their age (`spark.sql.streaming.minBatchesToRetain`, default 100). */
  minBatchesToRetain: number;
}

/** Spark's defaults. */
export const DEFAULT_COMPACTION: CompactionSettings = { compactInterval: 10, deletion: true, cleanupDelayMs: 10 * 60_000, minBatchesToRetain: 100 };

const COMPACT_SUFFIX = '.compact';

/** A log of entry lists by batch id, compacted every `compactInterval` batches. */
export class CompactibleLog<E> {
  constructor(
    readonly path: string,
    readonly settings: CompactionSettings = DEFAULT_COMPACTION,
    private readonly now: () => number = Date.now,
  ) {
    if (!(Number.isInteger(settings.compactInterval) && settings.compactInterval > 0)) {
      throw new FlintError('INVALID_ARGUMENT', `compactInterval must be a positive integer, got ${settings.compactInterval}`);
    }
    mkdirSync(path, { recursive: true });
  }

  /** True for the batch ids whose file compacts the log (Spark's `isCompactionBatch`). */
  isCompactionBatch(batchId: number): boolean {
    return (batchId + 1) % this.settings.compactInterval === 0;
  }

  /** Whether `batchId` is logged (in its own file, or covered by a later compact file). */
  has(batchId: number): boolean {
    const latest = this.latestBatchId();
    return latest !== undefined && batchId <= latest;
  }

  /**
   * Logs `entries` as batch `batchId`; false (and nothing written) when it is logged already. A
   * compaction batch's file holds every entry so far.
   */
  async add(batchId: number, entries: readonly E[]): Promise<boolean> {
    if (this.has(batchId)) return false;
    if (this.isCompactionBatch(batchId)) {
      await this.write(`${batchId}${COMPACT_SUFFIX}`, [...this.allEntries(), ...entries]);
    } else {
      await this.write(String(batchId), entries);
    }
    if (this.settings.deletion) await this.deleteExpired(batchId);
    return true;
  }

  /** The entries of `batchId`'s own file (a compact file: every entry up to it), if it still exists. */
  get(batchId: number): E[] | undefined {
    for (const name of [String(batchId), `${batchId}${COMPACT_SUFFIX}`]) {
      const file = join(this.path, name);
      if (existsSync(file)) return this.read(file);
    }
    return undefined;
  }

  /** Every entry logged: the newest compact file and the batches after it. */
  allEntries(): E[] {
    const files = this.files();
    let from = 0;
    for (let i = files.length - 1; i >= 0; i--) {
      if (files[i]!.compact) {
        from = i;
        break;
      }
    }
    return files.slice(from).flatMap((f) => this.read(join(this.path, f.name)));
  }

  /** The newest logged batch id. */
  latestBatchId(): number | undefined {
    return this.files().at(-1)?.batchId;
  }

  /** The log's files, by batch id. */
  files(): { batchId: number; name: string; compact: boolean }[] {
    return readdirSync(this.path)
      .filter((name) => /^\d+(\.compact)?$/.test(name))
      .map((name) => ({ batchId: Number.parseInt(name, 10), name, compact: name.endsWith(COMPACT_SUFFIX) }))
      .sort((a, b) => a.batchId - b.batchId);
  }

  // Spark's deleteExpiredLog: keep the last minBatchesToRetain batches and the compact file that
  // covers what comes before them; delete older files once they are older than the cleanup delay.
  private async deleteExpired(currentBatchId: number): Promise<void> {
    const { compactInterval, minBatchesToRetain, cleanupDelayMs } = this.settings;
    const minBatchId = currentBatchId + 1 - minBatchesToRetain;
    if (minBatchId < compactInterval) return;
    const minCompactionBatchId = minBatchId - (minBatchId % compactInterval) - 1;
    if (!existsSync(join(this.path, `${minCompactionBatchId}${COMPACT_SUFFIX}`))) return;
    const expired = this.now() - cleanupDelayMs;
    for (const f of this.files()) {
      if (f.batchId >= minCompactionBatchId) break;
      const file = join(this.path, f.name);
      if (statSync(file).mtimeMs <= expired) await removeFile(file);
    }
  }

  private async write(name: string, entries: readonly E[]): Promise<void> {
    await writeCheckedFile(join(this.path, name), FILE_KIND.sqlLog, [Buffer.from(encodeJson(entries))]);
  }

  private read(file: string): E[] {
    return decodeJson(readCheckedFile(file, FILE_KIND.sqlLog).toString('utf8')) as E[];
  }
}
