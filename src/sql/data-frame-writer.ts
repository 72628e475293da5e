// DataFrameWriter (Spark's `df.write`): a static DataFrame saved as files, e.g. each micro-batch
// from `foreachBatch`. The layout is Spark's: `part-00000-<uuid>-c000.<format>` files (one per
// partition directory with `partitionBy`) and an empty `_SUCCESS` once the write is complete.
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, open, rename, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { FlintError } from '../errors.js';
import type { Dataset } from './dataframe.js';
import { partitionDirectory } from './partition-paths.js';
import { StructType, type Row } from './schema.js';
import { csvOptions, formatFile, type FileFormat } from './sources/file-formats.js';
import { OptionsBuilder } from './options-builder.js';

/** What `save` does when the path exists (Spark's `SaveMode`). */
export type SaveMode = 'errorifexists' | 'error' | 'append' | 'overwrite' | 'ignore';

const MODES: readonly SaveMode[] = ['errorifexists', 'error', 'append', 'overwrite', 'ignore'];

/** Saves a static DataFrame as files (Spark's `DataFrameWriter`). */
export class DataFrameWriter<T> extends OptionsBuilder {
  private fileFormat: FileFormat = 'json';
  private saveMode: SaveMode = 'errorifexists';
  private partitionColumns: string[] = [];

  constructor(private readonly ds: Dataset<T>) {
    super();
    if (ds.isStreaming) throw new FlintError('UNSUPPORTED_OPERATION', "'write' can not be called on streaming Dataset/DataFrame; use writeStream");
  }

  /** `json` (default), `csv` or `text`. */
  format(source: FileFormat | string): this {
    if (source !== 'json' && source !== 'csv' && source !== 'text') throw new FlintError('INVALID_ARGUMENT', `write.format: unknown or unsupported format "${source}"; Flint writes json, csv and text`);
    this.fileFormat = source;
    return this;
  }

  /** `errorifexists` (default), `append`, `overwrite` or `ignore` (Spark's `SaveMode`). */
  mode(saveMode: SaveMode | string): this {
    const m = String(saveMode).toLowerCase() as SaveMode;
    if (!MODES.includes(m)) throw new FlintError('INVALID_ARGUMENT', `write.mode: unknown save mode "${saveMode}"; accepted save modes are 'overwrite', 'append', 'ignore', 'error', 'errorifexists'`);
    this.saveMode = m;
    return this;
  }



  /** Writes each row under `column=value/` directories, without those columns (Spark's `partitionBy`). */
  partitionBy(...columns: string[]): this {
    this.partitionColumns = columns;
    return this;
  }

  /** Writes the rows to the directory `path`. */
  async save(path?: string): Promise<void> {
    const where = path ?? this.options.get('path');
    if (where === undefined) throw new FlintError('INVALID_ARGUMENT', 'write: no path; pass it to save(path), json(path), csv(path) or text(path)');
    const dir = resolve(where);
    if (existsSync(dir)) {
      if (this.saveMode === 'ignore') return;
      if (this.saveMode === 'error' || this.saveMode === 'errorifexists') {
        throw new FlintError('INVALID_ARGUMENT', `[PATH_ALREADY_EXISTS] Path file:${dir} already exists. Set mode as "overwrite" to overwrite the existing path, or "append" to add to it`);
      }
      if (this.saveMode === 'overwrite') await rm(dir, { recursive: true, force: true });
    }
    const rows = (await this.ds.collect()) as Row[];
    const schema = this.ds.schema ?? this.ds.session.inferSchema(rows);
    const missing = this.partitionColumns.filter((c) => !schema.field(c));
    if (missing.length > 0) throw new FlintError('INVALID_ARGUMENT', `partitionBy: column ${missing.map((c) => `"${c}"`).join(', ')} not found in schema ${schema.fieldNames.join(', ')}`);
    const dataSchema = new StructType(schema.fields.filter((f) => !this.partitionColumns.includes(f.name)));
    if (this.fileFormat === 'text') checkText(dataSchema);
    await mkdir(dir, { recursive: true });
    const job = randomUUID();
    let part = 0;
    for (const [sub, group] of groupByDirectory(rows, this.partitionColumns)) {
      await this.writePart(join(dir, sub), `part-${String(part++).padStart(5, '0')}-${job}-c000.${this.fileFormat === 'text' ? 'txt' : this.fileFormat}`, group, dataSchema);
    }
    await writeFile(join(dir, '_SUCCESS'), '');
  }

  /** Saves as JSON lines (Spark's `write.json`). */
  json(path: string): Promise<void> {
    return this.format('json').save(path);
  }

  /** Saves as CSV (Spark's `write.csv`; options `header`, `sep`). */
  csv(path: string): Promise<void> {
    return this.format('csv').save(path);
  }

  /** Saves a single string column as lines (Spark's `write.text`). */
  text(path: string): Promise<void> {
    return this.format('text').save(path);
  }

  // Each part file appears whole: written under a dot name (which readers skip), synced, then renamed.
  private async writePart(dir: string, name: string, rows: readonly Row[], schema: StructType): Promise<void> {
    await mkdir(dir, { recursive: true });
    const tmp = join(dir, `.${name}.tmp`);
    const text = this.fileFormat === 'text' ? rows.map((r) => `${String(r[schema.fieldNames[0]!] ?? '')}\n`).join('') : formatFile(rows, this.fileFormat, schema, csvOptions(this.options));
    const file = await open(tmp, 'w');
    try {
      await file.writeFile(text);
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(tmp, join(dir, name));
  }
}

function groupByDirectory(rows: readonly Row[], columns: readonly string[]): Map<string, Row[]> {
  const groups = new Map<string, Row[]>();
  for (const row of rows) {
    const sub = columns.length === 0 ? '' : partitionDirectory(row, columns);
    const group = groups.get(sub);
    if (group) group.push(row);
    else groups.set(sub, [row]);
  }
  return groups;
}

function checkText(schema: StructType): void {
  if (schema.fields.length !== 1) throw new FlintError('INVALID_ARGUMENT', `Text data source supports only a single column, and you have ${schema.fields.length} columns; select one string column`);
  const t = schema.fields[0]!.dataType;
  if (t !== 'string') throw new FlintError('INVALID_ARGUMENT', `Text data source does not support ${typeof t === 'string' ? t : t.type} data type; cast the column to string`);
}
