// SQL queries over temporary views (Spark's `spark.sql`): a SELECT statement parsed into the same
// logical operators the DataFrame methods build, so `flint.sql(...)` over a streaming view is a
// streaming DataFrame like its DataFrame-method twin, and over static views a static one.
import { FlintError } from '../errors.js';
import { Column } from './column.js';
import type { DataFrame } from './dataframe.js';
import { Dataset } from './dataframe.js';
import { Alias, ColumnRef, hasAggregate, stripAlias, type Expression } from './expressions/expression.js';
import { ExpressionParser } from './expressions/parser.js';
import { named } from './expressions/scalar.js';
import { parseJoinType, type JoinTypeName } from './join-type.js';
import { Aggregate, Filter, Project, Sort, type LogicalPlan, type SortOrder } from './logical-plan.js';

/** Finds the DataFrame a name in FROM or JOIN stands for (a temporary view or a memory sink's table). */
export type RelationResolver = (name: string) => DataFrame;

/** Parses one SELECT statement (optionally ending in `;`) into a DataFrame over the views `resolve` finds. */
export function parseQuery(text: string, resolve: RelationResolver): DataFrame {
  if (typeof text !== 'string') throw new FlintError('INVALID_ARGUMENT', 'sql needs a SELECT statement, e.g. sql("SELECT word, count(*) FROM words GROUP BY word")');
  const parser = new QueryParser(text, resolve);
  const df = parser.query();
  parser.endOfStatement();
  return df;
}

/** The parts of one SELECT, before they become operators. */
interface SelectClauses {
  distinct: boolean;
  /** Expressions, `*`, or `{ star: 'x' }` for `x.*` (a relation's columns, or a struct column's fields). */
  items: (Expression | '*' | { star: string })[];
  from: DataFrame;
  /** The columns of each relation in FROM, by lower-cased name and alias. */
  relations: Map<string, readonly string[]>;
  where?: Expression;
  groupBy?: Expression[];
  having?: Expression;
  orderBy: SortOrder[];
  limit?: number;
}

class QueryParser extends ExpressionParser {
  /** Names and aliases of the relations in FROM and JOIN clauses, lower-cased: `t.col` reads `col`. */
  private readonly qualifiers: ReadonlySet<string>;
  /** Common table expressions (`WITH`) in scope, by lower-cased name: they shadow views. */
  private ctes = new Map<string, DataFrame>();

  constructor(
    text: string,
    private readonly resolve: RelationResolver,
  ) {
    super(text, 'SQL statement');
    this.qualifiers = relationNames(this.tokens);
  }

  /** `[WITH name AS (query), ...] select [UNION [ALL] select]...`. */
  query(): DataFrame {
    const outer = this.ctes;
    if (this.keyword('WITH')) this.ctes = this.commonTableExpressions();
    try {
      return this.union();
    } finally {
      this.ctes = outer;
    }
  }

  // `name [(columns)] AS (query)`, comma separated: each sees the ones before it (Spark's CTEs).
  private commonTableExpressions(): Map<string, DataFrame> {
    const ctes = new Map(this.ctes);
    this.ctes = ctes;
    const defined = new Set<string>();
    do {
      const nameAt = this.peek().at;
      const name = this.identifier();
      let columns: string[] | undefined;
      if (this.operator('(')) {
        columns = this.list(() => this.identifier());
        this.expectOperator(')');
      }
      this.expectKeyword('AS');
      this.expectOperator('(');
      const at = this.peek().at;
      let df = this.query();
      this.expectOperator(')');
      if (columns !== undefined) {
        if (columns.length !== df.columns.length) this.fail(`WITH ${name}(${columns.join(', ')}) names ${columns.length} columns, but its query has ${df.columns.length} (${df.columns.join(', ')})`, at);
        df = df.toDF(...columns);
      }
      if (defined.has(name.toLowerCase())) this.fail(`CTE definition can't have duplicate names: ${name} (DUPLICATED_CTE_NAMES)`, nameAt);
      defined.add(name.toLowerCase());
      ctes.set(name.toLowerCase(), df);
    } while (this.operator(','));
    return ctes;
  }

  // `select (UNION | INTERSECT | EXCEPT | MINUS) [ALL | DISTINCT] select ...`, left to right.
  private union(): DataFrame {
    let df = this.select();
    for (let op = this.setOperator(); op !== undefined; op = this.setOperator()) {
      const all = this.keyword('ALL');
      if (!all) this.keyword('DISTINCT');
      const next = this.select();
      if (op === 'UNION') df = all ? df.union(next) : df.union(next).dropDuplicates();
      else if (op === 'INTERSECT') df = all ? df.intersectAll(next) : df.intersect(next);
      else df = all ? df.exceptAll(next) : df.except(next);
    }
    return df;
  }

