// More of Spark's string functions (`lpad`, `rpad`, `repeat`, `reverse`, `instr`, `initcap`,
// `translate`) and digests and encodings (`md5`, `sha1`, `sha2`, `base64`, `unbase64`), re-exported
// by functions.ts. Text is counted in code points, as Spark's UTF8String counts characters.
import { createHash } from 'node:crypto';
import { FlintError } from '../errors.js';
import { Column, toColumn } from './column.js';
import type { Expression } from './expressions/expression.js';
import { UnaryFunction } from './expressions/scalar.js';
import type { Value } from './schema.js';

type Col = string | Column;
const expr = (c: Col): Expression => toColumn(c).expr;
const text = (name: string, c: Col, f: (s: string) => Value): Column => new Column(new UnaryFunction(name, expr(c), 'string', (v) => f(String(v))));
const bytesOf = (v: Value): Buffer => (v instanceof Uint8Array ? Buffer.from(v.buffer, v.byteOffset, v.byteLength) : Buffer.from(String(v), 'utf8'));

/** Spark's `lpad(str, len, pad = ' ')`: padded on the left to `len` characters, or cut to them. */
export function lpad(c: Col, len: number, pad = ' '): Column {
  return text(`lpad`, c, (s) => padded(s, len, pad, true));
}

/** Spark's `rpad(str, len, pad = ' ')`: padded on the right to `len` characters, or cut to them. */
export function rpad(c: Col, len: number, pad = ' '): Column {
  return text(`rpad`, c, (s) => padded(s, len, pad, false));
}

function padded(s: string, len: number, pad: string, left: boolean): string {
  const chars = [...s];
  if (len <= chars.length) return chars.slice(0, Math.max(0, len)).join('');
  const fill = [...pad];
  if (fill.length === 0) return s;
  const need = len - chars.length;
  const padding = Array.from({ length: need }, (_, i) => fill[i % fill.length]).join('');
  return left ? padding + s : s + padding;
}

/** Spark's `repeat(str, n)`. */
export function repeat(c: Col, n: number): Column {
  return text('repeat', c, (s) => s.repeat(Math.max(0, n)));
}

/** Spark's `reverse` of a string (by character) or of an array. */
export function reverse(c: Col): Column {
  return new Column(new UnaryFunction('reverse', expr(c), (t) => t, (v) => (Array.isArray(v) ? [...v].reverse() : [...String(v)].reverse().join(''))));
}

/** Spark's `instr(str, substring)`: the 1-based character position of the first match, 0 when none. */
export function instr(c: Col, substring: string): Column {
  return new Column(new UnaryFunction('instr', expr(c), 'long', (v) => {
    const s = String(v);
    const at = s.indexOf(substring);
    return at < 0 ? 0 : [...s.slice(0, at)].length + 1;
  }));
}

/** Spark's `initcap`: the first letter of each space-separated word upper-cased, the rest lower-cased. */
export function initcap(c: Col): Column {
  return text('initcap', c, (s) => s.toLowerCase().replace(/(^|\s)(\S)/gu, (_, space: string, first: string) => space + first.toUpperCase()));
}

/** Spark's `translate(str, matching, replace)`: each character of `matching` becomes the one at its place in `replace`, or goes when there is none. */
export function translate(c: Col, matching: string, replace: string): Column {
  const from = [...matching];
  const to = [...replace];
  const map = new Map<string, string>();
  from.forEach((ch, i) => map.has(ch) || map.set(ch, to[i] ?? ''));
  return text('translate', c, (s) => [...s].map((ch) => map.get(ch) ?? ch).join(''));
}

/** Spark's `md5`: the hex digest of a string's UTF-8 bytes or of binary. */
export function md5(c: Col): Column {
  return new Column(new UnaryFunction('md5', expr(c), 'string', (v) => createHash('md5').update(bytesOf(v)).digest('hex')));
}

/** Spark's `sha1`: the hex digest. */
export function sha1(c: Col): Column {
  return new Column(new UnaryFunction('sha1', expr(c), 'string', (v) => createHash('sha1').update(bytesOf(v)).digest('hex')));
}

/** Spark's `sha2(col, numBits)`: SHA-224, 256 (also for 0), 384 or 512 as hex; null for other sizes. */
export function sha2(c: Col, numBits: number): Column {
  const bits = numBits === 0 ? 256 : numBits;
  if (![224, 256, 384, 512].includes(bits)) throw new FlintError('INVALID_ARGUMENT', `sha2: numBits must be 224, 256, 384, 512 or 0 (256), got ${numBits}`);
  return new Column(new UnaryFunction('sha2', expr(c), 'string', (v) => createHash(`sha${bits}`).update(bytesOf(v)).digest('hex')));
}

/** Spark's `base64` of binary or a string's UTF-8 bytes. */
export function base64(c: Col): Column {
  return new Column(new UnaryFunction('base64', expr(c), 'string', (v) => bytesOf(v).toString('base64')));
}

/** Spark's `unbase64`: the bytes base64 text stands for. */
export function unbase64(c: Col): Column {
  return new Column(new UnaryFunction('unbase64', expr(c), 'binary', (v) => Buffer.from(String(v), 'base64')));
}
