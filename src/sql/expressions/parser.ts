// SQL expression text to a Column (Spark's `CatalystSqlParser.parseExpression`, behind `expr`,
// `selectExpr` and `filter("...")`): column names, literals, arithmetic, comparisons, AND/OR/NOT,
// [NOT] BETWEEN, IS [NOT] NULL, CAST(e AS type), INTERVAL literals and the functions Flint has, with an optional
// `AS alias`. A recursive-descent parser over SQL's precedence levels.
import { FlintError } from '../../errors.js';
import { Column } from '../column.js';
import * as F from '../functions.js';
import { parseInterval } from '../interval.js';
import type { Value } from '../schema.js';
import { SqlDate } from '../sql-date.js';
import { Window, WindowSpec } from '../window-spec.js';
import { ColumnRef, containsExpr, Literal } from './expression.js';

/** A lexical token of SQL text. */
export type Token = { kind: 'number' | 'string' | 'ident' | 'op' | 'end'; text: string; at: number; quoted?: boolean };

const OPERATORS = ['<=>', '==', '!=', '<>', '<=', '>=', '=', '<', '>', '+', '-', '*', '/', '%', '(', ')', ',', '.', ';'];

type CastType = Parameters<Column['cast']>[0];
const CAST_TYPES: Readonly<Record<string, CastType>> = {
  string: 'string', varchar: 'string', char: 'string',
  long: 'long', bigint: 'long', int: 'long', integer: 'long', smallint: 'long', tinyint: 'long',
  double: 'double', float: 'double', real: 'double', decimal: 'double',
  boolean: 'boolean', timestamp: 'timestamp', date: 'date', binary: 'binary',
};

