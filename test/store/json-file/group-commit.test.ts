/**
 * Group commit: while the writer is busy, updates wait; then every update waiting is decided in order, each against
 * the document the one before produced, and the group is written once (one log append, one document write). Real
 * files in a temp dir, read back from disk; the disk is the real one, seen through the store's `io` option, which
 * records each fsync and can hold a write back or fail it as a full disk would.
 */
import { readdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  type JsonFileStore,
  logPathOf,
  openJsonFileStore,
  type StoreIo,
} from '../../../src/store/json-file/index.js';
import { StoreError } from '../../../src/store/store.js';
import { tempDirs } from '../helpers.js';

const Entry = z.object({ seq: z.number().int().positive(), text: z.string() });
const Doc = z.object({ counter: z.number().int().nonnegative(), history: z.array(Entry) });
type Doc = z.infer<typeof Doc>;

const dirs = tempDirs();
const open: JsonFileStore<Doc>[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
  await dirs.cleanup();
});

/** The real disk, with a record of what was fsynced, a gate to hold writes back, and a switch to fail them. */
function disk() {
  const real = { write: undefined as unknown as StoreIo['write'] };
  const d = {
    synced: [] as string[],
    full: false,
    held: undefined as Promise<void> | undefined,
    arrived: () => {},
    /** Holds every write back until `release()`; `reached` resolves when the writer is held at a write. */
    hold() {
      let release = () => {};
      d.held = new Promise<void>((r) => {
        release = r;
      });
      const reached = new Promise<void>((r) => {
        d.arrived = r;
      });
      return {
        reached,
        release: () => {
          d.held = undefined;
          release();
        },
      };
    },
    io: {
      async write(path, handle, data, position) {
        if (d.held) {
          d.arrived();
          await d.held;
        }
        if (d.full)
          throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
        await real.write(path, handle, data, position);
      },
      async sync(path, handle) {
        await handle.sync();
        d.synced.push(basename(path));
      },
    } satisfies StoreIo,
  };
  real.write = async (_path, handle, data, position) => {
    for (let done = 0; done < data.length; ) {
      const { bytesWritten } = await handle.write(data, done, data.length - done, position + done);
      done += bytesWritten;
    }
  };
  return d;
}

async function openDoc(path: string, io: StoreIo): Promise<JsonFileStore<Doc>> {
  const store = await openJsonFileStore({
    path,
    schema: Doc,
    version: 1,
    create: () => ({ counter: 0, history: [] }),
    log: { field: 'history', entry: Entry },
    io,
  });
  open.push(store);
  return store;
}

/** One change: the counter goes up and one history line is appended. */
const change = (s: JsonFileStore<Doc>, text: string, options?: { deadline: number }) =>
  s.update((d) => {
    const seq = (d.history.at(-1)?.seq ?? 0) + 1;
    return { next: { counter: d.counter + 1, history: [...d.history, { seq, text }] }, result: seq };
  }, options);

const lines = async (path: string) =>
  (await readFile(logPathOf(path, 'history'), 'utf8'))
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { seq: number; text: string });

const documentWrites = (d: { synced: string[] }) => d.synced.filter((f) => f === '.cutover.json.tmp').length;
const logAppends = (d: { synced: string[] }) => d.synced.filter((f) => f === 'cutover.history.jsonl').length;

