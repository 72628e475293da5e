// The checkpoint directory check of start(): create the directory and check that it is
// writable, with a time limit, so a path the file system never answers for cannot hang start().
import { access, constants, mkdir, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { FlintError } from '../errors.js';
import { settlesWithin } from './time-limit.js';

/** How long start() waits for the file system to create and check the checkpoint directory. */
export const CHECKPOINT_DIR_TIMEOUT_MS = 10_000;

/**
 * Creates `dir` (and missing parents) and checks that it is writable; throws
 * `CHECKPOINT_DIR_UNUSABLE` saying why, also when the file system has not answered within
 * `timeoutMs`.
 */
export async function checkCheckpointDirectory(dir: string, timeoutMs = CHECKPOINT_DIR_TIMEOUT_MS): Promise<void> {
  const outcome = makeDirectories(dir)
    .then(() => access(dir, constants.W_OK))
    .then(
      () => undefined,
      (error: unknown) => ({ error }),
    );
  if (!(await settlesWithin(outcome, timeoutMs))) {
    throw new FlintError(
      'CHECKPOINT_DIR_UNUSABLE',
      `checkpoint directory "${dir}" could not be created or checked within ${timeoutMs} ms (is its file system hung or unreachable?); pass a writable local path to ssc.checkpoint()`,
    );
  }
  const failure = await outcome;
  if (failure) {
    throw new FlintError(
      'CHECKPOINT_DIR_UNUSABLE',
      `checkpoint directory "${dir}" cannot be created or written (${(failure.error as Error).message}); pass a writable path to ssc.checkpoint()`,
      { cause: failure.error },
    );
  }
}

// mkdir -p, one level at a time. Node's own mkdir(dir, { recursive: true }) never settles for a
// path such as /proc/nope (the parent exists, the child can never be made, and it retries forever).
async function makeDirectories(dir: string): Promise<void> {
  try {
    await makeDirectory(dir);
  } catch (error) {
    const parent = dirname(dir);
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || parent === dir) throw error;
    await makeDirectories(parent);
    await makeDirectory(dir);
  }
}

// mkdir that accepts an existing directory.
async function makeDirectory(dir: string): Promise<void> {
  try {
    await mkdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || !(await stat(dir)).isDirectory()) throw error;
  }
}
