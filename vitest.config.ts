import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

/**
 * Files that measure the wall clock under load (500 concurrent requests against Slack's 3 s), so they run alone,
 * after the rest: on a small machine a second test file running beside them would eat into the 3 s.
 */
const ALONE = ['test/fault/burst.test.ts', 'test/fault/replicas.test.ts'];

/**
 * Test files share their worker (no isolation: the modules are imported once per worker, not once per file); no
 * test depends on another file's module state, each starts its own bot, store and Slack stand-in. One worker per
 * core (vitest's default leaves a core free: one worker on a 2-core machine); much of the suite waits on sockets and
 * child processes.
 */
const shared = {
  // The Slack stand-in is strict for every test: a payload Slack would refuse fails the test that sent it.
  setupFiles: ['test/slack/strict-setup.ts'] as string[],
  testTimeout: 20_000,
  hookTimeout: 20_000,
  pool: 'forks',
  isolate: false,
} as const;

export default defineConfig({
  test: {
    // Once per run (here, not in the projects, which would run it once each): dist/, and the PostgreSQL server.
    globalSetup: ['test/global-setup.ts', 'test/store/postgres/server.ts'],
    projects: [
      {
        test: {
          ...shared,
          name: 'suite',
          include: ['test/**/*.test.ts'],
          exclude: ALONE,
          maxWorkers: availableParallelism(),
        },
      },
      {
        test: { ...shared, name: 'alone', include: ALONE, maxWorkers: 1, sequence: { groupOrder: 1 } },
      },
    ],
  },
});
