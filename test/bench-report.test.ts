// The benchmark suite's own logic: the top-10 check every contestant passes, the statistics, the
// SVG writer and the report built from a run's results (on small made-up results, no run).
import { describe, expect, it } from 'vitest';
import { configFor } from '../bench/lib/config.js';
import type { CheckpointResult, CheckpointRow, Results, StepCpu, WordCountResult } from '../bench/lib/results.js';
import { percentile, slope } from '../bench/lib/stats.js';
import { checkTopTen, countWords, topTen } from '../bench/lib/top-ten.js';
import { buildReport } from '../bench/report/markdown.js';
import { barChart, lineChart } from '../bench/report/svg.js';

describe('top 10', () => {
  it('orders by count, then by word, and skips what it is told to', () => {
    const pairs: [string, number][] = [['b', 2], ['~1700000000000', 9], ...'cdefghijklm'.split('').map((w) => [w, 1] as [string, number]), ['a', 2]];
    expect(topTen(pairs, (w) => w.startsWith('~'))).toBe('a:2 b:2 c:1 d:1 e:1 f:1 g:1 h:1 i:1 j:1');
  });

  it('counts like split and a Map, and a mismatch throws', () => {
    const counts = countWords(Buffer.from('to be or\nnot to be\n'));
    expect(topTen(counts)).toBe('be:2 to:2 not:1 or:1');
    expect(() => checkTopTen('x', 'input', 'a:1', 'b:1')).toThrow(/x disagrees on the top 10 of input/);
  });
});

describe('stats', () => {
  it('percentile by nearest rank and least-squares slope', () => {
    expect(percentile([5, 1, 4, 2, 3], 50)).toBe(3);
    expect(percentile([1, 2, 3, 4], 99)).toBe(4);
    expect(slope([[0, 1], [1, 3], [2, 5]])).toBeCloseTo(2);
  });
});

describe('svg', () => {
  it('draws one bar per contestant and one line per series', () => {
    const bars = barChart('t', 'MB/s', [{ label: 'a & b', value: 10, color: '#000' }, { label: 'c', value: 1000, color: '#111' }], true);
    expect(bars.startsWith('<svg')).toBe(true);
    expect(bars).toContain('a &amp; b');
    expect(bars.match(/<rect /g)).toHaveLength(3); // background and two bars
    const lines = lineChart('t', { label: 'x', log: true }, { label: 'y', log: true }, [
      { name: 's', color: '#000', points: [[2, 1], [600, 3]] },
    ]);
    expect(lines.match(/<polyline /g)).toHaveLength(1);
  });
});

