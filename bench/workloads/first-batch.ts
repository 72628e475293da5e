// Workload 6, warm start: the first batch of a fresh context against its steady batches on the
// same input, per core, each round a fresh process (see bench/first-batch.ts).
import type { CoreName } from '../../src/core/core.js';
import { firstBatch } from '../first-batch.js';
import { childConfig, finish, progress } from '../lib/child.js';

const { firstBatch: c } = childConfig();
const cores: CoreName[] = ['wasm', 'js'];
const results = cores.map((core, i) => {
  progress(i / cores.length, `${core} core: ${c.rounds} fresh contexts`);
  return firstBatch([core], c.mb, c.rounds, c.batches)[0]!;
});
finish(results);
