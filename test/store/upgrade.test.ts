/**
 * The upgrade from one program per store (test/fixtures/stores/v1-single-program, written by the code before many
 * programs) to the catalog and one document per program, on the first start of the real bot: nothing lost, the old
 * files kept, the program in the channel it was bound to, its undelivered alerts delivered once; a store newer than
 * the code refused untouched; an upgrade interrupted before its commit done again.
 */
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CATALOG_VERSION, StoreDocument } from '../../src/service/document.js';
import { documentsDirOf, logPathOf } from '../../src/store/json-file/index.js';
import { type AlertHarness, idsOf, startAlertHarness } from '../alerts/helpers.js';
import { type Harness, startHarness } from '../slack/harness.js';

const FIXTURE = new URL('../fixtures/stores/v1-single-program/', import.meta.url);
const OLD_CHANNEL = 'C0OLDCHAN';

let h: Harness | undefined;
let a: AlertHarness | undefined;
let dir: string | undefined;
afterEach(async () => {
  await h?.stop();
  await a?.h.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
  h = undefined;
  a = undefined;
  dir = undefined;
});

async function copyFixture() {
  dir = await mkdtemp(join(tmpdir(), 'cutover-upgrade-'));
  await cp(FIXTURE, dir, { recursive: true });
  const dbPath = join(dir, 'cutover.json');
  return {
    dbPath,
    old: await readFile(dbPath, 'utf8'),
    oldLog: await readFile(logPathOf(dbPath, 'history'), 'utf8'),
  };
}

/** A document as the schema reads it (its history is in its log). */
const read = (data: object) => StoreDocument.parse({ ...data, history: [] });

/** The old document as it reads once its request keys are moved out: the same, without `data.requests`. */
function withoutKeys(old: string) {
  const { schemaVersion, logLength, data } = JSON.parse(old);
  expect(data.requests).toBeDefined();
  const { requests: _, ...rest } = data;
  return { schemaVersion, logLength, data: read(rest) };
}

/** The document at `path` as it reads, without the pointer to its request log (which must name one). */
async function movedOut(path: string) {
  const { requests, schemaVersion, logLength, data } = JSON.parse(await readFile(path, 'utf8'));
  expect(requests).toMatchObject({ generation: 1 });
  expect(data).not.toHaveProperty('requests');
  await readFile(path.replace(/\.json$/, `.requests.${requests.generation}.jsonl`), 'utf8');
  return { schemaVersion, logLength, data: read(data) };
}

