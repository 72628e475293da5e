// A join condition (Spark's `join(right, joinExprs)`), taken apart as Spark's ExtractEquiJoinKeys
// and StreamingJoinHelper do: equalities between a left and a right column become the hash keys,
// the rest is checked on each matched pair, and time-range conjuncts between the sides' event
// times (`rightTime <= leftTime + interval 1 hour`) bound how long a kept row can still match.
import { FlintError } from '../errors.js';
import { ColumnRef, Literal, type Expression } from './expressions/expression.js';
import { BinaryOperator } from './expressions/scalar.js';
import type { StructType } from './schema.js';

/** `other <= mine + offsetMs` (`<` when strict): an upper bound on the other side's time column. */
export interface TimeBound {
  /** The column of the side whose kept rows the bound lets go. */
  readonly mine: string;
  /** The other side's watermarked column. */
  readonly other: string;
  readonly offsetMs: number;
  readonly strict: boolean;
}

/** A condition split into hash keys, the rest, and the time bounds of each side. */
export interface SplitCondition {
  readonly leftKeys: readonly string[];
  readonly rightKeys: readonly string[];
  /** The conjuncts that are not key equalities, checked on each joined row; undefined when none. */
  readonly residual: Expression | undefined;
  readonly leftBounds: readonly TimeBound[];
  readonly rightBounds: readonly TimeBound[];
}

/** Splits `condition` over the two sides' schemas; `watermarked` tells a side's watermarked columns. */
export function splitCondition(condition: Expression, left: StructType, right: StructType, watermarked: { left: ReadonlySet<string>; right: ReadonlySet<string> }): SplitCondition {
  const leftKeys: string[] = [];
  const rightKeys: string[] = [];
  const rest: Expression[] = [];
  const leftBounds: TimeBound[] = [];
  const rightBounds: TimeBound[] = [];
  const sideOf = (name: string): 'L' | 'R' | undefined => (left.field(name) ? 'L' : right.field(name) ? 'R' : undefined);
  for (const c of conjuncts(condition)) {
    const pair = equalColumns(c, sideOf);
    if (pair) {
      leftKeys.push(pair[0]);
      rightKeys.push(pair[1]);
      continue;
    }
    rest.push(c);
    const bound = timeBound(c, sideOf);
    if (!bound) continue;
    // `x <= y` bounds x by y: y's side may let rows go once x's side, watermarked, is past it.
    const [x, y, strict] = bound;
    if (sideOf(x.column) === sideOf(y.column)) continue;
    const mineIsLeft = sideOf(y.column) === 'L';
    if (!(mineIsLeft ? watermarked.right : watermarked.left).has(x.column)) continue;
    (mineIsLeft ? leftBounds : rightBounds).push({ mine: y.column, other: x.column, offsetMs: y.offset - x.offset, strict });
  }
  const residual = rest.reduce<Expression | undefined>((acc, e) => (acc ? new BinaryOperator('AND', acc, e) : e), undefined);
  return { leftKeys, rightKeys, residual, leftBounds, rightBounds };
}

/** True when a kept row whose `mine` column is `t` (ms) can match no row to come, at watermark `watermarkMs`. */
export function pastBound(b: TimeBound, t: number, watermarkMs: number): boolean {
  // Rows to come on the other side are after the watermark; `other <= mine + offset` needs mine >= watermark - offset.
  return b.strict ? t <= watermarkMs - b.offsetMs : t < watermarkMs - b.offsetMs;
}

/** Refuses a condition that reads a column neither side has. */
export function checkConditionColumns(condition: Expression, left: StructType, right: StructType): void {
  const visit = (e: Expression): void => {
    if (e instanceof ColumnRef) {
      const root = e.name.split('.')[0]!;
      if (!left.field(e.name) && !right.field(e.name) && !left.field(root) && !right.field(root)) {
        throw new FlintError('INVALID_ARGUMENT', `join: the condition reads column "${e.name}", which neither side has (left: ${left.fieldNames.join(', ')}; right: ${right.fieldNames.join(', ')})`);
      }
    }
    e.children.forEach(visit);
  };
  visit(condition);
}

function conjuncts(e: Expression): Expression[] {
  return e instanceof BinaryOperator && e.op === 'AND' ? [...conjuncts(e.left), ...conjuncts(e.right)] : [e];
}

function equalColumns(e: Expression, sideOf: (name: string) => 'L' | 'R' | undefined): [string, string] | undefined {
  if (!(e instanceof BinaryOperator) || e.op !== '=' || !(e.left instanceof ColumnRef) || !(e.right instanceof ColumnRef)) return undefined;
  const [a, b] = [e.left.name, e.right.name];
  if (sideOf(a) === 'L' && sideOf(b) === 'R') return [a, b];
  if (sideOf(a) === 'R' && sideOf(b) === 'L') return [b, a];
  return undefined;
}

/** A column plus a constant offset in ms: `t`, `t + interval 5 seconds`, `t - interval 1 hour`. */
interface TimeTerm {
  column: string;
  offset: number;
}

// `a <= b`, `a < b`, `a >= b`, `a > b` between time terms, as `x <= y` (x bounded by y).
function timeBound(e: Expression, sideOf: (name: string) => 'L' | 'R' | undefined): [TimeTerm, TimeTerm, boolean] | undefined {
  if (!(e instanceof BinaryOperator) || !['<', '<=', '>', '>='].includes(e.op)) return undefined;
  const a = timeTerm(e.left);
  const b = timeTerm(e.right);
  if (!a || !b || !sideOf(a.column) || !sideOf(b.column)) return undefined;
  const strict = e.op === '<' || e.op === '>';
  return e.op === '<' || e.op === '<=' ? [a, b, strict] : [b, a, strict];
}

function timeTerm(e: Expression): TimeTerm | undefined {
  if (e instanceof ColumnRef) return { column: e.name, offset: 0 };
  if (!(e instanceof BinaryOperator) || (e.op !== '+' && e.op !== '-')) return undefined;
  const base = timeTerm(e.left);
  const ms = e.right instanceof Literal && typeof e.right.value === 'number' ? e.right.value : undefined;
  if (!base || ms === undefined) return undefined;
  return { column: base.column, offset: base.offset + (e.op === '+' ? ms : -ms) };
}
