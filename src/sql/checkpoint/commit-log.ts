// The commit log (Spark's CommitLog): `commits/N`, written once batch N's output and state are
// done; a batch with offsets but no commit is run again after a restart.
import { join } from 'node:path';
import { MetadataLog } from './metadata-log.js';

/** One entry (Spark's `CommitMetadata`). */
export interface CommitMetadata {
  nextBatchWatermarkMs: number;
}

/** `<checkpoint>/commits`. */
export class CommitLog extends MetadataLog<CommitMetadata> {
  constructor(checkpointRoot: string) {
    super(join(checkpointRoot, 'commits'));
  }
}