/** Functions `expr` knows, by lower-case name: each takes the parsed arguments (Columns or literal values). */
const FUNCTIONS: Readonly<Record<string, (args: Arg[]) => Column>> = {
  lower: (a) => F.lower(column(a, 0)),
  upper: (a) => F.upper(column(a, 0)),
  length: (a) => F.length(column(a, 0)),
  split: (a) => F.split(column(a, 0), text(a, 1), a[2] === undefined ? -1 : Number(literal(a, 2))),
  explode: (a) => F.explode(column(a, 0)),
  timestamp_seconds: (a) => F.timestamp_seconds(column(a, 0)),
  window: (a) => F.window(column(a, 0), text(a, 1), a[2] === undefined ? undefined : text(a, 2), a[3] === undefined ? undefined : text(a, 3)),
  year: (a) => F.year(column(a, 0)),
  month: (a) => F.month(column(a, 0)),
  day: (a) => F.dayofmonth(column(a, 0)),
  dayofmonth: (a) => F.dayofmonth(column(a, 0)),
  dayofweek: (a) => F.dayofweek(column(a, 0)),
  hour: (a) => F.hour(column(a, 0)),
  minute: (a) => F.minute(column(a, 0)),
  second: (a) => F.second(column(a, 0)),
  date_trunc: (a) => F.date_trunc(text(a, 0), column(a, 1)),
  date_format: (a) => F.date_format(column(a, 0), text(a, 1)),
  to_timestamp: (a) => F.to_timestamp(column(a, 0), a[1] === undefined ? undefined : text(a, 1)),
  unix_timestamp: (a) => (a.length === 0 ? F.unix_timestamp() : F.unix_timestamp(column(a, 0), a[1] === undefined ? undefined : text(a, 1))),
  current_timestamp: (a) => (noArguments(a, 'current_timestamp'), F.current_timestamp()),
  current_date: (a) => (noArguments(a, 'current_date'), F.current_date()),
  to_date: (a) => F.to_date(column(a, 0), a[1] === undefined ? undefined : text(a, 1)),
  date_add: (a) => F.date_add(column(a, 0), column(a, 1)),
  date_sub: (a) => F.date_sub(column(a, 0), column(a, 1)),
  datediff: (a) => F.datediff(column(a, 0), column(a, 1)),
  now: (a) => (noArguments(a, 'now'), F.now()),
  from_unixtime: (a) => F.from_unixtime(column(a, 0), a[1] === undefined ? undefined : text(a, 1)),
  from_json: (a) => F.from_json(column(a, 0), text(a, 1)),
  to_json: (a) => F.to_json(column(a, 0)),
  struct: (a) => (a.length === 1 && a[0] === STAR ? F.struct('*') : F.struct(...columns(a))),
  get_json_object: (a) => F.get_json_object(column(a, 0), text(a, 1)),
  window_time: (a) => F.window_time(column(a, 0)),
  session_window: (a) => F.session_window(column(a, 0), text(a, 1)),
  count: (a) => (a[0] === STAR ? F.count('*') : F.count(column(a, 0))),
  sum: (a) => F.sum(column(a, 0)),
  avg: (a) => F.avg(column(a, 0)),
  mean: (a) => F.avg(column(a, 0)),
  min: (a) => F.min(column(a, 0)),
  max: (a) => F.max(column(a, 0)),
  collect_list: (a) => F.collect_list(column(a, 0)),
  collect_set: (a) => F.collect_set(column(a, 0)),
  substring: (a) => F.substring(column(a, 0), Number(literal(a, 1)), a[2] === undefined ? Number.MAX_SAFE_INTEGER : Number(literal(a, 2))),
  substr: (a) => F.substring(column(a, 0), Number(literal(a, 1)), a[2] === undefined ? Number.MAX_SAFE_INTEGER : Number(literal(a, 2))),
  concat: (a) => F.concat(...columns(a)),
  concat_ws: (a) => F.concat_ws(text(a, 0), ...columns(a).slice(1)),
  trim: (a) => F.trim(column(a, 0)),
  ltrim: (a) => F.ltrim(column(a, 0)),
  rtrim: (a) => F.rtrim(column(a, 0)),
  regexp_replace: (a) => F.regexp_replace(column(a, 0), text(a, 1), text(a, 2)),
  regexp_extract: (a) => F.regexp_extract(column(a, 0), text(a, 1), a[2] === undefined ? 1 : Number(literal(a, 2))),
  contains: (a) => column(a, 0).contains(column(a, 1)),
  startswith: (a) => column(a, 0).startsWith(column(a, 1)),
  endswith: (a) => column(a, 0).endsWith(column(a, 1)),
  abs: (a) => F.abs(column(a, 0)),
  round: (a) => F.round(column(a, 0), a[1] === undefined ? 0 : Number(literal(a, 1))),
  floor: (a) => F.floor(column(a, 0)),
  ceil: (a) => F.ceil(column(a, 0)),
  ceiling: (a) => F.ceil(column(a, 0)),
  coalesce: (a) => F.coalesce(...columns(a)),
  nvl: (a) => F.coalesce(column(a, 0), column(a, 1)),
  ifnull: (a) => F.coalesce(column(a, 0), column(a, 1)),
  if: (a) => F.when(column(a, 0), column(a, 1)).otherwise(column(a, 2)),
  isnull: (a) => column(a, 0).isNull(),
  isnotnull: (a) => column(a, 0).isNotNull(),
  percentile_approx: (a) => F.percentile_approx(column(a, 0), percentages(a, 1), a[2] === undefined ? undefined : Number(literal(a, 2))),
  approx_percentile: (a) => F.percentile_approx(column(a, 0), percentages(a, 1), a[2] === undefined ? undefined : Number(literal(a, 2))),
  array: (a) => F.array(...columns(a)),
  sqrt: (a) => F.sqrt(column(a, 0)),
  exp: (a) => F.exp(column(a, 0)),
  pow: (a) => F.pow(column(a, 0), column(a, 1)),
  power: (a) => F.pow(column(a, 0), column(a, 1)),
  ln: (a) => F.log(column(a, 0)),
  log: (a) => (a.length === 1 ? F.log(column(a, 0)) : F.log(column(a, 0), column(a, 1))),
  log10: (a) => F.log10(column(a, 0)),
  log2: (a) => F.log2(column(a, 0)),
  signum: (a) => F.signum(column(a, 0)),
  sign: (a) => F.signum(column(a, 0)),
  greatest: (a) => F.greatest(...columns(a)),
  least: (a) => F.least(...columns(a)),
  isnan: (a) => F.isnan(column(a, 0)),
  nanvl: (a) => F.nanvl(column(a, 0), column(a, 1)),
  nullif: (a) => F.nullif(column(a, 0), column(a, 1)),
  size: (a) => F.size(column(a, 0)),
  cardinality: (a) => F.size(column(a, 0)),
  array_contains: (a) => F.array_contains(column(a, 0), column(a, 1)),
  element_at: (a) => F.element_at(column(a, 0), column(a, 1)),
  explode_outer: (a) => F.explode_outer(column(a, 0)),
  sort_array: (a) => F.sort_array(column(a, 0), a[1] === undefined ? true : literal(a, 1) === true),
  array_distinct: (a) => F.array_distinct(column(a, 0)),
  array_join: (a) => F.array_join(column(a, 0), text(a, 1), a[2] === undefined ? undefined : text(a, 2)),
  lpad: (a) => F.lpad(column(a, 0), Number(literal(a, 1)), a[2] === undefined ? undefined : text(a, 2)),
  rpad: (a) => F.rpad(column(a, 0), Number(literal(a, 1)), a[2] === undefined ? undefined : text(a, 2)),
  repeat: (a) => F.repeat(column(a, 0), Number(literal(a, 1))),
  reverse: (a) => F.reverse(column(a, 0)),
  instr: (a) => F.instr(column(a, 0), text(a, 1)),
  initcap: (a) => F.initcap(column(a, 0)),
  translate: (a) => F.translate(column(a, 0), text(a, 1), text(a, 2)),
  md5: (a) => F.md5(column(a, 0)),
  sha1: (a) => F.sha1(column(a, 0)),
  sha: (a) => F.sha1(column(a, 0)),
  sha2: (a) => F.sha2(column(a, 0), Number(literal(a, 1))),
  base64: (a) => F.base64(column(a, 0)),
  unbase64: (a) => F.unbase64(column(a, 0)),
  stddev: (a) => F.stddev(column(a, 0)),
  std: (a) => F.stddev(column(a, 0)),
  stddev_samp: (a) => F.stddev_samp(column(a, 0)),
  stddev_pop: (a) => F.stddev_pop(column(a, 0)),
  variance: (a) => F.variance(column(a, 0)),
  var_samp: (a) => F.var_samp(column(a, 0)),
  var_pop: (a) => F.var_pop(column(a, 0)),
  first: (a) => F.first(column(a, 0), a[1] === undefined ? false : literal(a, 1) === true),
  first_value: (a) => F.first(column(a, 0), a[1] === undefined ? false : literal(a, 1) === true),
  last: (a) => F.last(column(a, 0), a[1] === undefined ? false : literal(a, 1) === true),
  dayofyear: (a) => F.dayofyear(column(a, 0)),
  weekofyear: (a) => F.weekofyear(column(a, 0)),
  quarter: (a) => F.quarter(column(a, 0)),
  last_day: (a) => F.last_day(column(a, 0)),
  add_months: (a) => F.add_months(column(a, 0), column(a, 1)),
  months_between: (a) => F.months_between(column(a, 0), column(a, 1), a[2] === undefined ? true : literal(a, 2) === true),
  make_date: (a) => F.make_date(column(a, 0), column(a, 1), column(a, 2)),
  trunc: (a) => F.trunc(column(a, 0), text(a, 1)),
  from_utc_timestamp: (a) => F.from_utc_timestamp(column(a, 0), text(a, 1)),
  to_utc_timestamp: (a) => F.to_utc_timestamp(column(a, 0), text(a, 1)),
  row_number: () => F.row_number(),
  rank: () => F.rank(),
  dense_rank: () => F.dense_rank(),
  percent_rank: () => F.percent_rank(),
  cume_dist: () => F.cume_dist(),
  ntile: (a) => F.ntile(Number(literal(a, 0))),
  lag: (a) => F.lag(column(a, 0), a[1] === undefined ? 1 : Number(literal(a, 1)), a[2] === undefined ? null : literal(a, 2)),
  lead: (a) => F.lead(column(a, 0), a[1] === undefined ? 1 : Number(literal(a, 1)), a[2] === undefined ? null : literal(a, 2)),
  last_value: (a) => F.last(column(a, 0), a[1] === undefined ? false : literal(a, 1) === true),
  count_distinct: (a) => F.count_distinct(column(a, 0)),
  approx_count_distinct: (a) => F.approx_count_distinct(column(a, 0), a[1] === undefined ? undefined : Number(literal(a, 1))),
};

