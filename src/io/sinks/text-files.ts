// saveAsTextFiles(): one directory per batch, `prefix-<time ms>[.suffix]`, with one
// `part-NNNNN` file per partition and a `_SUCCESS` marker, as Spark writes them.
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { syncDirectory } from '../../checkpoint/checked-file.js';
import type { Batch } from '../../batch/batch.js';

/** Spark's `rddToFileName`: `prefix-<time>` plus `.suffix` when a suffix is given. */
export function batchDirName(prefix: string, time: number, suffix?: string): string {
  return suffix ? `${prefix}-${time}.${suffix}` : `${prefix}-${time}`;
}

/**
 * Writes `batch` under its directory. Files are written and fsync'd in a temporary directory that
 * is then renamed into place, so a reader never sees a half-written batch. A batch run again
 * after a restart replaces its own directory (the old one is renamed aside, then removed), so
 * the sink is idempotent per batch time: with checkpoint recovery, exactly once.
 */
export async function saveAsTextFiles<T>(
  batch: Batch<T>,
  time: number,
  prefix: string,
  suffix: string | undefined,
  format: (record: T) => string,
): Promise<void> {
  const dir = batchDirName(prefix, time, suffix);
  const tmp = `${dir}._temporary`;
  const old = `${dir}._replaced`;
  await rm(tmp, { recursive: true, force: true });
  await mkdir(tmp, { recursive: true });
  await Promise.all(
    batch.partitions.map((records, i) => {
      const text = records.map((r) => format(r) + '\n').join('');
      return writeDurably(join(tmp, `part-${String(i).padStart(5, '0')}`), text);
    }),
  );
  await writeDurably(join(tmp, '_SUCCESS'), '');
  await syncDirectory(tmp);
  await rm(old, { recursive: true, force: true });
  await rename(dir, old).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'ENOENT') throw error;
  });
  await rename(tmp, dir);
  await syncDirectory(dirname(dir));
  await rm(old, { recursive: true, force: true });
}

async function writeDurably(path: string, text: string): Promise<void> {
  const file = await open(path, 'w');
  try {
    await file.writeFile(text);
    await file.sync();
  } finally {
    await file.close();
  }
}
