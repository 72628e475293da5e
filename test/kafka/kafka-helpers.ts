// Helpers for the Kafka tests: a kafkajs client on the mock cluster, a producer that puts each
// value on a chosen partition, and a context on a ManualClock whose batches can be awaited.
import kafkajs from 'kafkajs';
import { ManualClock, StreamingContext, type CoreName, type ReceiverInfo } from '../../src/index.js';
import { waitFor } from '../support/sources-helpers.js';

const { Kafka, logLevel } = kafkajs;

/** A kafkajs client for tests (logs off: the tests assert what Flint reports). */
export function testClient(brokers: string[]): InstanceType<typeof Kafka> {
  return new Kafka({ brokers, logLevel: logLevel.NOTHING, retry: { retries: 2, initialRetryTime: 100 } });
}

/** Sends `values` to `topic`, value i to partition `partitions[i % n]`, acks=all. */
export async function produce(brokers: string[], topic: string, values: (string | Buffer | null)[], partitions: number[] = [0]): Promise<void> {
  const producer = testClient(brokers).producer();
  await producer.connect();
  try {
    await producer.send({ topic, acks: -1, messages: values.map((value, i) => ({ value, partition: partitions[i % partitions.length]! })) });
  } finally {
    await producer.disconnect();
  }
}

/** A context on a ManualClock (interval 1000) that counts completed batches and keeps receiver errors. */
export function kafkaContext(core: CoreName = 'js') {
  const clock = new ManualClock(0);
  const ssc = new StreamingContext({ batchInterval: 1000, master: 'local[2]', clock, core });
  const errors: ReceiverInfo[] = [];
  let completed = 0;
  ssc.addStreamingListener({
    onReceiverError: ({ receiverInfo }) => void errors.push({ ...receiverInfo }),
    onBatchCompleted: () => void completed++,
  });
  /** Advances one interval and waits for that batch to complete (the clock waits for it). */
  const nextBatch = async (): Promise<void> => {
    const target = completed + 1;
    await clock.advance(1000);
    await waitFor(() => completed >= target, `batch ${target}`, 15_000);
  };
  return { ssc, clock, errors, nextBatch };
}
