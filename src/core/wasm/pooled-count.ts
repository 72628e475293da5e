// Counting a batch's text on the worker pool: one count run per worker, fed pieces as the
// PieceScheduler assigns them, a few ahead of the worker, so the main thread copies the next piece
// while the workers count.
import type { BufferRecycler } from '../../pool/buffer-recycler.js';
import { CountRun, type CountSettings } from '../../pool/count-run.js';
import type { WorkerPool } from '../../pool/pool.js';
import type { PieceScheduler } from './piece-scheduler.js';

/** Pieces sent to a worker ahead of its counting: one to count, one waiting. */
const PIECES_IN_FLIGHT = 2;

/**
 * Counts `pieces` (each a list of byte ranges of whole lines) on `workers` count runs; resolves to
 * the packed partials of every segment, in segment order. Rejects with the first run's failure,
 * after abandoning the other runs so that their workers are free again.
 */
export async function countOnPool(
  pool: WorkerPool,
  buffers: BufferRecycler,
  pieces: readonly Uint8Array[][],
  scheduler: PieceScheduler,
  workers: number,
  settings: CountSettings,
): Promise<ArrayBuffer[]> {
  // A segment may come back in several partials (CountSettings.flushBytes), in order.
  const partials = new Map<number, ArrayBuffer[]>();
  const feed = (run: CountRun, worker: number): void => {
    while (run.inFlight < PIECES_IN_FLIGHT) {
      const next = scheduler.take(worker);
      if (next === undefined) return run.end();
      run.send(copyToTransferable(buffers, pieces[next.piece]!), next.segment);
    }
  };
  const runs = Array.from({ length: workers }, (_, worker) => {
    const run = new CountRun(pool, settings, {
      pieceDone(self, input) {
        buffers.give(input);
        feed(self, worker);
      },
      partial: (segment, packed) => (partials.get(segment) ?? partials.set(segment, []).get(segment)!).push(packed),
    });
    feed(run, worker);
    return run;
  });
  try {
    await Promise.all(runs.map((run) => run.finished));
  } finally {
    for (const run of runs) run.close();
  }
  return [...partials].sort(([a], [b]) => a - b).flatMap(([, packed]) => packed);
}

/** A piece in its own ArrayBuffer (a recycled one), so it can be transferred, not cloned. */
export function copyToTransferable(buffers: BufferRecycler, parts: readonly Uint8Array[]): Uint8Array {
  const total = parts.reduce((n, p) => n + p.byteLength, 0);
  const out = new Uint8Array(buffers.take(total), 0, total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}
