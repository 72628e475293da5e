// Schemas of streaming tables (Spark's StructType): column names and types, checked when a
// query is defined so a misspelt column fails at the call, not in the middle of a stream.
import { FlintError } from '../errors.js';
import { SqlDate } from './sql-date.js';

/** A column type (Spark's DataType); `long` and `double` are both JS numbers, told apart for display. */
export type DataType =
  | 'string'
  | 'long'
  | 'double'
  | 'boolean'
  | 'timestamp'
  | 'date'
  | 'binary'
  | { readonly type: 'array'; readonly elementType: DataType }
  | { readonly type: 'struct'; readonly fields: readonly StructField[] };

/** One column of a schema (Spark's StructField). */
export interface StructField {
  readonly name: string;
  readonly dataType: DataType;
  readonly nullable: boolean;
}

/** A value a row may hold: timestamps are Dates (dates are {@link SqlDate}s, Dates at midnight UTC), binary values Uint8Arrays (Buffers), arrays and structs nest. */
export type Value = string | number | boolean | Date | Uint8Array | null | readonly Value[] | { readonly [field: string]: Value };

/** One row of a streaming table: column name to value. */
export type Row = { readonly [column: string]: Value };

/** The columns of a table, in order (Spark's StructType). */
export class StructType {
  /** The fields, in column order. */
  readonly fields: readonly StructField[];

  constructor(fields: readonly StructField[] = []) {
    this.fields = fields;
  }

  /** This schema with one more column (Spark's `StructType.add`). */
  add(name: string, dataType: DataType, nullable = true): StructType {
    return new StructType([...this.fields, { name, dataType, nullable }]);
  }

  /** Column names, in order. */
  get fieldNames(): string[] {
    return this.fields.map((f) => f.name);
  }

  /** The field called `name`, if any. */
  field(name: string): StructField | undefined {
    return this.fields.find((f) => f.name === name);
  }

  /** The field called `name`; throws Spark's "cannot resolve" error naming the columns there are. */
  resolve(name: string, where: string): StructField {
    const field = this.field(name);
    if (!field) {
      throw new FlintError('INVALID_ARGUMENT', `${where}: cannot resolve column "${name}" given input columns: [${this.fieldNames.join(', ')}]`);
    }
    return field;
  }

  /** Spark's `simpleString`, e.g. `struct<word:string,count:bigint>`. */
  simpleString(): string {
    return `struct<${this.fields.map((f) => `${f.name}:${typeName(f.dataType)}`).join(',')}>`;
  }

  /** Spark's `treeString`, as `printSchema()` prints it. */
  treeString(): string {
    return `root\n${this.fields.map((f) => fieldTree(f, ' |')).join('')}`;
  }
}

// Spark's StructField.buildFormattedString: nested fields go 4 columns further in.
function fieldTree(f: StructField, prefix: string): string {
  const line = `${prefix}-- ${f.name}: ${treeTypeName(f.dataType)} (nullable = ${f.nullable})\n`;
  if (typeof f.dataType === 'object' && f.dataType.type === 'struct') {
    return line + f.dataType.fields.map((c) => fieldTree(c, `${prefix}    |`)).join('');
  }
  return line;
}

function treeTypeName(t: DataType): string {
  if (typeof t === 'object') return t.type;
  return typeName(t);
}

/** Spark's short name of a type: `string`, `bigint`, `double`, `boolean`, `timestamp`, `array<..>`, `struct<..>`. */
export function typeName(t: DataType): string {
  if (t === 'long') return 'bigint';
  if (typeof t === 'string') return t;
  if (t.type === 'array') return `array<${typeName(t.elementType)}>`;
  return new StructType(t.fields).simpleString();
}

/** Builds a schema from `{ name: type }`, in key order: `schemaOf({ word: 'string', n: 'long' })`. */
export function schemaOf(columns: Readonly<Record<string, DataType>>): StructType {
  return new StructType(Object.entries(columns).map(([name, dataType]) => ({ name, dataType, nullable: true })));
}

/** The type of a JS value as Flint stores it; undefined for null. */
export function typeOfValue(v: Value | undefined): DataType | undefined {
  if (v === null || v === undefined) return undefined;
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'boolean';
  if (typeof v === 'number') return Number.isInteger(v) ? 'long' : 'double';
  if (v instanceof SqlDate) return 'date';
  if (v instanceof Date) return 'timestamp';
  if (v instanceof Uint8Array) return 'binary';
  if (Array.isArray(v)) return { type: 'array', elementType: typeOfValue(v.find((x) => x !== null)) ?? 'string' };
  return { type: 'struct', fields: Object.entries(v).map(([name, x]) => ({ name, dataType: typeOfValue(x) ?? 'string', nullable: true })) };
}

/** A schema inferred from rows (column order of the first row); `value` for rows that are not objects. */
export function inferSchema(rows: readonly Row[]): StructType {
  const fields = new Map<string, DataType>();
  for (const row of rows) {
    for (const [name, v] of Object.entries(row)) {
      const t = typeOfValue(v);
      const seen = fields.get(name);
      if (!seen || (seen === 'long' && t === 'double')) fields.set(name, t ?? seen ?? 'string');
    }
  }
  return new StructType([...fields].map(([name, dataType]) => ({ name, dataType, nullable: true })));
}

/** A function result as a row: an object is a row, anything else becomes column `value` (as Spark's encoders). */
export function toRow(v: unknown, what: string): Row {
  if (v !== null && typeof v === 'object' && !(v instanceof Date) && !(v instanceof Uint8Array) && !Array.isArray(v)) return v as Row;
  if (v !== null && v !== undefined && typeOfValue(v as Value) === undefined) throw new FlintError('INVALID_ARGUMENT', `${what}: cannot store ${String(v)} in a row`);
  return { value: (v ?? null) as Value };
}
