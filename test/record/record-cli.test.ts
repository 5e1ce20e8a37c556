/**
 * `npm run record`: the record from a real store file (document + history log, as the bot writes them), printed
 * or written, read-only and without the writer's lock — also while the bot holds it; and the built script.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HistoryEntry } from '../../src/core/schema.js';
import { runRecordCli } from '../../src/record/record-cli.js';
import { createCutoverService } from '../../src/service/cutover-service.js';
import {
  CATALOG_VERSION,
  Catalog,
  newDocument,
  STORE_VERSION,
  StoreDocument,
} from '../../src/service/document.js';
import { openPrograms } from '../../src/service/programs.js';
import { logPathOf, openJsonFileLayout, openJsonFileStore } from '../../src/store/json-file/index.js';
import type { Store } from '../../src/store/store.js';
import { A, seeded, T0, U } from '../core/fixtures.js';
import { childEnv, DIST } from '../fixtures/child-process.js';

let dir = '';
let dbPath = '';
let open: Store<StoreDocument> | undefined;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cutover-record-'));
  dbPath = join(dir, 'cutover.json');
});
afterEach(async () => {
  await open?.close();
  open = undefined;
  await rm(dir, { recursive: true, force: true });
});

/** A store as the bot leaves it: a CI gate result, a published target, names cached. Left open (locked). */
async function botStore(): Promise<Store<StoreDocument>> {
  const store = await openJsonFileStore({
    path: dbPath,
    schema: StoreDocument,
    version: STORE_VERSION,
    create: () => newDocument(seeded()),
    log: { field: 'history', entry: HistoryEntry },
  });
  open = store;
  const service = createCutoverService(store);
  const steps = [
    [{ type: 'target.publish', tag: 'service.v3.0.0', sha: 'a'.repeat(40) }, A.pro],
    [
      {
        type: 'gate.set',
        gate: 'producer-suite',
        status: 'green',
        runUrl: 'https://ci.example.com/r/1',
        sha: 'a'.repeat(40),
      },
      A.ci,
    ],
  ] as const;
  for (const [cmd, actor] of steps) {
    const out = await service.run(cmd, actor, T0);
    if (!out.ok) throw new Error(out.error.message);
  }
  await service.update((doc) => ({
    next: { ...doc, users: { [U.pro]: { name: 'Robin Release', fetchedAt: T0.toISOString() } } },
    result: undefined,
  }));
  return store;
}

function io() {
  const out = { stdout: '', stderr: '' };
  return {
    out,
    io: {
      stdout: (t: string) => {
        out.stdout += t;
      },
      stderr: (t: string) => {
        out.stderr += t;
      },
      now: () => new Date('2026-02-10T00:00:00Z'),
      // The test's own directory: never the project's, where `npm start` may have left a data/cutover.json.
      cwd: dir,
    },
  };
}

const snapshot = async () => ({
  files: (await readdir(dir)).sort(),
  doc: await readFile(dbPath, 'utf8'),
  log: await readFile(logPathOf(dbPath, 'history'), 'utf8'),
});

async function run(argv: string[]) {
  const { out, io: cli } = io();
  const code = await runRecordCli(argv, cli);
  return { code, ...out };
}

