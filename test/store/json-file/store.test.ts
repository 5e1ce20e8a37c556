import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type JsonFileStore, openJsonFileStore } from '../../../src/store/json-file/index.js';
import { StoreError } from '../../../src/store/store.js';
import { type Doc, docOptions, exists, readJson, snapshot, tempDirs, VERSION } from '../helpers.js';

const dirs = tempDirs();
const open: JsonFileStore<Doc>[] = [];

async function openDoc(path: string): Promise<JsonFileStore<Doc>> {
  const store = await openJsonFileStore(docOptions(path));
  open.push(store);
  return store;
}

/** The StoreError a promise rejects with (fails the test if it resolves or throws something else). */
async function refusal(p: Promise<unknown>): Promise<StoreError> {
  const e = await p.then(
    () => expect.fail('expected a StoreError, but the call succeeded'),
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(StoreError);
  return e as StoreError;
}

const increment = (s: JsonFileStore<Doc>) =>
  s.update((d) => ({ next: { ...d, counter: d.counter + 1 }, result: d.counter + 1 }));

afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
  await dirs.cleanup();
});

describe('first start', () => {
  it('creates the file and its missing parent directories as { schemaVersion, data }', async () => {
    const path = join(await dirs.make(), 'data', 'nested', 'cutover.json');

    const store = await openDoc(path);

    expect(await readJson(path)).toEqual({ schemaVersion: VERSION, data: { counter: 0, items: [] } });
    expect(store.snapshot()).toEqual({ counter: 0, items: [] });
    expect(store.path).toBe(path);
  });

  it('refuses a create() that fails the schema, and writes nothing', async () => {
    const dir = await dirs.make();
    const path = join(dir, 'cutover.json');

    const e = await refusal(
      openJsonFileStore({ ...docOptions(path), create: () => ({ counter: -1, items: [] }) as Doc }),
    );

    expect(e.code).toBe('invalid');
    expect(e.message).toContain('counter');
    expect(await readdir(dir)).toEqual([]);
  });

  it('reports a path it cannot create as an io error', async () => {
    const dir = await dirs.make();
    await writeFile(join(dir, 'data'), 'a file where a directory should be');

    const e = await refusal(openJsonFileStore(docOptions(join(dir, 'data', 'cutover.json'))));

    expect(e.code).toBe('io');
    expect(e.message).toContain(join(dir, 'data', 'cutover.json'));
  });
});

describe('the write queue', () => {
  it('applies 100 concurrent increments one after another: 100 on disk, results in submission order', async () => {
    const path = join(await dirs.make(), 'cutover.json');
    const store = await openDoc(path);

    const results = await Promise.all(Array.from({ length: 100 }, () => increment(store)));

    expect(results).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    expect(await readJson(path)).toEqual({ schemaVersion: VERSION, data: { counter: 100, items: [] } });
    expect(store.snapshot().counter).toBe(100);
  });

  it('has the change on disk, renamed into place, by the time update resolves', async () => {
    const dir = await dirs.make();
    const path = join(dir, 'cutover.json');
    const store = await openDoc(path);

    const result = await store.update((d) => ({ next: { ...d, items: [{ name: 'db' }] }, result: 'ok' }));

    expect(result).toBe('ok');
    expect(await readJson(path)).toEqual({
      schemaVersion: VERSION,
      data: { counter: 0, items: [{ name: 'db' }] },
    });
    expect(await readdir(dir)).toEqual(['cutover.json', 'cutover.json.lock']); // no temp file left over
  });

  it('writes nothing when fn returns no next', async () => {
    const path = join(await dirs.make(), 'cutover.json');
    const store = await openDoc(path);
    const before = await snapshot(path);

    const result = await store.update((d) => ({ result: d.counter }));

    expect(result).toBe(0);
    expect(await snapshot(path)).toEqual(before);
  });

  it('rejects when fn throws, writes nothing, and goes on with later calls', async () => {
    const path = join(await dirs.make(), 'cutover.json');
    const store = await openDoc(path);
    await increment(store);
    const before = await snapshot(path);
    const failing = (): { result: never } => {
      throw new Error('no such blocker');
    };

    await expect(store.update(failing)).rejects.toThrow('no such blocker');
    expect(await snapshot(path)).toEqual(before);

    const queued = [store.update(failing), increment(store)];
    await expect(queued[0]).rejects.toThrow('no such blocker');
    expect(await queued[1]).toBe(2);
    expect(await readJson(path)).toEqual({ schemaVersion: VERSION, data: { counter: 2, items: [] } });
  });

  it('gives fn a top level of its own over the committed document, frozen: nothing it changes before throwing, or in place, leaks into snapshot()', async () => {
    const store = await openDoc(join(await dirs.make(), 'cutover.json'));

    await expect(
      store.update((d) => {
        d.counter = 5;
        throw new Error('gave up');
      }),
    ).rejects.toThrow('gave up');
    await expect(
      store.update((d) => {
        d.items.push({ name: 'half-done' });
        return { next: d, result: undefined };
      }),
    ).rejects.toThrow(TypeError);

    expect(store.snapshot()).toEqual({ counter: 0, items: [] });
    expect(Object.isFrozen(store.snapshot().items)).toBe(true);
  });

  it('close waits for queued updates; an update after close is refused with code closed', async () => {
    const path = join(await dirs.make(), 'cutover.json');
    const store = await openJsonFileStore(docOptions(path));

    const queued = Array.from({ length: 5 }, () => increment(store));
    await store.close();

    expect(await Promise.all(queued)).toEqual([1, 2, 3, 4, 5]);
    expect(await readJson(path)).toEqual({ schemaVersion: VERSION, data: { counter: 5, items: [] } });
    expect(await exists(`${path}.lock`)).toBe(false);
    const e = await refusal(increment(store));
    expect(e.code).toBe('closed');
  });
});

