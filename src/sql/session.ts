// FlintSession: the entry point of Structured Streaming (Spark's SparkSession): reads streams,
// makes static DataFrames, runs queries on Flint's engine, and holds the memory sinks' tables.
import type { Core, CoreName } from '../core/core.js';
import { createCore } from '../core/create-core.js';
import type { TextOutput } from '../dstream/operator.js';
import { FlintError } from '../errors.js';
import { join } from 'node:path';
import type { Clock } from '../streaming/clock.js';
import { parseMaster } from '../streaming/master.js';
import { Catalog } from './catalog.js';
import { DataFrameReader } from './data-frame-reader.js';
import { DataStreamReader } from './data-stream-reader.js';
import { Dataset, type DataFrame } from './dataframe.js';
import { planQuery } from './execution/planner.js';
import { LocalRelation, StreamingRelation, type ExternalRelation, type LogicalPlan } from './logical-plan.js';
import { inferSchema, StructType, type Row } from './schema.js';
import type { MemorySink } from './sinks/memory-sink.js';
import { RuntimeConfig } from './runtime-config.js';
import { parseQuery } from './sql-parser.js';
import { MemoryStream } from './sources/memory-stream.js';
import type { Source } from './sources/source.js';
import { StreamingQueryManager } from './streaming-query-manager.js';
import { atBatchTime } from './expressions/current-time.js';

/** Options of a {@link FlintSession}. */
export interface FlintSessionOptions {
  /** `'local[n]'` (default `local[*]`): worker threads and default partitions. */
  master?: string;
  /** Engine core of every query: `wasm` (default) or `js`. */
  core?: CoreName;
  /** Name shown in progress and logs. */
  appName?: string;
  /** Source of time for triggers, the rate source and progress; a ManualClock drives tests. */
  clock?: Clock;
  /** Where the console sink and `show()` write (default process.stdout). */
  out?: TextOutput;
  /**
   * Default parent of checkpoint locations (Spark's `spark.sql.streaming.checkpointLocation`):
   * a named query without its own `checkpointLocation` uses `<this>/<queryName>`.
   */
  checkpointLocation?: string;
  /**
   * Run `[withWatermark ->] groupBy(window(...), columns...).agg(count/sum/avg/min/max)` over a
   * source on columnar batches, in the core's hash table (default true); false runs every
   * aggregation row by row. Results are the same either way.
   */
  columnarAggregation?: boolean;
  /** Initial settings by Spark's keys (as `SparkSession.builder.config(key, value)`), e.g. `spark.sql.streaming.fileSink.log.compactInterval`. */
  conf?: Readonly<Record<string, string | number | boolean>>;
}

/** The entry point of Structured Streaming (Spark's `SparkSession`). */
export class FlintSession {
  readonly master: string;
  readonly coreName: CoreName;
  readonly appName: string;
  readonly clock: Clock | undefined;
  readonly out: TextOutput;
  /** Whether queries run qualifying window aggregations on columnar batches (see {@link FlintSessionOptions.columnarAggregation}). */
  readonly columnarAggregation: boolean;
  /** The active queries and their listeners (Spark's `spark.streams`). */
  readonly streams = new StreamingQueryManager();
  /** Settings by Spark's key names (Spark's `spark.conf`); queries read them when they start. */
  readonly conf: RuntimeConfig;
  /** Temporary views by name, which {@link FlintSession.sql} and {@link FlintSession.table} read (Spark's `spark.catalog`). */
  readonly catalog: Catalog = new Catalog(() => this.tables.keys());
  private readonly checkpointRoot: string | undefined;
  private readonly tables = new Map<string, MemorySink>();
  private readonly memoryStreams = new Map<string, MemoryStream>();
  private staticCore: Core | undefined;

  constructor(options: FlintSessionOptions = {}) {
    this.master = options.master ?? 'local[*]';
    parseMaster(this.master);
    this.coreName = options.core ?? 'wasm';
    this.columnarAggregation = options.columnarAggregation ?? true;
    if (this.coreName !== 'js' && this.coreName !== 'wasm') throw new FlintError('INVALID_CORE', `core "${String(this.coreName)}" is unknown; use 'js' or 'wasm'`);
    this.appName = options.appName ?? 'flint';
    this.clock = options.clock;
    this.out = options.out ?? process.stdout;
    this.checkpointRoot = options.checkpointLocation;
    this.conf = new RuntimeConfig(options.conf);
  }

  /** Reads a stream (Spark's `spark.readStream`). */
  get readStream(): DataStreamReader {
    return new DataStreamReader(this);
  }

