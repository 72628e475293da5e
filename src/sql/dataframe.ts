// Dataset and DataFrame (Spark's): a logical plan with Spark's transformations. A DataFrame is a
// Dataset of rows; `as<T>()` gives typed rows for map/flatMap/filter lambdas. Streaming ones are
// written with `writeStream`; static ones (from createDataFrame, or foreachBatch) can be collected.
import { FlintError } from '../errors.js';
import { Column, toColumn } from './column.js';
import { DataFrameWriter } from './data-frame-writer.js';
import { DataStreamWriter } from './data-stream-writer.js';
import { Alias, ColumnRef, hasAggregate, Literal, SortDirection, stripAlias, type Expression } from './expressions/expression.js';
import { DataFrameNaFunctions, type FillValue } from './data-frame-na-functions.js';
import { Count } from './expressions/aggregates.js';
import { parseExpression } from './expressions/parser.js';
import { named } from './expressions/scalar.js';
import { parseInterval } from './interval.js';
import { parseJoinType, type JoinTypeName } from './join-type.js';
import { KeyValueGroupedDataset } from './key-value-grouped-dataset.js';
import { Aggregate, Deduplicate, EventTimeWatermark, Filter, Join, Limit, MapElements, Project, SetOperation, Sort, Union, type LogicalPlan } from './logical-plan.js';
import { toRow, typeName, type Row, type StructType } from './schema.js';
import type { FlintSession } from './session.js';
import { showString } from './show-string.js';

/** A typed table, streaming or static (Spark's `Dataset[T]`). */
export class Dataset<T = Row> {
  constructor(
    /** The session that made it. */
    readonly session: FlintSession,
    /** Its logical plan. */
    readonly logicalPlan: LogicalPlan,
  ) {}

  /** Its columns, when known before running (unknown after a typed map without a schema). */
  get schema(): StructType | undefined {
    return this.logicalPlan.schema;
  }

  /** Column names. */
  get columns(): string[] {
    return this.schema?.fieldNames ?? [];
  }

  /** True when a streaming source feeds it. */
  get isStreaming(): boolean {
    return this.logicalPlan.isStreaming;
  }

  /** Spark's `printSchema`, returned as text. */
  printSchema(): string {
    return this.schema?.treeString() ?? 'root\n';
  }

  /** Columns computed from each row; `explode` gives one row per element; `'s.*'` gives the fields of struct column `s`. */
  select(...cols: (string | Column)[]): DataFrame {
    const exprs = cols.flatMap((c) => (typeof c === 'string' && c.endsWith('.*') ? this.starFields(c) : [named(toColumn(c).expr)]));
    if (exprs.length > 0 && exprs.every((e) => stripAlias(e).aggregate)) return this.derive(new Aggregate(this.logicalPlan, [], exprs));
    if (exprs.some(hasAggregate)) return this.groupBy().agg(...exprs.map((e) => new Column(e)));
    return this.derive(new Project(this.logicalPlan, exprs));
  }

  /** Rows sorted by columns, ascending unless `col(...).desc()` (Spark's `orderBy`; streams: complete mode after an aggregation). */
  orderBy(...cols: (string | Column)[]): Dataset<T> {
    const orders = cols.map((c) => {
      const e = toColumn(c).expr;
      return e instanceof SortDirection ? { expr: e.child, ascending: e.ascending } : { expr: e, ascending: true };
    });
    return this.derive(new Sort(this.logicalPlan, orders));
  }

  /** Same as {@link Dataset.orderBy}. */
  sort(...cols: (string | Column)[]): Dataset<T> {
    return this.orderBy(...cols);
  }

  /** Columns from SQL expression text (Spark's `selectExpr`): `selectExpr("CAST(value AS STRING)", "n * 2 AS twice")`. */
  selectExpr(...exprs: string[]): DataFrame {
    return this.select(
      ...exprs.flatMap((e): (string | Column)[] => {
        if (e.trim() === '*') return this.requireSchema('selectExpr("*")').fieldNames.map((n) => new Column(new ColumnRef(n)));
        return /^\s*[\w.]+\.\*\s*$/.test(e) ? [e.trim()] : [parseExpression(e)];
      }),
    );
  }

  /**
   * Rows where `condition` is true: a Column, SQL text (`filter("age > 21")`, Spark's
   * `filter(conditionExpr)`), or a typed predicate.
   */
  filter(condition: Column | string | ((row: T) => boolean)): Dataset<T> {
    if (typeof condition === 'string') condition = parseExpression(condition);
    if (condition instanceof Column) return this.derive(new Filter(this.logicalPlan, condition.expr));
    return this.derive(new MapElements(this.logicalPlan, (row) => (condition(row as T) ? [row] : []), this.schema));
  }

