// Scalar functions and operators over one row: string functions, comparisons, arithmetic,
// boolean logic, casts and struct fields, with Spark's names and null semantics (null in, null out).
import { FlintError } from '../../errors.js';
import type { DataType, Row, StructType, Value } from '../schema.js';
import { SqlDate } from '../sql-date.js';
import { datetimePattern, fromWallClock, timeOf, wallClock, type TimeZoneAware } from './datetime.js';
import { Alias, ColumnRef, type Expression } from './expression.js';

/** A function of one value, null-propagating (e.g. `lower`). */
export class UnaryFunction implements Expression {
  readonly children: readonly Expression[];
  readonly name: string;

  constructor(
    fnName: string,
    readonly child: Expression,
    private readonly type: DataType | ((t: DataType) => DataType),
    private readonly f: (v: Value) => Value,
  ) {
    this.children = [child];
    this.name = `${fnName}(${child.name})`;
  }

  dataType(input: StructType): DataType {
    const childType = this.child.dataType(input);
    return typeof this.type === 'function' ? this.type(childType) : this.type;
  }

  eval(row: Row): Value {
    const v = this.child.eval(row);
    return v === null ? null : this.f(v);
  }
}

/** Spark's `split(str, regex, limit = -1)`: an array of strings. */
export class Split implements Expression {
  readonly children: readonly Expression[];
  readonly name: string;
  private readonly regex: RegExp;

  constructor(
    readonly child: Expression,
    pattern: string,
    private readonly limit: number,
  ) {
    this.children = [child];
    this.name = `split(${child.name}, ${pattern}, ${limit})`;
    this.regex = new RegExp(pattern, 'u');
  }

  dataType(input: StructType): DataType {
    this.child.dataType(input);
    return { type: 'array', elementType: 'string' };
  }

  eval(row: Row): Value {
    const v = this.child.eval(row);
    if (v === null) return null;
    const parts = String(v).split(this.regex);
    if (this.limit > 0 && parts.length > this.limit) {
      // Java's split with a limit keeps the rest of the string in the last element.
      const head = parts.slice(0, this.limit - 1);
      let consumed = 0;
      const s = String(v);
      for (let i = 0; i < head.length; i++) {
        consumed += head[i]!.length;
        consumed += this.regex.exec(s.slice(consumed))![0].length;
      }
      return [...head, s.slice(consumed)];
    }
    return parts;
  }
}

/** Binary operators, with Spark's display symbols. */
export type BinaryOp = '=' | '!=' | '<' | '<=' | '>' | '>=' | '+' | '-' | '*' | '/' | '%' | 'AND' | 'OR';

const COMPARISONS = new Set<BinaryOp>(['=', '!=', '<', '<=', '>', '>=']);

/** A binary operator on two expressions (comparisons, arithmetic, AND/OR). */
export class BinaryOperator implements Expression {
  readonly children: readonly Expression[];
  readonly name: string;

  constructor(
    readonly op: BinaryOp,
    readonly left: Expression,
    readonly right: Expression,
  ) {
    this.children = [left, right];
    this.name = `(${left.name} ${op} ${right.name})`;
  }

  dataType(input: StructType): DataType {
    const l = this.left.dataType(input);
    const r = this.right.dataType(input);
    if (COMPARISONS.has(this.op) || this.op === 'AND' || this.op === 'OR') return 'boolean';
    if (this.op === '/') return 'double';
    if (l === 'date' && (this.op === '+' || this.op === '-')) return 'date';
    if (l === 'timestamp' || r === 'timestamp') return 'timestamp';
    return l === 'long' && r === 'long' ? 'long' : 'double';
  }

  eval(row: Row): Value {
    const l = this.left.eval(row);
    if (this.op === 'AND' && l === false) return false;
    if (this.op === 'OR' && l === true) return true;
    const r = this.right.eval(row);
    if (this.op === 'AND') return r === false ? false : l === null || r === null ? null : true;
    if (this.op === 'OR') return r === true ? true : l === null || r === null ? null : false;
    if (l === null || r === null) return null;
    return applyOperator(this.op, l, r);
  }
}