  /** Reads files once into a static DataFrame (Spark's `spark.read`): json, csv, text. */
  get read(): DataFrameReader {
    return new DataFrameReader(this);
  }

  /** The MemoryStream called `name` (made on first use), which `readStream.format('memory').option('name', name)` reads. */
  memoryStream<T extends object = Row>(name: string, schema?: StructType): MemoryStream<T> {
    let stream = this.memoryStreams.get(name);
    if (!stream) {
      stream = new MemoryStream(this, schema);
      this.memoryStreams.set(name, stream);
    } else if (schema) {
      stream.defineSchema(schema);
    }
    return stream as unknown as MemoryStream<T>;
  }

  /** A static DataFrame of `rows` (Spark's `createDataFrame`); the schema is inferred when not given. */
  createDataFrame(rows: readonly Row[], schema?: StructType): DataFrame {
    return new Dataset<Row>(this, new LocalRelation(rows, schema ?? inferSchema(rows)));
  }

  /**
   * A temporary view (from `createOrReplaceTempView`), or the rows a memory sink holds for the
   * query named `name` as a static DataFrame (Spark's `spark.table(name)`).
   */
  table(name: string): DataFrame {
    const view = this.catalog.view(name);
    if (view) return view;
    const sink = this.tables.get(name) ?? [...this.tables].find(([n]) => n.toLowerCase() === name.toLowerCase())?.[1];
    if (!sink) {
      throw new FlintError('INVALID_ARGUMENT', `[TABLE_OR_VIEW_NOT_FOUND] The table or view \`${name}\` cannot be found; name a DataFrame with createOrReplaceTempView('${name}'), or start a query with format('memory') and queryName('${name}')`);
    }
    const rows = sink.allData();
    return this.createDataFrame(rows, sink.schema ?? inferSchema(rows));
  }

  /**
   * Runs a SQL SELECT over temporary views and memory tables (Spark's `spark.sql`): a streaming
   * DataFrame when a view it reads is streaming (write it with `writeStream`), else a static one.
   * FROM with JOIN ... ON / USING, WHERE, GROUP BY (with `window(...)`), HAVING, ORDER BY,
   * LIMIT, DISTINCT and UNION [ALL]; expressions as in {@link expr}.
   */
  sql(sqlText: string): DataFrame {
    return parseQuery(sqlText, (name) => this.table(name));
  }

  /** Stops every active query and releases the session's resources. */
  async stop(): Promise<void> {
    await Promise.all(this.streams.active.map((q) => q.stop()));
    await this.staticCore?.close();
    this.staticCore = undefined;
  }

  // ---- used by readers, writers and Datasets ----

  /** A streaming DataFrame over `source`; with `newSource`, each query reads a source of its own. */
  /** A static DataFrame over rows read when an action runs (a batch read of Kafka). */
  externalDataFrame(relation: ExternalRelation): DataFrame {
    return new Dataset<Row>(this, relation);
  }

  streamingDataFrame(source: Source, newSource?: () => Source): DataFrame {
    return new Dataset<Row>(this, new StreamingRelation(source, newSource));
  }

  /** Registers a memory sink's table under the query name. */
  registerMemoryTable(name: string, sink: MemorySink): void {
    this.tables.set(name, sink);
  }

  /** The checkpoint location of a query named `name` under the session's default, if any. */
  checkpointLocationFor(name: string | null): string | undefined {
    return this.checkpointRoot && name ? join(this.checkpointRoot, name) : undefined;
  }

  /** A schema inferred from rows. */
  inferSchema(rows: readonly Row[]): StructType {
    return inferSchema(rows);
  }

  /** Runs a static plan once, as one batch in complete mode, on the session's core. */
  async executeStatic(plan: LogicalPlan): Promise<Row[]> {
    if (plan.isStreaming) throw new FlintError('INVALID_ARGUMENT', "Queries with streaming sources must be executed with writeStream.start(); collect() and show() are for static DataFrames");
    this.staticCore ??= createCore(this.coreName, parseMaster(this.master));
    const physical = planQuery(plan, undefined, { columnarAggregation: false, timeZone: this.conf.sessionTimeZone() });
    const ctx = {
      batchId: 0,
      watermarkMs: 0,
      lateEventsWatermarkMs: 0,
      batchTimestampMs: Date.now(),
      outputMode: 'complete' as const,
      core: this.staticCore,
      numPartitions: parseMaster(this.master),
      inputs: new Map(),
      eventTimeStats: new Map(),
    };
    return atBatchTime(ctx.batchTimestampMs, async () => (await physical.root.execute(ctx)).collect());
  }
}