const STAR = Symbol('*');
type Arg = Column | typeof STAR;

/** Parses one SQL expression, e.g. `CAST(value AS STRING)`, `count(*) AS n`, `a > 3 AND b IS NOT NULL`. */
export function parseExpression(source: string): Column {
  if (typeof source !== 'string') throw new FlintError('INVALID_ARGUMENT', 'expr needs SQL text, e.g. expr("CAST(value AS STRING)")');
  const parser = new ExpressionParser(source, 'expression');
  const result = parser.aliased();
  parser.expectEnd();
  return result;
}

/** The expression grammar over a token stream; the statement parser (`sql-parser.ts`) extends it. */
export class ExpressionParser {
  protected readonly tokens: readonly Token[];
  /** The index of the next token. */
  protected i = 0;

  constructor(
    private readonly source: string,
    /** What the text is, for error messages: `expression` or `SQL statement`. */
    private readonly what: string,
  ) {
    this.tokens = tokenize(source, (message, at) => this.fail(message, at));
  }

  /** An expression with an optional alias (`AS name`, or just `name`). */
  aliased(): Column {
    const e = this.expression();
    if (this.keyword('AS')) return e.as(this.identifier());
    if (this.peek().kind === 'ident' && !isReserved(this.peek())) return e.as(this.identifier());
    return e;
  }

