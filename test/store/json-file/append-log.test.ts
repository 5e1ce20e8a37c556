/** The append-only history log beside the store document: real files in a temp dir, read back from disk. */
import { appendFile, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type JsonFileStore, logPathOf, openJsonFileStore } from '../../../src/store/json-file/index.js';
import { StoreError } from '../../../src/store/store.js';
import { exists, snapshot, tempDirs } from '../helpers.js';

const Entry = z.object({ seq: z.number().int().positive(), text: z.string() });
const Doc = z.object({ counter: z.number().int().nonnegative(), history: z.array(Entry) });
type Doc = z.infer<typeof Doc>;

const dirs = tempDirs();
const open: JsonFileStore<Doc>[] = [];

async function openDoc(path: string, keep = 5): Promise<JsonFileStore<Doc>> {
  const store = await openJsonFileStore({
    path,
    schema: Doc,
    version: 1,
    create: () => ({ counter: 0, history: [] }),
    log: { field: 'history', entry: Entry, keep },
  });
  open.push(store);
  return store;
}

/** One change: the counter goes up and one history line is appended. */
const change = (s: JsonFileStore<Doc>, text = 'x') =>
  s.update((d) => {
    const seq = (d.history.at(-1)?.seq ?? 0) + 1;
    return { next: { counter: d.counter + 1, history: [...d.history, { seq, text }] }, result: seq };
  });

const lines = async (path: string) =>
  (await readFile(logPathOf(path, 'history'), 'utf8'))
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));

afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
  await dirs.cleanup();
});

