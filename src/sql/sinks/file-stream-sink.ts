// The file sink (Spark's FileStreamSink): each batch's rows as a `part-` file in the output
// directory (one per partition directory with `partitionBy`), then the batch in `_spark_metadata`; a batch already in the log is skipped, so a rerun
// after a crash writes nothing twice (its stray part file is never logged, so readers ignore it).
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { mkdir, open, rename, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { CompactionSettings } from '../checkpoint/compactible-log.js';
import { FlintError } from '../../errors.js';
import { partitionDirectory } from '../partition-paths.js';
import { StructType, type Row } from '../schema.js';
import { csvOptions, formatFile, type CsvOptions } from '../sources/file-formats.js';
import { FileSinkLog, type SinkFileStatus } from './file-sink-log.js';
import type { Sink } from './sink.js';

/** Writes batches as JSON-lines or CSV files, exactly once; with partition columns, one file per partition directory. */
export class FileStreamSink implements Sink {
  readonly description: string;
  private readonly log: FileSinkLog;
  private readonly csv: CsvOptions;

  constructor(
    private readonly dir: string,
    private readonly format: 'json' | 'csv',
    options: ReadonlyMap<string, string>,
    compaction?: CompactionSettings,
    /** Spark's `partitionBy` columns: each row goes under `col=value/`, without those columns. */
    private readonly partitionColumns: readonly string[] = [],
  ) {
    mkdirSync(dir, { recursive: true });
    this.log = new FileSinkLog(dir, compaction);
    this.csv = csvOptions(options);
    this.description = `FileSink[${dir}]`;
  }

  async addBatch(batchId: number, rows: readonly Row[], schema: StructType): Promise<void> {
    if (this.log.has(batchId)) return;
    const missing = this.partitionColumns.filter((c) => !schema.field(c));
    if (missing.length > 0) throw new FlintError('INVALID_ARGUMENT', `Partition column ${missing.map((c) => `"${c}"`).join(', ')} not found in schema ${schema.fieldNames.join(', ')}`);
    const dataSchema = new StructType(schema.fields.filter((f) => !this.partitionColumns.includes(f.name)));
    const groups = new Map<string, Row[]>();
    for (const row of rows) {
      const sub = this.partitionColumns.length === 0 ? '' : partitionDirectory(row, this.partitionColumns);
      const group = groups.get(sub);
      if (group) group.push(row);
      else groups.set(sub, [row]);
    }
    // An empty batch still writes its (empty) file, as Spark does without partitions.
    if (groups.size === 0 && this.partitionColumns.length === 0) groups.set('', []);
    const files = [];
    for (const [sub, group] of groups) files.push(await this.writeFile(batchId, join(this.dir, sub), group, dataSchema));
    await this.log.add(batchId, files);
  }

  private async writeFile(batchId: number, dir: string, rows: readonly Row[], schema: StructType): Promise<SinkFileStatus> {
    await mkdir(dir, { recursive: true });
    const name = `part-${String(batchId).padStart(5, '0')}-${randomUUID()}.${this.format}`;
    const path = join(dir, name);
    const tmp = join(dir, `.${name}.tmp`);
    const file = await open(tmp, 'w');
    try {
      await file.writeFile(formatFile(rows, this.format, schema, this.csv));
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(tmp, path);
    const s = await stat(path);
    return { path, size: s.size, isDir: false, modificationTime: s.mtimeMs, blockReplication: 1, blockSize: 0, action: 'add' };
  }
}