// A comparison or arithmetic operator on two non-null values, with Spark's coercions.
function applyOperator(op: BinaryOp, l: Value, r: Value): Value {
  if (l instanceof SqlDate || r instanceof SqlDate) return dateOperator(op, l, r);
  if (COMPARISONS.has(op)) return compare(op, compareValues(l, r));
  return arithmetic(op, l, r);
}

// Spark's coercions around a date: text compared with it is cast to a date (null if it is not
// one); a whole number added or subtracted moves it by days (date_add, date_sub).
function dateOperator(op: BinaryOp, l: Value, r: Value): Value {
  if (COMPARISONS.has(op)) {
    const [a, b] = [typeof l === 'string' ? SqlDate.fromText(l) : l, typeof r === 'string' ? SqlDate.fromText(r) : r];
    return a === null || b === null ? null : compare(op, compareValues(a, b));
  }
  if (l instanceof SqlDate && typeof r === 'number' && Number.isInteger(r) && (op === '+' || op === '-')) return SqlDate.ofEpochDay(l.epochDay + (op === '+' ? r : -r));
  if (r instanceof SqlDate && typeof l === 'number' && Number.isInteger(l) && op === '+') return SqlDate.ofEpochDay(r.epochDay + l);
  return null;
}

/** Spark's `<=>` (EqualNullSafe): equality where two nulls are equal and a null equals nothing else. */
export class EqualNullSafe implements Expression {
  readonly children: readonly Expression[];
  readonly name: string;

  constructor(
    readonly left: Expression,
    readonly right: Expression,
  ) {
    this.children = [left, right];
    this.name = `(${left.name} <=> ${right.name})`;
  }

  dataType(input: StructType): DataType {
    this.left.dataType(input);
    this.right.dataType(input);
    return 'boolean';
  }

  eval(row: Row): Value {
    const [a, b] = [this.left.eval(row), this.right.eval(row)];
    if (a === null || b === null) return a === b;
    return applyOperator('=', a, b) === true;
  }
}

function compare(op: BinaryOp, c: number): boolean {
  switch (op) {
    case '=':
      return c === 0;
    case '!=':
      return c !== 0;
    case '<':
      return c < 0;
    case '<=':
      return c <= 0;
    case '>':
      return c > 0;
    default:
      return c >= 0;
  }
}

function arithmetic(op: BinaryOp, l: Value, r: Value): Value {
  const a = l instanceof Date ? l.getTime() : Number(l);
  const b = r instanceof Date ? r.getTime() : Number(r);
  let out: number;
  if (op === '+') out = a + b;
  else if (op === '-') out = a - b;
  else if (op === '*') out = a * b;
  else if (op === '%') out = b === 0 ? NaN : a % b;
  else out = a / b;
  if (Number.isNaN(out) || !Number.isFinite(out)) return null;
  return l instanceof Date || r instanceof Date ? new Date(out) : out;
}

/** Orders two non-null values of one type (numbers, strings, booleans, dates; arrays and structs field by field). */
export function compareValues(a: Value, b: Value): number {
  const x = a instanceof Date ? a.getTime() : a;
  const y = b instanceof Date ? b.getTime() : b;
  if (typeof x === 'number' && typeof y === 'number') return x - y;
  if (typeof x === 'boolean' && typeof y === 'boolean') return Number(x) - Number(y);
  if (x !== null && y !== null && typeof x === 'object' && typeof y === 'object') {
    const xs = Object.values(x);
    const ys = Object.values(y);
    for (let i = 0; i < Math.min(xs.length, ys.length); i++) {
      const [u, v] = [xs[i] ?? null, ys[i] ?? null];
      const c = u === null ? (v === null ? 0 : -1) : v === null ? 1 : compareValues(u, v);
      if (c !== 0) return c;
    }
    return xs.length - ys.length;
  }
  const s = String(x);
  const t = String(y);
  return s < t ? -1 : s > t ? 1 : 0;
}

/** `NOT e`. */
export class Not implements Expression {
  readonly children: readonly Expression[];
  readonly name: string;

