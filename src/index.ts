/**
 * Flint: Spark Streaming's micro-batch DStream model for TypeScript. A program creates a
 * StreamingContext, input streams, transformations and outputs, then starts the context.
 * Only what is listed here is public API.
 */
export { StreamingContext } from './streaming/context.js';
export type { StreamingContextOptions, StreamingContextState, StopOptions } from './streaming/context.js';
export type { StartOptions, AwaitTerminationOptions } from './streaming/abort.js';
export type { WriteAheadLogOptions } from './checkpoint/write-ahead-log.js';
export type { UIOptions } from './ui/ui-options.js';
export { ManualClock, SystemClock } from './streaming/clock.js';
export type { Clock, ClockListener } from './streaming/clock.js';
export { Milliseconds, Seconds, Minutes, parseDuration } from './streaming/duration.js';
export type { Duration } from './streaming/duration.js';
export { DStream } from './dstream/dstream.js';
export type { MapWithStateStream, ReduceFunc, BatchLike } from './dstream/dstream.js';
export { StateSpec, State } from './dstream/state-spec.js';
export type { MappingFunc } from './dstream/state-spec.js';
export type { UpdateStateOptions, UpdateFunc } from './dstream/state.js';
export type { TextOutput } from './dstream/operator.js';
export { Batch } from './batch/batch.js';
export { Receiver } from './io/sources/receiver.js';
export type { QueueStreamOptions } from './io/sources/queue-input-dstream.js';
export type { SocketStreamOptions } from './io/sources/socket-receiver.js';
export type { ReadableStreamOptions } from './io/sources/readable-receiver.js';
export type { FileStreamOptions } from './io/sources/file-input-dstream.js';
export type { KafkaStreamOptions, StartingOffsets } from './io/sources/kafka/kafka-options.js';
export { KafkaDStream } from './io/sources/kafka/kafka-dstream.js';
export { KafkaBatch } from './io/sources/kafka/kafka-batch.js';
export type { KafkaRecord } from './io/sources/kafka/kafka-batch.js';
export { OffsetRange } from './io/sources/kafka/offset-range.js';
export type { CommitCallback } from './io/sources/kafka/direct-kafka-input-dstream.js';
export { KafkaSink } from './io/sinks/kafka-sink.js';
export type { KafkaSinkOptions, KafkaBytes } from './io/sinks/kafka-sink.js';
export type { KafkaClient } from './io/kafka/client.js';
export type { KafkaSecurity, KafkaSasl, SaslMechanism } from './io/kafka/security.js';
export { formatRecord, formatBatch } from './io/sinks/print.js';
export { BatchIterator } from './io/sinks/batch-iterator.js';
export type { BatchIteratorOptions } from './io/sinks/batch-iterator.js';
export type { ToReadableOptions } from './io/sinks/record-readable.js';
export type {
  StreamingListener,
  BatchInfo,
  OutputOperationInfo,
  ReceiverInfo,
  CheckpointInfo,
  CheckpointProblem,
  ReceiverThrottleInfo,
} from './scheduler/listener.js';
export { FlintError } from './errors.js';
export type { FlintErrorCode } from './errors.js';
export type { CoreName } from './core/core.js';
export { sum, subtract, min, max, words, split, pair, byValue, runningSum } from './functions/building-blocks.js';
export { xxhash32, hashString } from './batch/hash.js';
export { JobServer } from './server/job-server.js';
export type { JobServerOptions } from './server/job-server.js';
export type { BatchState, BatchView } from './server/batch-job.js';
export { JOB_ENV, jobServerEnv } from './server/job-env.js';
export type { JobServerEnv } from './server/job-env.js';

// Structured Streaming (src/sql): Spark's SparkSession / DataFrame / writeStream API on the same engine.
export { FlintSession } from './sql/session.js';
export { SqlDate } from './sql/sql-date.js';
export { DataFrameNaFunctions, type FillValue } from './sql/data-frame-na-functions.js';
export { RuntimeConfig, CONF } from './sql/runtime-config.js';
export type { FlintSessionOptions } from './sql/session.js';
export { Catalog } from './sql/catalog.js';
export type { CatalogTable } from './sql/catalog.js';
export { Dataset, RelationalGroupedDataset } from './sql/dataframe.js';
export type { DataFrame } from './sql/dataframe.js';
export type { JoinType, JoinTypeName } from './sql/join-type.js';
export { KeyValueGroupedDataset } from './sql/key-value-grouped-dataset.js';
export { Column } from './sql/column.js';
export { Window, WindowSpec, type WindowFrame } from './sql/window-spec.js';
export type { ColumnLike } from './sql/column.js';
export * as functions from './sql/functions.js';
export { StructType, schemaOf } from './sql/schema.js';
export type { DataType, StructField, Row, Value } from './sql/schema.js';
export { DataFrameReader } from './sql/data-frame-reader.js';
export { DataFrameWriter } from './sql/data-frame-writer.js';
export type { SaveMode } from './sql/data-frame-writer.js';
export { DataStreamReader } from './sql/data-stream-reader.js';
export type { SourceFormat } from './sql/data-stream-reader.js';
export { DataStreamWriter } from './sql/data-stream-writer.js';
export type { SinkFormat } from './sql/data-stream-writer.js';
export { StreamingQuery } from './sql/streaming-query.js';
export { StreamingQueryManager } from './sql/streaming-query-manager.js';
export type { StreamingQueryListener, QueryStartedEvent, QueryProgressEvent, QueryTerminatedEvent } from './sql/streaming-query-listener.js';
export type { StreamingQueryProgress, StreamingQueryStatus, SourceProgress, SinkProgress, StateOperatorProgress } from './sql/progress.js';
export { Trigger } from './sql/trigger.js';
export type { OutputMode } from './sql/output-mode.js';
export { MemoryStream } from './sql/sources/memory-stream.js';
export type { Source, Offset } from './sql/sources/source.js';
export { ColumnarBatch } from './sql/columnar/columnar-batch.js';
export type { ColumnVector, NumberColumn, Utf8Column, DictionaryColumn } from './sql/columnar/columnar-batch.js';
export type { PartitionOffsets } from './sql/sources/kafka/kafka-source-options.js';
export type { Sink } from './sql/sinks/sink.js';
export type { ForeachWriter } from './sql/sinks/foreach-sink.js';
export { GroupState, GroupStateTimeout } from './sql/state/group-state.js';
