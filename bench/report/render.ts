// Regenerates BENCHMARKS.md and its charts from a saved results.json (the numbers of a real run),
// e.g. after a change to the report's layout: node dist/bench/report/render.js [results.json]
// (BENCH_OUT=dir writes to dir instead of the checkout).
import { readFileSync } from 'node:fs';
import { repoPath } from '../lib/paths.js';
import type { Results } from '../lib/results.js';
import { reportPaths, writeReport } from './write.js';

const file = process.argv[2] ?? repoPath('bench/report/results.json');
const results = JSON.parse(readFileSync(file, 'utf8')) as Results;
const headline = writeReport(results, reportPaths());
console.log(headline.join('\n'));
