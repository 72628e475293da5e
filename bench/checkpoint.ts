// Benchmark: what checkpoints add to a steady batch and how long a restart takes, with a million
// keys of state and of window on both cores (workload 5 of `npm run bench`, run alone, in a child
// process as the full run does). Prints a table and writes bench/report/checkpoint.json.
// Run with `npm run bench:checkpoint` (`-- --quick` for 50k keys).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runChild } from './lib/child.js';
import { configFor } from './lib/config.js';
import { benchScript } from './lib/paths.js';
import type { CheckpointResult } from './lib/results.js';
import { reportPaths } from './report/write.js';

const config = configFor(process.argv.includes('--quick') ? 'quick' : 'full');
let lastLabel = '';
const result = await runChild<CheckpointResult>(benchScript('workloads/checkpoint.js'), {
  config,
  heapMb: 12288,
  onProgress: (_, label) => {
    if (label !== lastLabel) process.stderr.write(`${(lastLabel = label)}\n`);
  },
  onLog: (text) => process.stderr.write(`${text}\n`),
});
const { chartDir } = reportPaths();
mkdirSync(chartDir, { recursive: true });
const file = join(chartDir, 'checkpoint.json');
writeFileSync(file, `${JSON.stringify(result, null, 1)}\n`);

const ms = (v: number) => Math.round(v);
const mb = (bytes: number) => Number((bytes / 1e6).toFixed(1));
console.log(`checkpoint cost and restart, ${result.keys} keys, ${result.recordsPerBatch} records per batch, ${result.master}, checkpoint every ${result.rows[0]?.interval} batches`);
console.log(`machine: ${result.machine}`);
console.table(
  result.rows.map((r) => ({
    core: r.core,
    pipeline: r.pipeline,
    batches: r.cycles * r.interval,
    'p50 without': ms(r.medianWithoutMs),
    'p50 with': ms(r.medianWithMs),
    'cycle without': ms(r.cycleWithoutMs),
    'cycle with': ms(r.cycleWithMs),
    'with/without': Number(r.ratio.toFixed(2)),
    'write/batch %': Number(((100 * r.checkpointMs) / r.interval / r.cycleWithoutMs).toFixed(1)),
    'checkpoint ms': ms(r.checkpointMs),
    'checkpoint MB': mb(r.checkpointBytes),
    'state MB': mb(r.stateBytes),
    'restart ms': ms(r.recoveryStartMs),
    'first batch ms': ms(r.recoveryFirstBatchMs),
    'fresh start ms': ms(r.freshStartMs),
  })),
);
console.log('batch times in ms; "cycle": mean over the 10 positions of a checkpoint cycle of the median at each position;');
console.log('"write/batch": checkpoint write time per batch, as a share of a batch without checkpoints');
console.log(`restart: getOrCreate + start, median of ${result.rows[0]?.recoveries} restarts. Wrote ${file}`);