describe('the history log', () => {
  it('keeps history out of the document, in <name>.history.jsonl, with the count in the document', async () => {
    const path = join(await dirs.make(), 'cutover.json');
    const s = await openDoc(path);
    for (let i = 0; i < 3; i++) await change(s, `change ${i}`);
    const doc = JSON.parse(await readFile(path, 'utf8'));
    expect(doc).toEqual({ schemaVersion: 1, logLength: 3, data: { counter: 3 } });
    expect(await lines(path)).toEqual([
      { seq: 1, text: 'change 0' },
      { seq: 2, text: 'change 1' },
      { seq: 3, text: 'change 2' },
    ]);
  });

  it('the document does not grow with history: it is the same size after 1 and after 300 changes', async () => {
    const path = join(await dirs.make(), 'cutover.json');
    const s = await openDoc(path);
    await change(s);
    const small = (await stat(path)).size;
    for (let i = 0; i < 299; i++) await change(s);
    expect((await stat(path)).size).toBeLessThanOrEqual(small + 4); // only the digits of the count grow
    expect(await lines(path)).toHaveLength(300);
  });

  it('holds only the last `keep` entries in memory, and goes on numbering after a restart', async () => {
    const path = join(await dirs.make(), 'cutover.json');
    let s = await openDoc(path, 5);
    for (let i = 0; i < 12; i++) await change(s);
    expect(s.snapshot().history.map((h) => h.seq)).toEqual([8, 9, 10, 11, 12]);
    await s.close();
    open.length = 0;
    s = await openDoc(path, 5);
    expect(s.snapshot()).toEqual({
      counter: 12,
      history: [8, 9, 10, 11, 12].map((seq) => ({ seq, text: 'x' })),
    });
    expect(await change(s)).toBe(13);
    expect((await lines(path)).map((l) => l.seq)).toEqual(Array.from({ length: 13 }, (_, i) => i + 1));
  });

  it('reads the tail of a log larger than its read buffer (several MiB) correctly', async () => {
    const path = join(await dirs.make(), 'cutover.json');
    const pad = 'p'.repeat(300);
    const big = Array.from({ length: 12_000 }, (_, i) => ({ seq: i + 1, text: `${pad} ${i}` }));
    const first = await openJsonFileStore({
      path,
      schema: Doc,
      version: 1,
      create: () => ({ counter: 0, history: big }),
      log: { field: 'history', entry: Entry, keep: 3 },
    });
    await first.close();
    expect((await stat(logPathOf(path, 'history'))).size).toBeGreaterThan(3 * 2 ** 20);
    const s = await openDoc(path, 3);
    expect(s.snapshot().history).toEqual(big.slice(-3));
    expect(await change(s)).toBe(12_001);
  });

  it('cuts off what a crash between the log append and the document write left behind', async () => {
    const path = join(await dirs.make(), 'cutover.json');
    const s = await openDoc(path);
    await change(s, 'committed');
    await s.close();
    open.length = 0;
    // The crash: a line appended (and half of another), the document never renamed.
    await appendFile(logPathOf(path, 'history'), '{"seq":2,"text":"never committed"}\n{"seq":3,"te');
    const again = await openDoc(path);
    expect(again.snapshot()).toEqual({ counter: 1, history: [{ seq: 1, text: 'committed' }] });
    expect(await lines(path)).toEqual([{ seq: 1, text: 'committed' }]);
    expect(await change(again, 'next')).toBe(2);
    expect(await lines(path)).toEqual([
      { seq: 1, text: 'committed' },
      { seq: 2, text: 'next' },
    ]);
  });

  it('refuses to start when the log has fewer entries than the document says, touching neither file', async () => {
    const path = join(await dirs.make(), 'cutover.json');
    const s = await openDoc(path);
    await change(s);
    await change(s);
    await s.close();
    open.length = 0;
    const log = logPathOf(path, 'history');
    await writeFile(log, '{"seq":1,"text":"x"}\n');
    const [doc, logBefore] = await Promise.all([snapshot(path), snapshot(log)]);
    const e = await openDoc(path).then(
      () => expect.fail('expected a refusal'),
      (err: unknown) => err,
    );
    expect(e).toBeInstanceOf(StoreError);
    expect((e as StoreError).code).toBe('corrupt');
    expect((e as StoreError).message).toContain('says 2');
    expect((e as StoreError).message).toMatch(/Restore both files from the same backup/);
    expect(await snapshot(path)).toEqual(doc);
    expect(await snapshot(log)).toEqual(logBefore);
    expect(await exists(`${path}.lock`)).toBe(false);
  });

  it('moves the history of a document written before the log existed out to the log, once', async () => {
    const path = join(await dirs.make(), 'cutover.json');
    const inline = [1, 2, 3].map((seq) => ({ seq, text: `old ${seq}` }));
    await writeFile(path, JSON.stringify({ schemaVersion: 1, data: { counter: 3, history: inline } }));
    const s = await openDoc(path);
    expect(s.snapshot().history).toEqual(inline);
    expect(JSON.parse(await readFile(path, 'utf8'))).toEqual({
      schemaVersion: 1,
      logLength: 3,
      data: { counter: 3 },
    });
    expect(await lines(path)).toEqual(inline);
    expect(await change(s)).toBe(4);
  });

  it('refuses a change that rewrites history instead of appending, and writes nothing', async () => {
    const path = join(await dirs.make(), 'cutover.json');
    const s = await openDoc(path);
    await change(s, 'first');
    const before = await Promise.all([readFile(path, 'utf8'), readFile(logPathOf(path, 'history'), 'utf8')]);
    await expect(
      s.update((d) => ({ next: { ...d, history: [{ seq: 1, text: 'rewritten' }] }, result: null })),
    ).rejects.toThrow(/may only be appended to/);
    expect(await Promise.all([readFile(path, 'utf8'), readFile(logPathOf(path, 'history'), 'utf8')])).toEqual(
      before,
    );
  });

  it('keeps 100 concurrent changes, every one in the log in order', async () => {
    const path = join(await dirs.make(), 'cutover.json');
    const s = await openDoc(path);
    const seqs = await Promise.all(Array.from({ length: 100 }, (_, i) => change(s, `c${i}`)));
    expect(seqs).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    const log = await lines(path);
    expect(log.map((l) => l.seq)).toEqual(seqs);
    expect(log.map((l) => l.text)).toEqual(Array.from({ length: 100 }, (_, i) => `c${i}`));
  });
});
