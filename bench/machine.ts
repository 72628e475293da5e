// What a benchmark report says about where it ran.
import { cpus, totalmem } from 'node:os';

/** One line: CPU model, cores, memory, Node version, date. */
export function machineLine(): string {
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  return `${cpu.trim()}, ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}`;
}

/** Median of numbers. */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** A full GC when node runs with --expose-gc, so the next contestant starts on a collected heap. */
export function collectGarbage(): void {
  (globalThis as { gc?: () => void }).gc?.();
}
