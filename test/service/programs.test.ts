/**
 * The programs (src/service/programs.ts) on the memory layout: a program is started once per id and per channel,
 * from a template's structure (or a program file as it is); a request key applies a start once; a start that never
 * reached the catalog leaves nothing behind; an archived program frees its channel; listeners hear of new programs
 * and of every program's changes.
 */
import { describe, expect, it } from 'vitest';
import { HistoryEntry } from '../../src/core/schema.js';
import { type Change, createCutoverService } from '../../src/service/cutover-service.js';
import { Catalog, StoreDocument } from '../../src/service/document.js';
import { type NewProgramRequest, openPrograms } from '../../src/service/programs.js';
import { memoryLayout } from '../../src/store/memory.js';
import { A, at, seeded, T0 } from '../core/fixtures.js';

const layout = () =>
  memoryLayout({
    catalog: { schema: Catalog, create: () => Catalog.parse({}) },
    documents: { schema: StoreDocument, log: { field: 'history', entry: HistoryEntry } },
  });

async function setup() {
  const l = layout();
  const programs = await openPrograms({ layout: l, makeService: (store) => createCutoverService(store) });
  return { layout: l, programs };
}

const request = (over: Partial<NewProgramRequest> = {}): NewProgramRequest => ({
  id: 'service-v4',
  template: seeded(),
  from: 'programs/service-v3.json',
  title: 'service.v4 runtime cutover',
  release: 'service.v4',
  channel: 'C0SECOND',
  ...over,
});

describe('starting a program', () => {
  it("keeps the template's structure, not its live state, binds the channel and writes its first history line", async () => {
    const { programs, layout: l } = await setup();
    const live = seeded();
    live.roles = live.roles.map((r) => ({ ...r, assignee: 'UPIC00001' }));
    const made = await programs.create(request({ template: live }), A.admin, T0);
    expect(made.ok).toBe(true);
    const c = programs.get('service-v4')?.cutover();
    expect(c).toMatchObject({ id: 'service-v4', channel: 'C0SECOND', release: 'service.v4' });
    expect(c?.roles.every((r) => r.assignee === null)).toBe(true);
    expect(programs.get('service-v4')?.history(10)).toEqual([
      expect.objectContaining({
        seq: 1,
        event: { type: 'program.created', from: 'programs/service-v3.json' },
      }),
    ]);
    expect(l.catalog.snapshot().programs).toEqual([
      expect.objectContaining({
        id: 'service-v4',
        createdBy: A.admin.kind === 'user' ? A.admin.userId : '',
        from: 'programs/service-v3.json',
      }),
    ]);
  });

  it('takes a program file as it is when asked (the first program of a new store), with no line and no alert', async () => {
    const { programs } = await setup();
    const file = seeded();
    file.roles = file.roles.map((r) => ({ ...r, assignee: 'UPIC00001' }));
    await programs.create(request({ id: file.id, template: file, asIs: true }), { kind: 'system' }, T0);
    const s = programs.get(file.id);
    expect(s?.cutover().roles.every((r) => r.assignee === 'UPIC00001')).toBe(true);
    expect(s?.history(10)).toEqual([]);
  });

  it('refuses an id already taken and a channel that runs an active program, writing nothing', async () => {
    const { programs, layout: l } = await setup();
    await programs.create(request(), A.admin, T0);
    const catalog = l.catalog.snapshot();
    expect(await programs.create(request({ channel: 'C0THIRD' }), A.admin, T0)).toMatchObject({
      ok: false,
      field: 'id',
    });
    expect(await programs.create(request({ id: 'service-v5' }), A.admin, T0)).toMatchObject({
      ok: false,
      field: 'channel',
      message: expect.stringContaining('This channel already runs service.v4 runtime cutover (service-v4)'),
    });
    expect(l.catalog.snapshot()).toBe(catalog);
    expect(await l.documents.keys()).toEqual(['service-v4']);
  });

  it('decides two starts for one channel one after the other: one wins, the other is refused', async () => {
    const { programs } = await setup();
    const [first, second] = await Promise.all([
      programs.create(request({ id: 'a-1' }), A.admin, T0),
      programs.create(request({ id: 'a-2' }), A.admin, T0),
    ]);
    expect([first.ok, second.ok]).toEqual([true, false]);
    expect(programs.all().map((s) => s.cutover().id)).toEqual(['a-1']);
  });

  it('applies a start once per request key', async () => {
    const { programs } = await setup();
    const first = await programs.create(request(), A.admin, T0, { requestKey: 'slack:T1' });
    const again = await programs.create(request(), A.admin, at(1), { requestKey: 'slack:T1' });
    expect(first.ok && again.ok && again.replayed).toBe(true);
    expect(programs.all()).toHaveLength(1);
  });

  it('takes over the document of a start that never reached the catalog, keeping its history before its own line', async () => {
    const l = layout();
    const orphan = await l.documents.open('service-v4', () =>
      StoreDocument.parse({ cutover: { ...seeded(), id: 'service-v4', title: 'Orphan' }, history: [] }),
    );
    expect(orphan.snapshot().cutover.title).toBe('Orphan');
    const programs = await openPrograms({ layout: l, makeService: (store) => createCutoverService(store) });
    expect(programs.all()).toEqual([]);
    await programs.create(request(), A.admin, T0);
    expect(programs.get('service-v4')?.cutover().title).toBe('service.v4 runtime cutover');
    expect(
      programs
        .get('service-v4')
        ?.history(5)
        .map((h) => [h.seq, h.event.type]),
    ).toEqual([[1, 'program.created']]);
  });

  it('reopens the programs the catalog lists, in order, and refuses a catalog whose document is missing', async () => {
    const l = layout();
    const first = await openPrograms({ layout: l, makeService: (store) => createCutoverService(store) });
    await first.create(request({ id: 'p-1', channel: 'C0ONE' }), A.admin, T0);
    await first.create(request({ id: 'p-2', channel: 'C0TWO' }), A.admin, T0);
    const again = await openPrograms({ layout: l, makeService: (store) => createCutoverService(store) });
    expect(again.all().map((s) => s.cutover().id)).toEqual(['p-1', 'p-2']);
    const missing = {
      ...l,
      documents: {
        ...l.documents,
        open: (key: string, create: () => never) =>
          key === 'p-2' ? Promise.resolve().then(create) : l.documents.open(key, create),
      },
    };
    await expect(
      openPrograms({ layout: missing, makeService: (store) => createCutoverService(store) }),
    ).rejects.toThrow('lists program p-2, but its document is missing');
  });
});

