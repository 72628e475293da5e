// Spark's own spellings of the building blocks. A program ported from Spark writes
// `flatMap((line) => line.split(' '))`, `map((w) => [w, 1])` and `reduceByKey((a, b) => a + b)`,
// not `words`, `pair(1)` and `sum`. When a function's source is exactly such a spelling it can
// only compute what the building block does, so a core may run it the same way. Only how it runs
// changes: the rules tied to Flint's own tags (a window of `sum`/`subtract` drops keys back at 0,
// and is rebuilt once per window length) stay with the tags, so a spelled program keeps Spark's
// results.
//
// Recognised, with any parameter names, parentheses around the expression, and `function` or a
// block with `return` in place of an arrow:
//   (a, b) => a + b    or b + a     the reducer `sum`
//   (a, b) => a - b                 its inverse `subtract`
//   (w) => [w, 1]      any decimal number literal, e.g. -2.5 or 1e3: `pair(1)`
//   (l) => l.split(' ')  one ASCII character in quotes, or an escape such as '\t': `fields`,
//                        JS's split, which keeps empty fields (Flint's `split` drops them)
// Anything else, comments included, is not recognised and runs as the lambda it is.
import { buildingBlockOf, type BuildingBlockKind } from './building-blocks.js';

/**
 * What a core may run a function as: its building-block kind and parameter. `fields` is JS's
 * `line.split(sep)` on one separator character (the parameter), which keeps empty fields; it is
 * only ever spelled, as Flint's own `split` drops them.
 */
export interface KernelForm {
  kind: BuildingBlockKind | 'fields';
  param?: unknown;
}

const ID = String.raw`[A-Za-z_$][\w$]*`;
const IDENTIFIER = new RegExp(`^${ID}$`);
const NUMBER = String.raw`-?(?:\d[\d_]*(?:\.[\d_]*)?|\.\d[\d_]*)(?:[eE][+-]?\d+)?`;
const ARROW = new RegExp(String.raw`^(?:\(([^()]*)\)|(${ID}))\s*=>\s*([\s\S]*)$`);
const FUNCTION = new RegExp(String.raw`^function(?:\s+${ID})?\s*\(([^()]*)\)\s*(\{[\s\S]*\})$`);
const BLOCK = /^\{\s*return(?:\s+|(?=[([]))([\s\S]*?)\s*;?\s*\}$/;
const BINARY = new RegExp(String.raw`^(${ID})\s*([+-])\s*(${ID})$`);
const PAIR = new RegExp(String.raw`^\[\s*(${ID})\s*,\s*(${NUMBER})\s*\]$`);
const SPLIT = new RegExp(String.raw`^(${ID})\s*\.\s*split\s*\(\s*(['"\x60])(\\.|[^\\])\2\s*\)$`);
/** The one-character escapes a spelled separator may use. */
const ESCAPES: Record<string, string> = { t: '\t', v: '\v', f: '\f', r: '\r', n: '\n', 0: '\0', '\\': '\\', "'": "'", '"': '"', '`': '`' };
/** Longer sources are not spellings; reading them is wasted work. */
const MAX_SOURCE = 200;

const recognised = new WeakMap<object, KernelForm | null>();

/** The building block `f` is, by its tag or else by its source being a Spark spelling of it. */
export function kernelFormOf(f: unknown): KernelForm | undefined {
  const tag = buildingBlockOf(f);
  if (tag !== undefined || typeof f !== 'function') return tag;
  let form = recognised.get(f);
  if (form === undefined) {
    form = spelledForm(f) ?? null;
    recognised.set(f, form);
  }
  return form ?? undefined;
}

function spelledForm(f: object): KernelForm | undefined {
  const parsed = parse(f);
  if (parsed === undefined) return undefined;
  const { params, body } = parsed;
  if (params.length === 2 && params[0] !== params[1]) return binaryForm(params as [string, string], body);
  if (params.length === 1) return pairForm(params[0]!, body) ?? fieldsForm(params[0]!, body);
  return undefined;
}

function binaryForm([a, b]: [string, string], body: string): KernelForm | undefined {
  const m = BINARY.exec(body);
  if (m === null) return undefined;
  const [, x, op, y] = m;
  if (op === '+' && ((x === a && y === b) || (x === b && y === a))) return { kind: 'sum' };
  if (op === '-' && x === a && y === b) return { kind: 'subtract' };
  return undefined;
}

function pairForm(param: string, body: string): KernelForm | undefined {
  const m = PAIR.exec(body);
  if (m === null || m[1] !== param) return undefined;
  const value = Number(m[2]!.replaceAll('_', ''));
  return Number.isFinite(value) ? { kind: 'pair', param: value } : undefined;
}

function fieldsForm(param: string, body: string): KernelForm | undefined {
  const m = SPLIT.exec(body);
  if (m === null || m[1] !== param) return undefined;
  const literal = m[3]!;
  const separator = literal.length === 1 ? literal : ESCAPES[literal[1]!];
  return separator !== undefined && separator.charCodeAt(0) < 0x80 ? { kind: 'fields', param: separator } : undefined;
}

/** Parameter names and returned expression of a one-expression arrow or function, if it is one. */
function parse(f: object): { params: string[]; body: string } | undefined {
  let source: string;
  try {
    source = Function.prototype.toString.call(f).trim();
  } catch {
    return undefined;
  }
  if (source.length > MAX_SOURCE || source.includes('/')) return undefined;
  const arrow = ARROW.exec(source);
  const fn = arrow === null ? FUNCTION.exec(source) : null;
  const paramList = arrow !== null ? (arrow[1] ?? arrow[2]!) : fn?.[1];
  const rawBody = arrow !== null ? arrow[3]! : fn?.[2];
  if (paramList === undefined || rawBody === undefined) return undefined;
  const params = paramList.split(',').map((p) => p.trim());
  if (!params.every((p) => IDENTIFIER.test(p))) return undefined;
  const block = rawBody.startsWith('{') ? BLOCK.exec(rawBody) : null;
  if (fn !== null && block === null) return undefined;
  return { params, body: unwrap(block !== null ? block[1]! : rawBody.trim()) };
}

// `(a + b)` is `a + b`. Stripping a pair that does not enclose the whole expression, as in
// `(a) + (b)`, leaves text no spelling matches, so it can only fail to recognise.
function unwrap(expression: string): string {
  let e = expression;
  while (e.startsWith('(') && e.endsWith(')')) e = e.slice(1, -1).trim();
  return e;
}