describe('npm run record', () => {
  it('prints the record from the store file while the bot holds it, without taking the lock or writing', async () => {
    await botStore();
    const before = await snapshot();
    expect(before.files).toContain('cutover.json.lock');
    const { out, io: cli } = io();
    expect(await runRecordCli(['--db', dbPath], cli)).toBe(0);
    expect(out.stderr).toBe('');
    expect(out.stdout).toMatch(/^# Runtime Cutover Decision Record\n/);
    expect(out.stdout).toContain('2. Runtime cutover execution: **NO-GO**');
    expect(out.stdout).toContain('- Published: by Robin Release, 2026-02-09 09:00 UTC');
    // History comes from the log beside the document.
    expect(out.stdout).toContain(
      'CI: GitHub Actions: Gate "Producer verification suite green" (`producer-suite`) turned green for `service.v3.0.0 @ aaaaaaaaaaaa` (was pending), run <https://ci.example.com/r/1>',
    );
    expect(await snapshot()).toEqual(before);
  });

  it('writes the record to --out, and says where', async () => {
    await (await botStore()).close();
    const file = join(dir, 'RECORD.md');
    const { out, io: cli } = io();
    expect(await runRecordCli([`--db=${dbPath}`, '--out', file], cli)).toBe(0);
    expect(out.stdout).toBe('');
    expect(out.stderr).toContain(`Wrote the decision record to ${file}`);
    const md = await readFile(file, 'utf8');
    expect(md).toContain('## Runtime Command Ownership');
    expect(md).toContain(
      'Rollback owner (producer): MemoryKernel Release Owner, held by Robin Release (`producer-rollback-owner`)',
    );
  });

  it('--history all lists every change in the history log, also past the 100 the reader holds; by default the newest 25, saying how many are left out', async () => {
    const store = await botStore();
    const service = createCutoverService(store);
    for (let i = 0; i < 130; i++) {
      const out = await service.run(
        { type: 'blocker.add', owner: 'decision-log-owner', title: `Item ${i}` },
        A.dlo,
        T0,
      );
      if (!out.ok) throw new Error(out.error.message);
    }
    await store.close();
    open = undefined;
    const total = (await readFile(logPathOf(dbPath, 'history'), 'utf8')).trim().split('\n').length;
    expect(total).toBeGreaterThan(130);

    const all = io();
    expect(await runRecordCli(['--db', dbPath, '--history', 'all'], all.io)).toBe(0);
    expect(all.out.stdout).toContain(`All ${total} changes, newest first.`);
    expect(all.out.stdout).toContain(`\n${total}. 2026-02-09 09:00 UTC, Robin Release: Release target `);

    const some = io();
    expect(await runRecordCli(['--db', dbPath, '--history=40'], some.io)).toBe(0);
    expect(some.out.stdout).toContain(
      `The last 40 changes, newest first; ${total - 40} earlier changes are left out.`,
    );

    const recent = io();
    expect(await runRecordCli(['--db', dbPath], recent.io)).toBe(0);
    expect(recent.out.stdout).toContain(
      `The last 25 changes, newest first; ${total - 25} earlier changes are left out.`,
    );
    expect(recent.out.stdout).toContain('`npm run record -- --db <store-file> --history all`');

    expect((await run(['--db', dbPath, '--history', 'some'])).stderr).toContain(
      '--history needs a number of changes or "all" after it.',
    );
  });

  it('says clearly when the store file is missing, not JSON, not a store file, or invalid; and on bad arguments', async () => {
    const missing = await run(['--db', join(dir, 'nope.json')]);
    expect(missing).toMatchObject({ code: 1, stdout: '' });
    expect(missing.stderr).toContain(`There is no store file at ${join(dir, 'nope.json')}`);

    await writeFile(dbPath, '{"schemaVersion":1,"data":{"cutover":');
    const corrupt = await run(['--db', dbPath]);
    expect(corrupt.code).toBe(1);
    expect(corrupt.stderr).toContain('is not valid JSON');
    expect(await readFile(dbPath, 'utf8')).toBe('{"schemaVersion":1,"data":{"cutover":');

    await writeFile(dbPath, '{"hello":"world"}');
    expect((await run(['--db', dbPath])).stderr).toContain('not a cutover-bot store file');
    await writeFile(dbPath, '{"schemaVersion":9,"data":{}}');
    expect((await run(['--db', dbPath])).stderr).toContain('schemaVersion 9');
    await writeFile(dbPath, '{"schemaVersion":1,"data":{"cutover":{"id":"x"},"history":[]}}');
    const invalid = await run(['--db', dbPath]);
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toContain("does not match the store's shape: data.cutover");

    expect(await run([])).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('Give the store file with --db'),
    });
    expect(await run(['--db'])).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('--db needs a path'),
    });
    expect(await run(['--bogus'])).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('Usage: npm run record'),
    });
    expect(await run(['--help'])).toMatchObject({
      code: 0,
      stdout: expect.stringContaining('--out <file.md>'),
    });
  });

  it('runs as the built script `npm run record` starts', async () => {
    const pkg = JSON.parse(await readFile('package.json', 'utf8'));
    expect(pkg.scripts.record).toBe('node dist/record/cli.js');
    expect(pkg.scripts.prerecord).toContain('build');
    await (await botStore()).close();
    // dist/ is built once for the run by test/global-setup.ts, as `npm run record`'s prerecord does.
    // Run as the suite runs every child: its own directory and exactly its environment (no .env, no data/, no shell).
    const child = { cwd: dir, env: childEnv() };
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      [DIST.record, '--db', dbPath],
      child,
    );
    expect(stderr).toBe('');
    expect(stdout).toMatch(/^# Runtime Cutover Decision Record\n\nUpdated: 2026-02-09/);
    const failed = await promisify(execFile)(
      process.execPath,
      [DIST.record, '--db', join(dir, 'x.json')],
      child,
    ).then(
      () => undefined,
      (e: { code: number; stderr: string }) => e,
    );
    expect(failed?.code).toBe(1);
    expect(failed?.stderr).toContain('There is no store file');
    expect(failed?.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('npm run record on a store of many programs', () => {
  /** Two programs in the layout the bot writes, each with a change of its own; closed (the bot stopped). */
  async function twoPrograms() {
    const layout = await openJsonFileLayout({
      path: dbPath,
      catalog: { schema: Catalog, version: CATALOG_VERSION, create: () => Catalog.parse({}) },
      documents: {
        schema: StoreDocument,
        version: STORE_VERSION,
        log: { field: 'history', entry: HistoryEntry },
      },
    });
    const programs = await openPrograms({ layout, makeService: (store) => createCutoverService(store) });
    for (const [id, channel] of [
      ['service-v4', 'C0FOUR'],
      ['service-v5', 'C0FIVE'],
    ] as const) {
      const made = await programs.create(
        {
          id,
          template: seeded(),
          from: 'programs/service-v3.json',
          title: `${id} cutover`,
          release: id,
          channel,
        },
        A.admin,
        T0,
      );
      if (!made.ok) throw new Error(made.message);
      await made.service.run({ type: 'target.publish', tag: `${id}.0`, sha: 'b'.repeat(40) }, A.admin, T0);
    }
    await programs.close();
  }

  it("prints the record of the program named by --program, and only that program's", async () => {
    await twoPrograms();
    const { out, io: cli } = io();
    expect(await runRecordCli(['--db', dbPath, '--program', 'service-v5'], cli)).toBe(0);
    expect(out.stdout).toContain('service-v5 cutover');
    expect(out.stdout).toContain('service-v5.0');
    expect(out.stdout).not.toContain('service-v4');
  });

  it('asks for --program, naming the programs, when the store holds several; an unknown one is named', async () => {
    await twoPrograms();
    const a = io();
    expect(await runRecordCli(['--db', dbPath], a.io)).toBe(1);
    expect(a.out.stderr).toContain('holds 2 programs: name one with --program (service-v4, service-v5)');
    const b = io();
    expect(await runRecordCli(['--db', dbPath, '--program', 'nope'], b.io)).toBe(1);
    expect(b.out.stderr).toContain('There is no program "nope"');
  });

  it('reads the store at CUTOVER_DB_PATH when --db is not given, and says where it looked when there is none', async () => {
    await twoPrograms();
    const a = io();
    expect(
      await runRecordCli(['--program', 'service-v4'], { ...a.io, env: { CUTOVER_DB_PATH: dbPath } }),
    ).toBe(0);
    expect(a.out.stdout).toContain('service-v4 cutover');
    const b = io();
    const missing = join(dir, 'nowhere.json');
    expect(await runRecordCli([], { ...b.io, env: { CUTOVER_DB_PATH: missing } })).toBe(2);
    expect(b.out.stderr).toContain(`There is no store at ${missing}`);
  });
});
