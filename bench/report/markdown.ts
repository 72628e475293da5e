// BENCHMARKS.md from a run's results: the machine, one section per workload with a table of
// medians and ratios to Flint's wasm core, and the SVG charts the sections link to.
import type { WorkloadName } from '../lib/config.js';
import type { MemoryResult, Results, SideBySide, SoakResult, StepResult, StreamingResult, StreamingRow, WalPair, WindowResult, WordCountResult } from '../lib/results.js';
import { percentile, slope } from '../lib/stats.js';
import { median } from '../machine.js';
import { checkpointSection } from './checkpoint-section.js';
import { fmt, ratio, table } from './format.js';
import { find, pairedRatio } from './lookup.js';
import { firstBatchSection, hostCeiling, kafkaSection, speedTargets, stateSection, topKSection } from './speed-sections.js';
import { streamCpuTable } from './stream-cpu.js';
import { sqlSection } from './sql-section.js';
import { barChart, compact, lineChart, type Series } from './svg.js';

/** The report: markdown text and charts by file name (linked relative to `chartDir`). */
export interface Report {
  markdown: string;
  charts: Map<string, string>;
  /** Headline ratios, also written into the README. */
  headline: string[];
}

/** A stable color per contestant, by what it is. */
function colorOf(name: string): string {
  const rules: [RegExp, string][] = [
    [/wasm.*(1 worker|incremental)/, '#d9480f'],
    [/write-ahead log/, '#fcc419'],
    [/wasm/, '#f08c00'],
    [/js.*recompute/, '#74c0fc'],
    [/Flint js/, '#1971c2'],
    [/RxJS, typical/, '#ae3ec9'],
    [/RxJS/, '#da77f2'],
    [/DuckDB/, '#2f9e44'],
    [/idiomatic/, '#495057'],
    [/byte scan/, '#ced4da'],
  ];
  return rules.find(([re]) => re.test(name))?.[1] ?? '#868e96';
}


/** The streaming contestant with the write-ahead log, and the same job without it. */
const WAL = /write-ahead log/;
const withWal = (rows: StreamingRow[]) => find(rows, WAL);
const withoutWal = (rows: StreamingRow[]) => rows.find((r) => /wasm.*local\[\*\]/.test(r.name) && !WAL.test(r.name));

/**
 * The write-ahead log's cost, if the run measured the pair: highest sustained rates and their
 * ratio, latency at those rates, and processing delay at the rates both sustained.
 */
function walCostLines(s: StreamingResult): string[] {
  const [off, on] = [withoutWal(s.rows), withWal(s.rows)];
  if (!off || !on) return [];
  const shared = off.steps
    .filter((a) => a.ok)
    .flatMap((a) => on.steps.filter((b) => b.ok && Math.abs(b.mbPerS - a.mbPerS) < 1e-6).map((b) => [a, b] as const))
    .slice(-3);
  return [
    `**Cost of the write-ahead log.** ${on.name} runs the same job with \`writeAheadLog: true\` and a temporary ` +
      'checkpoint directory (removed afterwards): the socket receiver appends what it reads to the segmented, checksummed ' +
      'log (fsync\'d on a 50 ms group commit and before each batch runs), and the context writes its checkpoints. It runs ' +
      'right after the job without the log, with the same rate search. Highest sustained rate: ' +
      `**${fmt(off.best?.mbPerS)} MB/s without** the log, **${fmt(on.best?.mbPerS)} MB/s with** it, ` +
      `**${ratio(on.best?.mbPerS, off.best?.mbPerS)}**; latency p50/p99 at those rates ${fmt(off.best?.latencyP50, 0)}/${fmt(off.best?.latencyP99, 0)} ms ` +
      `without, ${fmt(on.best?.latencyP50, 0)}/${fmt(on.best?.latencyP99, 0)} ms with.` +
      (shared.length
        ? ' At rates both sustained, processing p50 (ms) without / with: ' +
          shared.map(([a, b]) => `${fmt(a.mbPerS)} MB/s ${fmt(a.processingP50, 0)} / ${fmt(b.processingP50, 0)}`).join(', ') +
          '.'
        : '') +
      (factorOf(off) ? ` Each step of the search multiplies the rate by ${fmt(factorOf(off), 2)}${s.refineSteps === undefined ? '' : ` (then ${s.refineSteps} bisections)`}, which bounds the resolution of the ratio.` : ''),
    '',
    ...walPairLines(s.walPair),
  ];
}

