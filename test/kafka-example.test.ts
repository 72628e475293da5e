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
import { produce } from './kafka/kafka-helpers.js';

const EXAMPLE = new URL('../dist/examples/kafka-word-count.js', import.meta.url).pathname;

let cluster: MockCluster;
let root: string;
const children: ChildProcess[] = [];

function run(): { child: ChildProcess; output: () => string } {
  const child = spawn(process.execPath, [EXAMPLE, cluster.bootstrap, 'example', 'words', join(root, 'checkpoint')], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  child.stdout!.on('data', (d: Buffer) => void (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => void (out += d.toString()));
  return { child, output: () => out };
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
    const first = run();
    await waitFor(() => /\(to,2\)/.test(first.output()) && /\(be,2\)/.test(first.output()), `the first totals, got:\n${first.output()}`, 30_000);
    expect(first.output()).toMatch(/-------------------------------------------\nTime: \d+ ms\n-------------------------------------------\n/);
    expect(first.output()).toContain('(or,1)');
    first.child.kill('SIGTERM');
    const [code] = await once(first.child, 'exit');
    expect(code).toBe(0);

    await produce(cluster.brokers, 'words', ['to be'], [1]);
    const second = run();
    await waitFor(() => /\(to,3\)/.test(second.output()) && /\(be,3\)/.test(second.output()), `the totals after the restart, got:\n${second.output()}`, 30_000);
    expect(second.output()).toContain('(or,1)');
    expect(second.output()).not.toMatch(/\(to,[45]\)/);
    second.child.kill('SIGTERM');
    await once(second.child, 'exit');
  }, 90_000);
});
