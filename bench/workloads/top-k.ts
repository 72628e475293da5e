// Workload 7, top-k on packed data: a top 10 of about 100k word counts the wasm kernels hold,
// selected from the packed values against the generic decode-and-sort (see bench/top-k.ts).
import { childConfig, finish, progress } from '../lib/child.js';
import { topK } from '../top-k.js';

const { topK: c } = childConfig();
progress(0, `counting ${c.mb} MB, then ${c.rounds} rounds`);
finish(await topK(c.mb, c.rounds));
