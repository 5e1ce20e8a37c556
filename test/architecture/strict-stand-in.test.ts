/**
 * Every integration test talks to a strict Slack stand-in: no test turns the Block Kit rules off (only bench/ does,
 * so the checking does not count in its figures), and every test file runs with the setup that fails a test on a
 * payload Slack would refuse.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import config from '../../vitest.config.js';

const files = (dir: string): string[] =>
  readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => join(dir, f));

it('no test starts the Slack stand-in with its Block Kit rules off', () => {
  const loose = files('test').filter(
    (f) =>
      !f.endsWith('strict-stand-in.test.ts') && /validateBlocks\s*:\s*false/.test(readFileSync(f, 'utf8')),
  );
  expect(loose).toEqual([]);
});

it('every project of the suite runs the strict setup', () => {
  const projects = (config.test?.projects ?? []) as { test?: { name?: string; setupFiles?: string[] } }[];
  expect(projects.length).toBeGreaterThan(0);
  for (const p of projects) expect(p.test?.setupFiles).toContain('test/slack/strict-setup.ts');
});
