// The worker entry piscina runs: one kernel instance per thread, created on first use and
// replaced after a trap (a trapped instance may hold half-updated tables).
import { move, transferableSymbol, valueSymbol } from 'piscina';
import { Kernels, separatorTable } from '../core/wasm/kernel-instance.js';
import type { Task } from './tasks.js';

let kernels: Kernels | undefined;
// The run whose table this worker holds between the pieces of a split run.
let openRun: number | undefined;

/**
 * What a combineText task returns: the packed partials (absent for a piece that does not end its
 * run), and the input buffer for reuse.
 */
export interface CombineTextReply {
  packed?: ArrayBuffer;
  input: ArrayBuffer;
}

// Both buffers go back transferred, not copied (piscina's transferable protocol).
class Reply {
  constructor(private readonly value: CombineTextReply) {}
  get [transferableSymbol](): ArrayBuffer[] {
    return this.value.packed ? [this.value.packed, this.value.input] : [this.value.input];
  }
  get [valueSymbol](): CombineTextReply {
    return this.value;
  }
}

/** Runs one task; the result buffer is transferred back, not copied. */
export default function run(task: Task): unknown {
  kernels ??= new Kernels();
  try {
    switch (task.kind) {
      case 'combineText': {
        // One table for all partitions; it is split by partition once, when packed.
        const { first = true, last = true, id } = task.run ?? {};
        if (!first && openRun !== id) {
          throw new Error(`piece of run ${id} reached a worker that does not hold its table (the worker was replaced mid-run)`);
        }
        const c = kernels.combiner(1, task.valueKind, 'default', { keep: !first });
        openRun = last ? undefined : id;
        kernels.addTokens(c, task.bytes, separatorTable(task.separators), task.value, task.valueKind, task.op);
        const packed = last ? kernels.packSplit(c, task.numPartitions) : undefined;
        return move(new Reply({ packed, input: task.bytes.buffer as ArrayBuffer }));
      }
      case 'fail':
        if (task.how === 'exit') process.exit(1);
        throw new WebAssembly.RuntimeError('unreachable (test trap)');
    }
  } catch (error) {
    kernels = undefined;
    openRun = undefined;
    throw error;
  }
}