  /** Same as {@link Dataset.filter}. */
  where(condition: Column | string | ((row: T) => boolean)): Dataset<T> {
    return this.filter(condition);
  }

  /**
   * Columns added or replaced, all computed from this table's columns (Spark's `withColumns`: a
   * column given here is not seen by the others).
   */
  withColumns(columns: Readonly<Record<string, Column>>): DataFrame {
    return this.columnsSet('withColumns', Object.entries(columns));
  }

  // Columns replaced where they are, new ones appended: withColumn and withColumns.
  private columnsSet(what: string, columns: readonly (readonly [string, Column])[]): DataFrame {
    const cols = this.requireSchema(what).fieldNames;
    const added = columns.map(([name, c]) => [name, c.as(name).expr] as const);
    const exprs: Expression[] = cols.map((n) => added.find(([name]) => name === n)?.[1] ?? new ColumnRef(n));
    for (const [name, e] of added) if (!cols.includes(name)) exprs.push(e);
    return this.derive(new Project(this.logicalPlan, exprs));
  }

  /** Column names with Spark's type names, e.g. `[['word', 'string'], ['count', 'bigint']]` (Spark's `dtypes`). */
  get dtypes(): [string, string][] {
    return (this.schema?.fields ?? []).map((f) => [f.name, typeName(f.dataType)]);
  }

  /** Filling, dropping and replacing missing values (Spark's `df.na`). */
  get na(): DataFrameNaFunctions {
    return new DataFrameNaFunctions(this as unknown as DataFrame);
  }

  /** PySpark's `fillna`: {@link DataFrameNaFunctions.fill}. */
  fillna(value: FillValue | Readonly<Record<string, FillValue>>, subset?: readonly string[]): DataFrame {
    return this.na.fill(value, subset);
  }

  /** PySpark's `dropna(how, thresh, subset)`: {@link DataFrameNaFunctions.drop}; `thresh`, when given, wins over `how`. */
  dropna(how: 'any' | 'all' = 'any', thresh?: number, subset?: readonly string[]): DataFrame {
    return this.na.drop(thresh ?? how, subset);
  }

  /** This table with column `name` added or replaced. */
  withColumn(name: string, c: Column): DataFrame {
    return this.columnsSet('withColumn', [[name, c]]);
  }

  /** This table with a column renamed. */
  withColumnRenamed(existing: string, name: string): DataFrame {
    const exprs = this.requireSchema('withColumnRenamed').fieldNames.map((n) => (n === existing ? new Column(new ColumnRef(n)).as(name).expr : new ColumnRef(n)));
    return this.derive(new Project(this.logicalPlan, exprs));
  }

  /** This table without the named columns (names it does not have are ignored, as in Spark). */
  drop(...names: string[]): DataFrame {
    const exprs = this.requireSchema('drop').fieldNames.filter((n) => !names.includes(n)).map((n) => new ColumnRef(n));
    return this.derive(new Project(this.logicalPlan, exprs));
  }

  /** Groups rows by columns for `count()` or `agg(...)` (Spark's `groupBy`). */
  groupBy(...cols: (string | Column)[]): RelationalGroupedDataset {
    return new RelationalGroupedDataset(this as Dataset<unknown> as DataFrame, cols.map((c) => named(toColumn(c).expr)));
  }

  /** Aggregates every row into one group (Spark's `df.agg`). */
  agg(...aggregates: Column[]): DataFrame {
    return this.groupBy().agg(...aggregates);
  }

  /**
   * Declares `eventTime` a timestamp column whose rows may arrive up to `delayThreshold` late
   * (Spark's `withWatermark`): state older than max event time - delay is dropped, and append
   * mode emits a window once the watermark passes its end.
   */
  withWatermark(eventTime: string, delayThreshold: string): Dataset<T> {
    const delay = parseInterval(delayThreshold, 'withWatermark delayThreshold');
    return this.derive(new EventTimeWatermark(this.logicalPlan, eventTime, delay));
  }

  /** Drops rows whose `cols` (default: all) were seen before; with a watermark on one of them, state is bounded. */
  dropDuplicates(...cols: string[]): Dataset<T> {
    return this.derive(new Deduplicate(this.logicalPlan, cols.length > 0 ? cols : this.requireSchema('dropDuplicates').fieldNames));
  }