  /** Fails unless every token was read. */
  expectEnd(): void {
    if (this.peek().kind !== 'end') this.fail(`unexpected '${this.peek().text}'`);
  }

  /** A column name as written (`a.b` for a field of a struct); statements strip table qualifiers here. */
  protected columnName(name: string): string {
    return name;
  }

  /** An expression without alias. */
  protected expression(): Column {
    let left = this.conjunction();
    while (this.keyword('OR')) left = left.or(this.conjunction());
    return left;
  }

  private conjunction(): Column {
    let left = this.negation();
    while (this.keyword('AND')) left = left.and(this.negation());
    return left;
  }

  private negation(): Column {
    if (this.keyword('NOT')) return this.negation().not();
    return this.comparison();
  }

  private comparison(): Column {
    const left = this.additive();
    const negated = this.keyword('NOT');
    if (this.keyword('BETWEEN')) {
      const low = this.additive();
      if (!this.keyword('AND')) this.fail('expected AND in BETWEEN low AND high');
      const within = left.geq(low).and(left.leq(this.additive()));
      return negated ? within.not() : within;
    }
    if (this.keyword('IN')) return maybeNot(left.isin(...this.parenthesized()), negated);
    if (this.keyword('LIKE')) return maybeNot(left.like(this.pattern('LIKE')), negated);
    if (this.keyword('ILIKE')) return maybeNot(left.ilike(this.pattern('ILIKE')), negated);
    if (this.keyword('RLIKE') || this.keyword('REGEXP')) return maybeNot(left.rlike(this.pattern('RLIKE')), negated);
    if (negated) this.fail('expected BETWEEN, IN, LIKE or RLIKE after NOT');
    if (this.keyword('IS')) {
      const not = this.keyword('NOT');
      if (!this.keyword('NULL')) this.fail('expected NULL after IS');
      return not ? left.isNotNull() : left.isNull();
    }
    const op = this.operator('<=>', '==', '=', '!=', '<>', '<=', '>=', '<', '>');
    if (op === undefined) return left;
    const right = this.additive();
    switch (op) {
      case '=':
      case '==':
        return left.equalTo(right);
      case '!=':
      case '<>':
        return left.notEqual(right);
      case '<=>':
        return left.eqNullSafe(right);
      case '<':
        return left.lt(right);
      case '<=':
        return left.leq(right);
      case '>':
        return left.gt(right);
      default:
        return left.geq(right);
    }
  }

