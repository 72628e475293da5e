// The file sink's log (Spark's FileStreamSinkLog, `<output>/_spark_metadata/<batchId>`): the files
// each batch wrote, logged after they are complete. A batch id already logged is not written again,
// and readers see only logged files: exactly-once output across restarts. Every
// `compactInterval` batches the list so far is compacted into one file, so the log stays small.
import { join } from 'node:path';
import { CompactibleLog, DEFAULT_COMPACTION, type CompactionSettings } from '../checkpoint/compactible-log.js';

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
export class FileSinkLog extends CompactibleLog<SinkFileStatus> {
  /** The log's directory name inside the output directory. */
  static readonly DIR = '_spark_metadata';

  constructor(outputDir: string, settings: CompactionSettings = DEFAULT_COMPACTION) {
    super(join(outputDir, FileSinkLog.DIR), settings);
  }

  /** Every file of every logged batch. */
  allFiles(): SinkFileStatus[] {
    return this.allEntries();
  }
}
