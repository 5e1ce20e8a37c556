/**
 * The JSON-file adapter's read-only mode (what `npm run record` uses): it reads what the writer committed while the
 * writer holds the lock, takes no lock, writes nothing, reads the file again on each `read()`, and refuses a bad
 * file in the writer's own words (one envelope parser). Real files in a temp dir, read back from disk.
 */
import { appendFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type JsonFileStore,
  logPathOf,
  openJsonFileReader,
  openJsonFileStore,
} from '../../../src/store/json-file/index.js';
import { StoreError } from '../../../src/store/store.js';
import { ContractDoc, Entry } from '../contract.js';
import { snapshot, tempDirs } from '../helpers.js';

const dirs = tempDirs();
const writers: JsonFileStore<ContractDoc>[] = [];
afterEach(async () => {
  await Promise.all(writers.splice(0).map((s) => s.close()));
  await dirs.cleanup();
});

const spec = { schema: ContractDoc, version: 1, log: { field: 'history', entry: Entry, keep: 2 } };

async function writer(path: string): Promise<JsonFileStore<ContractDoc>> {
  const s = await openJsonFileStore({
    ...spec,
    path,
    create: () => ({ counter: 0, items: [], history: [] }),
  });
  writers.push(s);
  return s;
}

const change = (s: JsonFileStore<ContractDoc>, text: string) =>
  s.update((d) => {
    const seq = (d.history.at(-1)?.seq ?? 0) + 1;
    return { next: { ...d, counter: d.counter + 1, history: [...d.history, { seq, text }] }, result: seq };
  });

/** Every file in the directory with its bytes and mtime. */
async function files(dir: string) {
  const names = (await readdir(dir)).sort();
  return Promise.all(names.map(async (n) => ({ n, ...(await snapshot(join(dir, n))) })));
}

async function refusal(p: Promise<unknown>): Promise<StoreError> {
  const e = await p.then(
    () => expect.fail('expected a StoreError, but the call succeeded'),
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(StoreError);
  return e as StoreError;
}

describe('the read-only mode', () => {
  it('reads what the writer committed while the writer holds the lock, and leaves every file as it was', async () => {
    const dir = await dirs.make();
    const path = join(dir, 'cutover.json');
    const w = await writer(path);
    for (const t of ['a', 'b', 'c']) await change(w, t);
    const before = await files(dir);
    expect(before.map((f) => f.n)).toContain('cutover.json.lock');

    const r = await openJsonFileReader(path, spec);

    expect(r.snapshot()).toEqual({
      counter: 3,
      items: [],
      history: [
        { seq: 2, text: 'b' },
        { seq: 3, text: 'c' },
      ],
    });
    expect(r.path).toBe(path);
    await r.close();
    expect(await files(dir)).toEqual(before);
  });

  it('read() reads the file again: a change the writer commits later is seen; snapshot() is the last read', async () => {
    const path = join(await dirs.make(), 'cutover.json');
    const w = await writer(path);
    const r = await openJsonFileReader(path, spec);
    await change(w, 'later');

    expect(r.snapshot().counter).toBe(0);
    expect((await r.read()).history).toEqual([{ seq: 1, text: 'later' }]);
    expect(r.snapshot().counter).toBe(1);
    await r.close();
    expect((await refusal(r.read())).code).toBe('closed');
  });

  it('ignores log lines past the committed count (a write in progress) and does not cut them off', async () => {
    const path = join(await dirs.make(), 'cutover.json');
    const w = await writer(path);
    await change(w, 'committed');
    await w.close();
    await appendFile(logPathOf(path, 'history'), `${JSON.stringify({ seq: 2, text: 'not yet' })}\n{"seq":`);
    const log = await snapshot(logPathOf(path, 'history'));

    const r = await openJsonFileReader(path, spec);

    expect(r.snapshot().history).toEqual([{ seq: 1, text: 'committed' }]);
    expect(await snapshot(logPathOf(path, 'history'))).toEqual(log);
  });

  it('a missing file is refused (missing) and nothing is created', async () => {
    const dir = await dirs.make();

    const e = await refusal(openJsonFileReader(join(dir, 'cutover.json'), spec));

    expect(e.code).toBe('missing');
    expect(e.message).toContain(`There is no store file at ${join(dir, 'cutover.json')}`);
    expect(await readdir(dir)).toEqual([]);
  });

  it.each([
    ['not JSON', '{"schemaVersion":1,"data":{"coun', 'corrupt', 'is not valid JSON'],
    ['not an envelope', '{"hello":"world"}', 'invalid', 'not a cutover-bot store file'],
    ['another version', '{"schemaVersion":9,"data":{}}', 'version', 'schemaVersion 9'],
    [
      'off the schema',
      '{"schemaVersion":1,"data":{"counter":"x","items":[],"history":[]}}',
      'invalid',
      'data.counter',
    ],
  ])('a file %s is refused as the writer refuses it, and left untouched', async (_, content, code, words) => {
    const dir = await dirs.make();
    const path = join(dir, 'cutover.json');
    await writeFile(path, content);
    const before = await files(dir);

    const read = await refusal(openJsonFileReader(path, spec));
    const open = await refusal(writer(path));

    expect(read.code).toBe(code);
    expect(read.message).toContain(words);
    expect(read.message).toContain('It was only read, not changed.');
    // One parser: the writer names the same problem (then says how to go on), with the same code.
    expect(open.code).toBe(code);
    expect(open.message.startsWith(read.message.replace(' It was only read, not changed.', ''))).toBe(true);
    expect(await files(dir)).toEqual(before);
  });
});