describe('validation before write', () => {
  it('rejects a next that fails the schema, naming the path at fault; file and snapshot() unchanged', async () => {
    const path = join(await dirs.make(), 'cutover.json');
    const store = await openDoc(path);
    await store.update((d) => ({ next: { ...d, items: [{ name: 'db' }] }, result: undefined }));
    const before = await snapshot(path);

    const e = await refusal(
      store.update((d) => ({ next: { ...d, items: [...d.items, { name: '' }] }, result: undefined })),
    );

    expect(e.code).toBe('invalid');
    expect(e.path).toBe(path);
    expect(e.message).toContain('items[1].name');
    expect(e.message).toContain('Nothing was written');
    expect(await snapshot(path)).toEqual(before);
    expect(store.snapshot()).toEqual({ counter: 0, items: [{ name: 'db' }] });
    expect(await increment(store)).toBe(1); // the queue goes on
  });
});

describe('a file it cannot trust is refused and left exactly as it was', () => {
  async function refusedAtOpen(content: string): Promise<{ error: StoreError; path: string; dir: string }> {
    const dir = await dirs.make();
    const path = join(dir, 'cutover.json');
    await writeFile(path, content);
    const before = await snapshot(path);

    const error = await refusal(openJsonFileStore(docOptions(path)));

    expect(error.path).toBe(path);
    expect(error.message).toContain(path);
    expect(error.message).toContain('NOT modified');
    expect(await snapshot(path)).toEqual(before);
    expect(await readdir(dir)).toEqual(['cutover.json']); // no lock, no temp file left behind
    return { error, path, dir };
  }

  const good = JSON.stringify({ schemaVersion: VERSION, data: { counter: 4, items: [{ name: 'db' }] } });

  it.each([
    ['truncated', good.slice(0, good.length - 7)],
    ['garbage', 'counter=4\nitems=db\n'],
    ['empty', ''],
  ])('%s JSON is corrupt, with how to restore it', async (_, content) => {
    const { error } = await refusedAtOpen(content);

    expect(error.code).toBe('corrupt');
    expect(error.message).toContain('not valid JSON');
    expect(error.message).toMatch(/restore it from a backup, or move it aside/);
  });

  it('JSON that fails the schema is invalid, listing the first issues by path', async () => {
    const bad = { schemaVersion: VERSION, data: { counter: 'four', items: [{ name: 'db' }, { name: 7 }] } };

    const { error } = await refusedAtOpen(JSON.stringify(bad));

    expect(error.code).toBe('invalid');
    expect(error.message).toContain('data.counter');
    expect(error.message).toContain('data.items[1].name');
  });

  it('lists at most five issues and counts the rest', async () => {
    const items = Array.from({ length: 8 }, () => ({ name: '' }));

    const { error } = await refusedAtOpen(
      JSON.stringify({ schemaVersion: VERSION, data: { counter: 0, items } }),
    );

    expect(error.message).toContain('data.items[4].name');
    expect(error.message).not.toContain('data.items[5].name');
    expect(error.message).toContain('and 3 more');
  });

  it.each([
    ['null', 'null'],
    ['an array', '[]'],
    ['a bare document', JSON.stringify({ counter: 0, items: [] })],
  ])('%s is not a store file (invalid), never mistaken for an absent file', async (_, content) => {
    const { error } = await refusedAtOpen(content);

    expect(error.code).toBe('invalid');
    expect(error.message).toContain('"schemaVersion"');
  });

  it('another schemaVersion is refused with code version, naming both versions', async () => {
    const { error } = await refusedAtOpen(
      JSON.stringify({ schemaVersion: VERSION + 1, data: { anything: 1 } }),
    );

    expect(error.code).toBe('version');
    expect(error.message).toContain(`schemaVersion ${VERSION + 1}`);
    expect(error.message).toContain(`reads version ${VERSION}`);
  });
});

describe('restart', () => {
  it('after close and reopen, the data is there', async () => {
    const dir = await dirs.make();
    const path = join(dir, 'data', 'cutover.json');
    const first = await openJsonFileStore(docOptions(path));
    await first.update((d) => ({
      next: { counter: 7, items: [...d.items, { name: 'db' }] },
      result: undefined,
    }));
    await first.close();

    const second = await openDoc(path);

    expect(second.snapshot()).toEqual({ counter: 7, items: [{ name: 'db' }] });
    expect(await increment(second)).toBe(8);
  });

  it('reads what another writer left on disk, in the documented shape', async () => {
    const dir = await dirs.make();
    const path = join(dir, 'data', 'cutover.json');
    await mkdir(join(dir, 'data'));
    await writeFile(path, JSON.stringify({ schemaVersion: VERSION, data: { counter: 2, items: [] } }));

    const store = await openDoc(path);

    expect(store.snapshot()).toEqual({ counter: 2, items: [] });
    expect(await readFile(path, 'utf8')).toBe(
      JSON.stringify({ schemaVersion: VERSION, data: { counter: 2, items: [] } }),
    );
  });
});
