// Section 10 of BENCHMARKS.md: Structured Streaming's event-time windowed aggregation with a
// watermark on text (CSV files) and on numeric columns (the rate source), judged against issue
// 17's goal (the wasm core at 10x idiomatic JS, state bounded by the watermark).
import type { SqlResult } from '../lib/results.js';
import type { SqlDatasetResult } from '../workloads/sql.js';
import { fmt, table } from './format.js';

const GOAL = 10;
const int = (v: number) => Math.round(v).toLocaleString('en-US');

function datasetTable(d: SqlDatasetResult): string {
  return table(
    ['contestant', 'seconds (median)', 'rows/s', 'vs idiomatic JS (median of per-round ratios)', 'peak RSS (MB)'],
    ['---', '---:', '---:', '---:', '---:'],
    d.contestants.map((c) => [c.name, fmt(c.medianSeconds, 2), int(c.rowsPerSecond), `**${fmt(c.ratioToIdiomatic, 2)}x**`, int(c.peakRssMb)]),
  );
}

/** The goal line for one dataset. */
function goal(name: string, d: SqlDatasetResult | undefined): string {
  const wasm = d?.contestants.find((c) => c.name === 'wasm core');
  if (!d || !wasm) return `- ${name}: not measured in this run`;
  return `- ${name}, ${int(d.rows)} rows: wasm core **${fmt(wasm.ratioToIdiomatic, 2)}x** idiomatic JS (goal >= ${GOAL}x): ${wasm.ratioToIdiomatic >= GOAL ? 'met' : 'not met'}; peak RSS ${int(wasm.peakRssMb)} MB`;
}

/** Section 10, from the sql workload's result. */
export function sqlSection(s: SqlResult): string {
  return [
    '## 10. Structured Streaming: event-time windowed aggregation',
    '',
    "`withWatermark('timestamp', '10 minutes').groupBy(window(col('timestamp'), '10 minutes'), ...)` in append mode, the query " +
      "Spark's guide uses, on Flint's columnar fast path (rows as typed arrays and byte ranges; composite keys of window start " +
      'and group key in the cores\' hash tables: a wasm kernel on the wasm core, a typed-array table on the js core). **Text**: CSV ' +
      'files of `timestamp,word` lines (1M a file, one file per batch; event times 100 ms apart, up to 5 minutes late, 1,000 ' +
      'skewed words) read by the csv source with a schema, counted per window and word. **Numeric**: the rate source\'s rows on a ' +
      'manual clock, 1,000 s a batch, counted and summed per window. **Idiomatic JS** runs the same query over the same bytes or ' +
      'rows (lines split, a `Map` by window and key, the watermark from the previous batch, evicted windows written out); **DuckDB** ' +
      'reads the same CSV files with its own reader and generates the same rate rows in SQL. Every contestant runs in a process of ' +
      `its own (its peak RSS is its own) and must emit the same windows; ${s.rounds} round${s.rounds === 1 ? '' : 's'}, contestants ` +
      'interleaved.',
    '',
    ...(s.text ? [`Text (${int(s.text.rows)} rows; ${s.text.check}):`, '', datasetTable(s.text), ''] : []),
    ...(s.numeric ? [`Numeric (${int(s.numeric.rows)} rows; ${s.numeric.check}):`, '', datasetTable(s.numeric), ''] : []),
    "Issue 17's goal:",
    '',
    goal('text', s.text),
    goal('numeric', s.numeric),
    '',
    'Run it alone with `npm run bench:sql-columnar` (`BENCH_SQL_ROWS`, `BENCH_SQL_ROUNDS`, `BENCH_SQL_DATASETS=text,numeric`, ' +
      '`BENCH_SQL_ONLY`); `npm run bench:sql` times the row path through a memory source.',
    '',
  ].join('\n');
}
