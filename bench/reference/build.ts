// Compiles the C reference at bench time when a C compiler is present.
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SOURCE = fileURLToPath(new URL('../../../bench/reference/wordcount.c', import.meta.url));

/** Path of the compiled C reference, or a reason it is unavailable. */
export function buildReference(outDir: string): { binary?: string; skipped?: string } {
  mkdirSync(outDir, { recursive: true });
  const binary = join(outDir, 'wordcount-ref');
  for (const cc of [process.env.CC, 'cc', 'gcc', 'clang'].filter(Boolean) as string[]) {
    try {
      execFileSync(cc, ['-O2', '-o', binary, SOURCE], { stdio: 'pipe' });
      return { binary };
    } catch {
      // try the next compiler
    }
  }
  return { skipped: 'no C compiler (cc, gcc or clang) found; the C reference was skipped' };
}

/** Runs the C reference on `file`: median MB/s over `reps` runs, single thread, and its top 10. */
export function runReference(binary: string, file: string, reps: number, partitions: number): { mbPerS: number; keys: number; top10: string } {
  const out = execFileSync(binary, [file, String(reps), String(partitions)], { encoding: 'utf8' });
  return JSON.parse(out) as { mbPerS: number; keys: number; top10: string };
}

/** The raw byte scan of the C reference (`scan` mode): median MB/s of one pass over `file` in memory. */
export function runByteScan(binary: string, file: string, reps: number): { mbPerS: number } {
  const out = execFileSync(binary, [file, String(reps), '1', 'scan'], { encoding: 'utf8' });
  return JSON.parse(out) as { mbPerS: number };
}
