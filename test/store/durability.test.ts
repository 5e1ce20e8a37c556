/**
 * Steno renames a temp file into place but never fsyncs. The store must fsync the file (after the rename,
 * so it flushes the new bytes) and its directory before `update` resolves. The real fs is used throughout;
 * `open` is only wrapped so each handle's `sync()` is recorded with what the file held at that moment.
 */
import { readFileSync, statSync } from 'node:fs';
import type * as FsPromises from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterEach, expect, it, vi } from 'vitest';
import { openStore } from '../../src/store/store.js';
import { docOptions, readJson, tempDirs, VERSION } from './helpers.js';

const syncs = vi.hoisted(() => [] as { path: string; isDirectory: boolean; content: string | null }[]);

vi.mock('node:fs/promises', async (importOriginal) => {
  const fs = await importOriginal<typeof FsPromises>();
  const open: typeof fs.open = async (...args) => {
    const handle = await fs.open(...args);
    const path = String(args[0]);
    const sync = handle.sync.bind(handle);
    handle.sync = async () => {
      await sync();
      const isDirectory = statSync(path).isDirectory();
      syncs.push({ path, isDirectory, content: isDirectory ? null : readFileSync(path, 'utf8') });
    };
    return handle;
  };
  return { ...fs, open };
});

const dirs = tempDirs();
afterEach(() => dirs.cleanup());

it('fsyncs the renamed file and its directory before update resolves', async () => {
  const path = join(await dirs.make(), 'cutover.json');
  const store = await openStore(docOptions(path));
  syncs.length = 0;

  await store.update((d) => ({ next: { ...d, counter: 1 }, result: undefined }));

  const onDisk = JSON.stringify({ schemaVersion: VERSION, data: { counter: 1, items: [] } }, null, 2);
  expect(syncs).toEqual([
    { path, isDirectory: false, content: `${onDisk}\n` },
    { path: dirname(path), isDirectory: true, content: null },
  ]);
  await store.close();
  expect(await readJson(path)).toEqual({ schemaVersion: VERSION, data: { counter: 1, items: [] } });
});

it('fsyncs the first document too', async () => {
  const path = join(await dirs.make(), 'data', 'cutover.json');
  syncs.length = 0;

  const store = await openStore(docOptions(path));

  expect(syncs.map((s) => s.path)).toEqual([path, dirname(path)]);
  await store.close();
});
