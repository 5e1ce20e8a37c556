/**
 * The layers' boundary is a checked rule, not a hope: Biome's `noRestrictedImports` (biome.json overrides) refuses
 * a core file that reaches Slack, storage, the disk or anything outside src/core/, and a view that reads the service
 * or the store. `npm test` runs `biome check`, so a broken boundary fails it; these tests prove the rule itself is
 * in force by linting probe files at those paths (given on stdin, nothing is written to src/).
 */
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = new URL('../../', import.meta.url).pathname;
const BIOME = join(ROOT, 'node_modules/@biomejs/biome/bin/biome');
let dir = '';

/** The project's own biome.json in a scratch directory, so probe files sit at the paths the overrides name. */
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cutover-boundary-'));
  const config = JSON.parse(await readFile(join(ROOT, 'biome.json'), 'utf8'));
  delete config.$schema;
  config.vcs = { enabled: false };
  await writeFile(join(dir, 'biome.json'), JSON.stringify(config));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

let n = 0;
async function lint(path: string, code: string): Promise<{ ok: boolean; output: string }> {
  const file = join(dir, path.replace(/\.ts$/, `-${++n}.ts`));
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, code);
  const r = spawnSync(process.execPath, [BIOME, 'lint', '--max-diagnostics=50', file], {
    cwd: dir,
    encoding: 'utf8',
  });
  const output = `${r.stdout}${r.stderr}`;
  return { ok: !output.includes('lint/style/noRestrictedImports'), output };
}

describe('the core may import nothing but itself, zod and date-fns', () => {
  it.each([
    ["import { App } from '@slack/bolt';", 'The core speaks no Slack'],
    ["import { Low } from 'lowdb';", 'storage lives in src/store/'],
    ["import { TextFile } from 'lowdb/node';", 'storage lives in src/store/'],
    ["import { readFile } from 'node:fs/promises';", 'The core does no I/O'],
    ["import { openStore } from '../store/store.js';", 'The core imports only from src/core/'],
    [
      "import type { CutoverService } from '../service/cutover-service.js';",
      'The core imports only from src/core/',
    ],
  ])('%s is refused', async (line, why) => {
    const r = await lint('src/core/probe.ts', `${line}\nexport const probe = 1;\n`);
    expect(r.ok).toBe(false);
    expect(r.output).toContain(why);
  });

  it('a core file importing only the core and zod passes', async () => {
    const r = await lint(
      'src/core/probe.ts',
      "import { z } from 'zod';\nimport { Id } from './schema.js';\n\nexport const probe = [z, Id];\n",
    );
    expect(r.output).not.toContain('restricted');
    expect(r.ok).toBe(true);
  });
});

describe('the command handlers under src/core/commands/ are core too', () => {
  it('may import the rest of the core', async () => {
    const r = await lint(
      'src/core/commands/probe.ts',
      "import { Id } from '../schema.js';\n\nexport const probe = [Id];\n",
    );
    expect(r.ok).toBe(true);
  });

  it('may not reach outside it', async () => {
    const r = await lint(
      'src/core/commands/probe.ts',
      "import { openStore } from '../../store/store.js';\n\nexport const probe = [openStore];\n",
    );
    expect(r.ok).toBe(false);
    expect(r.output).toContain('The core imports only from src/core/');
  });
});

describe('views are pure', () => {
  it.each([
    "import type { StoreDocument } from '../../service/document.js';",
    "import { openStore } from '../../store/store.js';",
  ])('%s in a view is refused', async (line) => {
    const r = await lint('src/slack/views/probe.ts', `${line}\nexport const probe = 1;\n`);
    expect(r.ok).toBe(false);
    expect(r.output).toContain('Views are pure');
  });
});

describe('above the store port, nothing knows an adapter', () => {
  it.each([
    ['src/service/probe.ts', "import { openJsonFileStore } from '../store/json-file/index.js';"],
    ['src/slack/listeners/probe.ts', "import { logPathOf } from '../../store/json-file/envelope.js';"],
    ['src/alerts/probe.ts', "import { MemoryStore } from '../store/memory.js';"],
    ['src/http/probe.ts', "import { Low } from 'lowdb';"],
    ['src/service/probe.ts', "import { openPostgresStore } from '../store/postgres/index.js';"],
    ['src/slack/listeners/probe.ts', "import { listPostgresKeys } from '../../store/postgres/pool.js';"],
    ['src/alerts/probe.ts', "import pg from 'pg';"],
  ])('%s: %s is refused', async (path, line) => {
    const r = await lint(path, `${line}\nexport const probe = 1;\n`);
    expect(r.ok).toBe(false);
    expect(r.output).toContain('Storage is behind the store port');
  });

  it('the port itself may be imported', async () => {
    const r = await lint(
      'src/service/probe.ts',
      "import { type Store, StoreError } from '../store/store.js';\n\nexport const probe: [Store<number>?, unknown?] = [undefined, StoreError];\n",
    );
    expect(r.output).not.toContain('restricted');
    expect(r.ok).toBe(true);
  });
});
