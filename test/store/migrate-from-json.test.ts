/**
 * `npm run migrate-from-json`: a JSON store (real files in a temp dir, written by the JSON-file adapter as the bot
 * writes them) imported into a fresh database on the suite's PostgreSQL server (postgres/server.ts), read back
 * through the PostgreSQL layout; refusals that leave both sides as they were; and the built script.
 */
import { execFile } from 'node:child_process';
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type pg from 'pg';
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { type HistoryEntry as Entry, HistoryEntry } from '../../src/core/schema.js';
import { runMigrateCli } from '../../src/migrate/migrate-cli.js';
import {
  ImportError,
  importJsonStore,
  postgresImportTarget,
  readJsonStore,
} from '../../src/migrate/migrate-from-json.js';
import { createCutoverService } from '../../src/service/cutover-service.js';
import {
  CATALOG_VERSION,
  Catalog,
  type OutboxItem,
  REQUEST_KEYS,
  STORE_VERSION,
  StoreDocument,
} from '../../src/service/document.js';
import { openPrograms } from '../../src/service/programs.js';
import { documentsDirOf, logPathOf, openJsonFileLayout } from '../../src/store/json-file/index.js';
import { openPostgresLayout, postgresDocumentSet } from '../../src/store/postgres/index.js';
import { A, seeded, T0, U } from '../core/fixtures.js';
import { childEnv, DIST } from '../fixtures/child-process.js';
import { testDatabases, withDatabase } from './postgres/databases.js';

const databases = testDatabases();
const IDS = ['service-v4', 'service-v5'] as const;
/** More history lines than any adapter holds in memory (DEFAULT_KEEP). */
const LINES = { 'service-v4': 1203, 'service-v5': 1050 } as const;

let dir = '';
let dbPath = '';
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cutover-migrate-'));
  dbPath = join(dir, 'cutover.json');
});
afterEach(async () => {
  await databases.cleanup();
  await rm(dir, { recursive: true, force: true });
});

