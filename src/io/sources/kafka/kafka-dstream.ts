// KafkaDStream: the stream ssc.kafkaStream returns. Its batches are KafkaBatches (offsetRanges());
// values() keeps the values as bytes for the kernels; commitAsync is Spark's CanCommitOffsets.
import { DStream } from '../../../dstream/dstream.js';
import type { StreamEnv } from '../../../dstream/operator.js';
import { TransformedDStream } from '../../../dstream/transformed.js';
import type { CommitCallback, DirectKafkaInputDStream } from './direct-kafka-input-dstream.js';
import type { KafkaBatch, KafkaRecord } from './kafka-batch.js';
import type { OffsetRange } from './offset-range.js';

/** A Kafka direct stream (Spark's `createDirectStream` result, with `CanCommitOffsets`). */
export class KafkaDStream extends DStream<KafkaRecord> {
  constructor(
    ssc: StreamEnv,
    private readonly input: DirectKafkaInputDStream,
  ) {
    super(ssc, input);
  }

  /**
   * The records' values as lines of text, kept as UTF-8 bytes so that `flatMap(words)`,
   * `map(pair(1))` and `reduceByKey(sum)` run on the wasm core's kernels without a JS string per
   * record. One line per value; a value holding line breaks gives one line per piece
   * (`value.split(/\r\n|\r|\n/)`), a null value an empty line; invalid UTF-8 is decoded with
   * U+FFFD and reported to listeners (`onReceiverError`).
   */
  values(): DStream<string> {
    const report = (n: number): void =>
      this.ssc.reportSourceError({ source: this.input.name, message: `${n} values were not valid UTF-8; their bad bytes read as U+FFFD` });
    return new DStream(this.ssc, new TransformedDStream('KafkaValuesDStream', [this], ([batch]) => (batch as KafkaBatch).valueLines(report)));
  }

  /**
   * Commits the ranges' end offsets to the consumer group after the current batch's outputs have
   * run (Spark's `CanCommitOffsets.commitAsync`), so Kafka's tools see the group's lag. Flint's
   * checkpoint, not these commits, is what a restarted job resumes from.
   */
  commitAsync(offsetRanges: readonly OffsetRange[], callback?: CommitCallback): void {
    this.input.commitAsync(offsetRanges, callback);
  }
}
