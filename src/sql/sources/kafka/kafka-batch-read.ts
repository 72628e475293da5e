// Batch queries on Kafka (Spark's KafkaRelation, `spark.read.format("kafka")`): the records from
// startingOffsets (default earliest) to endingOffsets (default latest), read each time an action
// runs, one partition per Kafka partition. It is the streaming source run for one batch, so the
// offsets, the data-loss checks and the rows are the same.
import { FlintError } from '../../../errors.js';
import type { KafkaClient } from '../../../io/kafka/client.js';
import type { Row } from '../../schema.js';
import { forEachOffset, sortedOffsets } from './kafka-offsets.js';
import { LATEST, type KafkaBatchOptions, type PartitionOffsets } from './kafka-source-options.js';
import { KafkaSource } from './kafka-source.js';

/** The partitions of rows between the options' starting and ending offsets. */
export async function readKafkaBatch(options: KafkaBatchOptions, client?: KafkaClient): Promise<Row[][]> {
  const source = new KafkaSource({ ...options, maxOffsetsPerTrigger: undefined }, client);
  await source.attach({ metadataPath: undefined });
  try {
    const latest = (await source.latestOffset(undefined)) as PartitionOffsets | undefined;
    const start = source.startOffsets;
    const end = endOffsets(options.endingOffsets, latest ?? start, start, source.description);
    const batch = await source.getBatch(undefined, end);
    return batch.partitions.map((p) => [...p]);
  } finally {
    await source.stop();
  }
}

// endingOffsets against the partitions read: `latest`, or JSON naming each of them (-1 is latest).
function endOffsets(ending: KafkaBatchOptions['endingOffsets'], latest: PartitionOffsets, start: PartitionOffsets, where: string): PartitionOffsets {
  if (ending === 'latest') return latest;
  const out: PartitionOffsets = {};
  forEachOffset(start, (topic, p) => {
    const offset = ending[topic]?.[p];
    if (offset === undefined) throw new FlintError('INVALID_ARGUMENT', `${where}: endingOffsets names specific offsets, so it must name every partition read; ${topic}-${p} is missing`);
    const resolved = offset === LATEST ? latest[topic]![p]! : offset;
    const from = start[topic]![p]!;
    if (resolved < from) throw new FlintError('INVALID_ARGUMENT', `${where}: endingOffsets for ${topic}-${p} (${resolved}) is before its startingOffsets (${from})`);
    (out[topic] ??= {})[p] = resolved;
  });
  forEachOffset(ending, (topic, p) => {
    if (start[topic]?.[p] === undefined) throw new FlintError('INVALID_ARGUMENT', `${where}: endingOffsets names ${topic}-${p}, which this query does not read`);
  });
  return sortedOffsets(out);
}
