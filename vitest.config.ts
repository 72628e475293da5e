import { defineConfig } from 'vitest/config';

// Tests that run several Flint processes against the mock Kafka cluster (SIGKILLs, consumer
// groups) run as a second group, after the others and one file at a time: on a 2-core machine they
// would otherwise starve the timing-sensitive tests running beside them. The other files run two
// at a time even there (vitest's default is one worker fewer than the cores, so 1 on CI's two):
// most of their time is spent waiting on sockets, timers and Kafka, and one at a time the suite
// keeps less than half a core busy.
const PROCESS_TESTS = ['test/kafka-kill.test.ts', 'test/kafka-group.test.ts', 'test/kafka-example.test.ts', 'test/sql-kill.test.ts'];

export default defineConfig({
  test: {
    testTimeout: 20_000,
    hookTimeout: 20_000,
    pool: 'forks',
    // Hundreds of short-lived contexts: warming each one's workers up would triple some files' time.
    // test/warm-up.test.ts turns it on where it is tested.
    env: { FLINT_WARM_UP: '0' },
    reporters: ['default', './test/support/summary-reporter.ts'],
    projects: [
      { extends: true, test: { name: 'main', include: ['test/**/*.test.ts'], exclude: PROCESS_TESTS, maxWorkers: 2, sequence: { groupOrder: 0 } } },
      { extends: true, test: { name: 'kafka-processes', include: PROCESS_TESTS, maxWorkers: 1, sequence: { groupOrder: 1 } } },
    ],
  },
});
