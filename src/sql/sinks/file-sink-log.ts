// The file sink's log (Spark's FileStreamSinkLog, `<output>/_spark_metadata/<batchId>`): the files
// each batch wrote, logged after they are complete. A batch id already logged is not written again,
// and readers see only logged files: exactly-once output across restarts.
import { join } from 'node:path';
import { MetadataLog } from '../checkpoint/metadata-log.js';

/** One written file (Spark's `SinkFileStatus`). */
export interface SinkFileStatus {
  path: string;
  size: number;
  isDir: false;
  modificationTime: number;
  blockReplication: 1;
  blockSize: number;
  action: 'add';
}

/** `<output>/_spark_metadata`. */
export class FileSinkLog extends MetadataLog<SinkFileStatus[]> {
  /** The log's directory name inside the output directory. */
  static readonly DIR = '_spark_metadata';

  constructor(outputDir: string) {
    super(join(outputDir, FileSinkLog.DIR));
  }

  /** Every file of every logged batch. */
  allFiles(): SinkFileStatus[] {
    return this.batchIds().flatMap((id) => this.get(id) ?? []);
  }
}
