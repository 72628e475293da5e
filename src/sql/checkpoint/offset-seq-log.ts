// The offset log (Spark's OffsetSeqLog): `offsets/N`, written before batch N runs, names the end
// offset of every source for the batch and the watermark and time it runs under.
import { join } from 'node:path';
import type { Offset } from '../sources/source.js';
import { MetadataLog } from './metadata-log.js';

/** One entry: Spark's `OffsetSeq` with its `OffsetSeqMetadata`. */
export interface OffsetSeq {
  metadata: { batchWatermarkMs: number; batchTimestampMs: number };
  /** End offset of each source, in plan order; null for a source without data yet. */
  offsets: (Offset | null)[];
}

/** `<checkpoint>/offsets`. */
export class OffsetSeqLog extends MetadataLog<OffsetSeq> {
  constructor(checkpointRoot: string) {
    super(join(checkpointRoot, 'offsets'));
  }
}
