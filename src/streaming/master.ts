// Parses Spark-style master strings: 'local', 'local[n]', 'local[*]'.
import { availableParallelism } from 'node:os';
import { FlintError } from '../errors.js';

/**
 * Number of worker threads (and default partitions) a master string asks for:
 * `local` = 1, `local[n]` = n, `local[*]` = the machine's available cores.
 */
export function parseMaster(master: string): number {
  if (master === 'local') return 1;
  const match = /^local\[(\*|\d+)\]$/.exec(master);
  const n = match ? (match[1] === '*' ? availableParallelism() : Number(match[1])) : NaN;
  if (!Number.isInteger(n) || n < 1) {
    throw new FlintError(
      'INVALID_MASTER',
      `master "${master}" is not valid; use 'local', 'local[n]' with n >= 1, or 'local[*]'`,
    );
  }
  return n;
}