  private setOperator(): 'UNION' | 'INTERSECT' | 'EXCEPT' | undefined {
    if (this.keyword('UNION')) return 'UNION';
    if (this.keyword('INTERSECT')) return 'INTERSECT';
    return this.keyword('EXCEPT') || this.keyword('MINUS') ? 'EXCEPT' : undefined;
  }

  endOfStatement(): void {
    this.operator(';');
    this.expectEnd();
  }

  protected override columnName(name: string): string {
    const dot = name.indexOf('.');
    return dot > 0 && this.qualifiers.has(name.slice(0, dot).toLowerCase()) ? name.slice(dot + 1) : name;
  }

  private select(): DataFrame {
    if (!this.keyword('SELECT')) this.fail(`expected SELECT, found '${this.peek().text || 'end of input'}'; Flint's sql runs SELECT queries`);
    const distinct = this.keyword('DISTINCT');
    if (!distinct) this.keyword('ALL');
    const items = this.list((): SelectClauses['items'][number] => {
      if (this.operator('*')) return '*';
      const star = this.qualifiedStar();
      return star ? { star } : named(this.aliased().expr);
    });
    if (!this.keyword('FROM')) this.fail(`expected FROM after the select list, found '${this.peek().text || 'end of input'}'`);
    const relations = new Map<string, readonly string[]>();
    const clauses: SelectClauses = { distinct, items, from: this.from(relations), orderBy: [], relations };
    if (this.keyword('WHERE')) clauses.where = this.expression().expr;
    if (this.keyword('GROUP')) {
      this.expectKeyword('BY');
      clauses.groupBy = this.list(() => named(this.expression().expr));
    }
    if (this.keyword('HAVING')) clauses.having = this.expression().expr;
    if (this.keyword('ORDER') || this.keyword('SORT')) {
      this.expectKeyword('BY');
      clauses.orderBy = this.list(() => this.sortOrder());
    }
    if (this.keyword('LIMIT')) clauses.limit = this.count('LIMIT');
    return plan(clauses);
  }

  // FROM relation [join]...; a comma (implicit cross join) is not supported.
  private from(relations: Map<string, readonly string[]>): DataFrame {
    let df = this.relation(relations);
    for (let type = this.joinType(); type !== undefined; type = this.joinType()) {
      const right = this.relation(relations);
      if (this.keyword('USING')) {
        this.expectOperator('(');
        const names = this.list(() => this.identifier());
        this.expectOperator(')');
        df = df.join(right, names, type);
      } else {
        if (!this.keyword('ON')) this.fail('expected ON condition or USING (columns) after the joined relation');
        df = df.join(right, this.expression(), type);
      }
    }
    if (this.operator(',')) this.fail('a comma between relations (a cross join) is not supported; join them with JOIN ... ON or USING');
    return df;
  }

  private relation(relations: Map<string, readonly string[]>): DataFrame {
    let df: DataFrame;
    if (this.operator('(')) {
      df = this.query();
      this.expectOperator(')');
    } else {
      const at = this.peek().at;
      const name = this.identifier();
      try {
        df = this.ctes.get(name.toLowerCase()) ?? this.resolve(name);
      } catch (error) {
        if (error instanceof FlintError) this.fail(error.message, at);
        throw error;
      }
      relations.set(name.toLowerCase(), df.columns);
    }
    if (this.keyword('AS') || (this.peek().kind === 'ident' && !this.reserved())) relations.set(this.identifier().toLowerCase(), df.columns);
    return df;
  }

  // `name.*` (possibly `a.b.*`): the prefix, with the tokens read; undefined, reading nothing, otherwise.
  private qualifiedStar(): string | undefined {
    const start = this.i;
    const parts: string[] = [];
    while (this.peek().kind === 'ident' && this.tokens[this.i + 1]?.text === '.') {
      parts.push(this.next().text);
      this.next();
      if (this.operator('*')) return parts.join('.');
    }
    this.i = start;
    return undefined;
  }

