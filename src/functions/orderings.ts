// Orderings of `[key, value]` pairs whose first criterion is the value, recognised so that a core
// holding pairs in packed tables can pick the first k records from the value column alone, then
// order the few it keeps with the function itself (so ties come out as the generic path's).
//
// Recognised, with any names and spacing, parentheses around the expression allowed:
//   sortBy key functions:  ([k, n]) => n   ([, n]) => -n   ([k, n]) => [-n, k]   (p) => p[1]
//                          (p) => [-p[1], p[0]]   (an array's later items: the key or the value)
//   comparators:           Flint's tagged byValue;  ([, a], [, b]) => a - b;  (x, y) => x[1] - y[1]
//                          (b - a, y[1] - x[1]: by value descending)
// Anything else runs as the function it is, over every decoded pair.
import { buildingBlockOf } from './building-blocks.js';

/** +1 when an ordering puts smaller values first, -1 when larger values come first. */
export type ValueDirection = 1 | -1;

const ID = String.raw`[A-Za-z_$][\w$]*`;
/** `([k, n]) =>` or `([, n]) =>`: the key (optional) and value names. */
const DESTRUCTURED = new RegExp(String.raw`^\(\s*\[\s*(${ID})?\s*,\s*(${ID})\s*\]\s*\)\s*=>\s*([\s\S]*)$`);
/** `(p) =>` or `p =>`. */
const SINGLE = new RegExp(String.raw`^(?:\(\s*(${ID})\s*\)|(${ID}))\s*=>\s*([\s\S]*)$`);
/** `([, a], [, b]) =>`, the key names optional. */
const TWO_DESTRUCTURED = new RegExp(
  String.raw`^\(\s*\[\s*(?:${ID})?\s*,\s*(${ID})\s*\]\s*,\s*\[\s*(?:${ID})?\s*,\s*(${ID})\s*\]\s*\)\s*=>\s*([\s\S]*)$`,
);
/** `(a, b) =>`. */
const TWO = new RegExp(String.raw`^\(\s*(${ID})\s*,\s*(${ID})\s*\)\s*=>\s*([\s\S]*)$`);
const MAX_SOURCE = 200;

/** How a pair's key and value are written in a function's body. */
interface Names {
  key: readonly string[];
  value: readonly string[];
}

const keyFunctions = new WeakMap<object, ValueDirection | null>();
const comparators = new WeakMap<object, ValueDirection | null>();

/**
 * The value direction of a `sortBy` key function over pairs whose first criterion is the value
 * (`n`, `-n`, `[n, ...]`, `[-n, ...]`), if `f` is one.
 */
export function valueKeyDirection(f: unknown): ValueDirection | undefined {
  return memo(keyFunctions, f, keyDirection);
}

/** The value direction of a comparator of pairs by value (Flint's `byValue` or a spelling), if `f` is one. */
export function valueComparatorDirection(f: unknown): ValueDirection | undefined {
  if (buildingBlockOf(f)?.kind === 'byValue') return 1;
  return memo(comparators, f, comparatorDirection);
}

function memo(cache: WeakMap<object, ValueDirection | null>, f: unknown, read: (source: string) => ValueDirection | undefined): ValueDirection | undefined {
  if (typeof f !== 'function') return undefined;
  let found = cache.get(f);
  if (found === undefined) {
    found = read(sourceOf(f)) ?? null;
    cache.set(f, found);
  }
  return found ?? undefined;
}

function sourceOf(f: object): string {
  try {
    const source = Function.prototype.toString.call(f).trim();
    return source.length > MAX_SOURCE || source.includes('/') ? '' : source;
  } catch {
    return '';
  }
}

function keyDirection(source: string): ValueDirection | undefined {
  const d = DESTRUCTURED.exec(source);
  if (d !== null) return bodyDirection(unwrap(d[3]!), { key: d[1] ? [d[1]] : [], value: [d[2]!] });
  const s = SINGLE.exec(source);
  if (s === null) return undefined;
  const p = s[1] ?? s[2]!;
  return bodyDirection(unwrap(s[3]!), { key: [`${p}[0]`], value: [`${p}[1]`] });
}

// `n`, `-n`, or an array whose first item is one of them and whose later items only name the key or value.
function bodyDirection(body: string, names: Names): ValueDirection | undefined {
  const compact = body.replace(/\s+/g, '');
  if (!compact.startsWith('[')) return signedValue(compact, names);
  if (!compact.endsWith(']')) return undefined;
  const [first, ...rest] = compact.slice(1, -1).split(',');
  if (first === undefined || !rest.every((item) => signedValue(item, names) !== undefined || names.key.includes(item))) return undefined;
  return signedValue(first, names);
}

function signedValue(expression: string, names: Names): ValueDirection | undefined {
  if (names.value.includes(expression)) return 1;
  if (expression.startsWith('-') && names.value.includes(expression.slice(1))) return -1;
  return undefined;
}

function comparatorDirection(source: string): ValueDirection | undefined {
  const d = TWO_DESTRUCTURED.exec(source);
  const t = d === null ? TWO.exec(source) : null;
  const m = d ?? t;
  if (m === null || m[1] === m[2]) return undefined;
  const [a, b] = d !== null ? [m[1]!, m[2]!] : [`${m[1]}[1]`, `${m[2]}[1]`];
  const body = unwrap(m[3]!).replace(/\s+/g, '');
  if (body === `${a}-${b}`) return 1;
  if (body === `${b}-${a}`) return -1;
  return undefined;
}

function unwrap(expression: string): string {
  let e = expression.trim();
  while (e.startsWith('(') && e.endsWith(')')) e = e.slice(1, -1).trim();
  return e;
}
