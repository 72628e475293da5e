// Workload 9, word count from Kafka on librdkafka's mock cluster (see bench/kafka/run.ts). Skipped,
// with the reason in the report, when the mock is not built (it needs librdkafka-dev: .ci/run and
// the Kafka tests build it).
import { existsSync } from 'node:fs';
import { kafkaBench, MOCK } from '../kafka/run.js';
import { childConfig, finish, log, progress } from '../lib/child.js';

const { kafka: c } = childConfig();
if (!existsSync(MOCK)) {
  const reason = `${MOCK} is not built (it needs librdkafka-dev; \`.ci/run\` and \`npx vitest run test/kafka\` build it)`;
  log(`  kafka: skipped, ${reason}`);
  finish({ skipped: reason });
} else {
  progress(0, `producing ${c.records} records`);
  finish(await kafkaBench(c.records, (row) => log(`  ${row.name}: ${Math.round(row.recordsPerS)} records/s`)));
}