describe('report', () => {
  const row = (name: string, mbPerS: number) => ({ name, group: 'flint' as const, mb: 10, mbPerS, wordsPerS: mbPerS * 2e5 });
  /** A word-count result of these rows, with per-round figures when given. */
  const wordcountOf = (rows: ReturnType<typeof row>[], rounds?: Record<string, number[]>): WordCountResult => ({
    mb: 10,
    distinct: 100_000,
    words: 2e6,
    iterations: 3,
    top10: '',
    skipped: [],
    rows,
    ...(rounds && { rounds }),
  });
  const base = { mode: 'quick' as const, machine: 'm', node: 'v20', date: '2026-01-01T00:00:00.000Z', seconds: 1, config: configFor('quick') };

  it('writes ratios to Flint wasm and judges the targets', () => {
    const results: Results = {
      ...base,
      wordcount: wordcountOf([row('idiomatic JS (split + Map)', 20), row('Flint wasm core, 1 worker', 250), row('Flint wasm core, local[*] (2 workers)', 450), row('C -O2 reference', 300), row('C reference compiled to WASM (clang -O2, run by V8)', 240)]),
    };
    const report = buildReport(results, 'bench/report');
    expect(report.headline).toContain('  - for scale: the C reference itself, compiled to WebAssembly by clang and run by V8, runs at **0.80x** its native build; Flint\'s kernel at 1.04x that WASM build');
    expect(report.markdown).toContain('| Flint wasm core, local[*] (2 workers) | 10 MB | 450.0 | 90M | 1.80x |');
    expect(report.headline).toContain('- Flint wasm, 1 worker vs idiomatic JS: **12.50x** (target >= 10): met');
    expect(report.headline).toContain('- Flint wasm, 1 worker vs the C reference: **0.83x** (target >= 1): not met');
    expect(report.markdown).toContain('![wordcount](bench/report/wordcount.svg)');
    expect([...report.charts.keys()]).toEqual(['wordcount.svg']);
  });

  it('judges the word-count targets on per-round ratios when the run kept its rounds', () => {
    const one = 'Flint wasm core, 1 worker';
    const many = 'Flint wasm core, local[*] (2 workers)';
    const c = 'C -O2 reference (same algorithm, 1 thread)';
    const rows = [row('idiomatic JS (split + Map)', 20), row(one, 200), row(many, 380), row(c, 190)];
    // local[*] / 1 worker per round: 1.2, 1.8, 1.9 (median 1.8), while the medians give 380 / 200 = 1.9.
    const rounds = { 'idiomatic JS (split + Map)': [10, 20, 30], [one]: [100, 300, 200], [many]: [120, 540, 380], [c]: [110, 280, 190] };
    const headline = buildReport({ ...base, wordcount: wordcountOf(rows, rounds) }, 'r').headline;
    expect(headline).toContain('- Flint wasm, local[*] vs 1 worker: **1.80x**, median of 3 per-round ratios (ratio of the medians: 1.90x) (target >= 1.7): met');
    expect(headline).toContain('- Flint wasm, 1 worker vs the C reference: **1.05x**, median of 3 per-round ratios (ratio of the medians: 1.05x) (target >= 1): met');
    expect(headline).toContain('- Flint wasm, 1 worker vs idiomatic JS: **10.00x**, median of 3 per-round ratios (ratio of the medians: 10.00x) (target >= 10): met');
    // Rounds that do not line up are not paired: the line falls back to the medians of the table.
    const uneven = wordcountOf(rows, { ...rounds, [many]: [120, 540] });
    expect(buildReport({ ...base, wordcount: uneven }, 'r').headline).toContain('- Flint wasm, local[*] vs 1 worker: **1.90x** (target >= 1.7): met');
  });

  it("sets the host's own 2-thread speed-up beside the scaling targets, from the same rounds", () => {
    const one = 'Flint wasm core, 1 worker';
    const many = 'Flint wasm core, local[*] (2 workers)';
    const c = 'C -O2 reference (same algorithm, 1 thread)';
    const two = 'two C references at once, one process each (this host with 2 busy threads)';
    const rows = [row(one, 200), row(many, 300), row(c, 200), row(two, 300)];
    // Per round: host 1.6, 1.4, 1.5 (median 1.5); Flint 1.5, 1.5, 1.5.
    const rounds = { [one]: [100, 200, 200], [many]: [150, 300, 300], [c]: [100, 200, 200], [two]: [160, 280, 300] };
    const report = buildReport({ ...base, wordcount: wordcountOf(rows, rounds) }, 'r').markdown;
    const line = "  - for scale: two C references at once, one process each, against one alone in the same rounds: **1.50x** (median of 3 per-round ratios); Flint's local[*] speed-up is 100% of it";
    // Under issue 3's scaling line and under issue 15's.
    expect(report.split(line).length - 1).toBe(2);
    // With the workers' thread times, the speed-up is split into time busy and CPU per byte.
    const threads = { [one]: { workers: 1, busyShare: 0.95, workerCpuMsPerMb: 5 }, [many]: { workers: 2, busyShare: 0.76, workerCpuMsPerMb: 5.333 } };
    const split = buildReport({ ...base, wordcount: { ...wordcountOf(rows, rounds), threads } }, 'r').markdown;
    expect(split).toContain('with 2 workers they were busy 76% of the batch (1 worker: 95%) and spent 5.3 ms of CPU per MB (1 worker: 5.0); so 2 x 0.80 (time busy) x 0.94 (CPU per byte) = 1.50x');
    // The pair is not taken for the single C reference.
    expect(report).toContain('- Flint wasm, 1 worker vs the C reference: **1.00x**');
    expect(buildReport({ ...base, wordcount: wordcountOf([row(one, 200), row(many, 300)]) }, 'r').markdown).not.toContain('for scale: two C references');
  });

  it('gives the soak slope over the whole run and over its second half, so a step is not read as a leak', () => {
    // RSS flat at 300 MB, a 20 MB step at 200 s, flat again: the whole-run slope sees the step.
    const samples = Array.from({ length: 600 }, (_, i): [number, number] => [i + 1, i + 1 < 200 ? 300 : 320]);
    const soak = { name: 'Flint wasm core, local[2]', mbPerS: 50, seconds: 600, samples, slopeMbPerMin: 2.5, batches: 600, failedBatches: 0, latencyP50: 800, latencyP99: 1200 };
    const memory = { keys: 1_000_000, windowPanes: 10, paneMb: 1, rows: [], notRun: [], soak };
    const report = buildReport({ ...base, memory }, 'r');
    const line = report.headline.find((l) => l.startsWith('- Memory:'));
    expect(line).toContain('RSS slope 2.50 MB/min over 600 s of streaming (0.00 MB/min over its second half).');
    expect(report.markdown).toContain('**2.50 MB per minute**, and over the second half of the run **0.00 MB per minute**');
    const leaking = { ...soak, samples: samples.map(([t]): [number, number] => [t, 300 + t / 60]) };
    expect(buildReport({ ...base, memory: { ...memory, soak: leaking } }, 'r').headline.join('\n')).toContain('(1.00 MB/min over its second half)');
  });

  it('shows what each memory contestant held after its last slide, when the run recorded it', () => {
    const soak = { name: 'Flint wasm core, local[2]', mbPerS: 50, seconds: 600, samples: [[1, 300]] as [number, number][], slopeMbPerMin: 0, batches: 600, failedBatches: 0, latencyP50: 700, latencyP99: 1100 };
    const held = { rssMb: 440.4, heapUsedMb: 43.2, arrayBuffersMb: 81, otherExternalMb: 187.6 };
    const rows = [
      { name: 'Flint wasm, incremental (sum/subtract)', group: 'flint' as const, baselineMb: 250, peakMb: 577, slideMs: 150, atLastSlide: held },
      { name: 'RxJS, panes (bufferTime + scan, subtracting)', group: 'peer' as const, baselineMb: 184, peakMb: 432, slideMs: 250 },
    ];
    const memory = { keys: 1_000_000, windowPanes: 10, paneMb: 1, rows, notRun: [], soak };
    const report = buildReport({ ...base, memory }, 'r').markdown;
    expect(report).toContain('| Flint wasm, incremental (sum/subtract) | 440 | 43 | 81 | 188 |');
    expect(report).not.toContain('| RxJS, panes (bufferTime + scan, subtracting) | 432 |');
    const old = buildReport({ ...base, memory: { ...memory, rows: rows.map(({ atLastSlide: _, ...r }) => r) } }, 'r').markdown;
    expect(old).not.toContain('right after its last slide');
  });

  it('judges the window target on the side-by-side pair when there is one, else on the sweep', () => {
    const window = {
      paneKb: 64,
      slideMs: 1000,
      lengths: [10, 600],
      slides: 10,
      budgetSeconds: 4,
      rows: [{ name: 'Flint wasm, incremental (sum/subtract)', group: 'flint' as const, perSlideMs: [4, 6], meanMs: [4, 6] }],
    };
    const sweep = buildReport({ ...base, window }, 'r');
    expect(sweep.headline).toContain('- Incremental window, per slide at W/S=600 vs W/S=10: **1.50x** (target <= 1.3): not met');
    const pair = { short: 10, long: 600, slides: 20, shortMs: 5, longMs: 6 };
    const sided = buildReport({ ...base, window: { ...window, sideBySide: pair } }, 'r');
    expect(sided.headline).toContain('- Incremental window, per slide at W/S=600 vs W/S=10 (side by side): **1.20x** (target <= 1.3): met');
    expect(sided.markdown).toContain('**5.00 ms** and **6.00 ms** per slide (median), **1.20x**');
  });

  it('reports the write-ahead log\'s cost against the same job without it, and keeps the ratios to the job without it', () => {
    const step = (mbPerS: number, ok: boolean, processingP50: number, latencyP50 = 700) => ({
      mbPerS, ok, batches: 4, receivedMbPerS: mbPerS, processingP50, processingMax: processingP50 + 50, schedulingMax: 5, latencyP50, latencyP99: latencyP50 + 300,
      ...(ok ? {} : { reason: 'processing delay 1100 ms >= 1000 ms' }),
    });
    const srow = (name: string, steps: ReturnType<typeof step>[]) => ({ name, group: 'flint' as const, steps, best: steps.filter((s) => s.ok).at(-1), verifiedBatches: 2 });
    const plain = srow('Flint wasm core, local[*] (2 workers)', [step(10, true, 200), step(15, true, 300), step(22.5, true, 450, 800), step(33.75, false, 900)]);
    const wal = srow('Flint wasm core, local[*] (2 workers), write-ahead log', [step(10, true, 250), step(15, true, 380, 900), step(22.5, false, 800)]);
    const streaming = { batchMs: 1000, stepSeconds: 4, settleBatches: 1, refineSteps: 0, corpusMb: 16, wordsPerMb: 2e5, rows: [plain, wal] };
    const report = buildReport({ ...base, streaming }, 'r');
    expect(report.markdown).toContain('| Flint wasm core, local[*] (2 workers), write-ahead log | 15.0 | 3M | 380 | 900 | 1200 | 0.67x |');
    expect(report.markdown).toContain('| Flint wasm core, local[*] (2 workers) | 22.5 | 4.5M | 450 | 800 | 1100 | 1.00x |');
    expect(report.markdown).toContain('**22.5 MB/s without** the log, **15.0 MB/s with** it, **0.67x**; latency p50/p99 at those rates 800/1100 ms without, 900/1200 ms with.');
    expect(report.markdown).toContain('processing p50 (ms) without / with: 10.0 MB/s 200 / 250, 15.0 MB/s 300 / 380.');
    expect(report.markdown).toContain('multiplies the rate by 1.50 (then 0 bisections)');
    const line = report.headline.find((l) => l.startsWith('- Streaming over TCP'));
    expect(line).toContain('Flint wasm local[*] sustains 22.5 MB/s (latency p50 800 ms, p99 1100 ms); with the write-ahead log 15.0 MB/s (0.67x);');
    // The paired rounds at a fixed rate: medians, and the median of per-round processing ratios.
    const walPair = { mbPerS: 11.25, rounds: 3, without: [step(11.25, true, 200), step(11.25, true, 400), step(11.25, true, 300)], with: [step(11.25, true, 300, 900), step(11.25, true, 440, 1000), step(11.25, false, 900, 1100)] };
    const paired = buildReport({ ...base, streaming: { ...streaming, walPair } }, 'r').markdown;
    expect(paired).toContain('both jobs at 11.3 MB/s');
    expect(paired).toContain('Processing p50 **300 ms without** the log, **440 ms with** it (median of per-round ratios **1.50x**); latency p50 700 ms without, 1000 ms with (p99 1000 / 1300 ms); sustained in 3 / 2 of 3 rounds (without / with).');
    expect(report.markdown).not.toContain('Paired at a fixed rate');
    // Without the pair (results from before it was measured), no paragraph.
    expect(buildReport({ ...base, streaming: { ...streaming, rows: [plain] } }, 'r').markdown).not.toContain('Cost of the write-ahead log');
  });

  it('splits the TCP stream\'s CPU by thread and sets the ceilings it implies beside the TCP targets', () => {
    const step = (mbPerS: number, cpu?: StepCpu) => ({
      mbPerS, ok: true, batches: 6, receivedMbPerS: mbPerS, processingP50: 400, processingMax: 600, schedulingMax: 5, latencyP50: 900, latencyP99: 1400, ...(cpu && { cpu }),
    });
    const srow = (name: string, best: ReturnType<typeof step>) => ({ name, group: 'flint' as const, steps: [best], best, verifiedBatches: 2 });
    // 1 worker: its thread at 10 ms per MB, so one core carries 100 MB/s. local[*]: 16 ms per MB in all on 2 cores: 125 MB/s.
    const one = srow('Flint wasm core, 1 worker', step(95, { workersMsPerMb: 10, mainMsPerMb: 3, helpersMsPerMb: 1, generatorMsPerMb: 0.5, busyCores: 1.4 }));
    const many = srow('Flint wasm core, local[*] (2 workers)', step(120, { workersMsPerMb: 11, mainMsPerMb: 3, helpersMsPerMb: 1.5, generatorMsPerMb: 0.5, busyCores: 1.92 }));
    const rxjs = { ...srow('RxJS, lines batched into a Map (bufferTime)', step(5)), group: 'peer' as const };
    const streaming = { batchMs: 1000, stepSeconds: 4, settleBatches: 1, refineSteps: 0, corpusMb: 16, wordsPerMb: 2e5, cores: 2, rows: [one, many, rxjs] };
    const wordcount = wordcountOf([row('Flint wasm core, 1 worker', 150), row('Flint wasm core, local[*] (2 workers)', 200)]);
    const soak = { name: 'Flint wasm core, local[2]', mbPerS: 60, seconds: 60, samples: [], slopeMbPerMin: 0, batches: 60, failedBatches: 0, latencyP50: 760, latencyP99: 1250, outputDelayP50: 240, outputDelayP99: 300 };
    const memory = { keys: 1_000_000, windowPanes: 10, paneMb: 1, rows: [], notRun: [], soak };
    const report = buildReport({ ...base, wordcount, streaming, memory }, 'r').markdown;
    expect(report).toContain('| Flint wasm core, local[*] (2 workers) | 120.0 | 11.00 | 3.00 | 1.50 | 0.50 | 16.00 | 1.92 |');
    expect(report).toContain('the generator 0.50: 16.00 ms in all, with the 2 cores 96% busy; at 16.00 ms per MB, 2 cores carry at most **125.0 MB/s**');
    expect(report).toContain('its 16.00 ms per MB allow at most 125.0 MB/s, **0.63x** the one-batch rate');
    expect(report).toContain('one core carries it at most 100.0 MB/s; local[*] shares the 2 cores with the receive path and the generator (16.00 ms per MB in all): at most 125.0 MB/s; so at most **1.25x** on this machine');
    expect(report).toContain('500 ms at the median, 990 ms at p99), then from the batch time to the output p50 **240 ms**, p99 300 ms');
    // Results from before the CPU was recorded: the targets alone.
    const old = { ...streaming, rows: [srow(one.name, step(95)), srow(many.name, step(120))] };
    const plain = buildReport({ ...base, wordcount, streaming: old }, 'r').markdown;
    expect(plain).toContain('- TCP streaming, wasm local[*], highest sustained rate: **120 MB/s** (target >= 200 MB/s): not met');
    expect(plain).not.toContain('where the CPU went');
    expect(plain).not.toContain('cores busy');
  });

  it('reports checkpoint cost and restarts, judging a short side-by-side run by the write time', () => {
    const row = (over: Partial<CheckpointRow>): CheckpointRow => ({
      core: 'wasm',
      pipeline: 'reduceByKeyAndWindow',
      keys: 1_000_000,
      interval: 10,
      cycles: 4,
      withMs: [],
      withoutMs: [],
      medianWithMs: 410,
      medianWithoutMs: 400,
      cycleWithMs: 500,
      cycleWithoutMs: 400,
      overheadMs: 100,
      ratio: 1.25,
      checkpointMs: 600,
      checkpointBytes: 45_000_000,
      stateBytes: 22_500_000,
      recoveryStartMs: 450,
      recoveryFirstBatchMs: 1500,
      freshStartMs: 30,
      recoveries: 3,
      ...over,
    });
    const checkpoint: CheckpointResult = {
      date: base.date,
      machine: 'm',
      keys: 1_000_000,
      recordsPerBatch: 100_000,
      batchMs: 1000,
      windowPanes: 10,
      cycles: 4,
      budgetSeconds: 30,
      master: 'local[2]',
      rows: [
        row({}),
        // One cycle of 5 s batches: +20% side by side is noise; 1 s every 10 batches is +2%.
        row({ core: 'js', pipeline: 'updateStateByKey', cycles: 1, cycleWithMs: 6000, cycleWithoutMs: 5000, ratio: 1.2, checkpointMs: 1000, recoveryStartMs: 2500 }),
      ],
    };
    const report = buildReport({ ...base, checkpoint }, 'r');
    expect(report.markdown).toContain('## 5. Checkpoints');
    expect(report.markdown).toContain('| wasm | `reduceByKeyAndWindow` | 1M | 40 | 400 | 410 | 400 | 500 | **1.25x** | 600 | 45.0 | 22.5 | **450** | 1500 | 30 |');
    expect(report.markdown).toContain('- wasm core, `reduceByKeyAndWindow`: checkpoints add **+25.0%** (side by side over 4 cycles: +25.0%, 100 ms of 400 ms; their write time alone: +15.0%) (goal <= +10%): not met');
    // Side by side below the write time is noise: a batch waits for the write.
    const lucky = { ...checkpoint, rows: [row({ cycleWithMs: 420, ratio: 1.05, overheadMs: 20, checkpointMs: 480 })] };
    expect(buildReport({ ...base, checkpoint: lucky }, 'r').markdown).toContain('checkpoints add **+12.0%** (side by side over 4 cycles: +5.0%, 20 ms of 400 ms; their write time alone: +12.0%) (goal <= +10%): not met');
    expect(report.markdown).toContain('- js core, `updateStateByKey`: checkpoints add **+2.0%** by their write time (1000 ms every 10 batches of 5000 ms; side by side over 1 cycle: +20.0%, too few batches to tell a few percent) (goal <= +10%): met');
    expect(report.markdown).toContain('- wasm core, `reduceByKeyAndWindow`: restart with 1M keys in **450 ms** (goal < 2 s): met; its first batch 1500 ms');
    expect(report.markdown).toContain('- js core, `updateStateByKey`: restart with 1M keys in **2500 ms** (goal < 2 s): not met');
    expect(report.markdown).not.toContain('Measured separately');
    // Merged into the results of an earlier run, the section says when it was measured.
    const later = { ...checkpoint, date: '2026-01-02T03:04:05.000Z' };
    expect(buildReport({ ...base, checkpoint: later }, 'r').markdown).toContain('Measured separately by `npm run bench:checkpoint` on 2026-01-02 03:04 UTC (m).');
    expect(report.headline.join('\n')).not.toContain('heckpoint');
  });
});
