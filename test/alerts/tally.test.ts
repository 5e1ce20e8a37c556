/**
 * Changes faster than a channel can be told of them (issue 20): past `ALERTS_TOLD_WAITING` alerts waiting in a
 * channel, a routine change is counted in a tally instead of told by itself, so the outbox, and the document every
 * change writes, stay bounded however long the changes come; a change that moves a GO, a sign-off, the target or a
 * phase is always told by itself; nothing is lost (told or counted, and history keeps each).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { alertsHook } from '../../src/alerts/messages.js';
import { createRenderer } from '../../src/alerts/render.js';
import { ALERTS_TOLD_WAITING, queueAlert, tallyLine } from '../../src/alerts/tally.js';
import { type DomainEvent, HistoryEntry } from '../../src/core/schema.js';
import { createCutoverService } from '../../src/service/cutover-service.js';
import {
  type AlertItem,
  newDocument,
  type OutboxItem,
  StoreDocument,
  type TallyItem,
} from '../../src/service/document.js';
import { MemoryStore } from '../../src/store/memory.js';
import { A, seeded, T0 } from '../core/fixtures.js';
import { assignRoles, PEOPLE } from '../slack/harness.js';
import { type AlertHarness, alertMessages, startAlertHarness } from './helpers.js';

const CHANNEL = 'C0CUTOVER';
const at = (s: number) => new Date(T0.getTime() + s * 1000).toISOString();
const blockerAdded: DomainEvent = {
  type: 'blocker.added',
  blocker: 'b1',
  title: 'A blocker',
  owner: 'decision-log-owner',
} as DomainEvent;
const gateChanged = {
  type: 'gate.changed',
  gate: 'g1',
  before: 'pending',
  after: 'green',
  derived: false,
  title: 'G',
} as DomainEvent;
const decisionChanged = {
  type: 'decision.changed',
  decision: 'runtime-cutover',
  before: 'no-go',
  after: 'go',
  title: 'Runtime cutover',
} as DomainEvent;

const alert = (seq: number, events: DomainEvent[], channel = CHANNEL): AlertItem => ({
  id: `alert:p:${seq}`,
  channel,
  kind: 'alert',
  program: 'p',
  events: events as AlertItem['events'],
  by: A.admin,
  createdAt: at(seq),
  attempts: 0,
});

/** The outbox after queueing the alert of changes `from`..`to` (their history seqs), each with `events`. */
const queued = (outbox: OutboxItem[], from: number, to: number, events: DomainEvent[], channel = CHANNEL) => {
  let o = outbox;
  for (let seq = from; seq <= to; seq++) o = queueAlert(o, alert(seq, events, channel), seq);
  return o;
};
const tallies = (o: OutboxItem[]) => o.filter((i): i is TallyItem => i.kind === 'tally');

describe('an alert of a routine change', () => {
  it('is told by itself while fewer than ALERTS_TOLD_WAITING alerts wait in its channel', () => {
    const o = queued([], 1, ALERTS_TOLD_WAITING, [blockerAdded]);
    expect(o).toHaveLength(ALERTS_TOLD_WAITING);
    expect(o.every((i) => i.kind === 'alert')).toBe(true);
  });

  it('is counted in one tally once ALERTS_TOLD_WAITING wait, by kind, with the history it spans', () => {
    let o = queued([], 1, ALERTS_TOLD_WAITING, [blockerAdded]);
    o = queued(o, 101, 140, [blockerAdded]);
    o = queued(o, 141, 150, [gateChanged, blockerAdded]);
    expect(o).toHaveLength(ALERTS_TOLD_WAITING + 1);
    const [t] = tallies(o);
    expect(t).toMatchObject({
      id: 'tally:p:101',
      channel: CHANNEL,
      counts: { 'blocker.added': 40, 'gate.changed': 10 },
      seqs: { from: 101, to: 150 },
      createdAt: at(101),
      lastAt: at(150),
      attempts: 0,
    });
    expect(o.at(-1)).toBe(t);
  });

  it('counts only the alerts of its own channel as waiting', () => {
    const o = queued(queued([], 1, ALERTS_TOLD_WAITING, [blockerAdded], 'C0OTHER'), 101, 110, [blockerAdded]);
    expect(tallies(o)).toEqual([]);
    expect(o).toHaveLength(ALERTS_TOLD_WAITING + 10);
  });

  it('starts a new tally after a change told by itself, or once the tally was tried, so the channel reads them in order', () => {
    let o = queued([], 1, ALERTS_TOLD_WAITING, [blockerAdded]);
    o = queued(o, 101, 105, [blockerAdded]);
    o = queued(o, 106, 106, [decisionChanged]);
    o = queued(o, 107, 108, [blockerAdded]);
    expect(o.slice(-3).map((i) => i.kind)).toEqual(['tally', 'alert', 'tally']);
    expect(tallies(o).map((t) => t.seqs)).toEqual([
      { from: 101, to: 105 },
      { from: 107, to: 108 },
    ]);
    const tried = o.map((i) => (i.kind === 'tally' && i.seqs.from === 107 ? { ...i, attempts: 1 } : i));
    const after = queued(tried, 109, 109, [blockerAdded]);
    expect(tallies(after).map((t) => t.seqs)).toEqual([
      { from: 101, to: 105 },
      { from: 107, to: 108 },
      { from: 109, to: 109 },
    ]);
  });
});

describe('an alert of a change that moves a GO, a sign-off, the target or a phase', () => {
  it('is told by itself, however far behind its channel is', () => {
    let o = queued([], 1, ALERTS_TOLD_WAITING + 20, [blockerAdded]);
    o = queued(o, 121, 121, [gateChanged, decisionChanged]);
    expect(o.at(-1)).toMatchObject({ kind: 'alert', id: 'alert:p:121' });
  });
});