describe('programs and their channels', () => {
  it('refuses a channel that is not a channel id, naming it', async () => {
    const { programs } = await setup();
    expect(await programs.create(request({ channel: '#general' }), A.admin, T0)).toMatchObject({
      ok: false,
      field: 'channel',
      message: 'cutover.channel: a channel id like C012ABCDEF',
    });
  });

  it('finds the active program of a channel; an archived program frees its channel for a new one', async () => {
    const { programs } = await setup();
    await programs.create(request(), A.admin, T0);
    expect(programs.inChannel('C0SECOND')?.cutover().id).toBe('service-v4');
    const archived = await programs
      .get('service-v4')
      ?.run({ type: 'archive', reason: 'replaced by service-v5' }, A.admin, at(1));
    expect(archived?.ok).toBe(true);
    expect(programs.inChannel('C0SECOND')).toBeUndefined();
    expect(programs.active()).toEqual([]);
    const next = await programs.create(request({ id: 'service-v5' }), A.admin, at(2));
    expect(next.ok).toBe(true);
    expect(programs.inChannel('C0SECOND')?.cutover().id).toBe('service-v5');
  });

  it('tells listeners of every new program and of the changes of every program', async () => {
    const { programs } = await setup();
    const added: string[] = [];
    const changes: [string, Change['outcome']['message']][] = [];
    programs.onAdded((s) => added.push(s.cutover().id));
    programs.onCommitted((s, ch) => changes.push([s.cutover().id, ch.outcome.message]));
    await programs.create(request({ id: 'p-1', channel: 'C0ONE' }), A.admin, T0);
    await programs.create(request({ id: 'p-2', channel: 'C0TWO' }), A.admin, T0);
    await programs
      .get('p-2')
      ?.run({ type: 'blocker.add', owner: 'decision-log-owner', title: 'Only here' }, A.admin, at(1));
    expect(added).toEqual(['p-1', 'p-2']);
    expect(changes.map(([id]) => id)).toEqual(['p-2']);
  });
});
