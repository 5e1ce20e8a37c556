/**
 * A store whose history was written as prose (action, subject, before, after, note), as every version before typed
 * history wrote it, opens in the JSON file and PostgreSQL adapters: each prose line is kept as it was written and
 * read as a `legacy` event, shown as written and marked as legacy text; a new change appends a typed event after it,
 * and the prose lines on disk stay byte for byte.
 */
import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { HistoryEntry } from '../../src/core/schema.js';
import { runMigrateCli } from '../../src/migrate/migrate-cli.js';
import { decisionRecord } from '../../src/record/decision-record.js';
import { CATALOG_VERSION, Catalog, STORE_VERSION, StoreDocument } from '../../src/service/document.js';
import { documentsDirOf, logPathOf } from '../../src/store/json-file/index.js';
import { openPostgresLayout } from '../../src/store/postgres/index.js';
import { type Harness, startHarness } from '../slack/harness.js';
import { testDatabases } from './postgres/databases.js';

const FIXTURE = new URL('../fixtures/stores/v1-single-program/', import.meta.url);
const CHANNEL = 'C0OLDCHAN';
const databases = testDatabases();

let h: Harness | undefined;
let dir: string | undefined;
afterEach(async () => {
  await h?.stop();
  await databases.cleanup();
  if (dir) await rm(dir, { recursive: true, force: true });
  h = undefined;
  dir = undefined;
});

/** The prose lines of the fixture, as the older version wrote them. */
async function proseLines(): Promise<Record<string, unknown>[]> {
  const text = await readFile(new URL('cutover.history.jsonl', FIXTURE), 'utf8');
  return text
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
}

/** A copy of a store written by an older version, in a temp dir: its path. */
async function oldStore(): Promise<string> {
  dir = await mkdtemp(join(tmpdir(), 'cutover-legacy-history-'));
  await cp(FIXTURE, dir, { recursive: true });
  return join(dir, 'cutover.json');
}

describe('a store with prose history (JSON file)', () => {
  it('opens: each prose line is read as a legacy event holding what was written, and shown as written, marked legacy', async () => {
    const dbPath = await oldStore();
    h = await startHarness({ env: { CUTOVER_DB_PATH: dbPath } });
    // Opened again, as the store of the layout the bot writes now (catalog and one document per program).
    await h.restart();
    const prose = await proseLines();
    const service = h.program({ id: 'service-v3' });
    const held = service.history(100).reverse();
    expect(held).toHaveLength(prose.length);
    held.forEach((entry, i) => {
      const { seq, at, by, asAdmin, ...written } = prose[i] as Record<string, unknown>;
      expect(entry).toEqual({ seq, at, by, asAdmin, event: { type: 'legacy', ...written } });
    });

    const answer = await h.command('UDLO', 'history 3', { channel_id: CHANNEL });
    expect(answer.text).toContain(
      '<@UDLO> · window cutover window: none → 2026-12-10T08:00:00.000Z – 2026-12-10T10:00:00.000Z (legacy text)',
    );
    expect(answer.text).toContain('<@UDLO> · blocker.add blocker consumer-canary-dashboards: — → open — ');

    const md = decisionRecord(service.document(), new Date('2026-11-21T00:00:00Z'));
    expect(md).toContain(
      'window cutover window: none → 2026-12-10T08:00:00.000Z – 2026-12-10T10:00:00.000Z (legacy text)',
    );
  });

  it('a new change appends a typed event after the prose lines, which stay on disk byte for byte', async () => {
    const dbPath = await oldStore();
    const before = await readFile(join(dir ?? '', 'cutover.history.jsonl'), 'utf8');
    h = await startHarness({ env: { CUTOVER_DB_PATH: dbPath } });
    const answer = await h.command('UDLO', 'scope Runtime *only*', { channel_id: CHANNEL });
    expect(answer.text).not.toMatch(/not|refused/i);
    const log = await readFile(logPathOf(join(documentsDirOf(dbPath), 'service-v3.json'), 'history'), 'utf8');
    expect(log.startsWith(before)).toBe(true);
    const added = log.slice(before.length).trim().split('\n');
    expect(added).toHaveLength(1);
    expect(JSON.parse(added[0] ?? '')).toMatchObject({
      seq: 15,
      by: 'UDLO',
      event: { type: 'note.changed', what: 'scope', change: 'set', text: 'Runtime *only*' },
    });
    const history = await h.command('UDLO', 'history 2', { channel_id: CHANNEL });
    expect(history.text).toContain('<@UDLO> · Scope written: "Runtime *only*"');
    expect(history.text).toContain('(legacy text)');
  });
});

describe('a store with prose history (PostgreSQL)', () => {
  it('imported as written, opens with each prose line read as a legacy event', async () => {
    const dbPath = await oldStore();
    const url = await databases.make();
    const out = { stdout: '', stderr: '' };
    const cli = {
      stdout: (t: string) => {
        out.stdout += t;
      },
      stderr: (t: string) => {
        out.stderr += t;
      },
      env: {} as Record<string, string | undefined>,
    };
    expect(await runMigrateCli(['--db', dbPath, '--database-url', url], cli), out.stderr).toBe(0);
    const layout = await openPostgresLayout({
      pool: await databases.pool(url),
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
        log: { field: 'history', entry: HistoryEntry, keep: 100 },
      },
    });
    const doc = (
      await layout.documents.open('service-v3', () => {
        throw new Error('missing');
      })
    ).snapshot();
    const prose = await proseLines();
    expect(doc.history.map((e) => e.event.type)).toEqual(prose.map(() => 'legacy'));
    expect(doc.history.at(-1)?.event).toEqual({
      type: 'legacy',
      action: 'window',
      subject: 'cutover window',
      before: 'none',
      after: '2026-12-10T08:00:00.000Z – 2026-12-10T10:00:00.000Z',
    });
    await layout.documents.close();
    await layout.catalog.close();
  });
});
