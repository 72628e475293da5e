// DataStreamWriter: how a streaming DataFrame is written (Spark's `df.writeStream`): output mode,
// sink format and options, trigger, query name and checkpoint location; `start()` checks the
// query against Spark's output-mode rules and starts it.
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { FlintError } from '../errors.js';
import type { Dataset } from './dataframe.js';
import { MicroBatchExecution } from './execution/micro-batch-execution.js';
import { checkForStreaming, parseOutputMode, type OutputMode } from './output-mode.js';
import type { Row } from './schema.js';
import type { FlintSession } from './session.js';
import { ConsoleSink } from './sinks/console-sink.js';
import { FileStreamSink } from './sinks/file-stream-sink.js';
import { ForeachBatchSink, ForeachSink, type ForeachWriter } from './sinks/foreach-sink.js';
import { KafkaStreamSink } from './sinks/kafka-sink.js';
import { MemorySink } from './sinks/memory-sink.js';
import { parseBootstrapServers } from './sources/kafka/kafka-source-options.js';
import { securityFromSparkOptions } from '../io/kafka/security.js';
import type { Sink } from './sinks/sink.js';
import { readOrWriteStreamMetadata } from './checkpoint/stream-metadata.js';
import { StreamingQuery } from './streaming-query.js';
import { planTrigger, type Trigger } from './trigger.js';
import { OptionsBuilder } from './options-builder.js';

/** The sink formats `format()` accepts. */
export type SinkFormat = 'console' | 'memory' | 'foreach' | 'foreachBatch' | 'kafka' | 'json' | 'csv';

/** Builds and starts a streaming query (Spark's `DataStreamWriter`). */
export class DataStreamWriter<T = Row> extends OptionsBuilder {
  private mode: OutputMode = 'append';
  private sinkFormat: SinkFormat | undefined;
  private triggerSpec: Trigger | undefined;
  private name: string | null = null;
  private batchFunction: ((df: Dataset<Row>, batchId: number) => void | Promise<void>) | undefined;
  private writer: ForeachWriter<T> | undefined;
  private partitionColumns: readonly string[] = [];

  constructor(
    private readonly session: FlintSession,
    private readonly ds: Dataset<T>,
  ) {
    super();
  }

  /** `append` (default), `update` or `complete`. */
  outputMode(mode: OutputMode | string): this {
    this.mode = parseOutputMode(mode);
    return this;
  }

  /** The sink: `console`, `memory`, `kafka`, `json`, `csv` (files), or set by foreach/foreachBatch. */
  format(source: SinkFormat | string): this {
    const known = ['console', 'memory', 'foreach', 'foreachBatch', 'kafka', 'json', 'csv'];
    if (!known.includes(source)) throw new FlintError('INVALID_ARGUMENT', `writeStream.format: unknown sink "${source}"; use one of ${known.join(', ')}`);
    this.sinkFormat = source as SinkFormat;
    return this;
  }

  /**
   * File sinks: writes each row under `column=value/` directories of these columns, which the
   * files then leave out (Spark's `partitionBy`); the file source reads them back as columns.
   */
  partitionBy(...columns: string[]): this {
    if (columns.some((c) => typeof c !== 'string' || c === '')) throw new FlintError('INVALID_ARGUMENT', 'partitionBy needs column names, e.g. partitionBy("date")');
    this.partitionColumns = columns;
    return this;
  }





  /** When batches run (default: as soon as the last one is done). */
  trigger(trigger: Trigger): this {
    planTrigger(trigger);
    this.triggerSpec = trigger;
    return this;
  }

  /** The query's name: the memory sink's table name, shown in progress. */
  queryName(name: string): this {
    this.name = name;
    return this;
  }

  /** Calls `f(batchDataFrame, batchId)` for every batch (Spark's `foreachBatch`). */
  foreachBatch(f: (df: Dataset<Row>, batchId: number) => void | Promise<void>): this {
    this.batchFunction = f;
    this.sinkFormat = 'foreachBatch';
    return this;
  }

  /** Calls a ForeachWriter per row (Spark's `foreach`). */
  foreach(writer: ForeachWriter<T>): this {
    this.writer = writer;
    this.sinkFormat = 'foreach';
    return this;
  }

