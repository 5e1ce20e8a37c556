/**
 * Each request applies once: a repeat of a request already applied (same key) answers as the first did and writes
 * nothing; the same key for another request is refused; keys survive a restart and are forgotten after 24 hours.
 * Through the real JSON store on disk, where the keys live beside the document (its request log), not in it.
 */
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { alertsHook } from '../../src/alerts/messages.js';
import { HistoryEntry } from '../../src/core/schema.js';
import { createCutoverService } from '../../src/service/cutover-service.js';
import { newDocument, REQUEST_KEYS, STORE_VERSION, StoreDocument } from '../../src/service/document.js';
import { openJsonFileStore } from '../../src/store/json-file/index.js';
import { manualClock } from '../alerts/clock.js';
import { A, at, seeded, T0 } from '../core/fixtures.js';
import { tempDirs } from '../store/helpers.js';

const dirs = tempDirs();
afterEach(() => dirs.cleanup());

async function openService(path: string, clock = manualClock(T0), compose = true) {
  const store = await openJsonFileStore({
    path,
    schema: StoreDocument,
    version: STORE_VERSION,
    create: () => newDocument({ ...seeded(), channel: 'C0CUTOVER' }),
    log: { field: 'history', entry: HistoryEntry },
    requests: REQUEST_KEYS,
    clock,
  });
  return { store, service: createCutoverService(store, compose ? { compose: alertsHook() } : {}) };
}

/** The lines of the request log the document's envelope names, as on disk. */
async function requestLog(path: string): Promise<{ k: string; at: number; a: { message: string } }[]> {
  const envelope = JSON.parse(await readFile(path, 'utf8'));
  const text = await readFile(
    path.replace(/\.json$/, `.requests.${envelope.requests.generation}.jsonl`),
    'utf8',
  );
  return text
    .split('\n')
    .filter(Boolean)
    .slice(0, envelope.requests.length)
    .map((l) => JSON.parse(l));
}

const ADD = { type: 'blocker.add', owner: 'consumer-incident-commander', title: 'Vendor contract signed' };

