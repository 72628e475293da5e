// The data files of a directory, as Spark lists them: through the `_spark_metadata` log when a
// file sink wrote it (only committed files), else every file, down partition directories
// (`column=value/`), skipping names that start with `.` or `_` (temporary and metadata files).
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { FileSinkLog } from '../sinks/file-sink-log.js';

/** A data file and its modification time (ms). */
export interface ListedFile {
  readonly path: string;
  readonly timestamp: number;
}

/** The data files of `dir` (none when it does not exist). */
export function listDataFiles(dir: string): ListedFile[] {
  if (!existsSync(dir)) return [];
  if (existsSync(join(dir, FileSinkLog.DIR))) return new FileSinkLog(dir).allFiles().map((f) => ({ path: f.path, timestamp: f.modificationTime }));
  return filesUnder(dir).map((path) => ({ path, timestamp: statSync(path).mtimeMs }));
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => !e.name.startsWith('.') && !e.name.startsWith('_'))
    .flatMap((e) => {
      const path = join(dir, e.name);
      const kind = e.isSymbolicLink() ? statSync(path) : e;
      if (kind.isFile()) return [path];
      return kind.isDirectory() && e.name.indexOf('=') > 0 ? filesUnder(path) : [];
    });
}
