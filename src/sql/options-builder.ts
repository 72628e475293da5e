// What every reader and writer of a DataFrame shares (Spark's DataFrameReader/Writer and their
// streaming twins): options by case-insensitive name, and for readers a schema in any of its forms.
import { parseDdlSchema } from './ddl-schema.js';
import { schemaOf, StructType, type DataType } from './schema.js';

/** Options by lower-cased name, as Spark keeps them. */
export abstract class OptionsBuilder {
  protected readonly options = new Map<string, string>();

  /** An option; names are case-insensitive, as in Spark. */
  option(key: string, value: string | number | boolean): this {
    this.options.set(key.toLowerCase(), String(value));
    return this;
  }

  /** Several options at once (Spark's `options(map)`). */
  optionsFrom(options: Record<string, string | number | boolean>): this {
    for (const [k, v] of Object.entries(options)) this.option(k, v);
    return this;
  }
}

/** A reader's options and the schema the program gives it. */
export abstract class SchemaOptionsBuilder extends OptionsBuilder {
  protected userSchema: StructType | undefined;

  /** The rows' schema: a StructType, `{ column: type }` or a DDL string (`"id BIGINT, name STRING"`). */
  schema(schema: StructType | Readonly<Record<string, DataType>> | string): this {
    this.userSchema = typeof schema === 'string' ? parseDdlSchema(schema) : schema instanceof StructType ? schema : schemaOf(schema);
    return this;
  }
}