/** The paired measurement at a fixed rate: medians over rounds and the median of per-round ratios. */
function walPairLines(p: WalPair | undefined): string[] {
  if (!p || !p.without.length || p.without.length !== p.with.length) return [];
  const med = (steps: StepResult[], key: 'processingP50' | 'latencyP50' | 'latencyP99') => median(steps.map((st) => st[key]));
  const perRound = median(p.with.map((b, i) => b.processingP50 / p.without[i]!.processingP50));
  const sustained = (steps: StepResult[]) => steps.filter((st) => st.ok).length;
  return [
    `Paired at a fixed rate: both jobs at ${fmt(p.mbPerS)} MB/s (3/4 of the lower highest sustained rate), each started afresh ` +
      `for one judged step, ${p.rounds} rounds in alternating order. Processing p50 **${fmt(med(p.without, 'processingP50'), 0)} ms without** ` +
      `the log, **${fmt(med(p.with, 'processingP50'), 0)} ms with** it (median of per-round ratios **${fmt(perRound, 2)}x**); latency p50 ` +
      `${fmt(med(p.without, 'latencyP50'), 0)} ms without, ${fmt(med(p.with, 'latencyP50'), 0)} ms with (p99 ${fmt(med(p.without, 'latencyP99'), 0)} / ` +
      `${fmt(med(p.with, 'latencyP99'), 0)} ms); sustained in ${sustained(p.without)} / ${sustained(p.with)} of ${p.rounds} rounds (without / with).`,
    '',
  ];
}

/** The step factor of a rate search (its second step over its first). */
function factorOf(r: StreamingRow): number | undefined {
  const [a, b] = r.steps;
  return a && b && b.mbPerS > a.mbPerS ? b.mbPerS / a.mbPerS : undefined;
}

function wordcountSection(w: WordCountResult, warmupRounds: number, chart: (name: string, svg: string) => string): string {
  const base = find(w.rows, /wasm core, 1 worker/)?.mbPerS;
  const rows = w.rows.map((r) => [r.name, `${fmt(r.mb, 0)} MB`, fmt(r.mbPerS), `${compact(r.wordsPerS)}`, ratio(r.mbPerS, base)]);
  return [
    '## 1. Word count of one batch',
    '',
    `Tokenize and count a ${w.mb} MB Zipf corpus (${w.distinct.toLocaleString('en-US')} distinct words, ${compact(w.words)} words) ` +
      `as one batch: \`lines.flatMap(words).map(pair(1)).reduceByKey(sum)\` for Flint. Medians of ${w.iterations} rounds after ` +
      `${warmupRounds} warm-up rounds; each round runs every contestant once, interleaved in an order that rotates by one place ` +
      "every round (so each runs in every position), after a full GC (the shared host's speed drifts, so ratios come from the " +
      'same rounds); the contestants the targets compare (1 worker, local[*], the C reference) run back to back, in an order ' +
      'that reverses every round. ' +
      'Slow contestants run on the first part of the corpus; MB/s is comparable, the input size is not. Every contestant ' +
      'found the same top 10 as idiomatic JS on the same bytes (the raw byte scan counts no words).',
    '',
    table(['contestant', 'input', 'MB/s', 'words/s', 'vs Flint wasm, 1 worker'], ['---', '---:', '---:', '---:', '---:'], rows),
    '',
    ...w.skipped.map((s) => `Skipped: ${s}.`),
    chart('wordcount.svg', barChart('Word count of one batch: throughput (MB/s)', 'MB/s', w.rows.map((r) => ({ label: r.name, value: r.mbPerS, color: colorOf(r.name) })), true)),
    '',
  ].join('\n');
}

