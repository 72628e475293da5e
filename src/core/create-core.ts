// Picks the engine core named in the context options.
import { FlintError } from '../errors.js';
import type { Core, CoreName } from './core.js';
import { JsCore } from './js/js-core.js';
import { WasmCore } from './wasm/wasm-core.js';

/** The core for `name`; `threads` sizes the wasm core's worker pool. */
export function createCore(name: CoreName, threads: number): Core {
  if (name === 'js') return new JsCore();
  if (name === 'wasm') return new WasmCore(threads);
  throw new FlintError('INVALID_CORE', `core "${String(name)}" is unknown; use 'js' or 'wasm'`);
}
