// The Checkpoints section of BENCHMARKS.md (workload 5): what checkpoints add to a steady batch and
// how long a restart takes, on both cores, judged against the goals of issue 13.
import type { CheckpointResult, CheckpointRow, Results } from '../lib/results.js';
import { fmt, table } from './format.js';
import { compact } from './svg.js';

/** Issue 13: checkpoints add at most 10% to a steady batch's processing time. */
const MAX_OVERHEAD = 0.1;
/** Issue 13: a restart with a million keys of state in under 2 s. */
const MAX_RESTART_MS = 2000;

const mb = (bytes: number) => fmt(bytes / 1e6, 1);
const pct = (fraction: number) => `${fraction >= 0 ? '+' : ''}${(fraction * 100).toFixed(1)}%`;
const verdict = (ok: boolean) => (ok ? 'met' : 'not met');
const name = (r: CheckpointRow) => `${r.core} core, \`${r.pipeline}\``;

/** The checkpoint's own write time per batch, as a fraction of a batch without checkpoints. */
const writeShare = (r: CheckpointRow) => r.checkpointMs / r.interval / r.cycleWithoutMs;

/** Cycles below which the side-by-side ratio is not trusted: one cycle of seconds-long batches cannot resolve a few percent. */
const TRUSTED_CYCLES = 3;

/**
 * The overhead judged: a batch waits for the checkpoint written after it, so the write time is a
 * floor; over enough cycles, the side-by-side ratio when it is higher (it also sees what a
 * checkpoint leaves behind, such as garbage).
 */
function goals(c: CheckpointResult): string[] {
  return c.rows.flatMap((r) => {
    const trusted = r.cycles >= TRUSTED_CYCLES;
    const overhead = trusted ? Math.max(r.ratio - 1, writeShare(r)) : writeShare(r);
    const how = trusted
      ? `**${pct(overhead)}** (side by side over ${r.cycles} cycles: ${pct(r.ratio - 1)}, ${fmt(r.overheadMs, 0)} ms of ${fmt(r.cycleWithoutMs, 0)} ms; ` +
        `their write time alone: ${pct(writeShare(r))})`
      : `**${pct(overhead)}** by their write time (${fmt(r.checkpointMs, 0)} ms every ${r.interval} batches of ${fmt(r.cycleWithoutMs, 0)} ms; ` +
        `side by side over ${r.cycles} cycle${r.cycles === 1 ? '' : 's'}: ${pct(r.ratio - 1)}, too few batches to tell a few percent)`;
    return [
      `- ${name(r)}: checkpoints add ${how} (goal <= +${MAX_OVERHEAD * 100}%): ${verdict(overhead <= MAX_OVERHEAD)}`,
      `- ${name(r)}: restart with ${compact(r.keys)} keys in **${fmt(r.recoveryStartMs, 0)} ms** (goal < ${MAX_RESTART_MS / 1000} s): ` +
        `${verdict(r.recoveryStartMs < MAX_RESTART_MS)}; its first batch ${fmt(r.recoveryFirstBatchMs, 0)} ms`,
    ];
  });
}

/** Section 5, from the checkpoint workload's result; `results` is the run it is reported in. */
export function checkpointSection(c: CheckpointResult, results: Results): string {
  const after = Date.parse(c.date) - Date.parse(results.date);
  const separately = !(after >= 0 && after <= results.seconds * 1000);
  const rows = c.rows.map((r) => [
    r.core,
    `\`${r.pipeline}\``,
    compact(r.keys),
    String(r.cycles * r.interval),
    fmt(r.medianWithoutMs, 0),
    fmt(r.medianWithMs, 0),
    fmt(r.cycleWithoutMs, 0),
    fmt(r.cycleWithMs, 0),
    `**${fmt(r.ratio, 2)}x**`,
    fmt(r.checkpointMs, 0),
    mb(r.checkpointBytes),
    mb(r.stateBytes),
    `**${fmt(r.recoveryStartMs, 0)}**`,
    fmt(r.recoveryFirstBatchMs, 0),
    fmt(r.freshStartMs, 0),
  ]);
  return [
    '## 5. Checkpoints',
    '',
    ...(separately ? [`Measured separately by \`npm run bench:checkpoint\` on ${c.date.slice(0, 16).replace('T', ' ')} UTC (${c.machine}).`, ''] : []),
    `What checkpoints add to a steady batch, and how long a restart takes, with ${compact(c.keys)} keys on each core (\`${c.master}\`): ` +
      `\`updateStateByKey\` summing word counts (the state starts with every key, as \`initialState\`; each batch has ` +
      `${compact(c.recordsPerBatch)} words drawn uniformly from them) and \`reduceByKeyAndWindow(sum, subtract, ${c.windowPanes} s, 1 s)\` ` +
      `(each pane has ${compact(c.recordsPerBatch)} distinct keys, the next tenth of them, so the full window holds every key). Text comes ` +
      'in through `queueStream` as text batches, so the wasm core counts words with its kernels. For each pipeline, two processes run ' +
      'the same job on ManualClocks, batch k in one and then in the other (who goes first alternates), each batch as soon as the one ' +
      'before is done: one checkpoints every ' +
      '10 batches (the default for a 1 s slide), the other not while measured (its interval moved away; `stream.checkpoint(ms)` would ' +
      'also make it remember 2 x ms of batches). A batch time is the wall time of `clock.advance`: the batch, the batch log\'s fdatasync ' +
      'and any checkpoint. **Per batch over a cycle** is the mean over the 10 positions of a checkpoint cycle of the median at each ' +
      `position (the checkpoint, and the window's rebuild from its panes, fall on fixed positions); **with / without** is their ratio. ` +
      `Up to ${c.cycles} cycles per pipeline, none begun after ${c.budgetSeconds} s: a pipeline whose batches take seconds gets one. ` +
      'Checkpoint time and bytes are the medians of `onCheckpointCompleted`; **state in it** is the state\'s (or the window\'s) batch ' +
      'in the checkpoint, the rest being new window panes. **Restart** is `StreamingContext.getOrCreate(dir, factory)` plus ' +
      '`await ssc.start()` on the last checkpoint (read, verified and put back) in a fresh process, as after a crash, median of ' +
      `${c.rows[0]?.recoveries ?? 0}, with the files in the page cache (just written); the first batch after it is timed ` +
      'separately, and a fresh start of the same program (an empty directory) is shown for scale. On a shared host: compare ' +
      'ratios and figures within the table, not with other runs.',
    '',
    table(
      ['core', 'pipeline', 'keys', 'batches', 'batch p50 without (ms)', 'batch p50 with (ms)', 'per batch over a cycle without (ms)', 'with (ms)', 'with / without', 'checkpoint (ms)', 'checkpoint (MB)', 'state in it (MB)', 'restart (ms)', 'first batch after (ms)', 'fresh start (ms)'],
      ['---', '---', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:'],
      rows,
    ),
    '',
    'Goals of issue 13 (checkpoints add at most 10% to a steady batch; a restart with 1M keys of state in under 2 s):',
    '',
    ...goals(c),
    '',
    'Run it alone with `npm run bench:checkpoint` (5 to 12 minutes, depending on the load of the host; `-- --quick` for 50k keys); ' +
      'it prints this table and writes `bench/report/checkpoint.json`. Overrides: `BENCH_CHECKPOINT_KEYS`, `BENCH_CHECKPOINT_CYCLES`.',
    '',
  ].join('\n');
}