/** The target pair measured side by side, if it was. */
function sideBySideLines(p: SideBySide | undefined): string[] {
  if (!p) return [];
  return [
    `Side by side (the issue's target pair): Flint wasm incremental windows of W/S=${p.short} and W/S=${p.long} open at ` +
      `once and slid alternately with the same panes, ${p.slides} slides each: **${fmt(p.shortMs, 2)} ms** and ` +
      `**${fmt(p.longMs, 2)} ms** per slide (median), **${ratio(p.longMs, p.shortMs)}**. The table above measures ` +
      'each length in turn, so its ratios also carry the drift of a shared host between lengths.',
    '',
  ];
}

function windowSection(w: WindowResult, chart: (name: string, svg: string) => string): string {
  const base = find(w.rows, /wasm, incremental/);
  const at = (row: { perSlideMs: (number | null)[] }, length: number) => row.perSlideMs[w.lengths.indexOf(length)] ?? null;
  const last = w.lengths.at(-1)!;
  const ten = w.lengths.includes(10) ? 10 : w.lengths[0]!;
  const rows = w.rows.map((r) => [
    r.name,
    ...r.perSlideMs.map((v) => fmt(v, 2)),
    ratio(at(r, last), at(r, ten)),
    ratio(at(r, last), base && at(base, last)),
  ]);
  const series: Series[] = w.rows.map((r) => ({
    name: r.name,
    color: colorOf(r.name),
    dashed: /recompute|typical/.test(r.name),
    points: w.lengths.map((l, i) => [l, r.perSlideMs[i] ?? 0] as [number, number]).filter(([, v]) => v > 0),
  }));
  const notes = w.rows.filter((r) => r.note).map((r) => `- ${r.name}: ${r.note}.`);
  return [
    '## 2. Sliding-window word count',
    '',
    `A word count over a window of W/S slides, sliding by one ${w.slideMs} ms batch of ${w.paneKb} KB of Zipf text. ` +
      `Median cost of one slide, in ms, over up to ${w.slides} slides once the window is full. Flint runs ` +
      '`reduceByKeyAndWindow(sum, subtract, W, S)` (incremental: add the entering pane, subtract the leaving one) and ' +
      '`reduceByKeyAndWindow(sum, W, S)` (Spark\'s reduce, window, reduce: recompute from the panes). RxJS runs on a ' +
      'virtual-time scheduler, one slide per call; DuckDB keeps per-pane counts in a table and rebuilds the window table ' +
      `with one GROUP BY per slide. A contestant that needs over ${w.budgetSeconds} s for one length skips the longer ` +
      'ones (—). After the measured slides, every contestant\'s top 10 matched a recount of the panes in its window.',
    '',
    table(
      ['contestant', ...w.lengths.map((l) => `W/S=${l}`), `${last} vs ${ten}`, `vs Flint wasm incremental at ${last}`],
      ['---', ...w.lengths.map(() => '---:'), '---:', '---:'],
      rows,
    ),
    '',
    ...notes,
    ...(notes.length ? [''] : []),
    'The incremental windows also rebuild from all their panes once per window length (it bounds float drift), so ' +
      'the mean per slide is higher than the median by about one recomputation divided by W/S.',
    '',
    ...sideBySideLines(w.sideBySide),
    chart('window.svg', lineChart('Per-slide cost vs window length', { label: 'window / slide', log: true, ticks: w.lengths }, { label: 'ms per slide', log: true }, series)),
    '',
  ].join('\n');
}

