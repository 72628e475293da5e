// Compiles the C reference at bench time when a C compiler is present.
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const execFileAsync = promisify(execFile);

const SOURCE = fileURLToPath(new URL('../../../bench/reference/wordcount.c', import.meta.url));
const WASM_RUNNER = fileURLToPath(new URL('./run-wasm.js', import.meta.url));
const WASM_PACKAGES = 'clang lld wasi-libc libclang-rt-dev-wasm32 (Debian: apt-get install clang-16 lld-16 wasi-libc libclang-rt-16-dev-wasm32)';
// The whole corpus is read into WASM memory: start large enough that memory never grows mid-run
// (Node 20 sometimes crashed in a garbage collection while a WASI program's memory grew).
const WASM_LINK = ['-Wl,--initial-memory=536870912', '-Wl,--max-memory=4294967296', '-Wl,-z,stack-size=1048576'];

// True once the first of `compilers` that is installed and succeeds has compiled with `args`.
function compileWithFirst(compilers: (string | undefined)[], args: string[]): boolean {
  for (const cc of compilers.filter(Boolean) as string[]) {
    try {
      execFileSync(cc, args, { stdio: 'pipe' });
      return true;
    } catch {
      // try the next compiler
    }
  }
  return false;
}

/** Path of the compiled C reference, or a reason it is unavailable. */
export function buildReference(outDir: string): { binary?: string; skipped?: string } {
  mkdirSync(outDir, { recursive: true });
  const binary = join(outDir, 'wordcount-ref');
  if (compileWithFirst([process.env.CC, 'cc', 'gcc', 'clang'], ['-O2', '-o', binary, SOURCE])) return { binary };
  return { skipped: 'no C compiler (cc, gcc or clang) found; the C reference was skipped' };
}

/**
 * The same C reference compiled to WebAssembly by clang -O2 (WASI, SIMD128), or a reason it is
 * unavailable. Run by V8, it shows what V8's code generation costs this algorithm by itself.
 */
export function buildReferenceWasm(outDir: string): { wasm?: string; skipped?: string } {
  mkdirSync(outDir, { recursive: true });
  const wasm = join(outDir, 'wordcount-ref.wasm');
  const args = ['--target=wasm32-wasi', '--sysroot=/usr', '-O2', '-msimd128', ...WASM_LINK, '-o', wasm, SOURCE];
  if (compileWithFirst([process.env.WASM_CC, 'clang', 'clang-19', 'clang-16', 'clang-15'], args)) return { wasm };
  return { skipped: `no clang that targets wasm32-wasi found (needs ${WASM_PACKAGES}); the C reference as WASM was skipped` };
}

/**
 * Runs the WebAssembly build like runReference, in a child node whose code is compiled by TurboFan
 * up front. Node's WASI sometimes kills that child with a segfault (Node 20 and 22, even with a
 * minimal runner; Flint's kernels do not use WASI), usually after the program has printed its
 * result. The program times itself and prints last, so a complete result still counts; a run that
 * died before printing is repeated, up to three times. `crashes` counts the children that died.
 */
export function runReferenceWasm(wasm: string, file: string, reps: number, partitions: number): { mbPerS: number; keys: number; top10: string; crashes: number } {
  const dir = mkdtempSync(join(tmpdir(), 'flint-ref-wasm-'));
  const out = join(dir, 'result.json');
  const args = ['--no-liftoff', '--no-warnings', WASM_RUNNER, wasm, file, String(reps), String(partitions), out];
  try {
    for (let crashes = 0; ; ) {
      try {
        execFileSync(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
      } catch (error) {
        if (!(error as { signal?: string }).signal) throw error;
        crashes++;
      }
      const printed = existsSync(out) ? readFileSync(out, 'utf8') : '';
      if (printed.trimEnd().endsWith('}')) return { ...(JSON.parse(printed) as { mbPerS: number; keys: number; top10: string }), crashes };
      if (crashes === 3) throw new Error(`the C reference as WASM crashed ${crashes} times before printing a result (${wasm})`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs the C reference on `file`: median MB/s over `reps` runs, single thread, and its top 10. */
export function runReference(binary: string, file: string, reps: number, partitions: number): { mbPerS: number; keys: number; top10: string } {
  const out = execFileSync(binary, [file, String(reps), String(partitions)], { encoding: 'utf8' });
  return JSON.parse(out) as { mbPerS: number; keys: number; top10: string };
}

/**
 * Two C references run at once on `file`, each a process of its own: their combined MB/s, taken as
 * twice the slower one's (both count the whole file). Set beside one reference alone in the same
 * rounds, it is what this host gives two busy threads: the ceiling of any 2-worker speed-up here.
 */
export async function runReferencePair(binary: string, file: string, reps: number, partitions: number): Promise<{ mbPerS: number }> {
  const args = [file, String(reps), String(partitions)];
  const runs = await Promise.all([0, 1].map(() => execFileAsync(binary, args, { encoding: 'utf8' })));
  const rates = runs.map(({ stdout }) => (JSON.parse(stdout) as { mbPerS: number }).mbPerS);
  return { mbPerS: 2 * Math.min(...rates) };
}

/** The raw byte scan of the C reference (`scan` mode): median MB/s of one pass over `file` in memory. */
export function runByteScan(binary: string, file: string, reps: number): { mbPerS: number } {
  const out = execFileSync(binary, [file, String(reps), '1', 'scan'], { encoding: 'utf8' });
  return JSON.parse(out) as { mbPerS: number };
}
