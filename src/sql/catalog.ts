// Temporary views (Spark's session catalog, `spark.catalog`): names a program gives DataFrames with
// createOrReplaceTempView, which `flint.sql` and `flint.table` read. Names are case-insensitive,
// as Spark's are by default.
import { FlintError } from '../errors.js';
import type { DataFrame } from './dataframe.js';

/** A view or table the catalog lists (Spark's `catalog.Table`, the fields Flint has). */
export interface CatalogTable {
  readonly name: string;
  /** `TEMPORARY` for a temporary view; `MEMORY` for a memory sink's table. */
  readonly tableType: 'TEMPORARY' | 'MEMORY';
  readonly isTemporary: true;
}

/** The session's temporary views (Spark's `spark.catalog`). */
export class Catalog {
  private readonly views = new Map<string, DataFrame>();

  constructor(
    /** The memory sinks' table names, which the catalog lists after the views. */
    private readonly memoryTables: () => Iterable<string>,
  ) {}

  /** Names `df` `name`; with `replace` false, fails if the name is taken (Spark's `createTempView`). */
  createTempView(name: string, df: DataFrame, replace: boolean): void {
    checkName(name);
    const key = name.toLowerCase();
    if (!replace && this.views.has(key)) {
      throw new FlintError('INVALID_ARGUMENT', `[TEMP_TABLE_OR_VIEW_ALREADY_EXISTS] Cannot create the temporary view \`${name}\` because it already exists; choose a different name, drop it (catalog.dropTempView), or use createOrReplaceTempView`);
    }
    this.views.set(key, df);
  }

  /** Drops the temporary view `name`; true if there was one (Spark's `dropTempView`). */
  dropTempView(name: string): boolean {
    return this.views.delete(String(name).toLowerCase());
  }

  /** The view called `name`, if any. */
  view(name: string): DataFrame | undefined {
    return this.views.get(name.toLowerCase());
  }

  /** True when a view or a memory sink's table has the name (Spark's `tableExists`). */
  tableExists(name: string): boolean {
    return this.views.has(name.toLowerCase()) || [...this.memoryTables()].some((t) => t.toLowerCase() === name.toLowerCase());
  }

  /** The temporary views, then the memory sinks' tables (Spark's `listTables`). */
  listTables(): CatalogTable[] {
    const views = [...this.views.keys()].map((name): CatalogTable => ({ name, tableType: 'TEMPORARY', isTemporary: true }));
    const tables = [...this.memoryTables()].filter((n) => !this.views.has(n.toLowerCase())).map((name): CatalogTable => ({ name, tableType: 'MEMORY', isTemporary: true }));
    return [...views, ...tables];
  }
}

function checkName(name: string): void {
  if (typeof name !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
    throw new FlintError('INVALID_ARGUMENT', `createTempView: "${String(name)}" is not a valid view name; use letters, digits and underscores, starting with a letter or underscore`);
  }
}