function streamingSection(s: StreamingResult, chart: (name: string, svg: string) => string): string {
  const base = withoutWal(s.rows)?.best?.mbPerS;
  const rows = s.rows.map((r) => [
    r.name,
    r.best ? fmt(r.best.mbPerS) : `< ${fmt(r.steps[0]?.mbPerS)}`,
    r.best ? compact(r.best.mbPerS * s.wordsPerMb) : '—',
    fmt(r.best?.processingP50, 0),
    fmt(r.best?.latencyP50, 0),
    fmt(r.best?.latencyP99, 0),
    ratio(r.best?.mbPerS, base),
  ]);
  const steps = s.rows.map(
    (r) =>
      `- ${r.name}: ` +
      r.steps.map((st) => `${fmt(st.mbPerS)} MB/s ${st.ok ? 'sustained' : `not sustained (${st.reason})`}`).join('; ') +
      `. Top 10 of ${r.verifiedBatches} batches checked against the lines they received.`,
  );
  return [
    '## 3. Streaming over TCP',
    '',
    `A generator process writes Zipf text (a ${s.corpusMb} MB corpus, cycled) to 127.0.0.1; Flint reads it with ` +
      '`socketTextStream`, counts words per 1-second batch and takes each batch\'s top 10 in `foreachRDD`; the RxJS ' +
      'peer reads the same socket, cuts lines into 1-second batches with `bufferTime` and counts each into a Map. The rate ' +
      `rises step by step (${s.stepSeconds} s judged at each rate, after ${s.settleBatches} settling batches). A rate is sustained when every batch's ` +
      'processing delay stays under the interval, the scheduling delay does not grow, and the socket keeps up. Latency ' +
      'is from a record\'s writing (a timestamp token in the text) to the output of its batch, so it includes the wait ' +
      'for the batch to close (about half the interval on average). Delays from `StreamingListener` BatchInfo.',
    '',
    table(
      ['contestant', 'highest sustained MB/s', 'words/s', 'processing p50 (ms)', 'latency p50 (ms)', 'latency p99 (ms)', 'vs Flint wasm local[*]'],
      ['---', '---:', '---:', '---:', '---:', '---:', '---:'],
      rows,
    ),
    '',
    ...steps,
    '',
    ...streamCpuTable(s),
    ...walCostLines(s),
    chart('streaming.svg', barChart('Streaming over TCP: highest sustained input rate (MB/s, 1 s batches)', 'MB/s', s.rows.map((r) => ({ label: r.name, value: r.best?.mbPerS ?? 0, color: colorOf(r.name) })))),
    '',
  ].join('\n');
}

/** Least-squares slope of the soak's RSS over the second half of the run, MB per minute. */
function lateSlope(soak: SoakResult): number {
  return slope(soak.samples.filter(([t]) => t >= soak.seconds / 2)) * 60;
}

/** What each contestant held after its last slide, when the run recorded it. */
function heldTable(m: MemoryResult): string[] {
  const rows = m.rows.filter((r) => r.atLastSlide);
  if (rows.length === 0) return [];
  return [
    "What each held right after its last slide (`process.memoryUsage()`, MB; the top-10 check's own Map comes after). " +
      "Other external memory is, in Flint, the main thread's WebAssembly memory, which keeps every page it ever used; worker threads' memory shows only in RSS.",
    '',
    table(
      ['contestant', 'RSS', 'V8 heap used', 'array buffers', 'other external'],
      ['---', '---:', '---:', '---:', '---:'],
      rows.map((r) => {
        const h = r.atLastSlide!;
        return [r.name, fmt(h.rssMb, 0), fmt(h.heapUsedMb, 0), fmt(h.arrayBuffersMb, 0), fmt(h.otherExternalMb, 0)];
      }),
    ),
    '',
  ];
}

