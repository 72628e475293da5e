// saveAsTextFiles(): one directory per batch, `prefix-<time ms>[.suffix]`, with one
// `part-NNNNN` file per partition and a `_SUCCESS` marker, as Spark writes them.
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Batch } from '../../batch/batch.js';

/** Spark's `rddToFileName`: `prefix-<time>` plus `.suffix` when a suffix is given. */
export function batchDirName(prefix: string, time: number, suffix?: string): string {
  return suffix ? `${prefix}-${time}.${suffix}` : `${prefix}-${time}`;
}

/**
 * Writes `batch` under its directory. Files are written to a temporary directory that is renamed
 * into place, so a reader never sees a half-written batch.
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
  await rm(tmp, { recursive: true, force: true });
  await mkdir(tmp, { recursive: true });
  await Promise.all(
    batch.partitions.map((records, i) => {
      const text = records.map((r) => format(r) + '\n').join('');
      return writeFile(join(tmp, `part-${String(i).padStart(5, '0')}`), text);
    }),
  );
  await writeFile(join(tmp, '_SUCCESS'), '');
  await rm(dir, { recursive: true, force: true });
  await rename(tmp, dir);
}
