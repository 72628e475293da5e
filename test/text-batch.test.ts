// Text kept as bytes decodes to exactly what the string path computes.
import { describe, expect, it } from 'vitest';
import { Batch, pair, split, words } from '../src/index.js';
import { PairedTokenBatch, TextBatch, TokenBatch } from '../src/batch/text-batch.js';
import { LineSplitter } from '../src/io/sources/line-splitter.js';

function rng(seed: number) {
  return () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
}

const pieces = ['a', 'bb', 'héllo', '✓', '日本', ' ', '  ', '\t', '\r\n', '\n', '\n', 'x,y', '\r', '😀'];

function randomText(rand: () => number, n: number): Buffer {
  const parts: Buffer[] = [];
  for (let i = 0; i < n; i++) {
    if (rand() < 0.02) parts.push(Buffer.from([0xff, 0xc3])); // invalid UTF-8
    else parts.push(Buffer.from(pieces[Math.floor(rand() * pieces.length)]!));
  }
  return Buffer.concat(parts);
}

function chunks(buf: Buffer, rand: () => number, most = 40): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < buf.length; ) {
    const n = 1 + Math.floor(rand() * most);
    out.push(buf.subarray(i, i + n));
    i += n;
  }
  return out;
}

describe('LineSplitter.pushBlock', () => {
  it('yields the same lines as push, for any chunking', () => {
    const rand = rng(7);
    for (let round = 0; round < 200; round++) {
      const text = randomText(rand, 60);
      const max = 1 + Math.floor(rand() * 30);
      const a = new LineSplitter(max, () => undefined);
      const b = new LineSplitter(max, () => undefined);
      const expected: string[] = [];
      const blocks = [];
      for (const c of chunks(text, rand)) {
        expected.push(...a.push(c));
        const block = b.pushBlock(c);
        if (block) blocks.push(block);
      }
      expected.push(...a.end());
      const last = b.endBlock();
      if (last) blocks.push(last);
      const batch = new TextBatch([blocks]);
      expect(batch.collect()).toEqual(expected);
      expect(batch.count()).toBe(expected.length);
    }
  });

  it('yields the same lines as push for chunks the SIMD scan counts, clean or not', () => {
    const rand = rng(11);
    for (let round = 0; round < 60; round++) {
      // Mostly clean text (some rounds none of \r, invalid bytes or long lines), in chunks of up to 2 KB.
      const dirty = round % 3 === 0;
      const parts: string[] = [];
      for (let i = 0; i < 400; i++) parts.push(dirty && rand() < 0.05 ? '\r' : ['word ', 'héllo ', '日本 ', '\n', '😀', 'x'][Math.floor(rand() * 6)]!);
      const text = Buffer.from(parts.join(''));
      const max = round % 4 === 1 ? 8 + Math.floor(rand() * 40) : 1000;
      const a = new LineSplitter(max, () => undefined);
      const b = new LineSplitter(max, () => undefined);
      const expected: string[] = [];
      const blocks = [];
      for (const c of chunks(text, rand, 2048)) {
        expected.push(...a.push(c));
        blocks.push(...b.pushBlocks(c));
      }
      expected.push(...a.end());
      const last = b.endBlock();
      if (last) blocks.push(last);
      const batch = new TextBatch([blocks]);
      expect(batch.collect()).toEqual(expected);
      expect(batch.count()).toBe(expected.length);
    }
  });

  it('joins only the line split across two chunks and keeps the rest by reference', () => {
    const s = new LineSplitter(100, () => undefined);
    expect(s.pushBlocks(Buffer.from('first li'))).toEqual([]);
    const chunk = Buffer.from('ne\nsecond\nthird\npart');
    const [joined, rest] = s.pushBlocks(chunk);
    expect(Buffer.from(joined!.bytes).toString()).toBe('first line\n');
    expect(joined!.lines).toBe(1);
    expect(rest!.bytes.buffer).toBe(chunk.buffer);
    expect(Buffer.from(rest!.bytes).toString()).toBe('second\nthird\n');
    expect(rest!.lines).toBe(2);
  });

  it('passes clean bytes through without copying', () => {
    const s = new LineSplitter(100, () => undefined);
    const chunk = Buffer.from('one two\nthree\npart');
    const block = s.pushBlock(chunk)!;
    expect(block.lines).toBe(2);
    expect(block.bytes.buffer).toBe(chunk.buffer);
    expect(new TextBatch([[s.endBlock()!]]).collect()).toEqual(['part']);
  });
});

describe('TextBatch', () => {
  const lines = ['the cat', '', 'sat  on\tthe mat', 'héllo wörld ✓', 'a,b,c'];
  const block = { bytes: Buffer.from(lines.join('\n') + '\n'), lines: lines.length };

  it('cuts partitions at line boundaries by size and keeps every line once', () => {
    for (const n of [1, 2, 3, 7]) {
      const batch = TextBatch.fromBlocks([block], n);
      expect(batch.numPartitions).toBe(n);
      expect(batch.collect()).toEqual(lines);
      expect(batch.partitions.reduce((s, p) => s + p.length, 0)).toBe(batch.count());
    }
  });

  it('flatMap(words) and map(pair(1)) stay in bytes and decode like the string path', () => {
    const batch = TextBatch.fromBlocks([block], 2);
    const plain = new Batch(batch.partitions.map((p) => [...p]));
    const tokens = batch.flatMap(words);
    expect(tokens).toBeInstanceOf(TokenBatch);
    expect(tokens.partitions).toEqual(plain.flatMap(words).partitions);
    const comma = batch.flatMap(split(','));
    expect(comma.partitions).toEqual(plain.flatMap(split(',')).partitions);
    const pairs = tokens.map(pair(1));
    expect(pairs).toBeInstanceOf(PairedTokenBatch);
    expect(pairs.partitions).toEqual(plain.flatMap(words).map(pair(1)).partitions);
    expect(batch.flatMap((l) => l.split(' ')).partitions).toEqual(plain.flatMap((l) => l.split(' ')).partitions);
  });

  it('cuts many blocks by reference as it cuts their bytes joined into one', () => {
    const rand = rng(5);
    for (let round = 0; round < 40; round++) {
      const blocks = [];
      for (let i = Math.floor(rand() * 12); i > 0; i--) {
        const ls = Array.from({ length: Math.floor(rand() * 30) }, () => 'w'.repeat(Math.floor(rand() * 9)) + (rand() < 0.3 ? ' ✓' : ''));
        blocks.push({ bytes: Buffer.from(ls.map((l) => l + '\n').join('')), lines: ls.length });
      }
      const whole = Buffer.concat(blocks.map((b) => b.bytes));
      for (const n of [1, 2, 3, 5]) {
        const cut = TextBatch.fromBlocks(blocks, n);
        const joined = TextBatch.fromBlocks([{ bytes: whole, lines: blocks.reduce((k, b) => k + b.lines, 0) }], n);
        expect(cut.partitions).toEqual(joined.partitions);
        cut.blocks.forEach((p, i) => expect(p.reduce((k, b) => k + b.lines, 0)).toBe(joined.partitions[i]!.length));
        for (const p of cut.blocks) for (const b of p) expect(blocks.some((o) => o.bytes.buffer === b.bytes.buffer)).toBe(true);
      }
    }
  });

  it('keeps non-ASCII separators on the string path', () => {
    const batch = TextBatch.fromBlocks([block], 1);
    expect(batch.flatMap(split('é'))).not.toBeInstanceOf(TokenBatch);
    expect(batch.flatMap(split('é')).collect()).toContain('h');
  });
});
