// print(): Spark's console output format, and how records are written as text.
import type { Batch } from '../../batch/batch.js';
import type { TextOutput } from '../../dstream/operator.js';

const RULE = '-------------------------------------------';

/**
 * Writes a record the way Spark's `toString` shows it: arrays as tuples `(k,v)`, nested too;
 * strings as they are; plain objects as JSON.
 */
export function formatRecord(record: unknown): string {
  if (Array.isArray(record)) return `(${record.map(formatRecord).join(',')})`;
  if (record instanceof Map) return `Map(${[...record].map(([k, v]) => `${formatRecord(k)} -> ${formatRecord(v)}`).join(', ')})`;
  if (record !== null && typeof record === 'object' && record.constructor === Object) return JSON.stringify(record);
  return String(record);
}

/** Formats one batch exactly as Spark's `DStream.print(num)` does. */
export function formatBatch<T>(batch: Batch<T>, time: number, num: number): string {
  const first = batch.take(num + 1);
  const lines = [RULE, `Time: ${time} ms`, RULE, ...first.slice(0, num).map(formatRecord)];
  if (first.length > num) lines.push('...');
  return lines.join('\n') + '\n\n';
}

/** Prints one batch to the context's output. */
export function printBatch<T>(batch: Batch<T>, time: number, num: number, env: { out: TextOutput }): void {
  env.out.write(formatBatch(batch, time, num));
}
