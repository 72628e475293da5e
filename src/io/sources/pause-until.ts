// How Flint's text receivers obey store()'s promise: the input is paused until it settles, so
// what the receiver will not take stays with the sender (TCP flow control, a full pipe).
import type { Readable } from 'node:stream';

/**
 * Pauses `input` until `allowed` settles, then resumes it if `stillReading()` says the receiver
 * still reads from it (a stopped receiver leaves its input paused). A paused socket or pipe
 * stops being read once Node's small stream buffer is full, so the sender's writes block.
 */
export function pauseUntil(input: Readable, allowed: Promise<void>, stillReading: () => boolean): void {
  input.pause();
  void allowed.then(() => {
    if (stillReading() && !input.destroyed) input.resume();
  });
}
