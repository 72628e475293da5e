// The file source (Spark's FileStreamSource): files that appear in a directory, oldest first (or
// newest first with `latestFirst`), at most `maxFilesPerTrigger` per batch. Each batch's files are
// logged in `sources/<i>/<n>` before use, so a restart reads exactly the same files again; the
// offset is the log's batch number. The log is compacted every `compactInterval` batches, and the
// files remembered as seen are those newer than `maxFileAge` before the newest (Spark's
// SeenFilesMap), so neither grows with the life of the query. A directory written by Flint's file
// sink is read through its `_spark_metadata` log, so only committed files are seen. Files in
// partition directories (`date=2024-01-01/`) give the schema's columns of those names their values.
import { closeSync, existsSync, fstatSync, openSync, readFileSync, readSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { Batch } from '../../batch/batch.js';
import { FlintError } from '../../errors.js';
import { CompactibleLog, DEFAULT_COMPACTION, type CompactionSettings } from '../checkpoint/compactible-log.js';
import { parseInterval } from '../interval.js';
import { partitionValuesOfPath, withPartitionValues } from '../partition-paths.js';
import { fileSourceCleaner, type FileSourceCleaner } from './file-source-cleaner.js';
import { listDataFiles } from './file-listing.js';
import { SeenFilesMap } from './seen-files-map.js';
import { schemaOf, StructType, type Row } from '../schema.js';
import { columnsOfRows, concatColumnarBatches, type ColumnarBatch, type FileRead } from '../columnar/columnar-batch.js';
import { csvBatch, csvSeparatorApplies } from '../columnar/csv-columns.js';
import { csvOptions, parseFile, type FileFormat } from './file-formats.js';
import type { Offset, Source, SourceEnv } from './source.js';
import { FileSinkLog } from '../sinks/file-sink-log.js';

/** One file the source has taken (Spark's `FileEntry`). */
interface FileEntry {
  path: string;
  timestamp: number;
  batchId: number;
}

/** `text`, `json` and `csv` files of a directory. */
export class FileStreamSource implements Source {
  readonly schema: StructType;
  readonly description: string;
  private readonly maxFilesPerTrigger: number | undefined;
  private readonly latestFirst: boolean;
  private log: CompactibleLog<FileEntry> | undefined;
  private readonly memoryLog = new Map<number, FileEntry[]>();
  private readonly seen: SeenFilesMap;
  private lastBatch = -1;
  private availableNowFiles: Set<string> | undefined;
  private readonly cleaner: FileSourceCleaner | undefined;
  private cleanedThrough: number | undefined;

  constructor(
    private readonly dir: string,
    private readonly format: FileFormat,
    schema: StructType | undefined,
    private readonly options: ReadonlyMap<string, string>,
    private readonly compaction: CompactionSettings = DEFAULT_COMPACTION,
    /** The session time zone: timestamps without an offset are read in it. */
    private readonly timeZone = 'UTC',
  ) {
    if (format === 'text') this.schema = schemaOf({ value: 'string' });
    else if (schema) this.schema = schema;
    else throw new FlintError('INVALID_ARGUMENT', `Schema must be specified when creating a streaming source DataFrame from ${format} files; call readStream.schema(...)`);
    const max = options.get('maxfilespertrigger');
    this.maxFilesPerTrigger = max === undefined ? undefined : Number(max);
    if (max !== undefined && !(Number.isInteger(this.maxFilesPerTrigger) && this.maxFilesPerTrigger! > 0)) {
      throw new FlintError('INVALID_ARGUMENT', `file source: maxFilesPerTrigger must be a positive integer, got ${max}`);
    }
    this.latestFirst = (options.get('latestfirst') ?? 'false') === 'true';
    // Spark ignores maxFileAge when the newest files are taken first a few at a time: old files would never be reached anyway.
    const maxFileAgeMs = this.latestFirst && this.maxFilesPerTrigger !== undefined ? Infinity : parseInterval(options.get('maxfileage') ?? '7d', 'file source option maxFileAge');
    this.seen = new SeenFilesMap(maxFileAgeMs, (options.get('filenameonly') ?? 'false') === 'true');
    this.description = `FileStreamSource[file:${dir}]`;
    this.cleaner = fileSourceCleaner(options, resolve(dir));
  }

  async attach(env: SourceEnv): Promise<void> {
    if (this.cleaner && existsSync(join(this.dir, FileSinkLog.DIR))) {
      throw new FlintError('INVALID_ARGUMENT', `${this.description}: cleanSource cannot clean the output of a file sink (its _spark_metadata log lists the files); leave cleanSource off`);
    }
    if (!env.metadataPath) return;
    this.log = new CompactibleLog<FileEntry>(env.metadataPath, this.compaction);
    for (const f of this.log.allEntries()) this.seen.add(f.path, f.timestamp);
    this.seen.purge();
    this.lastBatch = this.log.latestBatchId() ?? -1;
  }

  async prepareForTriggerAvailableNow(): Promise<void> {
    this.availableNowFiles = new Set(this.listFiles().map((f) => f.path));
  }

  async latestOffset(): Promise<Offset | undefined> {
    let fresh = this.listFiles().filter((f) => this.seen.isNewFile(f.path, f.timestamp) && (!this.availableNowFiles || this.availableNowFiles.has(f.path)));
    fresh.sort((a, b) => (this.latestFirst ? b.timestamp - a.timestamp : a.timestamp - b.timestamp) || a.path.localeCompare(b.path));
    const keys = new Set<string>();
    fresh = fresh.filter((f) => !keys.has(this.seen.keyOf(f.path)) && keys.add(this.seen.keyOf(f.path)));
    if (this.maxFilesPerTrigger !== undefined) fresh = fresh.slice(0, this.maxFilesPerTrigger);
    if (fresh.length > 0) {
      const batchId = this.lastBatch + 1;
      const entries = fresh.map((f) => ({ ...f, batchId }));
      if (this.log) await this.log.add(batchId, entries);
      else this.memoryLog.set(batchId, entries);
      for (const f of fresh) this.seen.add(f.path, f.timestamp);
      this.lastBatch = batchId;
    }
    this.seen.purge();
    return this.lastBatch < 0 ? undefined : this.lastBatch;
  }

  getBatch(start: Offset | undefined, end: Offset): Batch<Row> {
    const rows: Row[] = [];
    for (const path of this.filesBetween(start, end)) rows.push(...this.rowsOf(path, readFileSync(path, 'utf8')));
    return Batch.of(rows, 1);
  }

  // A file's rows, with the partition columns its directories name (`date=2024-01-01/`); the file
  // holds the other columns (in order, for CSV).
  private rowsOf(path: string, text: string, values = partitionValuesOfPath(relative(this.dir, path))): Row[] {
    const csv = csvOptions(this.options);
    if (values.size === 0) return parseFile(text, this.format, this.schema, csv, this.timeZone);
    const dataSchema = new StructType(this.schema.fields.filter((f) => !values.has(f.name)));
    return parseFile(text, this.format, dataSchema, csv, this.timeZone).map((r) => withPartitionValues(r, values, this.schema));
  }

  /**
   * CSV files are read straight into columns (see csvBatch: when the aggregation first asks, or by
   * the core itself, into its own memory); other formats, and CSV with quoted cells, are parsed as
   * rows and turned into columns.
   */
  getColumnarBatch(start: Offset | undefined, end: Offset, columns: readonly string[]): ColumnarBatch {
    const csv = csvOptions(this.options);
    const parts: ColumnarBatch[] = [];
    for (const path of this.filesBetween(start, end)) {
      const values = partitionValuesOfPath(relative(this.dir, path));
      // The kernels read times as UTC; in another session zone the rows are parsed in it instead.
      if (this.format === 'csv' && values.size === 0 && this.timeZone === 'UTC' && csvSeparatorApplies(csv)) parts.push(csvBatch(fileRead(path), this.schema, columns, csv));
      else parts.push(columnsOfRows(this.rowsOf(path, readFileSync(path, 'utf8'), values), this.schema, columns));
    }
    return concatColumnarBatches(parts, columns);
  }

  // The files of batches start + 1 .. end, from the source log.
  private filesBetween(start: Offset | undefined, end: Offset): string[] {
    const paths: string[] = [];
    for (let id = Number(start ?? -1) + 1; id <= Number(end); id++) {
      const entries = this.log ? this.loggedEntries(this.log, id) : this.memoryLog.get(id);
      if (!entries) throw new FlintError('SOURCE_ERROR', `${this.description}: no file list for batch ${id} in the source log`);
      for (const f of entries) paths.push(f.path);
    }
    return paths;
  }

  /**
   * Batches up to `end` are done: their files are cleaned as `cleanSource` says (from the batch
   * after the last cleaned, or just `end` at the first commit of a run), and without a checkpoint
   * their file lists are dropped.
   */
  async commit(end: Offset): Promise<void> {
    if (this.cleaner) {
      const from = (this.cleanedThrough ?? Number(end) - 1) + 1;
      if (from <= Number(end)) await this.cleaner.clean(this.filesBetween(from - 1, end));
      this.cleanedThrough = Number(end);
    }
    for (const id of this.memoryLog.keys()) if (id <= Number(end)) this.memoryLog.delete(id);
  }

  // A batch's files: in its own log file, or in the compact file that covers it once that is deleted.
  private loggedEntries(log: CompactibleLog<FileEntry>, batchId: number): FileEntry[] | undefined {
    const file = log.get(batchId) ?? log.get(log.files().find((f) => f.compact && f.batchId >= batchId)?.batchId ?? -1);
    return file?.filter((e) => e.batchId === batchId);
  }

  // Files now in the directory (through the sink log when Flint's file sink wrote it).
  private listFiles(): { path: string; timestamp: number }[] {
    return listDataFiles(this.dir);
  }
}

// The file at `path` read whole, when asked, into the memory the caller gives for its size.
function fileRead(path: string): FileRead {
  return (into) => {
    const fd = openSync(path, 'r');
    try {
      const size = fstatSync(fd).size;
      const target = into ? into(size) : Buffer.allocUnsafe(size);
      let n = 0;
      while (n < size) {
        const got = readSync(fd, target, n, size - n, n);
        if (got === 0) break;
        n += got;
      }
      return target.subarray(0, n);
    } finally {
      closeSync(fd);
    }
  };
}