  constructor(readonly child: Expression) {
    this.children = [child];
    this.name = `(NOT ${child.name})`;
  }

  dataType(input: StructType): DataType {
    this.child.dataType(input);
    return 'boolean';
  }

  eval(row: Row): Value {
    const v = this.child.eval(row);
    return v === null ? null : !v;
  }
}

/** `e IS NULL` / `e IS NOT NULL`. */
export class IsNull implements Expression {
  readonly children: readonly Expression[];
  readonly name: string;

  constructor(
    readonly child: Expression,
    private readonly negated: boolean,
  ) {
    this.children = [child];
    this.name = `(${child.name} IS ${negated ? 'NOT ' : ''}NULL)`;
  }

  dataType(input: StructType): DataType {
    this.child.dataType(input);
    return 'boolean';
  }

  eval(row: Row): Value {
    return (this.child.eval(row) === null) !== this.negated;
  }
}

/** A field of a struct value (Spark's `GetStructField`, from `Column.getField`). */
export class GetField implements Expression {
  readonly children: readonly Expression[];
  readonly name: string;

  constructor(
    readonly child: Expression,
    readonly field: string,
  ) {
    this.children = [child];
    this.name = `${child.name}.${field}`;
  }

  dataType(input: StructType): DataType {
    const t = this.child.dataType(input);
    const f = typeof t === 'object' && t.type === 'struct' ? t.fields.find((x) => x.name === this.field) : undefined;
    if (!f) throw new FlintError('INVALID_ARGUMENT', `getField: "${this.child.name}" has no field "${this.field}"`);
    return f.dataType;
  }

  eval(row: Row): Value {
    const v = this.child.eval(row);
    if (v === null || typeof v !== 'object' || v instanceof Date || v instanceof Uint8Array || Array.isArray(v)) return null;
    return (v as Row)[this.field] ?? null;
  }
}

/**
 * Spark's `CAST(e AS type)` between strings, numbers, booleans, timestamps (seconds) and binary
 * (UTF-8 bytes). Timestamps and text convert in the session time zone, as Spark's (text without
 * an offset is read in it; a timestamp prints as `yyyy-MM-dd HH:mm:ss[.SSS]` in it).
 */
export class Cast implements Expression {
  readonly children: readonly Expression[];
  readonly name: string;
  /** The session time zone (the planner sets it when a query starts). */
  timeZone = 'UTC';

  constructor(
    readonly child: Expression,
    readonly to: 'string' | 'long' | 'double' | 'boolean' | 'timestamp' | 'date' | 'binary',
  ) {
    this.children = [child];
    this.name = `CAST(${child.name} AS ${to === 'long' ? 'BIGINT' : to.toUpperCase()})`;
  }

  dataType(input: StructType): DataType {
    this.child.dataType(input);
    return this.to;
  }

  eval(row: Row): Value {
    return castValue(this.child.eval(row), this.to, this.timeZone);
  }
}

/**
 * Spark's `Column.named` for a cast: a column cast at the top of a select list keeps the name of
 * the column it casts (`CAST(value AS STRING)` is called `value`); other expressions keep theirs.
 */
export function named(e: Expression): Expression {
  return e instanceof Cast && e.child instanceof ColumnRef ? new Alias(e, e.child.name) : e;
}

function castValue(v: Value, to: Cast['to'], zone: string): Value {
  if (v === null) return null;
  if (v instanceof SqlDate) return castDate(v, to, zone);
  if (to === 'date') return dayOf(v, zone);
  if (v instanceof Uint8Array) return to === 'string' ? Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('utf8') : to === 'binary' ? v : null;
  if (to === 'binary') return typeof v === 'string' ? Buffer.from(v, 'utf8') : null;
  const n = v instanceof Date ? v.getTime() / 1000 : typeof v === 'string' ? Number(v.trim()) : Number(v);
  switch (to) {
    case 'string':
      return typeof v === 'string' ? v : v instanceof Date ? timestampText(v.getTime(), zone) : String(v);
    case 'long':
      return Number.isFinite(n) ? Math.trunc(n) : null;
    case 'double':
      return Number.isFinite(n) ? n : typeof v === 'string' ? specialDouble(v) : typeof v === 'number' ? v : null;
    case 'boolean':
      return typeof v === 'string' ? (/^(true|t|yes|y|1)$/i.test(v) ? true : /^(false|f|no|n|0)$/i.test(v) ? false : null) : Boolean(n);
    default: {
      const ms = typeof v === 'string' ? timeOf(v, zone) : n * 1000;
      return ms !== undefined && Number.isFinite(ms) ? new Date(ms) : null;
    }
  }
}

