// examples/kafka-word-count.ts as the README runs it (built, from dist/), against the mock
// cluster: it prints running totals, stops gracefully on SIGTERM, and started again on the same
// checkpoint directory goes on from its totals and offsets.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { waitFor } from './support/sources-helpers.js';
import { describeKafka, startMockCluster, type MockCluster } from './kafka/mock-cluster.js';
import { produce, testClient } from './kafka/kafka-helpers.js';

const EXAMPLE = new URL('../dist/examples/kafka-word-count.js', import.meta.url).pathname;

let cluster: MockCluster;
let root: string;
const children: ChildProcess[] = [];

function run(group: string): { child: ChildProcess; output: () => string } {
  const child = spawn(process.execPath, [EXAMPLE, cluster.bootstrap, group, 'words', join(root, 'checkpoint')], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  child.stdout!.on('data', (d: Buffer) => void (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => void (out += d.toString()));
  return { child, output: () => out };
}

/**
 * Commits `group`'s offsets at the end of `topic`'s partitions, as a member of it with a short
 * session (3 s): once it leaves, the mock cluster ends the group's rebalance within 2 s.
 */
async function commitAtEnd(group: string, topic: string): Promise<void> {
  const client = testClient(cluster.brokers);
  const admin = client.admin();
  await admin.connect();
  const ends = await admin.fetchTopicOffsets(topic);
  await admin.disconnect();
  const consumer = client.consumer({ groupId: group, sessionTimeout: 3000, heartbeatInterval: 1000, maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic] });
  const joined = new Promise((resolve) => consumer.on(consumer.events.GROUP_JOIN, resolve));
  await consumer.run({ autoCommit: false, eachBatch: async () => undefined });
  await joined;
  await consumer.commitOffsets(ends.map(({ partition, high }) => ({ topic, partition, offset: high })));
  await consumer.disconnect();
}

describeKafka('examples/kafka-word-count (mock Kafka cluster)', () => {
  beforeAll(async () => {
    cluster = await startMockCluster({ words: 2 });
    root = mkdtempSync(join(tmpdir(), 'flint-kafka-example-'));
  });
  afterAll(async () => {
    for (const c of children) c.kill('SIGKILL');
    await cluster?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it('prints running totals, stops on SIGTERM, and resumes from its checkpoint', async () => {
    await produce(cluster.brokers, 'words', ['to be or', 'not to be'], [0, 1]);
    const first = run('example');
    await waitFor(() => /\(to,2\)/.test(first.output()) && /\(be,2\)/.test(first.output()), `the first totals, got:\n${first.output()}`, 30_000);
    expect(first.output()).toMatch(/-------------------------------------------\nTime: \d+ ms\n-------------------------------------------\n/);
    expect(first.output()).toContain('(or,1)');
    first.child.kill('SIGTERM');
    const [code] = await once(first.child, 'exit');
    expect(code).toBe(0);

    await produce(cluster.brokers, 'words', ['to be'], [1]);
    // The restart joins another group: a group its last member left stays rebalancing in the mock
    // cluster for about its session timeout (the example's, KafkaJS's 30 s) before a newcomer's
    // join ends, where Kafka empties it at once. That group's committed offsets are past the new
    // line, so only the checkpoint's positions and totals give (to,3).
    await commitAtEnd('example-restarted', 'words');
    const second = run('example-restarted');
    await waitFor(() => /\(to,3\)/.test(second.output()) && /\(be,3\)/.test(second.output()), `the totals after the restart, got:\n${second.output()}`, 30_000);
    expect(second.output()).toContain('(or,1)');
    expect(second.output()).not.toMatch(/\(to,[45]\)/);
    second.child.kill('SIGTERM');
    await once(second.child, 'exit');
  }, 90_000);
});