  /**
   * Drops rows whose `cols` (default: every column) equal an earlier row's, remembering a key only
   * until the watermark passes that row's event time plus the watermark delay (Spark's
   * `dropDuplicatesWithinWatermark`): for duplicates whose event times differ. A stream needs
   * `withWatermark` first.
   */
  dropDuplicatesWithinWatermark(...cols: string[]): Dataset<T> {
    return this.derive(new Deduplicate(this.logicalPlan, cols.length > 0 ? cols : this.requireSchema('dropDuplicatesWithinWatermark').fieldNames, true));
  }

  /**
   * Joins on using columns (Spark's `join(right, usingColumns, joinType)`), or on a condition
   * (`join(right, expr("adId = clickAdId AND clickTime <= impressionTime + interval 1 hour"))`:
   * its equalities between a left and a right column are the keys; both sides' columns are kept,
   * so their names must differ), with Spark's join types
   * and spellings (`inner`, `left`, `right`, `full`/`outer`, `left_semi`, `left_anti`, ...): two
   * static DataFrames, a stream with a static DataFrame, or two streams (append mode; outer and
   * semi joins need a watermarked key such as a window). Spark's rules for which side may stream
   * are checked at `start()`.
   */
  join<U>(right: Dataset<U>, on: string | string[] | Column, joinType: JoinTypeName = 'inner'): DataFrame {
    const type = parseJoinType(joinType);
    if (on instanceof Column) return this.derive(new Join(this.logicalPlan, right.logicalPlan, [], type, on.expr));
    return this.derive(new Join(this.logicalPlan, right.logicalPlan, typeof on === 'string' ? [on] : on, type));
  }

  /**
   * At most `n` rows (Spark's `limit`). On a stream in append mode, the first `n` rows over all
   * batches (counted in state, so a restart does not start over); in complete mode, the first `n`
   * rows of each result; not in update mode.
   */
  limit(n: number): Dataset<T> {
    return this.derive(new Limit(this.logicalPlan, n));
  }

  /** Names this DataFrame for {@link FlintSession.sql} and `table(name)`, replacing a view of that name (Spark's `createOrReplaceTempView`). */
  createOrReplaceTempView(viewName: string): void {
    this.session.catalog.createTempView(viewName, this as unknown as DataFrame, true);
  }

  /** Names this DataFrame for {@link FlintSession.sql}; fails if the name is taken (Spark's `createTempView`). */
  createTempView(viewName: string): void {
    this.session.catalog.createTempView(viewName, this as unknown as DataFrame, false);
  }

  /** The rows of both, matched by column position (Spark's `union`). */
  union(other: Dataset<T>): Dataset<T> {
    return this.derive(new Union(this.logicalPlan, other.logicalPlan));
  }

  /** Same as {@link Dataset.union} (Spark's deprecated name). */
  unionAll(other: Dataset<T>): Dataset<T> {
    return this.union(other);
  }

  /**
   * The rows of both, columns matched by name, not position (Spark's `unionByName`): the result
   * has this table's columns; with `allowMissingColumns`, a column only one side has is null on
   * the other, and the other's extra columns come last.
   */
  unionByName(other: Dataset<T>, allowMissingColumns = false): DataFrame {
    const mine = this.requireSchema('unionByName').fieldNames;
    const theirs = other.requireSchema('unionByName').fieldNames;
    const all = allowMissingColumns ? [...mine, ...theirs.filter((n) => !mine.includes(n))] : mine;
    const side = (df: Dataset<T>, has: readonly string[]): DataFrame =>
      df.select(
        ...all.map((n) => {
          if (has.includes(n)) return new Column(new ColumnRef(n));
          if (!allowMissingColumns) throw new FlintError('INVALID_ARGUMENT', `unionByName: cannot resolve column name "${n}" among (${has.join(', ')}); pass allowMissingColumns = true to fill it with null`);
          return new Column(new Literal(null)).as(n);
        }),
      );
    return side(this, mine).union(side(other, theirs));
  }

  /** Every pair of rows of both (Spark's `crossJoin`): a join with no condition. */
  crossJoin<U>(right: Dataset<U>): DataFrame {
    return this.join(right, new Column(new Literal(true)));
  }

  /** Distinct rows found in both, compared by position with nulls equal (Spark's `intersect`; static tables). */
  intersect(other: Dataset<T>): Dataset<T> {
    return this.derive(new SetOperation('intersect', false, this.logicalPlan, other.logicalPlan));
  }

