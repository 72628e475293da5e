// Missing values (Spark's DataFrameNaFunctions, `df.na`): fill nulls, drop rows with nulls, replace
// values. Each is a projection or a filter, so it works on streams as on static tables. As in
// Spark, NaN counts as missing in double columns, a fill value only goes into columns of its kind
// (a number into long and double columns, cast to the column's type; text into string columns; a
// boolean into boolean columns), and named columns of another kind are left alone.
import { FlintError } from '../errors.js';
import { Column } from './column.js';
import { Alias, ColumnRef, type Expression } from './expressions/expression.js';
import { ScalarFunction } from './expressions/scalar.js';
import type { DataFrame } from './dataframe.js';
import type { DataType, Value } from './schema.js';

/** A value `na.fill` puts in place of null. */
export type FillValue = number | string | boolean;

/** `df.na`: Spark's DataFrameNaFunctions. */
export class DataFrameNaFunctions {
  constructor(private readonly df: DataFrame) {}

  /**
   * Nulls (and NaN in double columns) replaced by `value` in the columns of its kind, or only in
   * `subset`; or, given `{ column: value }`, each named column filled with its value.
   */
  fill(value: FillValue | Readonly<Record<string, FillValue>>, subset?: readonly string[]): DataFrame {
    const fields = this.fields('fill');
    const perColumn = typeof value === 'object' ? new Map(Object.entries(value)) : undefined;
    if (perColumn) for (const name of perColumn.keys()) this.resolve(name, 'fill');
    for (const name of subset ?? []) this.resolve(name, 'fill');
    const exprs = fields.map(({ name, dataType }): Expression => {
      const fillWith = perColumn ? perColumn.get(name) : subset === undefined || subset.includes(name) ? (value as FillValue) : undefined;
      const v = fillWith === undefined ? undefined : fillFor(fillWith, dataType, perColumn !== undefined, name);
      return v === undefined ? new ColumnRef(name) : new Alias(filled(name, dataType, v), name);
    });
    return this.df.select(...exprs.map((e) => new Column(e)));
  }

  /**
   * Rows kept only with enough values: `how` `any` (the default) drops a row with any null or NaN
   * in `subset` (all columns by default), `all` only a row whose values are all missing; a number
   * keeps rows with at least that many present values (Spark's `minNonNulls`).
   */
  drop(how: 'any' | 'all' | number = 'any', subset?: readonly string[]): DataFrame {
    const names = subset ?? this.fields('drop').map((f) => f.name);
    for (const name of names) this.resolve(name, 'drop');
    const minPresent = typeof how === 'number' ? how : how === 'all' ? 1 : names.length;
    if (!Number.isInteger(minPresent) || minPresent < 0) throw new FlintError('INVALID_ARGUMENT', `na.drop: how must be 'any', 'all' or a whole number of values to keep a row, got ${String(how)}`);
    const present = (values: Value[]): Value => values.filter((v) => v !== null && !(typeof v === 'number' && Number.isNaN(v))).length >= minPresent;
    const keep = new ScalarFunction('dropna', names.map((n) => new ColumnRef(n)), 'boolean', present, false);
    return this.df.filter(new Column(keep)) as DataFrame;
  }

  /**
   * Values equal to a key of `replacement` replaced by its value, in `cols` (a name, a list, or
   * `'*'` for all columns of the keys' kind), as Spark's `na.replace`. Keys and values are all
   * numbers, all strings or all booleans (a null value replaces with null).
   */
  replace(cols: string | readonly string[], replacement: ReadonlyMap<Value, Value> | Readonly<Record<string, Value>>): DataFrame {
    const map = replacement instanceof Map ? new Map(replacement) : new Map<Value, Value>(Object.entries(replacement));
    const kinds = new Set([...map.keys()].map((k) => typeof k));
    if (kinds.size !== 1 || ![...kinds].every((k) => k === 'number' || k === 'string' || k === 'boolean')) {
      throw new FlintError('INVALID_ARGUMENT', 'na.replace: the keys must be all numbers, all strings or all booleans');
    }
    const kind = [...kinds][0] as 'number' | 'string' | 'boolean';
    const all = this.fields('replace');
    const names = cols === '*' ? all.filter((f) => kindOf(f.dataType) === kind).map((f) => f.name) : typeof cols === 'string' ? [cols] : [...cols];
    for (const name of names) this.resolve(name, 'replace');
    const exprs = all.map(({ name, dataType }): Expression => {
      if (!names.includes(name) || kindOf(dataType) !== kind) return new ColumnRef(name);
      const swap = new ScalarFunction('replace', [new ColumnRef(name)], dataType, ([v]) => (map.has(v!) ? map.get(v!)! : v!), false);
      return new Alias(swap, name);
    });
    return this.df.select(...exprs.map((e) => new Column(e)));
  }

  private fields(what: string) {
    const schema = this.df.schema;
    if (!schema) throw new FlintError('INVALID_ARGUMENT', `na.${what}: the DataFrame's columns are not known (after a typed map without a schema); pass a schema to map`);
    return schema.fields;
  }

  private resolve(name: string, what: string): void {
    this.df.schema!.resolve(name, `na.${what}`);
  }
}

function kindOf(t: DataType): 'number' | 'string' | 'boolean' | undefined {
  return t === 'long' || t === 'double' ? 'number' : t === 'string' ? 'string' : t === 'boolean' ? 'boolean' : undefined;
}

// The fill value as the column's type, or undefined when it is of another kind. A value given for
// one named column ({ column: value }) that does not fit it is an error, as in Spark.
function fillFor(v: FillValue, t: DataType, named: boolean, column: string): Value | undefined {
  if (kindOf(t) === typeof v) return t === 'long' ? Math.trunc(v as number) : v;
  if (named) throw new FlintError('INVALID_ARGUMENT', `na.fill: column "${column}" is ${typeof t === 'string' ? t : t.type}; a ${typeof v} cannot fill it`);
  return undefined;
}

function filled(name: string, t: DataType, fill: Value): Expression {
  const missing = (v: Value): boolean => v === null || (t === 'double' && typeof v === 'number' && Number.isNaN(v));
  return new ScalarFunction('coalesce', [new ColumnRef(name)], t, ([v]) => (missing(v!) ? fill : v!), false);
}