/** Two programs in the layout the bot writes, each with a long history, an outbox and the rest; closed. */
async function twoPrograms(): Promise<void> {
  const layout = await openJsonFileLayout({
    path: dbPath,
    catalog: { schema: Catalog, version: CATALOG_VERSION, create: () => Catalog.parse({}) },
    documents: {
      schema: StoreDocument,
      version: STORE_VERSION,
      log: { field: 'history', entry: HistoryEntry },
      requests: REQUEST_KEYS,
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
    const done = await made.service.run(
      { type: 'target.publish', tag: `${id}.0`, sha: 'b'.repeat(40) },
      A.admin,
      T0,
    );
    if (!done.ok) throw new Error(done.error.message);
    // Two requests applied under their keys (live: made now, kept 24 hours), beside the document.
    for (const [key, user] of [
      [`ci:${id}:1`, 'UONE'],
      [`trigger:${id}:2`, 'UTWO'],
    ] as const) {
      const keyed = await made.service.run(
        { type: 'role.assign', role: 'decision-log-owner', user },
        A.admin,
        new Date(),
        { requestKey: key },
      );
      if (!keyed.ok) throw new Error(keyed.error.message);
    }
    const store = await layout.documents.open(id, () => {
      throw new Error('opened already');
    });
    await store.update((doc) => {
      const last = doc.history.at(-1)?.seq ?? 0;
      const more: Entry[] = Array.from({ length: LINES[id] - doc.history.length }, (_, i) => ({
        seq: last + i + 1,
        at: T0.toISOString(),
        by: U.admin,
        asAdmin: true,
        action: 'note.add',
        subject: `${id} note ${i}`,
        before: '',
        after: `line ${i} of ${id}`,
      }));
      const outbox: OutboxItem[] = ['a', 'b', 'c'].map((n) => ({
        id: `${id}-out-${n}`,
        channel,
        kind: 'legacy',
        was: 'alert',
        text: `*${id}* alert ${n}`,
        mentions: [U.admin],
        createdAt: T0.toISOString(),
        attempts: 1,
      }));
      return {
        next: {
          ...doc,
          history: [...doc.history, ...more],
          outbox: [...doc.outbox, ...outbox],
          reminders: { ...doc.reminders, [`${id}:window-24h`]: T0.toISOString() },
          users: { ...doc.users, [U.admin]: { name: 'Ada Admin', fetchedAt: T0.toISOString() } },
        },
        result: undefined,
      };
    });
  }
  await programs.close();
  await layout.documents.close();
  await layout.catalog.close();
}

/** Every file under `root`, with its bytes. */
async function filesOf(root: string): Promise<Map<string, Buffer>> {
  const names = (await readdir(root, { recursive: true, withFileTypes: true }))
    .filter((d) => d.isFile())
    .map((d) => join(d.parentPath, d.name))
    .sort();
  return new Map(await Promise.all(names.map(async (n) => [n, await readFile(n)] as const)));
}

/** A document file and its history log as the JSON store holds them, read as plain JSON. */
async function jsonSource(docPath: string): Promise<{ doc: StoreDocument; lines: Entry[] }> {
  const data = JSON.parse(await readFile(docPath, 'utf8')).data;
  const text = await readFile(logPathOf(docPath, 'history'), 'utf8');
  const lines = text
    .trim()
    .split('\n')
    .map((l) => HistoryEntry.parse(JSON.parse(l)));
  return { doc: StoreDocument.parse({ ...data, history: [] }), lines };
}

/** The request keys a JSON document's request log holds, with the message each answered. */
async function jsonRequests(docPath: string): Promise<Map<string, string>> {
  const { requests } = JSON.parse(await readFile(docPath, 'utf8'));
  const text = await readFile(docPath.replace(/\.json$/, `.requests.${requests.generation}.jsonl`), 'utf8');
  const lines = text.trim().split('\n').slice(0, requests.length);
  return new Map(
    lines.map((l) => JSON.parse(l)).map((l: { k: string; a: { message: string } }) => [l.k, l.a.message]),
  );
}

/** The database as the bot would open it, with every history entry held. */
async function readBack(pool: pg.Pool) {
  const layout = await openPostgresLayout({
    pool,
    catalog: {
      schema: Catalog,
      version: CATALOG_VERSION,
      create: () => {
        throw new Error('there is no catalog');
      },
    },
    documents: {
      schema: StoreDocument,
      version: STORE_VERSION,
      log: { field: 'history', entry: HistoryEntry, keep: 100_000 },
    },
  });
  const catalog = layout.catalog.snapshot();
  const docs = new Map<string, StoreDocument>();
  for (const { id } of catalog.programs)
    docs.set(
      id,
      (
        await layout.documents.open(id, () => {
          throw new Error(`program ${id} is missing`);
        })
      ).snapshot(),
    );
  await layout.documents.close();
  await layout.catalog.close();
  const requests = new Map<string, Map<string, string>>();
  const { rows } = await pool.query<{ doc_key: string; request_key: string; message: string }>(
    "SELECT doc_key, request_key, applied->>'message' AS message FROM cutover_requests",
  );
  for (const r of rows) {
    const id = r.doc_key.replace(/^program:/, '');
    if (!requests.has(id)) requests.set(id, new Map());
    requests.get(id)?.set(r.request_key, r.message);
  }
  return { catalog, docs, requests };
}

/** Every row of the database's tables (none if it has no tables): to show it was left as it was. */
async function dump(pool: pg.Pool): Promise<unknown> {
  const { rows } = await pool.query<{ t: string | null }>(
    "SELECT to_regclass('cutover_documents')::text AS t",
  );
  if (!rows[0]?.t) return 'no tables';
  const docs = await pool.query(
    'SELECT key, schema_version, doc, history_length, revision FROM cutover_documents',
  );
  const history = await pool.query('SELECT key, seq, entry FROM cutover_history ORDER BY key, seq');
  return { docs: docs.rows, history: history.rows };
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
      env: {} as Record<string, string | undefined>,
    },
  };
}

