// The worker entry piscina runs: one kernel instance per thread, created on first use and
// replaced after a trap (a trapped instance may hold half-updated tables).
import { Kernels, separatorTable } from '../core/wasm/kernel-instance.js';
import type { CountReply, CountRequest, CountTextTask, Task } from './tasks.js';

let kernels: Kernels | undefined;

/** Runs one task: a count run resolves when its last segment has been sent back. */
export default function run(task: Task): Promise<void> | void {
  switch (task.kind) {
    case 'countText':
      return countText(task);
    case 'fail':
      if (task.how === 'exit') process.exit(1);
      throw new WebAssembly.RuntimeError('unreachable (test trap)');
  }
}

// Counts each piece into the table of its segment; buffers go back transferred, not copied.
function countText(task: CountTextTask): Promise<void> {
  const { port, valueKind, op, value, numPartitions, fields } = task;
  const separators = separatorTable(task.separators);
  const reply = (message: CountReply, transfer: ArrayBuffer[] = []): void => port.postMessage(message, transfer);
  let segment: number | undefined;
  let table = 0;
  const flush = (k: Kernels): void => {
    if (segment === undefined) return;
    const packed = k.packSplit(table, numPartitions);
    reply({ kind: 'partial', segment, packed }, [packed]);
    segment = undefined;
  };
  return new Promise((resolve, reject) => {
    port.on('message', (request: CountRequest) => {
      try {
        const k = (kernels ??= new Kernels());
        if (request.kind === 'end') {
          flush(k);
          reply({ kind: 'done' });
          port.close();
          resolve();
          return;
        }
        if (request.segment !== segment) {
          flush(k);
          table = k.combiner(1, valueKind);
          segment = request.segment;
        }
        k.addTokens(table, request.bytes, separators, value, valueKind, op, fields);
        if (task.flushBytes !== undefined && k.packedSize(table) >= task.flushBytes) flush(k);
        reply({ kind: 'pieceDone', input: request.bytes.buffer as ArrayBuffer }, [request.bytes.buffer as ArrayBuffer]);
      } catch (error) {
        kernels = undefined;
        port.close();
        reject(error);
      }
    });
    // The main thread closes its end when it gives up on the run (another worker failed).
    port.on('close', () => reject(new Error('the count run was abandoned by the main thread')));
  });
}