  private joinType(): JoinTypeName | undefined {
    if (this.keyword('JOIN')) return 'inner';
    const at = this.i;
    let type: JoinTypeName | undefined;
    if (this.keyword('INNER')) type = 'inner';
    else if (this.keyword('CROSS')) this.fail('CROSS JOIN is not supported; join on a condition or USING columns');
    else if (this.keyword('LEFT')) type = this.keyword('SEMI') ? 'left_semi' : this.keyword('ANTI') ? 'left_anti' : (this.keyword('OUTER'), 'left_outer');
    else if (this.keyword('RIGHT')) type = (this.keyword('OUTER'), 'right_outer');
    else if (this.keyword('FULL')) type = (this.keyword('OUTER'), 'full_outer');
    else if (this.keyword('SEMI')) type = 'left_semi';
    else if (this.keyword('ANTI')) type = 'left_anti';
    if (type === undefined) return undefined;
    if (!this.keyword('JOIN')) {
      this.i = at;
      this.fail('expected JOIN');
    }
    return parseJoinType(type);
  }

  private sortOrder(): SortOrder {
    const expr = this.expression().expr;
    const ascending = this.keyword('DESC') ? false : (this.keyword('ASC'), true);
    if (this.keyword('NULLS')) {
      const first = this.keyword('FIRST');
      if (!first && !this.keyword('LAST')) this.fail('expected FIRST or LAST after NULLS');
      if (first !== ascending) this.fail(`NULLS ${first ? 'FIRST' : 'LAST'} with ${ascending ? 'ASC' : 'DESC'} is not supported: Flint sorts nulls first ascending and last descending, as Spark's default`);
    }
    return { expr, ascending };
  }

  private count(clause: string): number {
    const t = this.next();
    const n = Number(t.text);
    if (t.kind !== 'number' || !Number.isInteger(n) || n < 0) this.fail(`${clause} needs a non-negative whole number, found '${t.text || 'end of input'}'`, t.at);
    return n;
  }

  private list<T>(item: () => T): T[] {
    const out = [item()];
    while (this.operator(',')) out.push(item());
    return out;
  }

  private expectKeyword(word: string): void {
    if (!this.keyword(word)) this.fail(`expected ${word}, found '${this.peek().text || 'end of input'}'`);
  }
}

/** The operators of one SELECT, in SQL's order: FROM, WHERE, GROUP BY, HAVING, ORDER BY, SELECT, DISTINCT, LIMIT. */
function plan(c: SelectClauses): DataFrame {
  let df = c.from;
  if (c.where) df = df.filter(new Column(c.where));
  const items = c.items.flatMap((item) => (item === '*' ? df.columns.map((n) => new ColumnRef(n)) : typeof item === 'object' && 'star' in item ? starItems(item.star, df, c.relations) : [item]));
  const aggregated = c.groupBy !== undefined || [...items, ...(c.having ? [c.having] : [])].some(hasAggregate);
  let logical = df.logicalPlan;
  let outputs = items;
  const groupings = c.groupBy ?? [];
  if (aggregated) {
    const leaves = new Map<string, Expression>();
    // A select item that is an aggregate is the aggregation's column itself, alias and all.
    outputs = items.map((e) => {
      if (!stripAlias(e).aggregate) return overGroups(e, groupings);
      leaves.set(e.name, e);
      return new ColumnRef(e.name);
    });
    for (const leaf of aggregateLeaves([...outputs, ...(c.having ? [c.having] : []), ...c.orderBy.map((o) => o.expr)])) if (!leaves.has(leaf.name)) leaves.set(leaf.name, leaf);
    logical = new Aggregate(logical, groupings, [...leaves.values()]);
    // HAVING may name an aggregate's alias (`HAVING n > 1`): it is a column of the aggregation.
    if (c.having) logical = new Filter(logical, overGroups(c.having, groupings, [...leaves.keys()]));
  }
  // ORDER BY may name a select item (by its alias): it sorts by that item's expression.
  const sortKey = (e: Expression): Expression => {
    const item = e instanceof ColumnRef ? outputs.find((i) => i.name === e.name) : undefined;
    return item ? stripAlias(item) : aggregated ? overGroups(e, groupings) : e;
  };
  if (c.orderBy.length > 0) logical = new Sort(logical, c.orderBy.map((o) => ({ expr: sortKey(o.expr), ascending: o.ascending })));
  if (!isIdentity(outputs, logical)) logical = new Project(logical, outputs);
  let result: DataFrame = new Dataset(df.session, logical);
  if (c.distinct) result = result.dropDuplicates();
  if (c.limit !== undefined) result = result.limit(c.limit);
  return result;
}

