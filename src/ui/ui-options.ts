// The `ui` option of a StreamingContext, checked up front: where the web UI listens and how many
// batches it remembers.
import { FlintError } from '../errors.js';

/** Settings of the web UI (the `ui` option of a StreamingContext). */
export interface UIOptions {
  /** First port tried (default 4040, Spark's); when taken, the next 16 are tried. 0 picks a free port. */
  port?: number;
  /** Interface to listen on (default `127.0.0.1`: the UI has no authentication). */
  host?: string;
  /** Completed batches kept for the page and the REST API (Spark's `spark.streaming.ui.retainedBatches`, default 1000). */
  retainedBatches?: number;
}

/** {@link UIOptions} with every default filled in. */
export type ResolvedUIOptions = Required<UIOptions>;

/** Spark's default UI port. */
export const DEFAULT_UI_PORT = 4040;

/** Ports tried after a taken one (Spark's `spark.port.maxRetries`). */
export const UI_PORT_RETRIES = 16;

/**
 * The UI settings of `ui`, or `undefined` when the UI is off (`false`, or absent). A job started
 * by `flint serve` finds the address the server reports in FLINT_UI_HOST and FLINT_UI_PORT: with
 * `ui` absent or `true`, the UI listens there.
 */
export function resolveUIOptions(ui: boolean | UIOptions | undefined, env: NodeJS.ProcessEnv = process.env): ResolvedUIOptions | undefined {
  const served = env.FLINT_UI_PORT !== undefined && (ui === undefined || ui === true);
  if (served) ui = { port: Number(env.FLINT_UI_PORT), host: env.FLINT_UI_HOST ?? '127.0.0.1' };
  if (ui === undefined || ui === false) return undefined;
  const options = ui === true ? {} : ui;
  if (typeof options !== 'object' || options === null) {
    throw new FlintError('INVALID_ARGUMENT', `options.ui must be true, false or { port, host, retainedBatches }, got ${String(ui)}`);
  }
  const { port = DEFAULT_UI_PORT, host = '127.0.0.1', retainedBatches = 1000 } = options;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new FlintError('INVALID_ARGUMENT', `options.ui.port must be an integer from 0 to 65535 (0: any free port), got ${String(port)}`);
  }
  if (typeof host !== 'string' || host === '') {
    throw new FlintError('INVALID_ARGUMENT', `options.ui.host must be a host name or address such as '127.0.0.1', got ${String(host)}`);
  }
  if (!Number.isInteger(retainedBatches) || retainedBatches < 1) {
    throw new FlintError('INVALID_ARGUMENT', `options.ui.retainedBatches must be a positive integer, got ${String(retainedBatches)}`);
  }
  return { port, host, retainedBatches };
}
