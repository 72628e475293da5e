// LineSplitter: lines across chunk boundaries, line endings (\n, \r\n and a lone \r, as Spark's
// readers), invalid UTF-8, the length limit.
import { describe, expect, it } from 'vitest';
import { FlintError } from '../src/index.js';
import { checkMaxLineBytes, DEFAULT_MAX_LINE_BYTES, LineSplitter, lineTooLongError } from '../src/io/sources/line-splitter.js';

/** Feeds `chunks` to a fresh splitter; returns the lines and the onTooLong calls. */
function split(chunks: (string | Buffer)[], maxLineBytes = 1 << 20, skipBom = false): { lines: string[]; tooLong: number[] } {
  const tooLong: number[] = [];
  const splitter = new LineSplitter(maxLineBytes, (bytes) => void tooLong.push(bytes), { skipBom });
  const lines: string[] = [];
  for (const chunk of chunks) lines.push(...splitter.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk));
  lines.push(...splitter.end());
  return { lines, tooLong };
}

/** Every way to cut `bytes` into two chunks, plus one byte per chunk. */
function cuts(bytes: Buffer): Buffer[][] {
  const out: Buffer[][] = [];
  for (let i = 0; i <= bytes.length; i++) out.push([bytes.subarray(0, i), bytes.subarray(i)]);
  out.push([...bytes].map((b) => Buffer.from([b])));
  return out;
}