  /** Rows found in both, each as many times as in both (Spark's `intersectAll`; static tables). */
  intersectAll(other: Dataset<T>): Dataset<T> {
    return this.derive(new SetOperation('intersect', true, this.logicalPlan, other.logicalPlan));
  }

  /** Distinct rows of this table not in `other` (Spark's `except`, SQL `EXCEPT`; static tables). */
  except(other: Dataset<T>): Dataset<T> {
    return this.derive(new SetOperation('except', false, this.logicalPlan, other.logicalPlan));
  }

  /** Rows of this table less those of `other`, duplicates counted (Spark's `exceptAll`; static tables). */
  exceptAll(other: Dataset<T>): Dataset<T> {
    return this.derive(new SetOperation('except', true, this.logicalPlan, other.logicalPlan));
  }

  /** `f(this)`: chains a function of a DataFrame (Spark's `transform`). */
  transform<U>(f: (df: this) => U): U {
    return f(this);
  }

  /** The same rows, typed as `U` for typed lambdas (Spark's `as[U]`). */
  as<U>(): Dataset<U> {
    return this as unknown as Dataset<U>;
  }

  /** Rows as a DataFrame; with names, the columns renamed by position (Spark's `toDF(colNames*)`). */
  toDF(...names: string[]): DataFrame {
    if (names.length === 0) return this as unknown as DataFrame;
    const cols = this.requireSchema('toDF').fieldNames;
    if (cols.length !== names.length) {
      throw new FlintError('INVALID_ARGUMENT', `toDF: the number of columns doesn't match; old column names (${cols.length}): ${cols.join(', ')}; new column names (${names.length}): ${names.join(', ')}`);
    }
    return this.derive(new Project(this.logicalPlan, cols.map((c, i) => new Column(new ColumnRef(c)).as(names[i]!).expr)));
  }

  /**
   * Applies `f` to each row. An object result is a row; anything else becomes column `value`
   * (as Spark's encoders do). Pass `schema` when later steps name columns of the result.
   */
  map<U>(f: (row: T) => U, schema?: StructType): Dataset<U> {
    return this.derive(new MapElements(this.logicalPlan, (row) => [toRow(f(row as T), 'map')], schema));
  }

  /** Applies `f` to each row and flattens the results (rows as in {@link Dataset.map}). */
  flatMap<U>(f: (row: T) => Iterable<U>, schema?: StructType): Dataset<U> {
    return this.derive(new MapElements(this.logicalPlan, (row) => [...f(row as T)].map((v) => toRow(v, 'map')), schema));
  }

  /** Groups rows by a key function for mapGroupsWithState / flatMapGroupsWithState (Spark's `groupByKey`). */
  groupByKey<K>(f: (row: T) => K): KeyValueGroupedDataset<K, T> {
    return new KeyValueGroupedDataset<K, T>(this, f);
  }

  /** The writer that starts a streaming query over this Dataset. */
  get writeStream(): DataStreamWriter<T> {
    return new DataStreamWriter<T>(this.session, this);
  }

  /** Static Datasets: the writer that saves them as files (Spark's `write`), e.g. each batch in `foreachBatch`. */
  get write(): DataFrameWriter<T> {
    return new DataFrameWriter<T>(this);
  }

  /** Static Datasets: every row. */
  async collect(): Promise<T[]> {
    return (await this.session.executeStatic(this.logicalPlan)) as T[];
  }

  /** Static Datasets: the first `n` rows (Spark's `head(n)` / `take(n)`). */
  async head(n = 1): Promise<T[]> {
    return (await this.session.executeStatic(new Limit(this.logicalPlan, n))) as T[];
  }

  /** Same as {@link Dataset.head}. */
  take(n: number): Promise<T[]> {
    return this.head(n);
  }

  /** Static Datasets: the first row; fails on an empty one, as Spark's `first()`. */
  async first(): Promise<T> {
    const [row] = await this.head(1);
    if (row === undefined) throw new FlintError('INVALID_ARGUMENT', 'first: the Dataset is empty');
    return row;
  }

  /** Static Datasets: true when there are no rows (Spark's `isEmpty`). */
  async isEmpty(): Promise<boolean> {
    return (await this.head(1)).length === 0;
  }

  /** The distinct rows (Spark's `distinct`, the same as `dropDuplicates()`). */
  distinct(): Dataset<T> {
    return this.dropDuplicates();
  }

  /**
   * Spark's `cache()` / `persist()`: a static DataFrame here is computed from rows already in
   * memory each time it runs, so there is nothing to keep; returns this Dataset for chaining.
   */
  cache(): this {
    return this;
  }

