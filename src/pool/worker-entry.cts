// The file piscina loads in each worker. piscina loads it with require(), and on Node 20 a
// require() of an ES module aborts the whole process (a failed CHECK in Node's require(esm)
// path, not an exception) when the worker is terminated mid-load, which pool.close() and
// ssc.stop() do. This entry is CommonJS and loads the ES module worker with import(), which a
// termination merely interrupts.
import type { Task } from './tasks.js' with { 'resolution-mode': 'import' };

type Run = (task: Task) => Promise<void> | void;

// Started at once so the module is ready by the first task; a load error surfaces on that task.
const worker: Promise<{ default: Run }> = import('./worker.js');
worker.catch(() => undefined);

/** Runs one task on this thread's kernels (see worker.ts). */
async function run(task: Task): Promise<void> {
  return (await worker).default(task);
}

export = run;