  private additive(): Column {
    let left = this.multiplicative();
    for (let op = this.operator('+', '-'); op; op = this.operator('+', '-')) left = op === '+' ? left.plus(this.multiplicative()) : left.minus(this.multiplicative());
    return left;
  }

  private multiplicative(): Column {
    let left = this.unary();
    for (let op = this.operator('*', '/', '%'); op; op = this.operator('*', '/', '%')) {
      const right = this.unary();
      left = op === '*' ? left.multiply(right) : op === '/' ? left.divide(right) : left.mod(right);
    }
    return left;
  }

  private unary(): Column {
    if (this.operator('-')) {
      const operand = this.unary();
      const e = operand.expr;
      return e instanceof Literal && typeof e.value === 'number' ? F.lit(-e.value) : F.lit(0).minus(operand);
    }
    if (this.operator('+')) return this.unary();
    return this.primary();
  }

  private primary(): Column {
    const t = this.next();
    if (t.kind === 'number') return F.lit(Number(t.text.replace(/[lLdD]$/, '')));
    if (t.kind === 'string') return F.lit(t.text);
    if (t.kind === 'op' && t.text === '(') {
      const inner = this.expression();
      this.expectOperator(')');
      return inner;
    }
    if (t.kind !== 'ident') this.fail(`unexpected '${t.text || 'end of input'}'`, t.at);
    const word = t.quoted ? '' : t.text.toUpperCase();
    if (word === 'TRUE' || word === 'FALSE') return F.lit(word === 'TRUE');
    if (word === 'NULL') return F.lit(null);
    if (word === 'CAST') return this.cast();
    if (word === 'CASE') return this.caseWhen();
    if (word === 'INTERVAL') return this.interval();
    // Spark's SQL reads CURRENT_TIMESTAMP without parentheses as the function.
    if (word === 'CURRENT_TIMESTAMP' && this.peek().text !== '(') return F.current_timestamp();
    if (word === 'CURRENT_DATE' && this.peek().text !== '(') return F.current_date();
    if (word === 'DATE' && this.peek().kind === 'string') return this.dateLiteral();
    if (!t.quoted && this.operator('(')) return this.call(t);
    let name = t.text;
    while (this.operator('.')) name += `.${this.identifier()}`;
    return F.col(this.columnName(name));
  }

  // DATE 'yyyy-MM-dd' (Spark's typed literal).
  private dateLiteral(): Column {
    const t = this.next();
    const d = SqlDate.fromText(t.text);
    if (d === null) this.fail(`cannot parse the DATE literal '${t.text}'; write it as DATE 'yyyy-MM-dd'`, t.at);
    return F.lit(d);
  }

  private cast(): Column {
    this.expectOperator('(');
    const value = this.expression();
    if (!this.keyword('AS')) this.fail('expected AS in CAST(expression AS type)');
    const typeToken = this.next();
    const type = CAST_TYPES[typeToken.text.toLowerCase()];
    if (!type) this.fail(`unknown type '${typeToken.text}' in CAST; Flint casts to ${Object.keys(CAST_TYPES).join(', ')}`, typeToken.at);
    if (this.operator('(')) while (!this.operator(')')) this.next(); // DECIMAL(10, 2), VARCHAR(20): the size does not matter here
    this.expectOperator(')');
    return value.cast(type);
  }

