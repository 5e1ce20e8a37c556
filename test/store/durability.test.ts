/**
 * A write must be durable before `update` resolves: the new bytes fsynced in the temp file BEFORE it is renamed
 * over the document (so a crash never leaves a renamed but empty file), then the directory fsynced (so the
 * rename itself survives). The real fs is used throughout; `open` and `rename` are only wrapped so each
 * handle's `sync()` and each rename are recorded in order, with what the file held at that moment.
 */
import { readFileSync, statSync } from 'node:fs';
import type * as FsPromises from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterEach, expect, it, vi } from 'vitest';
import { openStore } from '../../src/store/store.js';
import { docOptions, readJson, tempDirs, VERSION } from './helpers.js';

type Step = { path: string; isDirectory: boolean; content: string | null } | { renamed: string; to: string };
const syncs = vi.hoisted(() => [] as Step[]);

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
  const rename: typeof fs.rename = async (from, to) => {
    await fs.rename(from, to);
    syncs.push({ renamed: String(from), to: String(to) });
  };
  return { ...fs, open, rename };
});

const dirs = tempDirs();
afterEach(() => dirs.cleanup());

it('fsyncs the new bytes before renaming them over the document, then its directory, before update resolves', async () => {
  const path = join(await dirs.make(), 'cutover.json');
  const store = await openStore(docOptions(path));
  syncs.length = 0;

  await store.update((d) => ({ next: { ...d, counter: 1 }, result: undefined }));

  const onDisk = JSON.stringify({ schemaVersion: VERSION, data: { counter: 1, items: [] } }, null, 2);
  const temp = join(dirname(path), '.cutover.json.tmp');
  expect(syncs).toEqual([
    { path: temp, isDirectory: false, content: `${onDisk}\n` },
    { renamed: temp, to: path },
    { path: dirname(path), isDirectory: true, content: null },
  ]);
  await store.close();
  expect(await readJson(path)).toEqual({ schemaVersion: VERSION, data: { counter: 1, items: [] } });
});

it('fsyncs the first document too', async () => {
  const path = join(await dirs.make(), 'data', 'cutover.json');
  syncs.length = 0;

  const store = await openStore(docOptions(path));

  const temp = join(dirname(path), '.cutover.json.tmp');
  expect(syncs.map((s) => ('path' in s ? s.path : `rename -> ${s.to}`))).toEqual([
    temp,
    `rename -> ${path}`,
    dirname(path),
  ]);
  await store.close();
});
