/**
 * `health()` tells the truth about the disk: a full disk (ENOSPC, given through the store's `io` option: this
 * test runs as root, where a read-only directory would still be writable) makes changes fail, and health says so
 * until a write goes through again. Temp files a failed write or a crash left are removed. Real files in a temp dir.
 */
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type JsonFileStore, openJsonFileStore, type StoreIo } from '../../../src/store/json-file/index.js';
import { StoreError } from '../../../src/store/store.js';
import { type Doc, docOptions, emptyDoc, tempDirs, VERSION } from '../helpers.js';

const dirs = tempDirs();
const open: JsonFileStore<Doc>[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
  await dirs.cleanup();
});

/** The real disk, but a write of more than `room` bytes fails with ENOSPC (Infinity: all the room needed). */
function fillableDisk() {
  const d = {
    room: Number.POSITIVE_INFINITY,
    /** Only writes to files with this name fail (all files when undefined). */
    only: undefined as string | undefined,
    io: {
      async write(path, handle, data, position) {
        if (data.length > d.room && (d.only === undefined || basename(path) === d.only))
          throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
        for (let done = 0; done < data.length; ) {
          const { bytesWritten } = await handle.write(data, done, data.length - done, position + done);
          done += bytesWritten;
        }
      },
      sync: (_path, handle) => handle.sync(),
    } satisfies StoreIo,
  };
  return d;
}

async function openDoc(path: string, io?: StoreIo): Promise<JsonFileStore<Doc>> {
  const store = await openJsonFileStore({ ...docOptions(path), ...(io ? { io } : {}) });
  open.push(store);
  return store;
}

const increment = (s: JsonFileStore<Doc>) =>
  s.update((d) => ({ next: { ...d, counter: d.counter + 1 }, result: d.counter + 1 }));

describe('health()', () => {
  it('is ok when a probe file can be written, fsynced and removed beside the document, and leaves nothing', async () => {
    const dir = await dirs.make();
    const s = await openDoc(join(dir, 'cutover.json'));

    expect(await s.health()).toEqual({ ok: true });
    expect((await readdir(dir)).sort()).toEqual(['cutover.json', 'cutover.json.lock']);
  });

  it('on a full disk: the change fails, no temp file is left, health says why until a write succeeds again', async () => {
    const dir = await dirs.make();
    const path = join(dir, 'cutover.json');
    const disk = fillableDisk();
    const s = await openDoc(path, disk.io);
    await increment(s);
    const before = await readFile(path, 'utf8');

    disk.room = 16; // a probe's few bytes would still fit; a document does not
    const e = await increment(s).then(
      () => expect.fail('the write succeeded on a full disk'),
      (err: unknown) => err as StoreError,
    );
    expect(e).toBeInstanceOf(StoreError);
    expect(e.code).toBe('io');
    expect(await readdir(dir)).not.toContain('.cutover.json.tmp');
    expect(await readFile(path, 'utf8')).toBe(before);

    const down = await s.health();
    expect(down.ok).toBe(false);
    expect(down.message).toContain(path);
    expect(down.message).toContain('ENOSPC');
    expect((await s.health()).ok).toBe(false); // still: the document cannot be written

    disk.room = Number.POSITIVE_INFINITY; // room again
    expect(await s.health()).toEqual({ ok: true });
    expect(JSON.parse(await readFile(path, 'utf8'))).toEqual(JSON.parse(before)); // rewritten as it was
    expect(await increment(s)).toBe(2);
    expect((await readdir(dir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('is not ok when the probe file cannot be written, naming the directory, though no change has failed yet', async () => {
    const dir = await dirs.make();
    const disk = fillableDisk();
    const s = await openDoc(join(dir, 'cutover.json'), disk.io);
    disk.room = 0;
    disk.only = '.cutover.json.health.tmp';

    const h = await s.health();

    expect(h.ok).toBe(false);
    expect(h.message).toContain(dir);
    expect(h.message).toContain('ENOSPC');
    expect(await readdir(dir)).not.toContain('.cutover.json.health.tmp');
  });

  it('a directory that cannot be fsynced after the rename: the change stands (it is in the file), health says so', async () => {
    const dir = await dirs.make();
    const path = join(dir, 'cutover.json');
    let broken = false;
    const io: StoreIo = {
      write: async (_path, handle, data, position) => {
        await handle.write(data, 0, data.length, position);
      },
      async sync(target, handle) {
        if (broken && target === dir)
          throw Object.assign(new Error('EIO: i/o error, fsync'), { code: 'EIO' });
        await handle.sync();
      },
    };
    const s = await openDoc(path, io);

    broken = true;
    expect(await increment(s)).toBe(1); // not rejected: a retry would apply it twice
    expect(JSON.parse(await readFile(path, 'utf8')).data.counter).toBe(1);
    const h = await s.health();
    expect(h.ok).toBe(false);
    expect(h.message).toContain('EIO');

    broken = false;
    expect(await s.health()).toEqual({ ok: true });
    expect(s.snapshot().counter).toBe(1);
  });

  it('is not ok when the directory is gone', async () => {
    const dir = await dirs.make();
    const s = await openDoc(join(dir, 'data', 'cutover.json'));
    await rm(join(dir, 'data'), { recursive: true, force: true });

    const h = await s.health();

    expect(h.ok).toBe(false);
    expect(h.message).toContain(join(dir, 'data'));
  });
});

describe('temp files left behind', () => {
  it('are removed on open: the write temp file (.<name>.tmp) and the probe file (.<name>.health.tmp)', async () => {
    const dir = await dirs.make();
    const path = join(dir, 'cutover.json');
    await writeFile(path, JSON.stringify({ schemaVersion: VERSION, data: { counter: 7, items: [] } }));
    await writeFile(join(dir, '.cutover.json.tmp'), '{"schemaVersion": 3, "data": {"coun'); // a write cut short
    await writeFile(join(dir, '.cutover.json.health.tmp'), 'health check');

    const s = await openDoc(path);

    expect(s.snapshot()).toEqual({ ...emptyDoc(), counter: 7 });
    expect((await readdir(dir)).sort()).toEqual(['cutover.json', 'cutover.json.lock']);
  });
});