  // CASE WHEN c THEN v ... [ELSE e] END, or CASE x WHEN a THEN v ... END (each WHEN compares x = a).
  private caseWhen(): Column {
    const subject = this.peekWord() === 'WHEN' ? undefined : this.expression();
    let result: Column | undefined;
    while (this.keyword('WHEN')) {
      const test = this.expression();
      if (!this.keyword('THEN')) this.fail('expected THEN in CASE WHEN condition THEN value');
      const condition = subject ? subject.equalTo(test) : test;
      result = result ? result.when(condition, this.expression()) : F.when(condition, this.expression());
    }
    if (!result) this.fail('expected WHEN after CASE');
    if (this.keyword('ELSE')) result = result.otherwise(this.expression());
    if (!this.keyword('END')) this.fail('expected END to close CASE');
    return result;
  }

  // (a, b, c) after IN.
  private parenthesized(): Column[] {
    this.expectOperator('(');
    const items = [this.expression()];
    while (this.operator(',')) items.push(this.expression());
    this.expectOperator(')');
    return items;
  }

  private pattern(op: string): string {
    const t = this.next();
    if (t.kind !== 'string') this.fail(`${op} needs a quoted pattern, e.g. ${op} '${op === 'LIKE' ? 'error%' : '^err.*'}'`, t.at);
    return t.text;
  }

  private peekWord(): string {
    const t = this.peek();
    return t.kind === 'ident' && !t.quoted ? t.text.toUpperCase() : '';
  }

  // INTERVAL 1 HOUR, INTERVAL '10 minutes': a duration in ms, which timestamp arithmetic adds.
  private interval(): Column {
    const t = this.next();
    let text = t.text;
    if (t.kind === 'number') text = `${t.text} ${this.identifier()}`;
    else if (t.kind !== 'string') this.fail('expected a duration after INTERVAL, e.g. INTERVAL 1 HOUR', t.at);
    return new Column(new Literal(parseInterval(text, 'INTERVAL')));
  }

  private call(name: Token): Column {
    const args: Arg[] = [];
    if (this.keyword('DISTINCT')) return this.distinctCall(name);
    this.keyword('ALL');
    if (!this.operator(')')) {
      do args.push(this.operator('*') ? STAR : this.expression());
      while (this.operator(','));
      this.expectOperator(')');
    }
    const f = FUNCTIONS[name.text.toLowerCase()];
    if (!f) this.fail(`undefined function '${name.text}'; expr knows ${Object.keys(FUNCTIONS).join(', ')}`, name.at);
    if (args.includes(STAR) && !['count', 'struct'].includes(name.text.toLowerCase())) this.fail(`'*' is only allowed in count(*) and struct(*)`, name.at);
    let c: Column;
    try {
      c = f(args);
    } catch (error) {
      if (error instanceof ArgumentError) this.fail(`${name.text}: ${error.message}`, name.at);
      throw error;
    }
    return this.keyword('OVER') ? this.over(c) : c;
  }

