import { readFile, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type JsonFileStore, openJsonFileStore } from '../../../src/store/json-file/index.js';
import { StoreError } from '../../../src/store/store.js';
import { type Doc, docOptions, exists, snapshot, tempDirs } from '../helpers.js';
import { buildLockModule, type ChildMode, type LockChild, startLockChild } from './child-lock.js';

const dirs = tempDirs();
const stores: JsonFileStore<Doc>[] = [];
const children: LockChild[] = [];

/** Larger than any pid Linux hands out (pid_max is at most 2^22). */
const IMPOSSIBLE_PID = 99_999_999;

async function openDoc(path: string): Promise<JsonFileStore<Doc>> {
  const store = await openJsonFileStore(docOptions(path));
  stores.push(store);
  return store;
}

async function refusal(p: Promise<unknown>): Promise<StoreError> {
  const e = await p.then(
    () => expect.fail('expected a StoreError, but the call succeeded'),
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(StoreError);
  return e as StoreError;
}

async function child(dir: string, target: string, mode: ChildMode): Promise<LockChild> {
  const c = await startLockChild(await buildLockModule(dir), target, mode);
  children.push(c);
  return c;
}

const readLock = async (path: string): Promise<unknown> => JSON.parse(await readFile(`${path}.lock`, 'utf8'));

afterEach(async () => {
  for (const c of children.splice(0)) {
    if (c.process.exitCode === null && c.process.signalCode === null) c.process.kill('SIGKILL');
    await c.exited;
  }
  await Promise.all(stores.splice(0).map((s) => s.close()));
  await dirs.cleanup();
});

describe('one writer per file, across processes (real lock code in a child node process)', () => {
  it('refuses to open a file another live process holds, naming its pid, and leaves its lock alone', async () => {
    const dir = await dirs.make();
    const path = join(dir, 'cutover.json');
    const holder = await child(dir, path, 'hold');
    expect(holder.report).toEqual({ held: true });
    const lockBefore = await snapshot(`${path}.lock`);

    const e = await refusal(openJsonFileStore(docOptions(path)));

    expect(e.code).toBe('locked');
    expect(e.path).toBe(path);
    expect(e.message).toContain(`pid ${holder.pid}`);
    expect(e.message).toContain(`${path}.lock`);
    expect(await snapshot(`${path}.lock`)).toEqual(lockBefore);
    expect(await exists(path)).toBe(false);

    holder.process.stdin?.end(); // the child releases and exits
    await holder.exited;
    expect((await openDoc(path)).snapshot()).toEqual({ counter: 0, items: [] });
  });

  it('while this process holds the file, another process is refused, naming this pid', async () => {
    const dir = await dirs.make();
    const path = join(dir, 'cutover.json');
    await openDoc(path);

    const other = await child(dir, path, 'try');

    expect(other.report).toMatchObject({ held: false, code: 'locked' });
    expect(other.report.held === false && other.report.message).toContain(`pid ${process.pid}`);
  });

  it('a process that exits without closing removes its lock on the way out', async () => {
    const dir = await dirs.make();
    const path = join(dir, 'cutover.json');

    const quitter = await child(dir, path, 'exit');
    await quitter.exited;

    expect(quitter.report).toEqual({ held: true });
    expect(await exists(`${path}.lock`)).toBe(false);
  });

  it('a lock left by a killed process is stale: the next open takes it over', async () => {
    const dir = await dirs.make();
    const path = join(dir, 'cutover.json');
    const victim = await child(dir, path, 'hold');
    victim.process.kill('SIGKILL'); // no exit handler runs
    await victim.exited;
    expect(await readLock(path)).toMatchObject({ pid: victim.pid });

    await openDoc(path);

    expect(await readLock(path)).toMatchObject({ pid: process.pid, hostname: hostname() });
  });
});

describe('the lock file', () => {
  it('holds pid, hostname and start time while open, and is removed on close', async () => {
    const path = join(await dirs.make(), 'cutover.json');
    const store = await openJsonFileStore(docOptions(path));

    const lock = await readLock(path);
    expect(lock).toEqual({ pid: process.pid, hostname: hostname(), startedAt: expect.any(String) });
    expect(Number.isNaN(Date.parse((lock as { startedAt: string }).startedAt))).toBe(false);

    await store.close();
    expect(await exists(`${path}.lock`)).toBe(false);
  });

  it('a second open in the same process is refused, naming this pid; after close it opens', async () => {
    const path = join(await dirs.make(), 'cutover.json');
    const first = await openJsonFileStore(docOptions(path));

    const e = await refusal(openJsonFileStore(docOptions(path)));
    expect(e.code).toBe('locked');
    expect(e.message).toContain(`pid ${process.pid}`);
    expect(e.message).toContain('this process');

    await first.close();
    await openDoc(path);
  });

  it('a lock naming a pid that cannot exist on this host is stale and taken over', async () => {
    const path = join(await dirs.make(), 'cutover.json');
    const stale = { pid: IMPOSSIBLE_PID, hostname: hostname(), startedAt: '2020-01-01T00:00:00.000Z' };
    await writeFile(`${path}.lock`, JSON.stringify(stale), { flag: 'wx' });

    await openDoc(path);

    expect(await readLock(path)).toMatchObject({ pid: process.pid, hostname: hostname() });
  });

  it("a lock naming this pid that this process never took (an earlier run's pid reused) is taken over", async () => {
    const path = join(await dirs.make(), 'cutover.json');
    const leftover = { pid: process.pid, hostname: hostname(), startedAt: '2020-01-01T00:00:00.000Z' };
    await writeFile(`${path}.lock`, JSON.stringify(leftover), { flag: 'wx' });

    await openDoc(path);

    expect(await readLock(path)).toMatchObject({
      pid: process.pid,
      startedAt: expect.not.stringMatching(/^2020/),
    });
  });

  it('a lock from another host is never taken over: refused, saying how to clear it', async () => {
    const path = join(await dirs.make(), 'cutover.json');
    const remote = {
      pid: IMPOSSIBLE_PID,
      hostname: `not-${hostname()}`,
      startedAt: '2020-01-01T00:00:00.000Z',
    };
    await writeFile(`${path}.lock`, JSON.stringify(remote), { flag: 'wx' });
    const before = await snapshot(`${path}.lock`);

    const e = await refusal(openJsonFileStore(docOptions(path)));

    expect(e.code).toBe('locked');
    expect(e.message).toContain(`pid ${IMPOSSIBLE_PID} on host not-${hostname()}`);
    expect(e.message).toContain(`delete ${path}.lock`);
    expect(await snapshot(`${path}.lock`)).toEqual(before);
  });

  it.each([
    ['empty', ''],
    ['not JSON', 'pid=12'],
    ['without a usable pid', JSON.stringify({ pid: 0, hostname: hostname(), startedAt: 'x' })],
  ])('an unreadable lock (%s) is refused, not guessed at', async (_, content) => {
    const path = join(await dirs.make(), 'cutover.json');
    await writeFile(`${path}.lock`, content, { flag: 'wx' });

    const e = await refusal(openJsonFileStore(docOptions(path)));

    expect(e.code).toBe('locked');
    expect(e.message).toContain(`delete ${path}.lock`);
    expect(await readFile(`${path}.lock`, 'utf8')).toBe(content);
  });
});
