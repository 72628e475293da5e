// What the file source does with a file once the batch that read it is committed (Spark's
// `cleanSource`): nothing (`off`), delete it (`delete`), or move it under `sourceArchiveDir`
// keeping its whole path (`archive`: /data/in/a.json goes to <archive>/data/in/a.json).
// Cleaning is best effort, as in Spark: a file already gone is skipped, a failure is a warning.
import { copyFile, mkdir, rename, unlink } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { FlintError } from '../../errors.js';

/** Cleans the files of committed batches. */
export interface FileSourceCleaner {
  clean(paths: readonly string[]): Promise<void>;
}

/** The cleaner the options ask for, or undefined for `cleanSource` off (the default). */
export function fileSourceCleaner(options: ReadonlyMap<string, string>, sourceDir: string): FileSourceCleaner | undefined {
  const mode = (options.get('cleansource') ?? 'off').toLowerCase();
  if (mode === 'off') return undefined;
  if (mode === 'delete') return { clean: (paths) => eachFile(paths, (p) => unlink(p)) };
  if (mode !== 'archive') throw new FlintError('INVALID_ARGUMENT', `file source: cleanSource must be 'archive', 'delete' or 'off', got '${options.get('cleansource')}'`);
  const archive = options.get('sourcearchivedir');
  if (!archive) throw new FlintError('INVALID_ARGUMENT', "file source: cleanSource 'archive' needs option sourceArchiveDir, the directory the read files move to");
  const archiveDir = resolve(archive);
  const inside = relative(sourceDir, archiveDir);
  if (inside === '' || (!inside.startsWith('..') && !isAbsolute(inside))) {
    throw new FlintError('INVALID_ARGUMENT', `file source: sourceArchiveDir ${archiveDir} is inside the source directory ${sourceDir}, so archived files would be read again; choose a directory outside it`);
  }
  return { clean: (paths) => eachFile(paths, (p) => moveFile(p, join(archiveDir, resolve(p)))) };
}

async function eachFile(paths: readonly string[], action: (path: string) => Promise<void>): Promise<void> {
  for (const path of paths) {
    try {
      await action(path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
      process.emitWarning(`file source: cleaning ${path} failed: ${(error as Error).message}; the file stays`, 'FlintWarning');
    }
  }
}

async function moveFile(from: string, to: string): Promise<void> {
  await mkdir(dirname(to), { recursive: true });
  try {
    await rename(from, to);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error;
    await copyFile(from, to);
    await unlink(from);
  }
}
