/**
 * Each request applies once: a repeat of a request already applied (same key) answers as the first did and writes
 * nothing; the same key for another request is refused; keys survive a restart and are forgotten after 24 hours.
 * Through the real JSON store on disk.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { alertsHook } from '../../src/alerts/messages.js';
import { HistoryEntry } from '../../src/core/schema.js';
import { createCutoverService } from '../../src/service/cutover-service.js';
import { newDocument, STORE_VERSION, StoreDocument } from '../../src/service/document.js';
import { openJsonFileStore } from '../../src/store/json-file/index.js';
import { A, at, seeded, T0 } from '../core/fixtures.js';
import { tempDirs } from '../store/helpers.js';

const dirs = tempDirs();
afterEach(() => dirs.cleanup());

async function openService(path: string) {
  const store = await openJsonFileStore({
    path,
    schema: StoreDocument,
    version: STORE_VERSION,
    create: () => newDocument({ ...seeded(), channel: 'C0CUTOVER' }),
    log: { field: 'history', entry: HistoryEntry },
  });
  return { store, service: createCutoverService(store, { compose: alertsHook() }) };
}

const ADD = { type: 'blocker.add', owner: 'consumer-incident-commander', title: 'Vendor contract signed' };

describe('a request applies once', () => {
  it('the same request key twice adds one blocker, one history line and one alert; the repeat answers the same', async () => {
    const path = join(await dirs.make(), 'cutover.json');
    const { store, service } = await openService(path);
    const first = await service.run(ADD, A.dlo, T0, { requestKey: 'slack:trigger-1' });
    const bytes = await readFile(path, 'utf8');
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
    expect(doc.history.filter((h) => h.action === 'blocker.add')).toHaveLength(1);
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
    expect(store.snapshot().requests).toEqual({});
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
    expect(second.store.snapshot().history.filter((h) => h.action === 'blocker.add')).toHaveLength(1);
    await second.store.close();
  });

  it('keys older than 24 hours are forgotten and dropped from the store', async () => {
    const path = join(await dirs.make(), 'cutover.json');
    const { store, service } = await openService(path);
    await service.run(ADD, A.dlo, T0, { requestKey: 'slack:old' });
    const later = new Date(T0.getTime() + 24 * 3600_000 + 1000);
    const again = await service.run(ADD, A.dlo, later, { requestKey: 'slack:old' });
    expect(again.ok && !again.replayed).toBe(true);
    const doc = JSON.parse(await readFile(path, 'utf8'));
    expect(Object.keys(doc.data.requests)).toEqual(['slack:old']);
    expect(doc.data.requests['slack:old'].at).toBe(later.toISOString());
    await store.close();
  });
});