function memorySection(m: MemoryResult, chart: (name: string, svg: string) => string): string {
  const base = find(m.rows, /wasm, incremental/)?.peakMb;
  const soak = m.soak;
  const rss = soak.samples.filter(([t]) => t >= 0.2 * soak.seconds).map(([, v]) => v);
  return [
    '## 4. Memory',
    '',
    `Peak RSS of a fresh process holding a sliding word count whose window has ${m.keys.toLocaleString('en-US')} distinct keys ` +
      `(${m.windowPanes} panes of ${fmt(m.paneMb)} MB; filled, then slid 3 more times; top 10 checked by reading the window once, pair by pair, ` +
      'without a copy of it: Flint by `toLocalIterator()`, as in Spark, RxJS by iterating its Map). The baseline is ' +
      'the RSS once the contestant is open, before the window (Node, the peers loaded, the input generated; for Flint, the started context and its workers).',
    '',
    table(
      ['contestant', 'baseline RSS (MB)', 'peak RSS (MB)', 'peak - baseline (MB)', 'ms per slide', 'peak vs Flint wasm incremental'],
      ['---', '---:', '---:', '---:', '---:', '---:'],
      m.rows.map((r) => [r.name, fmt(r.baselineMb, 0), fmt(r.peakMb, 0), fmt(r.peakMb - r.baselineMb, 0), fmt(r.slideMs, 1), ratio(r.peakMb, base)]),
    ),
    '',
    ...heldTable(m),
    ...m.notRun.map((n) => `Not run: ${n}.`),
    '',
    chart('memory.svg', barChart(`Peak RSS with ${compact(m.keys)} distinct keys in the window (MB)`, 'MB', m.rows.map((r) => ({ label: r.name, value: r.peakMb, color: colorOf(r.name) })))),
    '',
    `**RSS over a long run.** ${soak.name} ran the job of workload 3 in a fresh process at ${fmt(soak.mbPerS)} MB/s ` +
      `(by default half the highest rate it sustained in workload 3) for ${soak.seconds} s: ${soak.batches} batches, ` +
      `${soak.failedBatches} over the interval, latency p50 ${fmt(soak.latencyP50, 0)} ms, p99 ${fmt(soak.latencyP99, 0)} ms. ` +
      `After the first 20 % (warm-up), RSS stayed between ${fmt(Math.min(...rss), 0)} and ${fmt(Math.max(...rss), 0)} MB ` +
      `(median ${fmt(percentile(rss, 50), 0)} MB; the swings are garbage collections); its least-squares slope: ` +
      `**${fmt(soak.slopeMbPerMin, 2)} MB per minute**, and over the second half of the run ` +
      `**${fmt(lateSlope(soak), 2)} MB per minute** (a step followed by a flat line is not a leak)` +
      (soak.seconds < 300 ? ' (a short run: the slope mostly shows the heap and pool warming up).' : '.'),
    '',
    chart('soak.svg', lineChart(`RSS during the soak run (${soak.name}, ${fmt(soak.mbPerS)} MB/s)`, { label: 'seconds', log: false }, { label: 'RSS (MB)', log: false }, [{ name: 'RSS', color: '#d9480f', points: soak.samples }])),
    '',
  ].join('\n');
}

/** The issue-3 targets of the wasm core, judged on this run. */
function targets(r: Results): string[] {
  const w = r.wordcount?.rows ?? [];
  const mbps = (re: RegExp) => find(w, re)?.mbPerS;
  const wasm1 = mbps(/wasm core, 1 worker/);
  const win = r.window ? find(r.window.rows, /wasm, incremental/) : undefined;
  const at = (l: number) => (r.window && win ? win.perSlideMs[r.window.lengths.indexOf(l)] : undefined);
  const line = (what: string, value: number | null | undefined, goal: number, inverse = false, how = '') =>
    value
      ? `- ${what}: **${value.toFixed(2)}x**${how} (target ${inverse ? '<=' : '>='} ${goal}): ${(inverse ? value <= goal : value >= goal) ? 'met' : 'not met'}`
      : `- ${what}: not measured`;
  // Word-count targets are judged per round when the run kept its rounds (see the targets section).
  const wordcountLine = (what: string, a: RegExp, b: RegExp, goal: number) => {
    const paired = pairedRatio(r.wordcount, a, b);
    if (!paired) return line(what, mbps(a) && mbps(b) && mbps(a)! / mbps(b)!, goal);
    return line(what, paired.median, goal, false, `, median of ${paired.rounds} per-round ratios (ratio of the medians: ${paired.ofMedians.toFixed(2)}x)`);
  };
  const native = mbps(/C -O2/);
  const asWasm = mbps(/C reference compiled to WASM/);
  // Not a target: the C reference as WebAssembly shows the part of the C gap that is V8's code generation.
  const codegen =
    native && asWasm
      ? [`  - for scale: the C reference itself, compiled to WebAssembly by clang and run by V8, runs at **${(asWasm / native).toFixed(2)}x** its native build; Flint's kernel at ${wasm1 ? (wasm1 / asWasm).toFixed(2) : 'n/a'}x that WASM build`]
      : [];
  return [
    wordcountLine('Flint wasm, 1 worker vs idiomatic JS', /wasm core, 1 worker/, /idiomatic/, 10),
    wordcountLine('Flint wasm, 1 worker vs the C reference', /wasm core, 1 worker/, /C -O2/, 1.0),
    ...codegen,
    wordcountLine('Flint wasm, local[*] vs 1 worker', /local\[\*\]/, /wasm core, 1 worker/, 1.7),
    ...hostCeiling(r.wordcount, pairedRatio(r.wordcount, /local\[\*\]/, /wasm core, 1 worker/)?.median),
    r.window?.sideBySide
      ? line('Incremental window, per slide at W/S=600 vs W/S=10 (side by side)', r.window.sideBySide.longMs / r.window.sideBySide.shortMs, 1.3, true)
      : line('Incremental window, per slide at W/S=600 vs W/S=10', at(600) && at(10) && at(600)! / at(10)!, 1.3, true),
  ];
}