  // OVER ([PARTITION BY e, ...] [ORDER BY e [ASC|DESC], ...] [ROWS|RANGE BETWEEN bound AND bound])
  private over(fn: Column): Column {
    this.expectOperator('(');
    let spec = new WindowSpec();
    if (this.keyword('PARTITION')) {
      if (!this.keyword('BY')) this.fail('expected BY after PARTITION');
      const cols: Column[] = [];
      do cols.push(this.expression());
      while (this.operator(','));
      spec = spec.partitionBy(...cols);
    }
    if (this.keyword('ORDER')) {
      if (!this.keyword('BY')) this.fail('expected BY after ORDER');
      const cols: Column[] = [];
      do {
        const e = this.expression();
        const desc = this.keyword('DESC');
        if (!desc) this.keyword('ASC');
        if (this.keyword('NULLS') && !this.keyword('FIRST') && !this.keyword('LAST')) this.fail('expected FIRST or LAST after NULLS');
        cols.push(desc ? e.desc() : e);
      } while (this.operator(','));
      spec = spec.orderBy(...cols);
    }
    const kind = this.keyword('ROWS') ? 'rows' : this.keyword('RANGE') ? 'range' : undefined;
    if (kind) {
      if (!this.keyword('BETWEEN')) this.fail(`expected BETWEEN after ${kind.toUpperCase()}`);
      const start = this.frameBound();
      if (!this.keyword('AND')) this.fail('expected AND between the frame bounds');
      const end = this.frameBound();
      spec = kind === 'rows' ? spec.rowsBetween(start, end) : spec.rangeBetween(start, end);
    }
    this.expectOperator(')');
    return fn.over(spec);
  }

  private frameBound(): number {
    if (this.keyword('UNBOUNDED')) {
      if (this.keyword('PRECEDING')) return Window.unboundedPreceding;
      if (this.keyword('FOLLOWING')) return Window.unboundedFollowing;
      this.fail('expected PRECEDING or FOLLOWING after UNBOUNDED');
    }
    if (this.keyword('CURRENT')) {
      if (!this.keyword('ROW')) this.fail('expected ROW after CURRENT');
      return Window.currentRow;
    }
    const t = this.next();
    const n = Number(t.text);
    if (t.kind !== 'number' || !Number.isInteger(n)) this.fail(`expected UNBOUNDED, CURRENT ROW or a number of rows in the frame, found '${t.text}'`, t.at);
    if (this.keyword('PRECEDING')) return -n;
    if (this.keyword('FOLLOWING')) return n;
    return this.fail('expected PRECEDING or FOLLOWING after the number of rows', t.at);
  }

  // count(DISTINCT x) is Spark's count_distinct; other aggregates over distinct values are not in Flint.
  private distinctCall(name: Token): Column {
    if (name.text.toLowerCase() !== 'count') this.fail(`${name.text}(DISTINCT ...) is not supported; count(DISTINCT column) is`, name.at);
    const value = this.expression();
    if (this.operator(',')) this.fail('count(DISTINCT ...) over several columns is not supported; count one column, or concat them', name.at);
    this.expectOperator(')');
    return F.count_distinct(value);
  }

  protected identifier(): string {
    const t = this.next();
    if (t.kind !== 'ident') this.fail(`expected a name, found '${t.text || 'end of input'}'`, t.at);
    return t.text;
  }

  /** True when the next token is a word never taken as an implicit alias (FROM, WHERE, JOIN, ...). */
  protected reserved(): boolean {
    return isReserved(this.peek());
  }

  protected keyword(word: string): boolean {
    const t = this.peek();
    if (t.kind !== 'ident' || t.quoted || t.text.toUpperCase() !== word) return false;
    this.i++;
    return true;
  }

  protected operator<T extends string>(...ops: T[]): T | undefined {
    const t = this.peek();
    if (t.kind !== 'op' || !ops.includes(t.text as T)) return undefined;
    this.i++;
    return t.text as T;
  }

  protected expectOperator(op: string): void {
    if (!this.operator(op)) this.fail(`expected '${op}', found '${this.peek().text || 'end of input'}'`);
  }

  protected peek(): Token {
    return this.tokens[this.i]!;
  }

  protected next(): Token {
    const t = this.tokens[this.i]!;
    if (t.kind !== 'end') this.i++;
    return t;
  }

  protected fail(message: string, at = this.peek().at): never {
    throw new FlintError('INVALID_ARGUMENT', `cannot parse the ${this.what} "${this.source}": ${message} (at position ${at})`);
  }
}

