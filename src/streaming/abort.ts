// AbortSignal for the context's lifecycle, as Node's APIs take one: an aborted signal stops the
// context gracefully; a signal aborted before start() refuses the start with its reason.
import { FlintError } from '../errors.js';

/** Options of {@link StreamingContext.start}. */
export interface StartOptions {
  /** When aborted, the context stops gracefully (`stop({ graceful: true })`). */
  signal?: AbortSignal;
}

/** Options of {@link StreamingContext.awaitTermination}. */
export interface AwaitTerminationOptions {
  /** When aborted, the context stops gracefully, and the wait resolves once it has stopped. */
  signal?: AbortSignal;
}

/** The signal of `options`, checked; `what` names the call in the error. */
export function signalOf(options: { signal?: AbortSignal } | undefined, what: string): AbortSignal | undefined {
  if (options === undefined) return undefined;
  if (typeof options !== 'object' || options === null) {
    throw new FlintError('INVALID_ARGUMENT', `${what} takes an options object such as { signal }, got ${String(options)}`);
  }
  const { signal } = options;
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    throw new FlintError('INVALID_ARGUMENT', `${what} options.signal must be an AbortSignal, e.g. new AbortController().signal or AbortSignal.timeout(ms)`);
  }
  return signal;
}

/**
 * Calls `stop` once when `signal` aborts (at once when it already has); returns a function that
 * stops listening, so a long-lived signal does not keep the context alive.
 */
export function onAbort(signal: AbortSignal | undefined, stop: () => void): () => void {
  if (signal === undefined) return () => undefined;
  if (signal.aborted) {
    stop();
    return () => undefined;
  }
  signal.addEventListener('abort', stop, { once: true });
  return () => signal.removeEventListener('abort', stop);
}
