// The input a core warms up on at start(): lines of many distinct words, counted as a word count
// is (`flatMap(words).map(pair(1))`), so the first real batch finds threads started, code compiled
// and optimized, and tables already grown to a useful size.
import { type LineBlock, type PairedTokenBatch, TextBatch } from '../batch/text-batch.js';
import { pair, words } from '../functions/building-blocks.js';

// Built once per process: a context's start() should not spend its time making test data.
const texts = new Map<string, LineBlock>();

/**
 * `copies` times the same `keys` distinct words (base-36 numbers, 12 to a line; about 6 bytes
 * each), as a paired-token batch of one partition: `text.flatMap(words).map(pair(1))`.
 */
export function warmUpTokens(keys: number, copies: number): PairedTokenBatch<number> {
  const id = `${keys}x${copies}`;
  let block = texts.get(id);
  if (block === undefined) {
    const lines: string[] = [];
    for (let i = 0; i < keys; i += 12) {
      const line: string[] = [];
      for (let j = i; j < Math.min(i + 12, keys); j++) line.push(`w${j.toString(36)}`);
      lines.push(line.join(' '));
    }
    const text = lines.join('\n') + '\n';
    block = { bytes: Buffer.from(text.repeat(copies)), lines: lines.length * copies };
    texts.set(id, block);
  }
  return TextBatch.fromBlocks([block], 1).flatMap(words).map(pair(1)) as PairedTokenBatch<number>;
}
