// Writes a run's report: BENCHMARKS.md, its SVG charts and results.json, and the headline block
// of the README (between `<!-- bench:headline -->` and `<!-- /bench:headline -->`).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { repoPath } from '../lib/paths.js';
import type { Results } from '../lib/results.js';
import { buildReport } from './markdown.js';

/** Where the report goes. */
export interface ReportPaths {
  /** The markdown file, e.g. BENCHMARKS.md in the checkout. */
  markdown: string;
  /** The folder of the charts and results.json. */
  chartDir: string;
  /** A README whose headline block is replaced, if any. */
  readme?: string;
}

/**
 * The checkout's BENCHMARKS.md, bench/report and README.md; or, with BENCH_OUT set (a trial run),
 * BENCH_OUT/BENCHMARKS.md and BENCH_OUT/report, leaving the checkout alone.
 */
export function reportPaths(): ReportPaths {
  const out = process.env.BENCH_OUT;
  if (out) return { markdown: join(out, 'BENCHMARKS.md'), chartDir: join(out, 'report') };
  return { markdown: repoPath('BENCHMARKS.md'), chartDir: repoPath('bench/report'), readme: repoPath('README.md') };
}

const BLOCK = /(<!-- bench:headline -->\n)[\s\S]*?(<!-- \/bench:headline -->)/;

/** Writes everything; returns the headline lines. */
export function writeReport(results: Results, paths: ReportPaths): string[] {
  mkdirSync(paths.chartDir, { recursive: true });
  const link = relative(dirname(paths.markdown), paths.chartDir) || '.';
  const report = buildReport(results, link);
  for (const [name, svg] of report.charts) writeFileSync(join(paths.chartDir, name), svg);
  writeFileSync(join(paths.chartDir, 'results.json'), `${JSON.stringify(results, null, 1)}\n`);
  writeFileSync(paths.markdown, report.markdown);
  if (paths.readme) {
    const readme = readFileSync(paths.readme, 'utf8');
    if (BLOCK.test(readme)) {
      const when = `Measured by \`npm run ${results.mode === 'full' ? 'bench' : 'bench:quick'}\` on ${results.date.slice(0, 10)}:\n`;
      writeFileSync(paths.readme, readme.replace(BLOCK, (_, open: string, close: string) => `${open}${when}${report.headline.join('\n')}\n${close}`));
    }
  }
  return report.headline;
}
