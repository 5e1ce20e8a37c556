/**
 * The service on the in-memory store (the same port as the JSON file, test/store/contract.ts): a change is the
 * core's decision, its numbered history lines and whatever `compose` adds, committed in one update; a refusal writes
 * nothing; listeners hear a change after it is committed; the display reads answer from the snapshot.
 */
import { describe, expect, it } from 'vitest';
import { HistoryEntry } from '../../src/core/schema.js';
import { type Change, createCutoverService } from '../../src/service/cutover-service.js';
import {
  newDocument,
  type StoreDocument,
  StoreDocument as StoreDocumentSchema,
} from '../../src/service/document.js';
import { MemoryStore } from '../../src/store/memory.js';
import { StoreError } from '../../src/store/store.js';
import { A, at, seeded, T0 } from '../core/fixtures.js';

function setup(hooks: Parameters<typeof createCutoverService>[1] = {}) {
  const store = new MemoryStore<StoreDocument>({
    schema: StoreDocumentSchema,
    create: () => newDocument(seeded()),
    log: { field: 'history', entry: HistoryEntry },
  });
  return { store, service: createCutoverService(store, hooks) };
}

const add = (title: string) => ({ type: 'blocker.add', owner: 'consumer-incident-commander', title });

describe('the cutover service', () => {
  it('commits a change with its history lines numbered after the last, and shows it at once', async () => {
    const { store, service } = setup();

    const first = await service.run(add('Vendor contract signed'), A.dlo, T0);
    const second = await service.run(add('Runbook reviewed'), A.dlo, at(1));

    expect(first.ok && second.ok).toBe(true);
    const doc = await store.read();
    expect(doc.cutover.blockers.map((b) => b.title)).toEqual(
      expect.arrayContaining(['Vendor contract signed', 'Runbook reviewed']),
    );
    expect(doc.history.map((h) => h.seq)).toEqual(doc.history.map((_, i) => i + 1));
    expect(service.history(1)[0]?.at).toBe(at(1).toISOString());
    expect(service.cutover()).toBe(store.snapshot().cutover);
  });

  it('a refusal writes nothing and says why', async () => {
    const { store, service } = setup();
    const before = store.snapshot();

    const out = await service.run(add('Not mine to add'), A.nobody, T0);

    expect(out.ok).toBe(false);
    expect(store.snapshot()).toBe(before);
    expect(await store.read()).toEqual(before);
  });

  it('what compose adds is committed in the same update as the change', async () => {
    const { store, service } = setup({
      compose: (doc, change) => ({
        ...doc,
        outbox: [
          ...doc.outbox,
          {
            id: `alert-${doc.history.length}`,
            channel: 'C1',
            kind: 'alert',
            program: change.outcome.cutover.id,
            events: change.outcome.events,
            by: change.actor,
            createdAt: change.now.toISOString(),
            attempts: 0,
          },
        ],
      }),
    });
    const seen: number[] = [];
    service.onCommitted(() => seen.push(store.snapshot().outbox.length));

    await service.run(add('Vendor contract signed'), A.dlo, T0);

    expect((await store.read()).outbox).toHaveLength(1);
    expect(seen).toEqual([1]); // the listener ran after the commit, which held the alert
  });

  it('listeners hear each committed change once; a failing listener does not undo it or fail the change', async () => {
    const { store, service } = setup();
    const heard: Change[] = [];
    service.onCommitted(() => {
      throw new Error('listener broke');
    });
    const stop = service.onCommitted((c) => heard.push(c));
    const errors: unknown[] = [];
    const error = console.error;
    console.error = (...args: unknown[]) => errors.push(args);
    try {
      const out = await service.run(add('Vendor contract signed'), A.dlo, T0);
      expect(out.ok).toBe(true);
      await service.run(add('Not mine'), A.nobody, T0);
      stop();
      await service.run(add('Runbook reviewed'), A.dlo, at(1));
    } finally {
      console.error = error;
    }

    expect(heard.map((c) => c.actor)).toEqual([A.dlo]);
    expect(errors).toHaveLength(2);
    expect((await store.read()).cutover.blockers.map((b) => b.title)).toContain('Runbook reviewed');
  });

  it('a change whose deadline has passed is refused by the store, and nothing is written', async () => {
    const { store, service } = setup();
    const before = store.snapshot();

    const e = await service.run(add('Late'), A.dlo, T0, { deadline: Date.now() - 1 }).then(
      () => expect.fail('a late change was applied'),
      (err: unknown) => err,
    );

    expect(e).toBeInstanceOf(StoreError);
    expect((e as StoreError).code).toBe('deadline');
    expect(store.snapshot()).toBe(before);
  });

  it('history(n) is the newest n, newest first', async () => {
    const { service } = setup();
    for (const [i, title] of ['one', 'two', 'three'].entries()) await service.run(add(title), A.dlo, at(i));

    expect(service.history(2).map((h) => h.at)).toEqual([at(2).toISOString(), at(1).toISOString()]);
  });
});