/** A function of several values (`concat`, `substring`, `round`, ...); null when any argument is null, as most of Spark's are, unless `propagatesNull` is false. */
export class ScalarFunction implements Expression {
  readonly name: string;

  constructor(
    fnName: string,
    readonly children: readonly Expression[],
    private readonly type: DataType | ((types: DataType[]) => DataType),
    private readonly f: (values: Value[]) => Value,
    private readonly propagatesNull = true,
  ) {
    this.name = `${fnName}(${children.map((c) => c.name).join(', ')})`;
  }

  /** The result for the arguments' values. */
  protected apply(values: Value[]): Value {
    return this.f(values);
  }

  dataType(input: StructType): DataType {
    const types = this.children.map((c) => c.dataType(input));
    return typeof this.type === 'function' ? this.type(types) : this.type;
  }

  eval(row: Row): Value {
    const values: Value[] = [];
    for (const c of this.children) {
      const v = c.eval(row);
      if (v === null && this.propagatesNull) return null;
      values.push(v);
    }
    return this.apply(values);
  }
}

/** A date function of its arguments' values and the session time zone (Spark's TimeZoneAwareExpression); null when any argument is null. */
export class DateTimeFunction extends ScalarFunction implements TimeZoneAware {
  timeZone = 'UTC';

  constructor(
    fnName: string,
    children: readonly Expression[],
    type: DataType,
    private readonly zoned: (values: Value[], zone: string) => Value,
  ) {
    super(fnName, children, type, () => null);
  }

  protected override apply(values: Value[]): Value {
    return this.zoned(values, this.timeZone);
  }
}

/** Spark's `substring(s, pos, len)` (UTF8String.substringSQL), over code points: the end counts from the unclamped start. */
export function substringSQL(s: string, pos: number, len: number): string {
  const chars = [...s];
  const from = pos > 0 ? pos - 1 : pos < 0 ? chars.length + pos : 0;
  const start = Math.max(from, 0);
  const end = Math.min(from + len, chars.length);
  return start >= end ? '' : chars.slice(start, end).join('');
}

/** The day a value stands for (Spark's cast to DATE): a date itself, a timestamp's day in `zone`, text read as a date; else null. */
export function dayOf(v: Value, zone: string): SqlDate | null {
  if (v instanceof SqlDate) return v;
  if (v instanceof Date) return SqlDate.ofWallClock(wallClock(v.getTime(), zone).getTime());
  return typeof v === 'string' ? SqlDate.fromText(v) : null;
}

// Spark's special floating-point text (Cast.processFloatingPointSpecialLiterals): NaN and infinities.
function specialDouble(s: string): number | null {
  const t = s.trim().toLowerCase();
  if (t === 'nan') return NaN;
  if (t === 'inf' || t === '+inf' || t === 'infinity' || t === '+infinity') return Infinity;
  return t === '-inf' || t === '-infinity' ? -Infinity : null;
}

// A date casts to its text, to midnight in the session time zone, or to itself; Spark refuses the rest.
function castDate(d: SqlDate, to: Cast['to'], zone: string): Value {
  if (to === 'date') return d;
  if (to === 'string') return d.toString();
  if (to === 'timestamp') return new Date(fromWallClock(d.getTime(), zone));
  return null;
}

// Spark's timestamp text: seconds always, the fraction only when there is one, trailing zeros cut.
function timestampText(ms: number, zone: string): string {
  const text = datetimePattern('yyyy-MM-dd HH:mm:ss.SSS', 'cast').format(ms, zone);
  return text.replace(/\.?0+$/, '');
}
