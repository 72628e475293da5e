// Spark's `Assign` on kafkaStream: each process names its partitions, and the group never moves
// them. The consumer protocol Flint writes is checked against kafkajs's own codec; two contexts in
// one group read exactly their partitions; overlapping or absent partitions are refused at start.
import kafkajs from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FlintError, StreamingContext, type KafkaBatch } from '../src/index.js';
import { assignAssigner, ASSIGN_PROTOCOL } from '../src/io/sources/kafka/assign-assigner.js';
import { decodeSubscription, encodeAssignment, encodeSubscription } from '../src/io/sources/kafka/consumer-protocol.js';
import { CORES } from './support/harness.js';
import { describeKafka, startMockCluster, type MockCluster } from './kafka/mock-cluster.js';
import { kafkaContext, produce } from './kafka/kafka-helpers.js';

const { AssignerProtocol } = kafkajs;

describe("Kafka's consumer protocol, as Flint writes it", () => {
  it('a subscription and an assignment read back the same in kafkajs, and kafkajs subscriptions in Flint', () => {
    const userData = Buffer.from('{"t":[1]}');
    expect(AssignerProtocol.MemberMetadata.decode(encodeSubscription({ topics: ['a', 'bé'], userData }))).toEqual({ version: 0, topics: ['a', 'bé'], userData });
    expect(decodeSubscription(AssignerProtocol.MemberMetadata.encode({ version: 1, topics: ['x'], userData }))).toEqual({ topics: ['x'], userData });
    expect(decodeSubscription(AssignerProtocol.MemberMetadata.encode({ version: 0, topics: [], userData: Buffer.alloc(0) })).userData.length).toBe(0);
    expect(AssignerProtocol.MemberAssignment.decode(encodeAssignment({ a: [0, 3], b: [7] }))).toEqual({ version: 0, assignment: { a: [0, 3], b: [7] }, userData: Buffer.alloc(0) });
  });

  it('the leader gives each member the partitions it asked for; one asked twice stays with its reader, else goes to the first member', async () => {
    const member = (memberId: string, wanted: Record<string, number[]>, owned: Record<string, number[]> = {}) => ({
      memberId,
      memberMetadata: assignAssigner(wanted, () => owned)().protocol({ topics: Object.keys(wanted) }).metadata,
    });
    const assigner = assignAssigner({})();
    expect(assigner.name).toBe(ASSIGN_PROTOCOL);
    const assign = async (...members: ReturnType<typeof member>[]) => {
      const result = await assigner.assign({ members, topics: ['t', 'u'] });
      return Object.fromEntries(result.map((r) => [r.memberId, AssignerProtocol.MemberAssignment.decode(r.memberAssignment)!.assignment]));
    };
    expect(await assign(member('m2', { t: [1, 2] }), member('m1', { t: [0, 1], u: [5] }))).toEqual({ m1: { t: [0, 1], u: [5] }, m2: { t: [2] } });
    // m2 reads t:1 now, so a newcomer asking for it too does not take it.
    expect(await assign(member('m2', { t: [1, 2] }, { t: [1, 2] }), member('m1', { t: [0, 1] }))).toEqual({ m1: { t: [0] }, m2: { t: [1, 2] } });
    // A partition read now but no longer named is free for others.
    expect(await assign(member('m2', { t: [2] }, { t: [1, 2] }), member('m3', { t: [1] }))).toEqual({ m2: { t: [2] }, m3: { t: [1] } });
  });
});

describe('kafkaStream options.assign', () => {
  it('is checked at the call', () => {
    const ssc = new StreamingContext({ batchInterval: 1000 });
    const bad: Record<string, number[]>[] = [{ events: [] }, { events: [0, 0] }, { events: [-1] }, {}, { 'bad topic': [0] }];
    for (const assign of bad) {
      expect(() => ssc.kafkaStream({ brokers: ['localhost:9092'], groupId: 'g', assign })).toThrow(/options\.assign must give each topic/);
    }
    expect(() => ssc.kafkaStream({ brokers: ['localhost:9092'], groupId: 'g', topics: ['t'], assign: { t: [0] } })).toThrow(/exactly one of options\.topics/);
  });
});

let cluster: MockCluster;
const contexts: StreamingContext[] = [];

describeKafka('kafkaStream with assign (mock Kafka cluster)', () => {
  beforeAll(async () => {
    cluster = await startMockCluster(Object.fromEntries(CORES.map((c) => [`fixed-${c}`, 4])));
  });
  afterAll(async () => {
    for (const ssc of contexts) await ssc.stop();
    await cluster?.stop();
  });

  it.each(CORES)('two contexts in one group read exactly the partitions each names; overlaps and absent partitions are refused (%s core)', async (core) => {
    const brokers = cluster.brokers;
    const topic = `fixed-${core}`;
    const groupId = `assign-${core}`;
    // A short session (3 s): librdkafka's mock cluster waits a second less than it at each
    // rebalance, and a refused start waits twice it plus 5 s before it fails.
    const open = (assign: Record<string, number[]>) => {
      const ctx = kafkaContext(core);
      contexts.push(ctx.ssc);
      const seen: string[] = [];
      const stream = ctx.ssc.kafkaStream({ brokers, groupId, assign, startingOffsets: 'earliest', sessionTimeout: 3000 });
      stream.foreachRDD((batch) => {
        for (const r of (batch as KafkaBatch).offsetRanges()) seen.push(`${r.partition}:${r.fromOffset}-${r.untilOffset}`);
      });
      return { ...ctx, seen };
    };
    await produce(brokers, topic, ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'], [0, 1, 2, 3]);
    const low = open({ [topic]: [0, 1] });
    await low.ssc.start();
    const high = open({ [topic]: [3, 2] });
    await high.ssc.start();
    await Promise.all([low.nextBatch(), high.nextBatch()]);
    // The second join was a rebalance: the first context kept its partitions and positions.
    expect(low.seen).toEqual(['0:0-2', '1:0-2']);
    expect(high.seen).toEqual(['2:0-2', '3:0-2']);

    const overlapping = open({ [topic]: [1, 2] });
    const refused = await overlapping.ssc.start().then(() => undefined, (e: unknown) => e);
    expect(refused).toBeInstanceOf(FlintError);
    expect((refused as Error).message).toContain(`gives ${topic}:1, ${topic}:2 to another process; with options.assign each partition must be named by one process of the group only`);
    const absent = open({ [topic]: [4] });
    await expect(absent.ssc.start()).rejects.toThrow(`topic "${topic}" on ${brokers.join(',')} has no partition 4 (it has 0, 1, 2, 3); fix options.assign`);

    // After those joins and leaves, each context still reads its own partitions from where it was.
    await produce(brokers, topic, ['i', 'j', 'k', 'l'], [0, 1, 2, 3]);
    await Promise.all([low.nextBatch(), high.nextBatch()]);
    expect(low.seen.slice(2)).toEqual(['0:2-3', '1:2-3']);
    expect(high.seen.slice(2)).toEqual(['2:2-3', '3:2-3']);
  }, 90_000);
});
