// Built-in building blocks: ordinary functions that any core can call, tagged so that a core can
// recognise them (and, on the wasm core, run them as kernels) and so that the algebra is known:
// `sum` has the inverse `subtract`, and a window over them drops keys that return to 0.
import { FlintError } from '../errors.js';

/** What a tagged building block is. */
export type BuildingBlockKind = 'sum' | 'subtract' | 'min' | 'max' | 'split' | 'pair' | 'byValue' | 'runningSum';

const TAG = Symbol.for('flint.buildingBlock');

/** A function carrying its building-block kind (and parameters). */
export type Tagged<F> = F & { readonly [TAG]: { kind: BuildingBlockKind; param?: unknown } };

function tag<F extends object>(f: F, kind: BuildingBlockKind, param?: unknown): Tagged<F> {
  Object.defineProperty(f, TAG, { value: { kind, param }, enumerable: false });
  return f as Tagged<F>;
}

/** The building-block kind of `f`, if it is one. */
export function buildingBlockOf(f: unknown): { kind: BuildingBlockKind; param?: unknown } | undefined {
  return typeof f === 'function' ? (f as Partial<Tagged<() => void>>)[TAG] : undefined;
}

/**
 * Adds two numbers: the reducer of word counts. Its inverse is {@link subtract}. The wasm core
 * runs Spark's spelling `(a, b) => a + b` the same way, but only this tagged `sum` makes an inverse
 * window drop keys back at 0.
 */
export const sum = tag((a: number, b: number): number => a + b, 'sum');

/**
 * The update function of a running count for `updateStateByKey`: the state (0 when there is none)
 * plus the new values, in order. Being known to be pure and to keep every key, it lets a key with
 * no new values keep its state without a call.
 */
export const runningSum = tag((values: number[], state: number | undefined): number => {
  let total = state ?? 0;
  for (const v of values) total += v;
  return total;
}, 'runningSum');

/** Subtracts: the inverse of {@link sum} for incremental windows. */
export const subtract = tag((a: number, b: number): number => a - b, 'subtract');

/** The smaller of two numbers (no inverse: the wasm core keeps windows over it with two stacks). */
export const min = tag((a: number, b: number): number => (b < a ? b : a), 'min');

/** The larger of two numbers (no inverse: the wasm core keeps windows over it with two stacks). */
export const max = tag((a: number, b: number): number => (b > a ? b : a), 'max');

/**
 * A tokenizer for `flatMap`: splits a line on any character of `separators` (default ASCII
 * whitespace) and drops empty tokens.
 */
export function split(separators = ' \t\n\r\f\v'): Tagged<(line: string) => string[]> {
  if (typeof separators !== 'string' || separators === '') {
    throw new FlintError('INVALID_ARGUMENT', `split needs at least one separator character, got ${JSON.stringify(separators)}`);
  }
  // One regular expression over the whole line is far faster in V8 than a loop over characters.
  const runs = new RegExp(`[${[...separators].map(escapeForClass).join('')}]+`, 'u');
  return tag((line: string): string[] => {
    const parts = line.split(runs);
    if (parts[0] === '') parts.shift();
    if (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
    return parts;
  }, 'split', separators);
}

function escapeForClass(c: string): string {
  return /[\\\]\[^-]/.test(c) ? `\\${c}` : c;
}

/** Splits a line into words on ASCII whitespace: `lines.flatMap(words)`. */
export const words = split();

/** Pairs every element with `value`: `words.map(pair(1))` gives `[word, 1]` (so does Spark's `(w) => [w, 1]`). */
export function pair<V>(value: V): <K>(key: K) => [K, V] {
  // The tag is for the cores only; the declared type stays a plain generic function so that
  // `stream.map(pair(1))` infers the key type.
  return tag(<K>(key: K): [K, V] => [key, value], 'pair', value);
}

/**
 * Orders `[key, value]` pairs by value, numbers ascending: `batch.top(10, byValue)` is the ten
 * largest counts (Spark's `top(10)(Ordering.by(_._2))`). On a batch the wasm core's kernels still
 * hold, only the keys of the records kept are decoded.
 */
export const byValue = tag(<K>(a: readonly [K, number], b: readonly [K, number]): number => a[1] - b[1], 'byValue');

/** True when `f` and `inv` are Flint's `sum` and `subtract`, whose windows drop keys at 0. */
export function isSumWithInverse(f: unknown, inv: unknown): boolean {
  return buildingBlockOf(f)?.kind === 'sum' && buildingBlockOf(inv)?.kind === 'subtract';
}