/** One line per workload with Flint's figure and its ratios to the peers. */
function summary(r: Results): string[] {
  const out: string[] = [];
  const x = (a: number | null | undefined, b: number | null | undefined) => (a && b ? `${(a / b).toFixed(1)}x` : 'n/a');
  if (r.wordcount) {
    const mbps = (re: RegExp) => find(r.wordcount!.rows, re)?.mbPerS;
    const wasm = mbps(/local\[\*\]/);
    out.push(
      `- Word count of one batch: Flint wasm local[*] ${fmt(wasm, 0)} MB/s (1 worker: ${fmt(mbps(/1 worker/), 0)} MB/s): ` +
        `${x(wasm, mbps(/idiomatic/))} idiomatic JS, ${x(wasm, mbps(/RxJS, lines/))} RxJS batched, ${x(wasm, mbps(/DuckDB/))} DuckDB; ` +
        `C reference ${fmt(mbps(/C -O2/), 0)} MB/s, raw byte scan ${fmt(mbps(/byte scan/), 0)} MB/s.`,
    );
  }
  if (r.window) {
    const w = r.window;
    const l = w.lengths.at(-1)!;
    const ms = (re: RegExp) => find(w.rows, re)?.perSlideMs[w.lengths.length - 1];
    const wasm = ms(/wasm, incremental/);
    const peer = (re: RegExp, name: string) => (ms(re) ? `${name} ${fmt(ms(re), 1)} ms (${x(ms(re), wasm)})` : `${name} over budget`);
    out.push(
      `- Sliding window, W/S=${l}: Flint wasm incremental ${fmt(wasm, 1)} ms per slide; ${peer(/RxJS, panes/, 'RxJS panes')}, ` +
        `${peer(/DuckDB/, 'DuckDB')}, ${peer(/wasm, recompute/, 'Flint without inverse')}.`,
    );
  }
  if (r.streaming) {
    const best = withoutWal(r.streaming.rows)?.best;
    const wal = withWal(r.streaming.rows);
    out.push(
      `- Streaming over TCP, 1 s batches: Flint wasm local[*] sustains ${fmt(best?.mbPerS)} MB/s ` +
        `(latency p50 ${fmt(best?.latencyP50, 0)} ms, p99 ${fmt(best?.latencyP99, 0)} ms); ` +
        (wal ? `with the write-ahead log ${fmt(wal.best?.mbPerS)} MB/s (${ratio(wal.best?.mbPerS, best?.mbPerS)}); ` : '') +
        `js core ${fmt(find(r.streaming.rows, /js core/)?.best?.mbPerS)} MB/s, RxJS ${fmt(find(r.streaming.rows, /RxJS/)?.best?.mbPerS)} MB/s.`,
    );
  }
  if (r.memory) {
    const m = r.memory;
    out.push(
      `- Memory: peak RSS ${fmt(find(m.rows, /wasm, incremental/)?.peakMb, 0)} MB with ${compact(m.keys)} keys in the window ` +
        `(RxJS panes ${fmt(find(m.rows, /RxJS/)?.peakMb, 0)} MB, DuckDB ${fmt(find(m.rows, /DuckDB/)?.peakMb, 0)} MB); ` +
        `RSS slope ${fmt(m.soak.slopeMbPerMin, 2)} MB/min over ${m.soak.seconds} s of streaming ` +
        `(${fmt(lateSlope(m.soak), 2)} MB/min over its second half).`,
    );
  }
  return out;
}

