// Finding contestants and per-round ratios in a run's results, for the report's sections.
import type { WordCountResult } from '../lib/results.js';
import { median } from '../machine.js';

/** The first row whose name matches `re`. */
export const find = <T extends { name: string }>(rows: T[], re: RegExp): T | undefined => rows.find((r) => re.test(r.name));

/**
 * The median over rounds of `a`'s MB/s over `b`'s in the same round, with the ratio of the two
 * medians for comparison; undefined when the run kept no per-round figures for both.
 */
export function pairedRatio(w: WordCountResult | undefined, a: RegExp, b: RegExp): { median: number; rounds: number; ofMedians: number } | undefined {
  const rounds = Object.entries(w?.rounds ?? {});
  const xs = rounds.find(([name]) => a.test(name))?.[1];
  const ys = rounds.find(([name]) => b.test(name))?.[1];
  if (!xs || !ys || xs.length === 0 || xs.length !== ys.length) return undefined;
  return { median: median(xs.map((x, i) => x / ys[i]!)), rounds: xs.length, ofMedians: median(xs) / median(ys) };
}

