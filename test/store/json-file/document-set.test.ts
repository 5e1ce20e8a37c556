/**
 * The JSON-file layout of many documents (src/store/json-file/document-set.ts), on real files: the catalog is the
 * store file, each document its own file and log beside it; a change to one document writes that document only;
 * the one-document layout before is upgraded with its files kept; a newer store file is refused untouched.
 */
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  documentsDirOf,
  jsonFileDocumentSet,
  logPathOf,
  openJsonFileLayout,
  openJsonFileStore,
} from '../../../src/store/json-file/index.js';
import { tempDirs } from '../helpers.js';

const Entry = z.object({ seq: z.number().int().positive(), text: z.string() });
const Doc = z.object({ name: z.string(), count: z.number().int(), history: z.array(Entry) });
type Doc = z.infer<typeof Doc>;
const Cat = z.object({ keys: z.array(z.string()).default([]) });
const log = { field: 'history', entry: Entry };
const doc = (name: string): Doc => ({ name, count: 0, history: [] });

const dirs = tempDirs();
afterEach(() => dirs.cleanup());

const bump = (d: Doc) => ({
  next: {
    ...d,
    count: d.count + 1,
    history: [...d.history, { seq: d.history.length + 1, text: `bump ${d.count + 1}` }],
  },
  result: undefined,
});

describe('a set of documents in files', () => {
  it('keeps each document in its own file and log, and a change writes only that one', async () => {
    const dir = await dirs.make();
    const set = jsonFileDocumentSet(join(dir, 'docs'), { schema: Doc, version: 1, log });
    const a = await set.open('alpha', () => doc('alpha'));
    const b = await set.open('beta', () => doc('beta'));
    expect(await set.keys()).toEqual(['alpha', 'beta']);
    const bFile = join(dir, 'docs', 'beta.json');
    const before = {
      doc: await readFile(bFile, 'utf8'),
      mtime: (await stat(bFile)).mtimeMs,
      log: await readFile(logPathOf(bFile, 'history'), 'utf8'),
    };
    for (let i = 0; i < 5; i++) await a.update(bump);
    expect(JSON.parse(await readFile(join(dir, 'docs', 'alpha.json'), 'utf8')).data.count).toBe(5);
    expect(
      (await readFile(logPathOf(join(dir, 'docs', 'alpha.json'), 'history'), 'utf8')).trim().split('\n'),
    ).toHaveLength(5);
    expect(await readFile(bFile, 'utf8')).toBe(before.doc);
    expect((await stat(bFile)).mtimeMs).toBe(before.mtime);
    expect(await readFile(logPathOf(bFile, 'history'), 'utf8')).toBe(before.log);
    expect(b.snapshot().count).toBe(0);
    // Opened once per key: the same store again.
    expect(await set.open('alpha', () => doc('other'))).toBe(a);
    await set.close();
  });
});

describe('the layout of many documents', () => {
  const legacy = {
    version: 1,
    schema: Doc,
    keyOf: (d: Doc) => d.name,
    catalogFor: (key: string) => ({ keys: [key] }),
  };
  const open = (path: string) =>
    openJsonFileLayout({
      path,
      catalog: { schema: Cat, version: 2, create: () => ({ keys: [] }) },
      documents: { schema: Doc, version: 1, log },
      legacy,
    });

  it('starts a new store with an empty catalog', async () => {
    const path = join(await dirs.make(), 'store.json');
    const l = await open(path);
    expect(l.catalog.snapshot()).toEqual({ keys: [] });
    expect(l.upgraded).toBeUndefined();
    expect(JSON.parse(await readFile(path, 'utf8')).schemaVersion).toBe(2);
    await l.catalog.close();
  });

  it('upgrades the one-document store: the document and log moved under their key, the old files kept', async () => {
    const path = join(await dirs.make(), 'store.json');
    const old = await openJsonFileStore({ path, schema: Doc, version: 1, create: () => doc('alpha'), log });
    for (let i = 0; i < 3; i++) await old.update(bump);
    await old.close();
    const bytes = await readFile(path, 'utf8');
    const logBytes = await readFile(logPathOf(path, 'history'), 'utf8');

    const l = await open(path);
    expect(l.upgraded).toContain('program alpha');
    expect(l.catalog.snapshot()).toEqual({ keys: ['alpha'] });
    const moved = join(documentsDirOf(path), 'alpha.json');
    expect(await readFile(moved, 'utf8')).toBe(bytes);
    expect(await readFile(logPathOf(moved, 'history'), 'utf8')).toBe(logBytes);
    expect(await readFile(path.replace('.json', '.v1-backup.json'), 'utf8')).toBe(bytes);
    expect(await readFile(path.replace('.json', '.v1-backup.history.jsonl'), 'utf8')).toBe(logBytes);
    const alpha = await l.documents.open('alpha', () => doc('never'));
    expect(alpha.snapshot()).toMatchObject({ name: 'alpha', count: 3 });
    expect(alpha.snapshot().history).toHaveLength(3);
    await l.documents.close();
    await l.catalog.close();
  });

  it('refuses a store file newer than the code, untouched', async () => {
    const path = join(await dirs.make(), 'store.json');
    const text = '{"schemaVersion": 9, "data": {}}\n';
    await writeFile(path, text);
    await expect(open(path)).rejects.toThrow('store layout version 9; this one reads up to 2');
    expect(await readFile(path, 'utf8')).toBe(text);
  });

  it('refuses a one-document store that is corrupt, untouched, before copying anything', async () => {
    const dir = await dirs.make();
    const path = join(dir, 'store.json');
    const text = '{"schemaVersion": 1, "data": {"name": 3}}\n';
    await writeFile(path, text);
    await expect(open(path)).rejects.toThrow('does not match');
    expect(await readFile(path, 'utf8')).toBe(text);
    expect(await readdir(dir)).toEqual(['store.json']);
  });
});