describe('a tally as the channel reads it', () => {
  it('says how many changes of which kinds, when, and where history lists each', () => {
    const o = queued(queued([], 1, ALERTS_TOLD_WAITING, [blockerAdded]), 101, 103, [gateChanged]);
    const withBlocker = queued(o, 104, 104, [blockerAdded]);
    const [t] = tallies(withBlocker);
    expect(tallyLine(t as TallyItem)).toBe(
      `:heavy_plus_sign: *4 more changes*, <!date^${Date.parse(at(101)) / 1000}^{date_short_pretty} {time}|${at(101).slice(0, 16).replace('T', ' ')} UTC> to <!date^${Date.parse(at(104)) / 1000}^{date_short_pretty} {time}|${at(104).slice(0, 16).replace('T', ' ')} UTC>, came faster than this channel can be told of them one by one: 3 gate results and 1 blocker added. \`/cutover history\` lists each (#101 to #104).`,
    );
  });
});

describe('through the service', () => {
  it('keeps the outbox bounded however many routine changes come, each told or counted', async () => {
    const store = new MemoryStore({
      schema: StoreDocument,
      create: () => newDocument({ ...seeded(), channel: CHANNEL }),
      log: { field: 'history', entry: HistoryEntry },
    });
    const service = createCutoverService(store, { compose: alertsHook() });
    const add = (i: number) =>
      service.run({ type: 'blocker.add', owner: 'decision-log-owner', title: `Item ${i}` }, A.admin, T0);
    for (let i = 0; i < 250; i++) expect((await add(i)).ok).toBe(true);
    const first = service.document().outbox;
    expect(first.filter((i) => i.kind === 'alert')).toHaveLength(ALERTS_TOLD_WAITING);
    expect(tallies(first)).toHaveLength(1);
    for (let i = 250; i < 1000; i++) await add(i);
    const doc = service.document();
    expect(doc.outbox).toHaveLength(first.length);
    const [t] = tallies(doc.outbox);
    expect(t?.counts).toEqual({ 'blocker.added': 1000 - ALERTS_TOLD_WAITING });
    const added = doc.history.filter((h) => h.event.type === 'blocker.added');
    expect(added.length).toBeGreaterThanOrEqual(1000 - 1); // the store holds the newest entries in memory
    // Rendered at delivery, it asks what is owed, as an alert does: the blockers' owner, by name.
    const r = createRenderer(doc).render(t as TallyItem);
    expect(r.text).toContain('*900 more changes*');
    expect(r.text).toContain('900 blockers added');
    expect(r.text).toContain('*Next:*');
  });
});

describe('in the channel', () => {
  let a: AlertHarness | undefined;
  afterEach(async () => {
    await a?.h.stop();
    a = undefined;
  });

  it('tells the changes past the limit as one count, and every one before it by itself', async () => {
    const w = await startAlertHarness();
    a = w;
    await assignRoles(w.h);
    await w.drain();
    const n = ALERTS_TOLD_WAITING + 30;
    // The clock stands still: past the first message, nothing goes out while the changes come (the channel's pace).
    for (let i = 1; i <= n; i++) {
      const answer = await w.h.command(PEOPLE.logOwner, `blocker add decision-log-owner Flood item ${i}`);
      expect(answer.text).toContain(':white_check_mark:');
    }
    expect(w.doc().outbox.filter((i) => i.kind === 'tally')).toHaveLength(1);
    await w.drain(600);
    const text = alertMessages(w.h)
      .map((m) => m.text)
      .join('\n');
    const toldAlone = Array.from({ length: n }, (_, i) => i + 1).filter(
      (i) => text.includes(`Flood item ${i}\``) || new RegExp(`Flood item ${i}(?!\\d)`).test(text),
    );
    expect(toldAlone.length).toBeGreaterThanOrEqual(ALERTS_TOLD_WAITING - 1);
    expect(toldAlone.length).toBeLessThan(n);
    const counted = /\*(\d+) more changes\*/.exec(text);
    expect(Number(counted?.[1]) + toldAlone.length).toBe(n);
  });

  it('tells the changes counted while its tally was being posted in a tally of their own, none lost', async () => {
    const w = await startAlertHarness();
    a = w;
    await assignRoles(w.h);
    await w.drain();
    const add = async (i: number) => {
      const answer = await w.h.command(PEOPLE.logOwner, `blocker add decision-log-owner Flood item ${i}`);
      expect(answer.text).toContain(':white_check_mark:');
    };
    const n = ALERTS_TOLD_WAITING + 10;
    for (let i = 1; i <= n; i++) await add(i);
    // The next message (the waiting alerts and the tally) reaches Slack, which takes its time answering.
    const held = w.h.slack.holdNext('chat.postMessage');
    w.clock.advance(1000);
    await held.reached;
    for (let i = n + 1; i <= n + 3; i++) await add(i);
    held.release();
    await w.drain(600);
    const text = alertMessages(w.h)
      .map((m) => m.text)
      .join('\n');
    const alone = Array.from({ length: n + 3 }, (_, i) => i + 1).filter((i) =>
      new RegExp(`Flood item ${i}(?!\\d)`).test(text),
    ).length;
    const counted = [...text.matchAll(/\*(\d+) more changes?\*/g)].map((m) => Number(m[1]));
    expect(counted.length).toBeGreaterThanOrEqual(2);
    expect(counted.at(-1)).toBe(3);
    expect(alone + counted.reduce((x, y) => x + y, 0)).toBe(n + 3);
  });
});