  /** Same as {@link Dataset.cache}. */
  persist(): this {
    return this;
  }

  /** Spark's `unpersist()`: the counterpart of {@link Dataset.cache}; returns this Dataset. */
  unpersist(): this {
    return this;
  }

  /** Static Datasets: the number of rows. */
  async count(): Promise<number> {
    return (await this.collect()).length;
  }

  /** Static Datasets: Spark's table text (`show()` prints it); `truncate` false or a width. */
  async showString(numRows = 20, truncate: boolean | number = true): Promise<string> {
    const rows = (await this.collect()) as Row[];
    const width = truncate === true ? 20 : truncate === false ? 0 : truncate;
    return showString(rows, this.schema ?? this.session.inferSchema(rows), numRows, width, this.session.conf.sessionTimeZone());
  }

  /** Static Datasets: prints the table as Spark's `show()`. */
  async show(numRows = 20, truncate: boolean | number = true): Promise<void> {
    this.session.out.write(`${await this.showString(numRows, truncate)}\n`);
  }

  private derive<U>(plan: LogicalPlan): Dataset<U> {
    return new Dataset<U>(this.session, plan);
  }

  // `data.*`: each field of struct column `data`, named as the field (Spark's star expansion).
  private starFields(star: string): Expression[] {
    const prefix = star.slice(0, -2);
    const t = new ColumnRef(prefix).dataType(this.requireSchema(`select("${star}")`));
    if (typeof t !== 'object' || t.type !== 'struct') throw new FlintError('INVALID_ARGUMENT', `select("${star}"): "${prefix}" is not a struct column, so it has no fields to expand`);
    return t.fields.map((f) => new Alias(new ColumnRef(`${prefix}.${f.name}`), f.name));
  }

  private requireSchema(what: string): StructType {
    if (!this.schema) throw new FlintError('INVALID_ARGUMENT', `${what} needs known columns; pass a schema to the map/flatMap before it`);
    return this.schema;
  }
}

/** A Dataset of rows (Spark's `DataFrame`). */
export type DataFrame = Dataset<Row>;


/** A DataFrame grouped by columns, waiting for its aggregates (Spark's `RelationalGroupedDataset`). */
export class RelationalGroupedDataset {
  constructor(
    private readonly df: DataFrame,
    private readonly groupings: readonly Expression[],
  ) {}

  /**
   * One column per aggregate, after the grouping columns. A column may compute over aggregates
   * and grouping columns (`max('n').minus(min('n'))`, `expr("sum(x) / count(*)")`): the
   * aggregates are computed, then the expression over them.
   */
  agg(...aggregates: Column[]): DataFrame {
    if (aggregates.length === 0) throw new FlintError('INVALID_ARGUMENT', 'agg needs at least one aggregate, e.g. agg(count("*"))');
    const exprs = aggregates.map((a) => a.expr);
    if (exprs.every((e) => stripAlias(e).aggregate)) return new Dataset(this.df.session, new Aggregate(this.df.logicalPlan, this.groupings, exprs));
    const leaves = new Map<string, Expression>();
    for (const e of exprs) for (const leaf of aggregateLeaves(stripAlias(e), e.name, this.groupings.map((g) => g.name))) leaves.set(leaf.name, leaf);
    const aggregate = new Aggregate(this.df.logicalPlan, this.groupings, [...leaves.values()]);
    const outputs = exprs.map((e) => (stripAlias(e).aggregate ? (e === stripAlias(e) ? new ColumnRef(e.name) : new Alias(new ColumnRef(stripAlias(e).name), e.name)) : e));
    return new Dataset(this.df.session, new Project(aggregate, [...this.groupings.map((g) => new ColumnRef(g.name)), ...outputs]));
  }

  /** Rows per group, in column `count`. */
  count(): DataFrame {
    return this.agg(new Column(new Count('count', undefined)));
  }
}

// The aggregate functions an agg column computes over. Outside them it may read only grouping columns.
function aggregateLeaves(e: Expression, column: string, groupings: readonly string[]): Expression[] {
  if (e.aggregate) return [e];
  if (e instanceof ColumnRef && !groupings.includes(e.name)) {
    throw new FlintError('INVALID_ARGUMENT', `agg: "${column}" reads column "${e.name}" outside an aggregate function; group by it, or aggregate it (count, sum, avg, min, max)`);
  }
  return e.children.flatMap((c) => aggregateLeaves(c, column, groupings));
}
