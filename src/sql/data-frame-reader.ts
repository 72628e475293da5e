// DataFrameReader (Spark's `spark.read`): files read once into a static DataFrame, for lookup
// tables joined with streams, and for reading back what a query wrote. A path is a file or a
// directory (its partition directories give columns; a file sink's output is read through its
// `_spark_metadata` log). Without a schema, JSON and CSV schemas are inferred as Spark's are.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { FlintError } from '../errors.js';
import type { DataFrame } from './dataframe.js';
import { partitionValuesOfPath, withPartitionValues } from './partition-paths.js';
import { StructType, type Row } from './schema.js';
import type { FlintSession } from './session.js';
import { csvOptions, parseFile, type FileFormat } from './sources/file-formats.js';
import { listDataFiles } from './sources/file-listing.js';
import { inferCsvSchema, inferJsonSchema, partitionColumnType } from './sources/schema-inference.js';
import { SchemaOptionsBuilder } from './options-builder.js';
import { ExternalRelation } from './logical-plan.js';
import { readKafkaBatch } from './sources/kafka/kafka-batch-read.js';
import { parseKafkaBatchOptions, refuseUserSchema } from './sources/kafka/kafka-source-options.js';
import { kafkaSchema } from './sources/kafka/kafka-source.js';

/** Reads files into a static DataFrame (Spark's `DataFrameReader`). */
export class DataFrameReader extends SchemaOptionsBuilder {
  private fileFormat: FileFormat | 'kafka' = 'json';

  constructor(private readonly session: FlintSession) {
    super();
  }

  /**
   * `json` (the default, as Spark's `spark.sql.sources.default` is parquet, which Flint does not
   * read), `csv`, `text`, or `kafka` (the records between `startingOffsets` and `endingOffsets`).
   */
  format(source: FileFormat | 'kafka' | string): this {
    if (source !== 'json' && source !== 'csv' && source !== 'text' && source !== 'kafka') {
      throw new FlintError('INVALID_ARGUMENT', `read.format: unknown or unsupported format "${source}"; Flint reads json, csv, text and kafka (not parquet or orc)`);
    }
    this.fileFormat = source;
    return this;
  }







  /** The rows of the files at `path` (or option `path`); for `kafka`, of the topics the options name, read when an action runs. */
  load(path?: string): DataFrame {
    const format = this.fileFormat;
    if (format === 'kafka') return this.kafka(path);
    const where = path ?? this.options.get('path');
    if (where === undefined) throw new FlintError('INVALID_ARGUMENT', "read: no path; pass it to load(path), json(path), csv(path) or text(path)");
    const root = resolve(where);
    if (!existsSync(root)) throw new FlintError('INVALID_ARGUMENT', `[PATH_NOT_FOUND] Path does not exist: file:${root}`);
    const files = statSync(root).isFile() ? [root] : listDataFiles(root).map((f) => f.path).sort();
    const texts = files.map((f) => readFileSync(f, 'utf8'));
    const partitions = files.map((f) => (f === root ? new Map<string, string | null>() : partitionValuesOfPath(relative(root, f))));
    const schema = this.userSchema ?? this.inferredSchema(texts, partitions);
    const csv = csvOptions(this.options);
    const zone = this.session.conf.sessionTimeZone();
    const rows: Row[] = [];
    files.forEach((_, i) => {
      const values = partitions[i]!;
      const dataSchema = new StructType(schema.fields.filter((f) => !values.has(f.name)));
      for (const row of parseFile(texts[i]!, format, dataSchema, csv, zone)) rows.push(values.size === 0 ? row : withPartitionValues(row, values, schema));
    });
    return this.session.createDataFrame(rows, schema);
  }

  // Spark's KafkaRelation: the options are checked now, the records read by each action.
  private kafka(path: string | undefined): DataFrame {
    if (path !== undefined) throw new FlintError('INVALID_ARGUMENT', 'kafka source: load() takes no path; name the topics with subscribe, subscribePattern or assign');
    refuseUserSchema(this.userSchema);
    const options = parseKafkaBatchOptions(this.options);
    return this.session.externalDataFrame(new ExternalRelation(kafkaSchema(options.includeHeaders), 'kafka', () => readKafkaBatch(options)));
  }

  /** JSON lines at `path` (Spark's `read.json`). */
  json(path: string): DataFrame {
    return this.format('json').load(path);
  }

  /** CSV at `path` (Spark's `read.csv`; options `header`, `sep`, `inferSchema`). */
  csv(path: string): DataFrame {
    return this.format('csv').load(path);
  }

  /** Lines of text at `path`, one row `{ value }` each (Spark's `read.text`). */
  text(path: string): DataFrame {
    return this.format('text').load(path);
  }

  // The files' columns, then the partition directories' columns, as Spark orders them.
  private inferredSchema(texts: readonly string[], partitions: readonly ReadonlyMap<string, string | null>[]): StructType {
    const data =
      this.fileFormat === 'text'
        ? new StructType([{ name: 'value', dataType: 'string', nullable: true }])
        : this.fileFormat === 'json'
          ? inferJsonSchema(texts)
          : inferCsvSchema(texts, csvOptions(this.options), (this.options.get('inferschema') ?? 'false').toLowerCase() === 'true');
    const names = [...new Set(partitions.flatMap((p) => [...p.keys()]))].filter((n) => !data.field(n));
    const columns = names.map((name) => ({ name, dataType: partitionColumnType(partitions.map((p) => p.get(name) ?? null)), nullable: true }));
    return new StructType([...data.fields, ...columns]);
  }
}
