// Picks the engine core named in the context options.
import { FlintError } from '../errors.js';
import type { Core, CoreName } from './core.js';
import { JsCore } from './js/js-core.js';

/** The core for `name`. */
export function createCore(name: CoreName): Core {
  if (name === 'js') return new JsCore();
  if (name === 'wasm') {
    throw new FlintError('INVALID_CORE', "core 'wasm' is not available in this build yet; use core: 'js'");
  }
  throw new FlintError('INVALID_CORE', `core "${String(name)}" is unknown; use 'js' or 'wasm'`);
}