  /** Starts the query; with a file sink, `path` is the output directory. */
  async start(path?: string): Promise<StreamingQuery> {
    if (path !== undefined) this.options.set('path', path);
    const plan = this.ds.logicalPlan;
    if (!plan.isStreaming) throw new FlintError('INVALID_ARGUMENT', "'writeStream' can be called only on streaming Dataset/DataFrame; use collect() or show() on a static one");
    checkForStreaming(plan, this.mode);
    const sink = this.createSink();
    const location = this.options.get('checkpointlocation') ?? this.session.checkpointLocationFor(this.name);
    const root = location === undefined ? undefined : resolve(location);
    const id = root ? (await readOrWriteStreamMetadata(root, randomUUID())).id : randomUUID();
    const trigger = planTrigger(this.triggerSpec);
    let query: StreamingQuery | undefined;
    const manager = this.session.streams;
    const execution = new MicroBatchExecution(
      this.session,
      { id, runId: randomUUID(), name: this.name, plan, sink, outputMode: this.mode, trigger, checkpointRoot: root },
      {
        onProgress: (p) => manager.postProgress(p),
        onTerminated: (error) => {
          query!.markTerminated(error);
          manager.terminated(query!);
        },
      },
    );
    query = new StreamingQuery(execution);
    manager.register(query);
    if (sink instanceof MemorySink) this.session.registerMemoryTable(this.name!, sink);
    manager.postStarted(query);
    try {
      await execution.start();
    } catch (error) {
      await execution.stop();
      throw error;
    }
    return query;
  }

  private createSink(): Sink {
    const format = this.sinkFormat;
    if (format === undefined) throw new FlintError('INVALID_ARGUMENT', "writeStream: no sink; call format('console' | 'memory' | 'kafka' | 'json' | 'csv'), foreachBatch(f) or foreach(writer) before start()");
    if (this.partitionColumns.length > 0 && format !== 'json' && format !== 'csv') {
      throw new FlintError('INVALID_ARGUMENT', `partitionBy applies to the file sinks (json, csv), not to ${format}`);
    }
    if (format === 'console') return new ConsoleSink(this.session.out, this.options, this.session.conf.sessionTimeZone());
    if (format === 'memory') {
      if (!this.name) throw new FlintError('INVALID_ARGUMENT', "queryName must be specified for memory sink; call .queryName('table') before start()");
      return new MemorySink(this.mode);
    }
    if (format === 'foreachBatch') {
      const f = this.batchFunction!;
      return new ForeachBatchSink((rows, batchId, schema) => f(this.session.createDataFrame(rows, schema), batchId));
    }
    if (format === 'foreach') return new ForeachSink(this.writer as ForeachWriter);
    if (format === 'kafka') {
      const topic = this.options.get('topic');
      KafkaStreamSink.validate(this.ds.logicalPlan.schema, topic);
      return new KafkaStreamSink({ brokers: parseBootstrapServers(this.options, 'kafka sink'), topic, security: securityFromSparkOptions(this.options, 'kafka sink') });
    }
    const path = this.options.get('path');
    if (!path) throw new FlintError('INVALID_ARGUMENT', `the ${format} file sink needs a path: start('/out/dir') or option('path', ...)`);
    if (this.mode !== 'append') throw new FlintError('UNSUPPORTED_OPERATION', `Data source ${format} does not support ${this.mode[0]!.toUpperCase()}${this.mode.slice(1)} output mode; file sinks write in append mode only`);
    if (!this.options.has('checkpointlocation') && !this.session.checkpointLocationFor(this.name)) {
      throw new FlintError('INVALID_ARGUMENT', "checkpointLocation must be specified either through option(\"checkpointLocation\", ...) or FlintSession({ checkpointLocation }) for a file sink");
    }
    const schema = this.ds.schema;
    const missing = this.partitionColumns.filter((c) => schema && !schema.field(c));
    if (missing.length > 0) throw new FlintError('INVALID_ARGUMENT', `Partition column ${missing.map((c) => `"${c}"`).join(', ')} not found in schema ${schema!.fieldNames.join(', ')}`);
    return new FileStreamSink(resolve(path), format as 'json' | 'csv', this.options, this.session.conf.compaction('fileSink'), this.partitionColumns);
  }
}
