// The query's `metadata` file (Spark's StreamMetadata): the query id, kept across restarts.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { FILE_KIND, readCheckedFile, writeCheckedFile } from '../../checkpoint/checked-file.js';

/** Spark's `StreamMetadata`. */
export interface StreamMetadata {
  id: string;
}

/** The metadata in `checkpointRoot`, written with `newId` when there is none yet. */
export async function readOrWriteStreamMetadata(checkpointRoot: string, newId: string): Promise<StreamMetadata> {
  const path = join(checkpointRoot, 'metadata');
  if (existsSync(path)) return JSON.parse(readCheckedFile(path, FILE_KIND.sqlLog).toString('utf8')) as StreamMetadata;
  mkdirSync(checkpointRoot, { recursive: true });
  const metadata = { id: newId };
  await writeCheckedFile(path, FILE_KIND.sqlLog, [Buffer.from(JSON.stringify(metadata))]);
  return metadata;
}
