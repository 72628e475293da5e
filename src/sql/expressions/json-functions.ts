// JSON in columns, as Spark's functions do it: `from_json` (a JSON string to a struct of a given
// schema, PERMISSIVE: malformed text gives a struct of nulls), `to_json` (a struct or array to JSON
// text, null fields left out), `struct` (columns as one struct column; `struct('*')` every column)
// and `get_json_object` (one value by a `$.a.b[0]` path, as text).
import { FlintError } from '../../errors.js';
import type { DataType, Row, StructType, Value } from '../schema.js';
import { convert } from '../sources/file-formats.js';
import type { Expression } from './expression.js';
import { SqlDate } from '../sql-date.js';

/** Spark's `from_json(col, schema)`. */
export class FromJson implements Expression {
  readonly children: readonly Expression[];
  readonly name: string;
  /** The session time zone: timestamps without an offset are read in it (the planner sets it). */
  timeZone = 'UTC';

  constructor(
    readonly child: Expression,
    readonly schema: StructType,
  ) {
    this.children = [child];
    this.name = `from_json(${child.name})`;
  }

  dataType(input: StructType): DataType {
    this.child.dataType(input);
    return { type: 'struct', fields: this.schema.fields };
  }

  eval(row: Row): Value {
    const v = this.child.eval(row);
    if (v === null) return null;
    const text = v instanceof Uint8Array ? Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('utf8') : String(v);
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    return typedStruct(parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {}, this.schema.fields, this.timeZone);
  }
}

/** Spark's `to_json(col)`. */
export class ToJson implements Expression {
  readonly children: readonly Expression[];
  readonly name: string;

  constructor(readonly child: Expression) {
    this.children = [child];
    this.name = `to_json(${child.name})`;
  }

  dataType(input: StructType): DataType {
    const t = this.child.dataType(input);
    if (typeof t === 'string') throw new FlintError('INVALID_ARGUMENT', `to_json needs a struct or an array column; "${this.child.name}" is ${t}; wrap columns in struct(...)`);
    return 'string';
  }

  eval(row: Row): Value {
    const v = this.child.eval(row);
    return v === null ? null : JSON.stringify(jsonable(v));
  }
}

/** Spark's `struct(cols...)`: one struct column of the columns, named as they are. */
export class StructOf implements Expression {
  readonly name: string;

  constructor(readonly children: readonly Expression[]) {
    this.name = `struct(${children.map((c) => c.name).join(', ')})`;
  }

  dataType(input: StructType): DataType {
    return { type: 'struct', fields: this.children.map((c) => ({ name: c.name, dataType: c.dataType(input), nullable: true })) };
  }

  eval(row: Row): Value {
    const out: Record<string, Value> = {};
    for (const c of this.children) out[c.name] = c.eval(row);
    return out;
  }
}

/** Spark's `struct("*")`: every column of the row as one struct. */
export class StructOfAll implements Expression {
  readonly children = [];
  readonly name = 'struct(*)';
  private fields: readonly string[] | undefined;

  dataType(input: StructType): DataType {
    this.fields = input.fieldNames;
    return { type: 'struct', fields: input.fields };
  }

  eval(row: Row): Value {
    return this.fields ? Object.fromEntries(this.fields.map((f) => [f, row[f] ?? null])) : { ...row };
  }
}

/** Spark's `get_json_object(json, path)`: the value at `$.a.b[0]` as text (a string as is, anything else as JSON), null when absent. */
export class GetJsonObject implements Expression {
  readonly children: readonly Expression[];
  readonly name: string;
  private readonly steps: (string | number)[];

  constructor(
    readonly child: Expression,
    path: string,
  ) {
    this.children = [child];
    this.name = `get_json_object(${child.name}, ${path})`;
    this.steps = jsonPath(path);
  }

  dataType(input: StructType): DataType {
    this.child.dataType(input);
    return 'string';
  }

  eval(row: Row): Value {
    const v = this.child.eval(row);
    if (v === null) return null;
    let node: unknown;
    try {
      node = JSON.parse(String(v));
    } catch {
      return null;
    }
    for (const step of this.steps) {
      if (node === null || typeof node !== 'object') return null;
      node = (node as Record<string | number, unknown>)[step];
    }
    if (node === undefined || node === null) return null;
    return typeof node === 'string' ? node : JSON.stringify(node);
  }
}

function typedStruct(obj: Record<string, unknown>, fields: StructType['fields'], zone: string): Row {
  return Object.fromEntries(fields.map((f) => [f.name, typedValue(obj[f.name], f.dataType, zone)]));
}

function typedValue(v: unknown, type: DataType, zone: string): Value {
  if (v === null || v === undefined) return null;
  if (typeof type === 'string') return convert(v, type, zone);
  if (type.type === 'array') return Array.isArray(v) ? v.map((x) => typedValue(x, type.elementType, zone)) : null;
  return typeof v === 'object' && !Array.isArray(v) ? typedStruct(v as Record<string, unknown>, type.fields, zone) : null;
}

// Values as JSON sees them: timestamps as ISO text, binary as base64, null struct fields left out (Spark's ignoreNullFields).
function jsonable(v: Value): unknown {
  if (v instanceof SqlDate) return v.toString();
  if (v instanceof Date) return v.toISOString();
  if (v instanceof Uint8Array) return Buffer.from(v).toString('base64');
  if (Array.isArray(v)) return v.map(jsonable);
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).filter(([, x]) => x !== null).map(([k, x]) => [k, jsonable(x as Value)]));
  return v;
}

function jsonPath(path: string): (string | number)[] {
  if (!path.startsWith('$')) throw new FlintError('INVALID_ARGUMENT', `get_json_object: the path "${path}" must start with $, e.g. $.user.name or $.items[0]`);
  const steps: (string | number)[] = [];
  const re = /\.([A-Za-z_][\w-]*)|\[(\d+)\]|\['([^']*)'\]/y;
  re.lastIndex = 1;
  while (re.lastIndex < path.length) {
    const at = re.lastIndex;
    const m = re.exec(path);
    if (!m) throw new FlintError('INVALID_ARGUMENT', `get_json_object: cannot read the path "${path}" at position ${at}; use $.field, $['field'] and [index]`);
    steps.push(m[1] ?? (m[2] !== undefined ? Number(m[2]) : m[3]!));
  }
  return steps;
}
