// Resolves the `file` of a batch request to a job module inside the jobs directory. Every check
// works on real paths (symlinks resolved), so neither `..`, an absolute path nor a symlink that
// points elsewhere can make the server run a file from outside the directory.
import { realpathSync, statSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { HttpError } from './http.js';

/** Extensions of the job modules the server runs with `node`. */
export const JOB_EXTENSIONS = ['.js', '.mjs', '.cjs'] as const;

/** The jobs directory and the rule that confines job files to it. */
export class PathGuard {
  /** The real path of the jobs directory. */
  readonly root: string;

  /** Throws when `jobsDir` is not an existing directory. */
  constructor(jobsDir: string) {
    this.root = realpathSync(jobsDir);
    if (!statSync(this.root).isDirectory()) throw new Error(`${jobsDir} is not a directory`);
  }

  /** The real path of job module `file` (relative to the jobs directory); 400 when refused. */
  resolve(file: string): string {
    if (file.includes('\0')) throw refused(file, 'contains a NUL character');
    if (isAbsolute(file)) throw refused(file, 'is an absolute path; give it relative to the jobs directory');
    // Checked before and after resolving symlinks: before, so that whether a file exists outside
    // the directory is never told; after, so that a symlink cannot lead out of it.
    const path = resolve(this.root, file);
    if (!this.contains(path)) throw refused(file, 'is outside the jobs directory');
    let real: string;
    try {
      real = realpathSync(path);
    } catch {
      throw refused(file, 'does not exist in the jobs directory');
    }
    if (!this.contains(real)) throw refused(file, 'leads outside the jobs directory through a symlink');
    if (!statSync(real).isFile()) throw refused(file, 'is not a file');
    if (!JOB_EXTENSIONS.some((ext) => real.endsWith(ext))) {
      throw refused(file, `is not a JavaScript module; job files end in ${JOB_EXTENSIONS.join(', ')} (compile TypeScript jobs first)`);
    }
    return real;
  }

  private contains(path: string): boolean {
    const inside = relative(this.root, path);
    return inside !== '' && inside !== '..' && !inside.startsWith(`..${sep}`) && !isAbsolute(inside);
  }
}

function refused(file: string, why: string): HttpError {
  return new HttpError(400, `file "${file}" ${why}`);
}
