// The Core conformance suite on both engine cores; each lists what it skips and why.
import { JsCore } from '../src/core/js/js-core.js';
import { WasmCore } from '../src/core/wasm/wasm-core.js';
import { runCoreSuite } from './support/core-suite.js';

runCoreSuite('js', () => new JsCore(), {
  rejectsAfterClose: 'the js core holds no threads or memory, so it stays usable after close()',
});

runCoreSuite('wasm', () => new WasmCore(2));
