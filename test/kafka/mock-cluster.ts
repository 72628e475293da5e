// Starts librdkafka's mock Kafka cluster (test/kafka/mock-cluster.c) for a test file: built with
// gcc against librdkafka-dev on first use, run on 127.0.0.1 random ports, stopped by PID.
// Without librdkafka-dev the Kafka tests are skipped with a printed reason, except under CI,
// where they fail: CI installs librdkafka-dev (.ci/run).
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { describe } from 'vitest';

const SOURCE = fileURLToPath(new URL('./mock-cluster.c', import.meta.url));
const BINARY = fileURLToPath(new URL('../../build/mock-cluster', import.meta.url));

/** Why the mock cannot be built here, or undefined when it can. */
export const kafkaUnavailable: string | undefined = (() => {
  try {
    execFileSync('pkg-config', ['--exists', 'rdkafka'], { stdio: 'ignore' });
    return undefined;
  } catch {
    return 'librdkafka-dev is not installed (apt-get install -y librdkafka-dev); the Kafka tests need its mock cluster';
  }
})();

/** `describe` for tests that need the mock cluster: skipped, loudly, where it cannot be built. */
export function describeKafka(name: string, body: () => void): void {
  if (kafkaUnavailable === undefined) {
    describe(name, body);
    return;
  }
  if (process.env.CI) throw new Error(`${name}: ${kafkaUnavailable}; CI must run the Kafka tests`);
  console.warn(`SKIPPED ${name}: ${kafkaUnavailable}`);
  describe.skip(name, body);
}

/** Builds the mock program when it is missing or older than its source; returns its path. */
export function buildMockCluster(): string {
  if (existsSync(BINARY) && statSync(BINARY).mtimeMs >= statSync(SOURCE).mtimeMs) return BINARY;
  mkdirSync(new URL('../../build', import.meta.url), { recursive: true });
  const flags = execFileSync('pkg-config', ['--cflags', '--libs', 'rdkafka'], { encoding: 'utf8' }).trim().split(/\s+/);
  execFileSync('gcc', ['-O2', '-o', `${BINARY}.tmp`, SOURCE, ...flags]);
  execFileSync('mv', [`${BINARY}.tmp`, BINARY]);
  return BINARY;
}

/** A running mock cluster. */
export interface MockCluster {
  /** Bootstrap servers, `127.0.0.1:port,...`. */
  readonly bootstrap: string;
  /** Bootstrap servers as kafkaStream's `brokers`. */
  readonly brokers: string[];
  /** Takes broker `id` (from 1) down, or back up. */
  setBroker(id: number, up: boolean): Promise<void>;
  /** Stops the cluster (all its data is gone). */
  stop(): Promise<void>;
}

/**
 * Starts a cluster of `brokers` brokers with `topics` (name to partition count) created. The
 * mock keeps about 5 MiB per partition: keep a test's data well under that.
 */
export async function startMockCluster(topics: Record<string, number>, brokers = 1): Promise<MockCluster> {
  const child: ChildProcess = spawn(buildMockCluster(), [String(brokers), ...Object.entries(topics).map(([t, n]) => `${t}:${n}`)], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const first = await lines.next();
  if (first.done || !String(first.value).startsWith('bootstrap ')) {
    child.kill('SIGKILL');
    throw new Error(`the mock Kafka cluster did not start: ${String(first.value)}`);
  }
  const bootstrap = String(first.value).slice('bootstrap '.length);
  return {
    bootstrap,
    brokers: bootstrap.split(','),
    async setBroker(id, up) {
      child.stdin!.write(`${up ? 'up' : 'down'} ${id}\n`);
      await lines.next();
    },
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