describe('group commit', () => {
  it('updates that wait while the writer is busy are written as one group: one log append, one document write', async () => {
    const path = join(await dirs.make(), 'cutover.json');
    const d = disk();
    const s = await openDoc(path, d.io);
    d.synced.length = 0;

    const writer = d.hold();
    const first = change(s, 'first');
    await writer.reached; // the writer is now busy writing `first`
    const waiting = Array.from({ length: 99 }, (_, i) => change(s, `c${i}`));
    writer.release();

    expect(await Promise.all([first, ...waiting])).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    expect(documentWrites(d)).toBe(2);
    expect(logAppends(d)).toBe(2);
    expect((await lines(path)).map((l) => l.seq)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    const onDisk = JSON.parse(await readFile(path, 'utf8'));
    expect(onDisk).toEqual({ schemaVersion: 1, logLength: 100, data: { counter: 100 } });
  });

  it('decides each in order against the one before; one that throws, fails the schema or rewrites history is refused alone', async () => {
    const path = join(await dirs.make(), 'cutover.json');
    const d = disk();
    const s = await openDoc(path, d.io);
    d.synced.length = 0;

    const calls = [
      change(s, 'a'),
      s.update((doc) => {
        doc.counter = 99; // on its private copy: must not reach the next update
        doc.history.push({ seq: 99, text: 'half-done' });
        throw new Error('gave up');
      }),
      change(s, 'b'),
      // Still negative after the one change after it: the group's document fails the schema, so the group is
      // decided again with each change validated, and this one is refused alone.
      s.update((doc) => ({ next: { ...doc, counter: -5 }, result: 'negative' })),
      s.update((doc) => ({ next: { ...doc, history: [{ seq: 1, text: 'rewritten' }] }, result: 'rewrite' })),
      s.update((doc) => ({ result: `read ${doc.counter}` })),
      change(s, 'c'),
    ];
    const settled = await Promise.allSettled(calls);

    expect(settled.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message))).toEqual([
      1,
      'gave up',
      2,
      expect.stringContaining('counter'),
      expect.stringContaining('may only be appended to'),
      'read 2',
      3,
    ]);
    expect(documentWrites(d)).toBe(1);
    expect(await lines(path)).toEqual([
      { seq: 1, text: 'a' },
      { seq: 2, text: 'b' },
      { seq: 3, text: 'c' },
    ]);
    expect(JSON.parse(await readFile(path, 'utf8')).data).toEqual({ counter: 3 });
    expect(s.snapshot()).toEqual({ counter: 3, history: await lines(path) });
  });

  it('a failed write rejects every call of its group and commits none of it, leaving no temp file; the next group goes on', async () => {
    const dir = await dirs.make();
    const path = join(dir, 'cutover.json');
    const d = disk();
    const s = await openDoc(path, d.io);
    await change(s, 'kept');
    const before = await Promise.all([readFile(path, 'utf8'), readFile(logPathOf(path, 'history'), 'utf8')]);

    d.full = true;
    const group = await Promise.allSettled([
      change(s, 'x'),
      s.update((doc) => ({ result: doc.counter })),
      change(s, 'y'),
    ]);

    for (const r of group) {
      expect(r.status).toBe('rejected');
      const e = (r as PromiseRejectedResult).reason as StoreError;
      expect(e).toBeInstanceOf(StoreError);
      expect(e.code).toBe('io');
      expect(e.message).toContain('ENOSPC');
    }
    expect(await Promise.all([readFile(path, 'utf8'), readFile(logPathOf(path, 'history'), 'utf8')])).toEqual(
      before,
    );
    expect(s.snapshot().counter).toBe(1);
    expect((await readdir(dir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);

    d.full = false;
    expect(await change(s, 'after')).toBe(2);
    await s.close();
    const again = await openDoc(path, d.io);
    expect(again.snapshot()).toEqual({
      counter: 2,
      history: [
        { seq: 1, text: 'kept' },
        { seq: 2, text: 'after' },
      ],
    });
  });

  it('refuses an update whose deadline passed before the writer reached it (code deadline), writing nothing of it', async () => {
    const path = join(await dirs.make(), 'cutover.json');
    const d = disk();
    const s = await openDoc(path, d.io);

    const writer = d.hold();
    const first = change(s, 'first');
    await writer.reached; // the writer is busy: the next ones wait, and one's deadline is already past
    const late = change(s, 'late', { deadline: Date.now() - 1 });
    const inTime = change(s, 'in time', { deadline: Date.now() + 60_000 });
    const none = change(s, 'no deadline');
    writer.release();

    expect(await first).toBe(1);
    const e = await late.then(
      () => expect.fail('a change past its deadline was applied'),
      (err: unknown) => err as StoreError,
    );
    expect(e).toBeInstanceOf(StoreError);
    expect(e.code).toBe('deadline');
    expect(e.message).toContain('Nothing was written');
    expect(await inTime).toBe(2);
    expect(await none).toBe(3);
    expect((await lines(path)).map((l) => l.text)).toEqual(['first', 'in time', 'no deadline']);
  });
});