describe('a request applies once', () => {
  it('the same request key twice adds one blocker, one history line and one alert; the repeat answers the same', async () => {
    const path = join(await dirs.make(), 'cutover.json');
    const { store, service } = await openService(path);
    const first = await service.run(ADD, A.dlo, T0, { requestKey: 'slack:trigger-1' });
    const bytes = await readFile(path, 'utf8');
    // The key is beside the document, not in it: the document holds no request keys at all.
    expect(JSON.parse(bytes).data).not.toHaveProperty('requests');
    expect((await requestLog(path)).map((l) => l.k)).toEqual(['slack:trigger-1']);
    const again = await service.run(ADD, A.dlo, at(1), { requestKey: 'slack:trigger-1' });
    expect(await readFile(path, 'utf8')).toBe(bytes);
    expect(first.ok && again.ok).toBe(true);
    if (!first.ok || !again.ok) return;
    expect(again).toMatchObject({
      replayed: true,
      message: first.message,
      events: first.events,
      history: [],
    });
    const doc = store.snapshot();
    expect(doc.cutover.blockers.filter((b) => b.id.startsWith('vendor-contract-signed'))).toHaveLength(1);
    expect(doc.history.filter((h) => h.event.type === 'blocker.added')).toHaveLength(1);
    expect(doc.outbox).toHaveLength(1);
    // A new request (a new key) is a new change.
    const other = await service.run(ADD, A.dlo, at(2), { requestKey: 'slack:trigger-2' });
    expect(other.ok).toBe(true);
    expect(
      store.snapshot().cutover.blockers.filter((b) => b.id.startsWith('vendor-contract-signed')),
    ).toHaveLength(2);
    await store.close();
  });

  it('the same key with another request is refused as a conflict, and nothing is written', async () => {
    const path = join(await dirs.make(), 'cutover.json');
    const { store, service } = await openService(path);
    await service.run(ADD, A.dlo, T0, { requestKey: 'ci:k1', requestHash: 'h1' });
    const bytes = await readFile(path, 'utf8');
    const out = await service.run({ ...ADD, title: 'Other' }, A.dlo, at(1), {
      requestKey: 'ci:k1',
      requestHash: 'h2',
    });
    expect(out.ok).toBe(false);
    if (!out.ok) expect(out.error.code).toBe('conflict');
    expect(await readFile(path, 'utf8')).toBe(bytes);
    await store.close();
  });

  it('a refused request leaves no key behind: once fixed, the same key applies', async () => {
    const path = join(await dirs.make(), 'cutover.json');
    const { store, service } = await openService(path);
    const refused = await service.run(ADD, A.nobody, T0, { requestKey: 'view:V1:h1' });
    expect(refused.ok).toBe(false);
    expect(await requestLog(path)).toEqual([]);
    const ok = await service.run(ADD, A.dlo, at(1), { requestKey: 'view:V1:h1' });
    expect(ok.ok && !ok.replayed).toBe(true);
    await store.close();
  });

  it('keys are kept on disk across a restart', async () => {
    const path = join(await dirs.make(), 'cutover.json');
    const first = await openService(path);
    await first.service.run(ADD, A.dlo, T0, { requestKey: 'event:Ev1' });
    await first.store.close();
    const second = await openService(path);
    const again = await second.service.run(ADD, A.dlo, at(5), { requestKey: 'event:Ev1' });
    expect(again.ok && again.replayed).toBe(true);
    expect(second.store.snapshot().history.filter((h) => h.event.type === 'blocker.added')).toHaveLength(1);
    await second.store.close();
  });

  it('keys older than 24 hours are forgotten: the same key applies again, and is answered from then on', async () => {
    const path = join(await dirs.make(), 'cutover.json');
    const { store, service } = await openService(path);
    await service.run(ADD, A.dlo, T0, { requestKey: 'slack:old' });
    const later = new Date(T0.getTime() + 24 * 3600_000 + 1000);
    const again = await service.run(ADD, A.dlo, later, { requestKey: 'slack:old' });
    expect(again.ok && !again.replayed).toBe(true);
    const third = await service.run(ADD, A.dlo, new Date(later.getTime() + 1000), {
      requestKey: 'slack:old',
    });
    expect(third.ok && third.replayed).toBe(true);
    await store.close();
  });

  it('the request log is compacted once most of it has expired: a new generation holds the live keys only', async () => {
    const dir = await dirs.make();
    const path = join(dir, 'cutover.json');
    const clock = manualClock(T0);
    // Without alerts: 1,100 undelivered alerts would make the document grow with every change.
    const { store, service } = await openService(path, clock, false);
    const ROLE = { type: 'role.assign', role: 'decision-log-owner' };
    // At once: they commit as a few groups (one append each), not 1,100 writes.
    await Promise.all(
      Array.from({ length: 1100 }, (_, i) =>
        service.run({ ...ROLE, user: `U${i % 2 ? 'ONE' : 'TWO'}` }, A.admin, T0, {
          requestKey: `slack:t${i}`,
        }),
      ),
    );
    expect((await requestLog(path)).length).toBe(1100);
    clock.advance(25 * 3600_000);
    const later = clock.now();
    await service.run({ ...ROLE, user: 'UTHREE' }, A.admin, later, { requestKey: 'slack:fresh' });
    // The old generation is gone, the envelope names the new one, which holds the one live key.
    expect((await readdir(dir)).filter((n) => n.includes('.requests.'))).toEqual([
      'cutover.requests.2.jsonl',
    ]);
    expect((await requestLog(path)).map((l) => l.k)).toEqual(['slack:fresh']);
    await store.close();
    const reopened = await openService(path, clock, false);
    const replay = await reopened.service.run({ ...ROLE, user: 'UTHREE' }, A.admin, later, {
      requestKey: 'slack:fresh',
    });
    expect(replay.ok && replay.replayed).toBe(true);
    const expired = await reopened.service.run({ ...ROLE, user: 'UONE' }, A.admin, later, {
      requestKey: 'slack:t1',
    });
    expect(expired.ok && !expired.replayed).toBe(true);
    await reopened.store.close();
  });

  it('a document written with its keys inside (the version before) has the live ones moved out on open, once; replays answer as the first did, across restarts', async () => {
    const dir = await dirs.make();
    const path = join(dir, 'cutover.json');
    // As the version before wrote it: the keys in the document's `requests`, one live, one expired.
    const first = await openService(path);
    const made = await first.service.run(ADD, A.dlo, T0, {});
    await first.store.close();
    if (!made.ok) throw new Error('the first change was refused');
    const envelope = JSON.parse(await readFile(path, 'utf8'));
    delete envelope.requests;
    envelope.data.requests = {
      'slack:live': { at: T0.toISOString(), message: made.message, events: made.events },
      'slack:stale': { at: new Date(T0.getTime() - 25 * 3600_000).toISOString(), message: 'old', events: [] },
    };
    await writeFile(path, JSON.stringify(envelope));
    const blockers = (s: StoreDocument) => s.cutover.blockers.filter((b) => b.id.startsWith('vendor')).length;

    const second = await openService(path, manualClock(at(5)));
    expect(JSON.parse(await readFile(path, 'utf8')).data).not.toHaveProperty('requests');
    expect((await requestLog(path)).map((l) => l.k)).toEqual(['slack:live']);
    const replay = await second.service.run(ADD, A.dlo, at(5), { requestKey: 'slack:live' });
    expect(replay).toMatchObject({ ok: true, replayed: true, message: made.message });
    const stale = await second.service.run(ADD, A.dlo, at(6), { requestKey: 'slack:stale' });
    expect(stale.ok && !stale.replayed).toBe(true);
    expect(blockers(second.store.snapshot())).toBe(2);
    await second.store.close();

    const third = await openService(path, manualClock(at(7)));
    for (const key of ['slack:live', 'slack:stale']) {
      const again = await third.service.run(ADD, A.dlo, at(7), { requestKey: key });
      expect(again.ok && again.replayed).toBe(true);
    }
    expect(blockers(third.store.snapshot())).toBe(2);
    await third.store.close();
  });

  it('two changes with one key in one group: the second answers as the first did (one committed)', async () => {
    const path = join(await dirs.make(), 'cutover.json');
    const { store, service } = await openService(path);
    const [a, b] = await Promise.all([
      service.run(ADD, A.dlo, T0, { requestKey: 'slack:same' }),
      service.run(ADD, A.dlo, T0, { requestKey: 'slack:same' }),
    ]);
    expect(a?.ok && !a.replayed).toBe(true);
    expect(b?.ok && b.replayed).toBe(true);
    expect((await requestLog(path)).map((l) => l.k)).toEqual(['slack:same']);
    expect(store.snapshot().cutover.blockers.filter((b) => b.id.startsWith('vendor'))).toHaveLength(1);
    await store.close();
  });
});
