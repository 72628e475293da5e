// Schemas written as Spark's DDL strings (`StructType.fromDDL`): "id BIGINT, name STRING,
// tags ARRAY<STRING>, pos STRUCT<x: DOUBLE, y: DOUBLE>", as `schema(...)` and `from_json` take them.
import { FlintError } from '../errors.js';
import { StructType, type DataType, type StructField } from './schema.js';

const PRIMITIVES: Readonly<Record<string, DataType>> = {
  string: 'string', varchar: 'string', char: 'string',
  bigint: 'long', long: 'long', int: 'long', integer: 'long', smallint: 'long', tinyint: 'long', short: 'long', byte: 'long',
  double: 'double', float: 'double', real: 'double', decimal: 'double',
  boolean: 'boolean', timestamp: 'timestamp', timestamp_ltz: 'timestamp', date: 'date', binary: 'binary',
};

/** The schema a DDL string names; a mistake fails with what was expected where. */
export function parseDdlSchema(ddl: string): StructType {
  const p = new DdlParser(ddl);
  const fields = p.fields(undefined);
  p.end();
  return new StructType(fields);
}

class DdlParser {
  private i = 0;
  constructor(private readonly text: string) {}

  fields(close: string | undefined): StructField[] {
    const out: StructField[] = [];
    do {
      this.space();
      if (close !== undefined && this.peek() === close) break;
      const name = this.name();
      this.space();
      if (this.peek() === ':') this.i++;
      const dataType = this.type();
      this.skipModifiers();
      out.push({ name, dataType, nullable: true });
      this.space();
    } while (this.eat(','));
    return out;
  }

  end(): void {
    this.space();
    if (this.i < this.text.length) this.fail(`unexpected '${this.text.slice(this.i, this.i + 10)}'`);
  }

  private type(): DataType {
    this.space();
    const word = /^[A-Za-z_]+/.exec(this.text.slice(this.i))?.[0];
    if (!word) this.fail('expected a type');
    this.i += word.length;
    const lower = word.toLowerCase();
    if (lower === 'array') {
      this.expect('<');
      const elementType = this.type();
      this.space();
      this.expect('>');
      return { type: 'array', elementType };
    }
    if (lower === 'struct') {
      this.expect('<');
      const fields = this.fields('>');
      this.expect('>');
      return { type: 'struct', fields };
    }
    const t = PRIMITIVES[lower];
    if (!t) this.fail(`unknown type '${word}'; Flint knows ${Object.keys(PRIMITIVES).join(', ')}, ARRAY<...> and STRUCT<...>`);
    if (this.text[this.i] === '(') this.i = this.text.indexOf(')', this.i) + 1; // DECIMAL(10,2), VARCHAR(20)
    return t;
  }

  // NOT NULL and COMMENT '...' are accepted and ignored: Flint's columns are all nullable.
  private skipModifiers(): void {
    for (;;) {
      this.space();
      const rest = this.text.slice(this.i);
      const m = /^(NOT\s+NULL|COMMENT\s+'(?:[^'\\]|\\.)*')/i.exec(rest);
      if (!m) return;
      this.i += m[0].length;
    }
  }

  private name(): string {
    if (this.peek() === '`') {
      const end = this.text.indexOf('`', this.i + 1);
      if (end < 0) this.fail('unterminated `quoted name`');
      const name = this.text.slice(this.i + 1, end);
      this.i = end + 1;
      return name;
    }
    const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(this.text.slice(this.i));
    if (!m) this.fail('expected a column name');
    this.i += m[0].length;
    return m[0];
  }

  private space(): void {
    while (/\s/.test(this.text[this.i] ?? '')) this.i++;
  }

  private peek(): string | undefined {
    return this.text[this.i];
  }

  private eat(c: string): boolean {
    this.space();
    if (this.text[this.i] !== c) return false;
    this.i++;
    return true;
  }

  private expect(c: string): void {
    if (!this.eat(c)) this.fail(`expected '${c}'`);
  }

  private fail(message: string): never {
    throw new FlintError('INVALID_ARGUMENT', `cannot parse the schema "${this.text}": ${message} (at position ${this.i})`);
  }
}
