/**
 * A write must be durable before `update` resolves: the new bytes fsynced in the temp file BEFORE it is renamed
 * over the document (so a crash never leaves a renamed but empty file), then the directory fsynced (so the
 * rename itself survives). The real disk is used throughout, seen through the store's `io` option (no mock of
 * `node:fs`): each fsync and each rename is recorded in order, with what the file held at that moment.
 */
import { readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { nodeIo, openJsonFileStore, type StoreIo } from '../../../src/store/json-file/index.js';
import { docOptions, readJson, tempDirs, VERSION } from '../helpers.js';

type Step = { path: string; isDirectory: boolean; content: string | null } | { renamed: string; to: string };
const syncs: Step[] = [];

/** The real disk, recording every fsync (with what the file held) and every rename, in order. */
const recordingIo: StoreIo = {
  write: nodeIo.write,
  async sync(path, handle) {
    await handle.sync();
    const isDirectory = statSync(path).isDirectory();
    syncs.push({ path, isDirectory, content: isDirectory ? null : readFileSync(path, 'utf8') });
  },
  async rename(from, to) {
    await nodeIo.rename(from, to);
    syncs.push({ renamed: from, to });
  },
};

const options = (path: string) => ({ ...docOptions(path), io: recordingIo });

const dirs = tempDirs();
afterEach(() => dirs.cleanup());

it('fsyncs the new bytes before renaming them over the document, then its directory, before update resolves', async () => {
  const path = join(await dirs.make(), 'cutover.json');
  const store = await openJsonFileStore(options(path));
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

  const store = await openJsonFileStore(options(path));

  const temp = join(dirname(path), '.cutover.json.tmp');
  expect(syncs.map((s) => ('path' in s ? s.path : `rename -> ${s.to}`))).toEqual([
    temp,
    `rename -> ${path}`,
    dirname(path),
  ]);
  await store.close();
});