describe('npm run migrate-from-json', () => {
  it('imports every program with every history line, outbox item and request key, the catalog last; the JSON files unchanged', async () => {
    await twoPrograms();
    const before = await filesOf(dir);
    const url = await databases.make();
    const { out, io: cli } = io();
    expect(await runMigrateCli(['--db', dbPath, '--database-url', url], cli)).toBe(0);
    expect(out.stderr).toBe('');
    expect(out.stdout).toContain(`Imported 2 programs from ${dbPath} into`);
    expect(out.stdout).toContain(
      '  service-v4: 1203 history lines, 3 outbox items, 2 request keys, 1 reminder mark, 1 cached user',
    );
    expect(out.stdout).toContain('  service-v5: 1050 history lines, 3 outbox items');
    expect(out.stdout).toContain('The catalog was written last.');

    const back = await readBack(await databases.pool(url));
    const catalog = JSON.parse(await readFile(dbPath, 'utf8')).data;
    expect(back.catalog).toEqual(Catalog.parse(catalog));
    expect(back.catalog.programs.map((p) => p.id)).toEqual([...IDS]);
    for (const id of IDS) {
      const { doc, lines } = await jsonSource(join(documentsDirOf(dbPath), `${id}.json`));
      expect(lines).toHaveLength(LINES[id]);
      const got = back.docs.get(id);
      expect(got?.history).toEqual(lines);
      expect(got?.outbox).toEqual(doc.outbox);
      expect(got?.outbox).toHaveLength(3);
      // The request keys: beside the document in both, each answering as it did.
      expect(back.requests.get(id)).toEqual(await jsonRequests(join(documentsDirOf(dbPath), `${id}.json`)));
      expect([...(back.requests.get(id)?.keys() ?? [])].sort()).toEqual([`ci:${id}:1`, `trigger:${id}:2`]);
      expect({ ...got, history: [] }).toEqual(doc); // reminders, users cache, cutover: all of it
    }
    expect(await filesOf(dir)).toEqual(before);
  });

  it('refuses a database that holds a catalog or programs already, naming them, and leaves it as it was', async () => {
    await twoPrograms();
    const url = await databases.make();
    expect(await runMigrateCli(['--db', dbPath, '--database-url', url], io().io)).toBe(0);
    const pool = await databases.pool(url);
    const was = await dump(pool);
    const again = io();
    expect(await runMigrateCli(['--db', dbPath, '--database-url', url], again.io)).toBe(1);
    expect(again.out.stdout).toBe('');
    expect(again.out.stderr).toContain(
      'The database is not empty: it holds the catalog and 2 program documents (program:service-v4, program:service-v5). ' +
        'Nothing was imported and nothing in the database was changed.',
    );
    expect(await dump(pool)).toEqual(was);
  });

  it('refuses a database that holds program documents no catalog lists (an import that stopped), untouched', async () => {
    await twoPrograms();
    const url = await databases.make();
    const pool = await databases.pool(url);
    const { doc } = await jsonSource(join(documentsDirOf(dbPath), 'service-v5.json'));
    const documents = postgresDocumentSet({
      pool,
      documents: {
        schema: StoreDocument,
        version: STORE_VERSION,
        log: { field: 'history', entry: HistoryEntry },
      },
    });
    await documents.open('service-v5', () => doc);
    await documents.close();
    const was = await dump(pool);
    const { out, io: cli } = io();
    expect(await runMigrateCli(['--db', dbPath, '--database-url', url], cli)).toBe(1);
    expect(out.stderr).toContain('it holds 1 program document (program:service-v5). No catalog lists it');
    expect(out.stderr).toContain('or drop this one and create it again');
    expect(await dump(pool)).toEqual(was);
  });

  it('leaves no catalog when it fails before the end, says what it wrote, and a run again is refused', async () => {
    await twoPrograms();
    const url = await databases.make();
    const pool = await databases.pool(url);
    const target = postgresImportTarget(pool);
    const failing = {
      ...target,
      openCatalog: async () => {
        throw new Error('The connection was lost.');
      },
    };
    const stopped = await importJsonStore(await readJsonStore(dbPath), failing).catch((e: unknown) => e);
    expect(stopped).toBeInstanceOf(ImportError);
    expect((stopped as ImportError).code).toBe('stopped');
    expect((stopped as Error).message).toBe(
      'The connection was lost. The import stopped before writing the catalog, after writing ' +
        'program:service-v4, program:service-v5: the bot would not see those programs. Drop the database and ' +
        'create it again (or use another empty one), then run the import again.',
    );
    const { rows } = await pool.query('SELECT key FROM cutover_documents ORDER BY key');
    expect(rows.map((r) => r.key)).toEqual(['program:service-v4', 'program:service-v5']);
    const was = await dump(pool);
    const again = io();
    expect(await runMigrateCli(['--db', dbPath, '--database-url', url], again.io)).toBe(1);
    expect(again.out.stderr).toContain(
      'it holds 2 program documents (program:service-v4, program:service-v5). No catalog lists them',
    );
    expect(await dump(pool)).toEqual(was);
  });

  it('imports a store of the one-program layout as its one program, without upgrading the file', async () => {
    await cp('test/fixtures/stores/v1-single-program', dir, { recursive: true });
    const before = await filesOf(dir);
    const url = await databases.make();
    const { out, io: cli } = io();
    expect(await runMigrateCli(['--db', dbPath, '--database-url', url], cli)).toBe(0);
    expect(out.stdout).toContain('Imported 1 program from');
    expect(out.stdout).toContain('  service-v3: 14 history lines, 12 outbox items');
    expect(out.stdout).toContain('one-program layout');
    const back = await readBack(await databases.pool(url));
    expect(back.catalog.programs).toEqual([{ id: 'service-v3', from: 'the one-program store' }]);
    const { doc, lines } = await jsonSource(dbPath);
    expect(back.docs.get('service-v3')?.history).toEqual(lines);
    expect({ ...back.docs.get('service-v3'), history: [] }).toEqual(doc);
    expect(await filesOf(dir)).toEqual(before);
  });

  it('refuses a corrupt JSON store, saying what is wrong, and writes nothing to the database', async () => {
    await twoPrograms();
    const log = logPathOf(join(documentsDirOf(dbPath), 'service-v5.json'), 'history');
    const lines = (await readFile(log, 'utf8')).split('\n');
    lines[500] = '{"seq": "not a number"}';
    await writeFile(log, lines.join('\n'));
    const before = await filesOf(dir);
    const url = await databases.make();
    const { out, io: cli } = io();
    expect(await runMigrateCli(['--db', dbPath, '--database-url', url], cli)).toBe(1);
    expect(out.stderr).toContain(`Cannot import ${dbPath}:`);
    expect(out.stderr).toContain('service-v5.history.jsonl');
    expect(out.stderr).toContain('Nothing was written to the database.');
    expect(await dump(await databases.pool(url))).toBe('no tables');
    expect(await filesOf(dir)).toEqual(before);

    await writeFile(dbPath, '{ "schemaVersion": 2, "data": ');
    const bad = io();
    expect(await runMigrateCli(['--db', dbPath, '--database-url', url], bad.io)).toBe(1);
    expect(bad.out.stderr).toContain('is not valid JSON');
  });

  it('fails with exit 1 and the reason, never the password, for a bad URL or no server', async () => {
    await twoPrograms();
    const noServer = io();
    noServer.io.env.DATABASE_URL = 'postgres://cutover:s3cr%3Ft-pw@127.0.0.1:1/cutover';
    expect(await runMigrateCli(['--db', dbPath], noServer.io)).toBe(1);
    expect(noServer.out.stderr).toContain(
      `Cannot import ${dbPath} into postgres://cutover@127.0.0.1:1/cutover:`,
    );
    expect(noServer.out.stderr).toContain('Check that the PostgreSQL server is up');
    const notPostgres = io();
    expect(
      await runMigrateCli(
        ['--db', dbPath, '--database-url', 'http://cutover:s3cr%3Ft-pw@db/x'],
        notPostgres.io,
      ),
    ).toBe(1);
    expect(notPostgres.out.stderr).toContain('is not a PostgreSQL URL');
    const wrongPassword = io();
    const url = new URL(withDatabase(inject('postgresUrl'), 'postgres'));
    url.password = 's3cr?t-pw';
    expect(await runMigrateCli(['--db', dbPath, '--database-url', url.toString()], wrongPassword.io)).toBe(1);
    for (const { out } of [noServer, notPostgres, wrongPassword]) {
      expect(out.stdout).toBe('');
      expect(out.stderr).not.toMatch(/s3cr/);
      expect(out.stderr).not.toMatch(/\n\s+at /);
    }
  });

  it('answers usage errors with exit 2 and the usage', async () => {
    const cases: [string[], Record<string, string>, string][] = [
      [[], { DATABASE_URL: 'postgres://x@h/d' }, 'Give the store file to import with --db'],
      [['--db', dbPath], {}, 'Give the database to import into with --database-url, or set DATABASE_URL.'],
      [['--db'], {}, '--db needs the store file after it.'],
      [['--db', dbPath, '--database-url'], {}, '--database-url needs a postgres:// URL after it.'],
      [['--db', dbPath, '--force'], {}, 'Unknown argument "--force".'],
    ];
    for (const [argv, env, message] of cases) {
      const { out, io: cli } = io();
      expect(await runMigrateCli(argv, { ...cli, env })).toBe(2);
      expect(out.stderr).toContain(message);
      expect(out.stderr).toContain('Usage: npm run migrate-from-json -- --db <store-file>');
    }
    const help = io();
    expect(await runMigrateCli(['--help'], help.io)).toBe(0);
    expect(help.out.stdout).toContain('Usage: npm run migrate-from-json');
  });

  it('runs as the built script `npm run migrate-from-json` starts, DATABASE_URL from the environment', async () => {
    const pkg = JSON.parse(await readFile('package.json', 'utf8'));
    expect(pkg.scripts['migrate-from-json']).toBe('node dist/migrate-from-json-cli.js');
    expect(pkg.scripts['premigrate-from-json']).toContain('build');
    await twoPrograms();
    const url = await databases.make();
    // dist/ is built once for the run by test/global-setup.ts, as the premigrate-from-json script does.
    const run = (args: string[]) =>
      promisify(execFile)(process.execPath, [DIST.migrateFromJson, ...args], {
        cwd: dir,
        env: childEnv({ DATABASE_URL: url }),
      }).then(
        ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
        (e: { code: number; stdout: string; stderr: string }) => e,
      );
    const done = await run(['--db', dbPath]);
    expect(done.stderr).toBe('');
    expect(done.code).toBe(0);
    expect(done.stdout).toMatch(/^Imported 2 programs from .*cutover\.json into postgres(ql)?:\/\//);
    expect(done.stdout).toContain('service-v4: 1203 history lines');
    const again = await run(['--db', dbPath]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('The database is not empty');
    const usage = await run([]);
    expect(usage.code).toBe(2);
  });
});