/** `section` with a line under its heading when its figures were kept from an earlier run (BENCH_KEEP=1). */
function noted(r: Results, w: WorkloadName, section: string): string {
  const m = r.measured?.[w];
  if (!m || m.date === r.date) return section;
  const line = `*Measured separately by a ${m.mode} run on ${m.date.slice(0, 16).replace('T', ' ')} UTC (Node ${m.node}) and kept with \`BENCH_KEEP=1\`; the other sections are from this run.*`;
  const end = section.indexOf('\n');
  return end < 0 ? section : `${section.slice(0, end)}\n\n${line}\n${section.slice(end)}`;
}

/** The report of `results`, with chart links relative to the markdown file as `chartDir`. */
export function buildReport(results: Results, chartDir: string): Report {
  const charts = new Map<string, string>();
  const chart = (name: string, svg: string) => {
    charts.set(name, svg);
    return `![${name.replace('.svg', '')}](${chartDir}/${name})`;
  };
  const goals = targets(results);
  const headline = [...summary(results), ...goals];
  const minutes = (results.seconds / 60).toFixed(1);
  const markdown = [
    '# Flint benchmarks',
    '',
    `Generated by \`npm run ${results.mode === 'full' ? 'bench' : 'bench:quick'}\` on ${results.date.slice(0, 10)} ` +
      `(${results.mode} run, ${minutes} min). Do not edit: run the command again to regenerate this file and its charts.`,
    '',
    `- Machine: ${results.machine}`,
    `- Node ${results.node}; every contestant runs in the same run, on the same generated input`,
    '- Peers: RxJS and DuckDB (`@duckdb/node-api`) from `bench/peers`, installed by the bench, not dependencies of Flint',
    '',
    '## Contestants',
    '',
    '- **Flint js core** and **Flint wasm core** (1 worker: `local[1]`; `local[*]`: one worker per core): the same DStream program, ' +
      '`flatMap(words).map(pair(1)).reduceByKey(sum)` and `reduceByKeyAndWindow`; code in `bench/lib/flint.ts`. ' +
      "**Spark's spellings**: the word count written as Spark's NetworkWordCount is, " +
      "`flatMap((line) => line.split(' ')).map((w) => [w, 1]).reduceByKey((a, b) => a + b)`, as a ported program keeps it.",
    '- **idiomatic JS**: `split(\'\\n\')`, `split(\' \')` and a `Map`; it is also the oracle every top 10 is checked against.',
    '- **RxJS** (`bench/peers/rxjs.mjs`), two ways: what a typical user writes (`groupBy` per word; `windowTime` + `groupBy` for ' +
      'windows) and a fair batched version (lines in batches folded into a `Map`; panes cut by `bufferTime` and kept by a `scan` ' +
      'that subtracts the pane that leaves).',
    '- **DuckDB** (`bench/peers/duckdb.mjs`, in process, all cores): SQL over the text file; windows rebuilt with SQL every slide.',
    '- **C reference** (`bench/reference/wordcount.c`, `cc -O2`, one thread): the wasm kernel\'s algorithm, the practical limit; ' +
      'the **same C compiled to WebAssembly** (`clang -O2 -msimd128`, WASI, run by Node\'s V8 with `--no-liftoff`; when clang, lld and ' +
      'wasi-libc are installed), which shows what V8\'s code generation costs the algorithm by itself; ' +
      'a **raw byte scan** (SSE2, one pass over memory counting separators) as the memory-speed ceiling; and **two C references at ' +
      'once**, one process each, beside one alone in the same rounds: the speed-up this host gives two busy threads.',
    '',
    '## Summary',
    '',
    ...summary(results),
    '',
    '## Targets of the wasm core (issue 3)',
    '',
    'The word-count ratios are medians over the rounds of the two contestants\' ratio within one round: both ran in the same ' +
      'minute, so a slow stretch of the shared host weighs on both. The ratio of the two medians (what the tables use) is ' +
      'shown next to each.',
    '',
    ...goals,
    '',
    '## Targets of issue 15 (speed on every path)',
    '',
    'Judged on this run\'s figures; a target whose workload did not run says so. The main thread\'s CPU per MB on the receive ' +
      'path is compared between builds, not within one, so it is measured by `node dist/bench/stream/ab.js <old dist> <new dist>` ' +
      'and `dist/bench/stream/receive-path.js`, not here.',
    '',
    ...speedTargets(results),
    '',
    results.wordcount ? noted(results, 'wordcount', wordcountSection(results.wordcount, results.config.wordcount.warmupRounds, chart)) : '',
    results.window ? noted(results, 'window', windowSection(results.window, chart)) : '',
    results.streaming ? noted(results, 'streaming', streamingSection(results.streaming, chart)) : '',
    results.memory ? noted(results, 'memory', memorySection(results.memory, chart)) : '',
    results.checkpoint ? checkpointSection(results.checkpoint, results) : '',
    results['first-batch'] ? noted(results, 'first-batch', firstBatchSection(results['first-batch'])) : '',
    results['top-k'] ? noted(results, 'top-k', topKSection(results['top-k'])) : '',
    results.state ? noted(results, 'state', stateSection(results.state)) : '',
    results.kafka ? noted(results, 'kafka', kafkaSection(results.kafka)) : '',
    results.sql ? noted(results, 'sql', sqlSection(results.sql)) : '',
    '## Run it',
    '',
    '```sh',
    'npm ci',
    'npm run bench         # everything (about an hour, with the 10-minute soak run)',
    'npm run bench:quick   # a reduced run in about 6 minutes',
    '```',
    '',
    'The C reference needs a C compiler (`cc`, `gcc` or `clang`); its WebAssembly build needs clang, lld and wasi-libc ' +
      '(Debian: `apt-get install clang-16 lld-16 wasi-libc libclang-rt-16-dev-wasm32`). Without them those rows are skipped.',
    '',
    'Overrides: `BENCH_MB`, `BENCH_ITERATIONS`, `BENCH_PANE_KB`, `BENCH_WINDOWS` (e.g. `2,10,600`), `BENCH_SLIDES`, ' +
      '`BENCH_WINDOW_BUDGET`, `BENCH_STEP_SECONDS`, `BENCH_SOAK_SECONDS`, `BENCH_KEYS`, `BENCH_CHECKPOINT_KEYS`, `BENCH_FIRST_ROUNDS`, `BENCH_STATE_KEYS`, `KAFKA_BENCH_RECORDS`, `BENCH_ONLY` (e.g. `window,memory`; workloads: `wordcount`, `window`, `streaming`, `memory`, `checkpoint`, `first-batch`, `top-k`, `state`, `kafka`, `sql`), `BENCH_STREAMING_ONLY` (a regular expression over the streaming contestants, e.g. `local\\[\\*\\]`), `BENCH_KEEP=1` (with `BENCH_ONLY`: the other workloads keep their figures from the last report, marked with their date). ' +
      `Raw results: [${chartDir}/results.json](${chartDir}/results.json).`,
    '',
  ].join('\n');
  return { markdown: markdown.replace(/\n{3,}/g, '\n\n'), charts, headline };
}