describe('LineSplitter', () => {
  it.each([
    ['one line with newline', 'a\n', ['a']],
    ['empty input', '', []],
    ['final line without newline', 'a\nb', ['a', 'b']],
    ['empty lines are kept', 'a\n\nb\n\n', ['a', '', 'b', '']],
    ['a lone newline is one empty line', '\n', ['']],
    ['CRLF endings', 'a\r\nb\r\n', ['a', 'b']],
    ['CR at the end of the input ends the last line', 'a\r\nb\r', ['a', 'b']],
    ['a lone CR ends a line, as in Spark', 'a b\rc d\n', ['a b', 'c d']],
    ['lone CR endings throughout (classic Mac text)', 'a\rb\r\rc', ['a', 'b', '', 'c']],
    ['CR CR LF is a line, then an empty one', 'a\r\r\n', ['a', '']],
    ['LF CR is two endings', 'a\n\rb', ['a', '', 'b']],
    ['multi-byte characters', 'größe 😀\n日本\n', ['größe 😀', '日本']],
  ])('%s', (_name, input, expected) => {
    expect(split([input]).lines).toEqual(expected);
  });

  it('gives the same lines however the bytes are cut into chunks', () => {
    const text = Buffer.from('héllo wörld\r\n\n😀 x\nlast 日本');
    const expected = ['héllo wörld', '', '😀 x', 'last 日本'];
    for (const chunks of cuts(text)) expect(split(chunks).lines).toEqual(expected);
  });

  it('reads a CR ending one chunk and an LF starting the next as one line ending', () => {
    const text = Buffer.from('a\r\nb\rc\r\r\nd\n\re\r');
    const expected = ['a', 'b', 'c', '', 'd', '', 'e'];
    for (const chunks of cuts(text)) expect(split(chunks).lines).toEqual(expected);
    const splitter = new LineSplitter(100, () => undefined);
    expect(splitter.push(Buffer.from('a\r'))).toEqual(['a']);
    expect(splitter.push(Buffer.from(''))).toEqual([]);
    expect(splitter.push(Buffer.from('\nb\n'))).toEqual(['b']);
  });

  it('returns lines as soon as a chunk completes them', () => {
    const splitter = new LineSplitter(100, () => undefined);
    expect(splitter.push(Buffer.from('ab'))).toEqual([]);
    expect(splitter.push(Buffer.from('c\nde'))).toEqual(['abc']);
    expect(splitter.push(Buffer.from('\nf\ng'))).toEqual(['de', 'f']);
    expect(splitter.end()).toEqual(['g']);
    expect(splitter.end()).toEqual([]);
  });

  it('replaces invalid UTF-8 with U+FFFD as TextDecoder does, never throws', () => {
    const bad = Buffer.from([0x61, 0xff, 0x62, 0x0a, 0xc3, 0x28, 0x0a, 0xe2, 0x82, 0x0a, 0xed, 0xa0, 0x80, 0x0a, 0xf0, 0x9f, 0x98]);
    const expected = new TextDecoder()
      .decode(bad)
      .split('\n');
    expect(expected).toEqual(['a\uFFFDb', '\uFFFD(', '\uFFFD', '\uFFFD\uFFFD\uFFFD', '\uFFFD']);
    for (const chunks of cuts(bad)) expect(split(chunks).lines).toEqual(expected);
  });

  it('drops a byte order mark at the start only when asked, also when it is cut', () => {
    const text = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('a\n\uFEFFb\n')]);
    for (const chunks of cuts(text)) expect(split(chunks, 100, true).lines).toEqual(['a', '\uFEFFb']);
    expect(split([text]).lines).toEqual(['\uFEFFa', '\uFEFFb']);
  });

  describe('maxLineBytes', () => {
    it('accepts a line of exactly the limit, CR and LF not counted', () => {
      for (const chunks of cuts(Buffer.from('abcd\r\nabcd\nabcd'))) {
        expect(split(chunks, 4)).toEqual({ lines: ['abcd', 'abcd', 'abcd'], tooLong: [] });
      }
    });

    it('skips a line one byte over the limit and reports it once', () => {
      for (const chunks of cuts(Buffer.from('ab\nabcde\r\ncd\n'))) {
        const { lines, tooLong } = split(chunks, 4);
        expect(lines).toEqual(['ab', 'cd']);
        expect(tooLong).toHaveLength(1);
        expect(tooLong[0]).toBeGreaterThan(4);
      }
    });

    it('counts bytes, not characters', () => {
      expect(split(['éé\n'], 4).lines).toEqual(['éé']);
      expect(split(['ééé\n'], 4).tooLong).toHaveLength(1);
    });

    it('skips a long line fed in many chunks and resumes at the next line', () => {
      const chunks = [Buffer.from('ok\nxx'), ...Array.from({ length: 50 }, () => Buffer.alloc(1000, 0x78)), Buffer.from('x\nnext\n')];
      const { lines, tooLong } = split(chunks, 100);
      expect(lines).toEqual(['ok', 'next']);
      expect(tooLong).toHaveLength(1);
    });

    it('ends a long line at a lone CR too', () => {
      for (const chunks of cuts(Buffer.from('abcd\rabcde\rok\r\nx'))) {
        const { lines, tooLong } = split(chunks, 4);
        expect(lines).toEqual(['abcd', 'ok', 'x']);
        expect(tooLong).toHaveLength(1);
      }
    });

    it('reports each long line, including a final one without newline', () => {
      const { lines, tooLong } = split(['123456\nab\n1234567\r\ncd\n12345'], 4);
      expect(lines).toEqual(['ab', 'cd']);
      expect(tooLong).toHaveLength(3);
    });

    it('checkMaxLineBytes defaults to 64 MiB and rejects what is not a positive integer', () => {
      expect(checkMaxLineBytes(undefined, 'socketTextStream')).toBe(DEFAULT_MAX_LINE_BYTES);
      expect(DEFAULT_MAX_LINE_BYTES).toBe(64 * 1024 * 1024);
      expect(checkMaxLineBytes(10, 'x')).toBe(10);
      for (const bad of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, '10']) {
        expect(() => checkMaxLineBytes(bad, 'textFileStream')).toThrow(
          expect.objectContaining({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('textFileStream options.maxLineBytes must be a positive integer') }),
        );
      }
    });

    it('lineTooLongError names the limit, the place and the running count', () => {
      const one = lineTooLongError(16, 'in "a.txt"', 1);
      expect(one).toBeInstanceOf(FlintError);
      expect(one.code).toBe('RECORD_TOO_LONG');
      expect(one.message).toContain('maxLineBytes (16 bytes) in "a.txt" skipped (1 line skipped so far)');
      expect(lineTooLongError(16, 'from h:1', 3).message).toContain('(3 lines skipped so far)');
    });
  });
});
