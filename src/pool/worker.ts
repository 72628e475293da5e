// The worker entry piscina runs: one kernel instance per thread, created on first use and
// replaced after a trap (a trapped instance may hold half-updated tables).
import { move } from 'piscina';
import { Kernels, separatorTable } from '../core/wasm/kernel-instance.js';
import type { Task } from './tasks.js';

let kernels: Kernels | undefined;

/** Runs one task; the result buffer is transferred back, not copied. */
export default function run(task: Task): unknown {
  kernels ??= new Kernels();
  try {
    switch (task.kind) {
      case 'combineText': {
        const c = kernels.combiner(task.numPartitions, task.valueKind);
        kernels.addTokens(c, task.bytes, separatorTable(task.separators), task.value, task.valueKind, task.op);
        return move(kernels.pack(c));
      }
      case 'fail':
        if (task.how === 'exit') process.exit(1);
        throw new WebAssembly.RuntimeError('unreachable (test trap)');
    }
  } catch (error) {
    kernels = undefined;
    throw error;
  }
}