describe('a store written by the one-program version', () => {
  it('is upgraded on first start: every role, target, evidence, sign-off, outbox item and history line kept, the old files kept', async () => {
    const { dbPath, old, oldLog } = await copyFixture();
    h = await startHarness({ env: { CUTOVER_DB_PATH: dbPath } });

    // The store file is now the catalog, at the layout's version, listing the one program.
    const catalog = JSON.parse(await readFile(dbPath, 'utf8'));
    expect(catalog.schemaVersion).toBe(CATALOG_VERSION);
    expect(catalog.data.programs.map((p: { id: string }) => p.id)).toEqual(['service-v3']);

    // The program's document is the old document, its request keys moved out beside it (their own log); its
    // history is the old one, byte for byte.
    const docPath = join(documentsDirOf(dbPath), 'service-v3.json');
    expect(await movedOut(docPath)).toEqual(withoutKeys(old));
    expect(await readFile(logPathOf(docPath, 'history'), 'utf8')).toBe(oldLog);
    // The old files are kept as a backup.
    expect(await readFile(join(dir ?? '', 'cutover.v1-backup.json'), 'utf8')).toBe(old);
    expect(await readFile(join(dir ?? '', 'cutover.v1-backup.history.jsonl'), 'utf8')).toBe(oldLog);

    // And the live program reads it all: it stays in its own channel, whatever CUTOVER_CHANNEL_ID says.
    const was = JSON.parse(old).data;
    const service = h.program({ id: 'service-v3' });
    const c = service.cutover();
    expect(c.channel).toBe(OLD_CHANNEL);
    expect(c.roles).toEqual(was.cutover.roles);
    expect(c.targets).toEqual(was.cutover.targets);
    expect(c.evidence).toEqual(was.cutover.evidence);
    expect(c.signoffs).toEqual(was.cutover.signoffs);
    expect(c.blockers).toEqual(was.cutover.blockers);
    expect(service.document().outbox.map((i) => i.id)).toEqual(was.outbox.map((i: { id: string }) => i.id));
    const lines = oldLog
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    // Each line kept as written: read as a legacy event holding the prose.
    expect(service.history(100).reverse()).toEqual(
      lines.map(({ seq, at, by, asAdmin, ...prose }) => ({
        seq,
        at,
        by,
        asAdmin,
        event: { type: 'legacy', ...prose },
      })),
    );

    // The next change goes on from the last history line, in the program's own files.
    const next = await h.command('UDLO', 'blocker add decision-log-owner After the upgrade', {
      channel_id: OLD_CHANNEL,
    });
    expect(next.text).toContain(':white_check_mark:');
    const log = (await readFile(logPathOf(docPath, 'history'), 'utf8')).trim().split('\n');
    expect(JSON.parse(log.at(-1) ?? '{}')).toMatchObject({
      seq: lines.length + 1,
      event: { type: 'blocker.added', title: 'After the upgrade' },
    });
    // The backups are left as they were.
    expect(await readFile(join(dir ?? '', 'cutover.v1-backup.json'), 'utf8')).toBe(old);
  });

  it('delivers the alerts it had not delivered, once each, to its own channel', async () => {
    const { dbPath, old } = await copyFixture();
    a = await startAlertHarness({ env: { CUTOVER_DB_PATH: dbPath } });
    await a.drain();
    const waiting = JSON.parse(old).data.outbox.map((i: { id: string }) => i.id);
    const told = a.h.slack
      .messages(OLD_CHANNEL)
      .flatMap(idsOf)
      .filter((id) => id);
    expect([...told].sort()).toEqual([...waiting].sort());
    expect(new Set(told).size).toBe(told.length);
    // A restart posts none of them again.
    await a.h.restart();
    await a.drain();
    expect(
      a.h.slack
        .messages(OLD_CHANNEL)
        .flatMap(idsOf)
        .filter((id) => id),
    ).toHaveLength(told.length);
  });

  it('is upgraded again from the start when an earlier upgrade stopped before its commit', async () => {
    const { dbPath, old } = await copyFixture();
    // What a crash between the copies and the catalog's rename leaves: a half-written document in the folder.
    await mkdir(documentsDirOf(dbPath), { recursive: true });
    await writeFile(join(documentsDirOf(dbPath), 'service-v3.json'), '{"schemaVersion": 1, "da');
    h = await startHarness({ env: { CUTOVER_DB_PATH: dbPath } });
    expect(await movedOut(join(documentsDirOf(dbPath), 'service-v3.json'))).toEqual(withoutKeys(old));
    expect(h.program({ id: 'service-v3' }).cutover().channel).toBe(OLD_CHANNEL);
  });
});

describe('a store written by a newer version', () => {
  it('is refused with what to do, and left untouched', async () => {
    dir = await mkdtemp(join(tmpdir(), 'cutover-newer-'));
    const dbPath = join(dir, 'cutover.json');
    const newer = `${JSON.stringify({ schemaVersion: CATALOG_VERSION + 1, data: { programs: [] } }, null, 2)}\n`;
    await writeFile(dbPath, newer);
    await expect(startHarness({ env: { CUTOVER_DB_PATH: dbPath } })).rejects.toThrow(
      /written by a newer cutover-bot \(store layout version 3; this one reads up to 2\)\. The file was NOT modified/,
    );
    expect(await readFile(dbPath, 'utf8')).toBe(newer);
  });
});
