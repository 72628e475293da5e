// Workload 8, many keys in state: `updateStateByKey` summing word counts over `keys` keys, each
// core in a fresh process, with the sum as a lambda (called for every key, as in Spark) and as
// Flint's tagged `runningSum` (see bench/state-keys.ts).
import type { CoreName } from '../../src/core/core.js';
import { childConfig, finish, progress } from '../lib/child.js';
import type { StateResult, StateRun } from '../lib/results.js';
import { stateRun } from '../state-keys.js';

const { state: c } = childConfig();
const runs: [CoreName, string][] = [
  ['wasm', 'lambda'],
  ['js', 'lambda'],
  ['wasm', 'runningSum'],
  ['js', 'runningSum'],
];
const rows: StateRun[] = runs.map(([core, update], i) => {
  progress(i / runs.length, `${core} core, ${update}, ${c.keys} keys`);
  return stateRun(core, c.keys, c.batches, update);
});
const result: StateResult = { keys: c.keys, recordsPerBatch: c.keys / 10, rows };
finish(result);