// Words never taken as an implicit alias (`count(*) n` names the column n; `count(*) FROM` does not).
const RESERVED = new Set([
  'AND', 'OR', 'NOT', 'IS', 'AS', 'NULL', 'TRUE', 'FALSE', 'BETWEEN', 'IN', 'LIKE', 'RLIKE', 'REGEXP',
  'CASE', 'WHEN', 'THEN', 'ELSE', 'END',
  'SELECT', 'DISTINCT', 'FROM', 'WHERE', 'GROUP', 'BY', 'HAVING', 'ORDER', 'SORT', 'LIMIT', 'ASC', 'DESC', 'NULLS',
  'JOIN', 'INNER', 'LEFT', 'RIGHT', 'FULL', 'OUTER', 'CROSS', 'SEMI', 'ANTI', 'ON', 'USING', 'UNION', 'INTERSECT', 'EXCEPT', 'MINUS', 'ALL', 'ILIKE', 'OVER',
]);

function isReserved(t: Token): boolean {
  return !t.quoted && RESERVED.has(t.text.toUpperCase());
}

function tokenize(source: string, fail: (message: string, at: number) => never): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const c = source[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const at = i;
    if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(source[i + 1] ?? ''))) {
      const m = /^(?:[0-9]*\.?[0-9]+(?:[eE][+-]?[0-9]+)?|[0-9]+\.)[lLdD]?/.exec(source.slice(i))!;
      tokens.push({ kind: 'number', text: m[0], at });
      i += m[0].length;
    } else if (c === "'" || c === '"') {
      let text = '';
      for (i++; i < source.length && source[i] !== c; i++) text += source[i] === '\\' && i + 1 < source.length ? source[++i] : source[i];
      if (i >= source.length) fail('unterminated string', at);
      i++;
      tokens.push({ kind: 'string', text, at });
    } else if (c === '`') {
      const end = source.indexOf('`', i + 1);
      if (end < 0) fail('unterminated `quoted name`', at);
      tokens.push({ kind: 'ident', text: source.slice(i + 1, end), at, quoted: true });
      i = end + 1;
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(source.slice(i))!;
      tokens.push({ kind: 'ident', text: m[0], at });
      i += m[0].length;
    } else {
      const op = OPERATORS.find((o) => source.startsWith(o, i));
      if (!op) fail(`unexpected character '${c}'`, at);
      tokens.push({ kind: 'op', text: op, at });
      i += op.length;
    }
  }
  tokens.push({ kind: 'end', text: '', at: source.length });
  return tokens;
}

/** A function given arguments it cannot take. */
class ArgumentError extends Error {}

function column(args: Arg[], i: number): Column {
  const a = args[i];
  if (a === undefined || a === STAR) throw new ArgumentError(`argument ${i + 1} is missing`);
  return a;
}

function columns(args: Arg[]): Column[] {
  return args.map((_, i) => column(args, i));
}

function percentages(args: Arg[], i: number): number | number[] {
  const v = literal(args, i);
  if (typeof v === 'number') return v;
  if (Array.isArray(v) && v.every((x) => typeof x === 'number')) return v as number[];
  throw new ArgumentError(`argument ${i + 1} must be a percentage between 0.0 and 1.0, or array(...) of them`);
}

function maybeNot(c: Column, negated: boolean): Column {
  return negated ? c.not() : c;
}

// A constant argument: a literal, or an expression of literals such as `100.0 / 1000` (folded, as Spark's optimizer does).
function literal(args: Arg[], i: number): Value {
  const e = column(args, i).expr;
  if (e instanceof Literal) return e.value;
  if (containsExpr(e, (x) => x instanceof ColumnRef || x.aggregate === true)) throw new ArgumentError(`argument ${i + 1} must be a constant`);
  return e.eval({});
}

function text(args: Arg[], i: number): string {
  const v = literal(args, i);
  if (typeof v !== 'string') throw new ArgumentError(`argument ${i + 1} must be a string such as '10 minutes'`);
  return v;
}

function noArguments(args: Arg[], fn: string): void {
  if (args.length > 0) throw new ArgumentError(`${fn}() takes no arguments`);
}
