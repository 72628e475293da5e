// The file sink (Spark's FileStreamSink): each batch's rows as a `part-` file in the output
// directory, then the batch in `_spark_metadata`; a batch already in the log is skipped, so a rerun
// after a crash writes nothing twice (its stray part file is never logged, so readers ignore it).
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { open, rename, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { CompactionSettings } from '../checkpoint/compactible-log.js';
import type { Row, StructType } from '../schema.js';
import { csvOptions, formatFile, type CsvOptions } from '../sources/file-formats.js';
import { FileSinkLog } from './file-sink-log.js';
import type { Sink } from './sink.js';

/** Writes batches as JSON-lines or CSV files, exactly once. */
export class FileStreamSink implements Sink {
  readonly description: string;
  private readonly log: FileSinkLog;
  private readonly csv: CsvOptions;

  constructor(
    private readonly dir: string,
    private readonly format: 'json' | 'csv',
    options: ReadonlyMap<string, string>,
    compaction?: CompactionSettings,
  ) {
    mkdirSync(dir, { recursive: true });
    this.log = new FileSinkLog(dir, compaction);
    this.csv = csvOptions(options);
    this.description = `FileSink[${dir}]`;
  }

  async addBatch(batchId: number, rows: readonly Row[], schema: StructType): Promise<void> {
    if (this.log.has(batchId)) return;
    const name = `part-${String(batchId).padStart(5, '0')}-${randomUUID()}.${this.format}`;
    const path = join(this.dir, name);
    const tmp = join(this.dir, `.${name}.tmp`);
    const file = await open(tmp, 'w');
    try {
      await file.writeFile(formatFile(rows, this.format, schema, this.csv));
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(tmp, path);
    const s = await stat(path);
    await this.log.add(batchId, [{ path, size: s.size, isDir: false, modificationTime: s.mtimeMs, blockReplication: 1, blockSize: 0, action: 'add' }]);
  }
}
