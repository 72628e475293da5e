// Paths in the checkout, from the compiled benchmark (dist/bench/lib/*.js) or its source.
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL(import.meta.url.includes('/dist/bench/') ? '../../../' : '../../', import.meta.url));

/** `relative` inside the checkout, e.g. `repoPath('bench/peers')`. */
export function repoPath(relative: string): string {
  return ROOT + relative;
}

/** A compiled benchmark script, e.g. `benchScript('workloads/window.js')` is dist/bench/workloads/window.js. */
export function benchScript(relative: string): string {
  return repoPath(`dist/bench/${relative}`);
}