// `t.*`: the columns of relation t; `s.*`: the fields of struct column s.
function starItems(prefix: string, df: DataFrame, relations: ReadonlyMap<string, readonly string[]>): Expression[] {
  const relation = relations.get(prefix.toLowerCase());
  if (relation) return relation.filter((n) => df.columns.includes(n)).map((n) => new ColumnRef(n));
  const schema = df.schema;
  const t = schema && new ColumnRef(prefix).dataType(schema);
  if (typeof t !== 'object' || t.type !== 'struct') throw new FlintError('INVALID_ARGUMENT', `${prefix}.*: "${prefix}" is neither a relation in FROM nor a struct column`);
  return t.fields.map((f) => new Alias(new ColumnRef(`${prefix}.${f.name}`), f.name));
}

// A select item of an aggregation reads the grouping columns by name: `lower(word)` grouped by
// `lower(word)` is that column. Other columns outside aggregate functions are an error, as in Spark.
function overGroups(e: Expression, groupings: readonly Expression[], aggregated: readonly string[] = []): Expression {
  const inner = stripAlias(e);
  const group = groupings.find((g) => g.name === inner.name);
  if (group) return e.name === group.name ? new ColumnRef(group.name) : new Alias(new ColumnRef(group.name), e.name);
  const loose = ungrouped(inner, [...groupings.map((g) => g.name), ...aggregated]);
  if (loose) {
    throw new FlintError('INVALID_ARGUMENT', `[MISSING_AGGREGATION] The expression "${e.name}" reads column "${loose}", which is neither in the GROUP BY nor inside an aggregate function; add it to GROUP BY, or aggregate it (e.g. max, count)`);
  }
  return e;
}

function ungrouped(e: Expression, groups: readonly string[]): string | undefined {
  if (e.aggregate || groups.includes(e.name)) return undefined;
  // A field of a grouping column (`window.start` when grouped by a window) is grouped too.
  if (e instanceof ColumnRef) return groups.includes(e.name.split('.')[0]!) ? undefined : e.name;
  for (const child of e.children) {
    const name = ungrouped(child, groups);
    if (name) return name;
  }
  return undefined;
}

// Every aggregate function the items, HAVING and ORDER BY compute over, once per name.
function aggregateLeaves(exprs: readonly Expression[]): Expression[] {
  const leaves = new Map<string, Expression>();
  const visit = (e: Expression): void => {
    if (e.aggregate && !(e instanceof Alias)) leaves.set(e.name, e);
    else e.children.forEach(visit);
  };
  exprs.forEach(visit);
  return [...leaves.values()];
}

// No projection is needed when the items are the plan's columns in order (keeps the columnar aggregation path).
function isIdentity(items: readonly Expression[], logical: LogicalPlan): boolean {
  const names = logical.schema?.fieldNames;
  return names !== undefined && names.length === items.length && items.every((e, i) => e instanceof ColumnRef && e.name === names[i]);
}

// Relation names and aliases: the identifiers after FROM or JOIN, and the alias after a relation.
function relationNames(tokens: readonly { kind: string; text: string; quoted?: boolean }[]): Set<string> {
  const names = new Set<string>();
  const word = (i: number): string => (tokens[i]?.kind === 'ident' && !tokens[i]!.quoted ? tokens[i]!.text.toUpperCase() : '');
  for (let i = 0; i < tokens.length; i++) {
    if (word(i) !== 'FROM' && word(i) !== 'JOIN') continue;
    let j = i + 1;
    if (tokens[j]?.kind === 'ident') names.add(tokens[j++]!.text.toLowerCase());
    else if (tokens[j]?.text === '(') j = closing(tokens, j) + 1;
    if (word(j) === 'AS') j++;
    if (tokens[j]?.kind === 'ident' && !CLAUSE_WORDS.has(word(j))) names.add(tokens[j]!.text.toLowerCase());
  }
  return names;
}

const CLAUSE_WORDS = new Set(['WHERE', 'GROUP', 'HAVING', 'ORDER', 'SORT', 'LIMIT', 'JOIN', 'INNER', 'LEFT', 'RIGHT', 'FULL', 'CROSS', 'SEMI', 'ANTI', 'ON', 'USING', 'UNION', 'INTERSECT', 'EXCEPT', 'MINUS']);

function closing(tokens: readonly { text: string; kind: string }[], open: number): number {
  let depth = 0;
  for (let i = open; i < tokens.length; i++) {
    if (tokens[i]!.kind !== 'op') continue;
    if (tokens[i]!.text === '(') depth++;
    else if (tokens[i]!.text === ')' && --depth === 0) return i;
  }
  return tokens.length;
}
