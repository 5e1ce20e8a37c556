/**
 * Reminders as a pure function of the stored document and an injected time: each fires once, at its time, not
 * during quiet hours, and never again once its key is stored — across a restart too (the document is written
 * and read back between checks, as the store does).
 */
import { describe, expect, it } from 'vitest';
import { dueReminders, isQuiet, latestDigest } from '../../src/alerts/reminders.js';
import { createRenderer } from '../../src/alerts/render.js';
import type { Cutover } from '../../src/core/schema.js';
import { newDocument, StoreDocument } from '../../src/service/document.js';
import { A, approveTarget, run, SHA1, SHA2, seeded, T0, TAG2, U } from '../core/fixtures.js';
import { LAUNCH_PEOPLE, LAUNCH_ROLES, launchCutover } from './programs.js';

const H = 3_600_000;
const CHANNEL = 'C0CUTOVER';
/** T0 (2026-02-09T09:00Z) plus hours. */
const h = (n: number) => new Date(T0.getTime() + n * H);
/** A new document of `c`, its program bound to the channel (as bot.ts binds it at start). */
const bound = (c: Cutover) => newDocument({ ...c, channel: CHANNEL });

/** Runs the scheduler's check at `now` and stores what it marked, through a JSON round trip (a restart). */
function check(doc: StoreDocument, now: Date) {
  const due = dueReminders(doc, now);
  const next = {
    ...doc,
    outbox: [...doc.outbox, ...due.items],
    reminders: { ...doc.reminders, ...due.marks },
  };
  return { due, doc: StoreDocument.parse(JSON.parse(JSON.stringify(next))) };
}

/** The reminders due at `now`, each with its text and mentions as rendered at delivery from `doc`. */
const told = (doc: StoreDocument, now: Date) => {
  const renderer = createRenderer(doc);
  return dueReminders(doc, now).items.map((i) => ({ ...i, ...renderer.render(i) }));
};

/** `doc` with one more change in its history, made at `at`. */
const changedAt = (doc: StoreDocument, at: Date): StoreDocument => ({
  ...doc,
  history: [
    ...doc.history,
    {
      seq: (doc.history.at(-1)?.seq ?? 0) + 1,
      at: at.toISOString(),
      by: U.dlo,
      asAdmin: false,
      action: 'gate.set',
      subject: 'gate alignment',
      before: 'pending',
      after: 'green',
    },
  ],
});

/** Walks the times in order, answering which reminder keys fired at each (digests left out unless asked). */
function walk(
  c: Cutover,
  times: Date[],
  keep: (id: string) => boolean = (id) => !id.includes('digest:'),
  start: StoreDocument = bound(c),
) {
  let doc = start;
  return times.map((now) => {
    const r = check(doc, now);
    doc = r.doc;
    return r.due.items.map((i) => i.id.replace(`reminder:${c.id}:`, '')).filter(keep);
  });
}

describe('the cutover window', () => {
  const withWindow = (setAt: Date, startHours: number) =>
    run(
      seeded(),
      { type: 'window', start: h(startHours).toISOString(), end: h(startHours + 2).toISOString() },
      A.dlo,
      setAt,
    ).cutover;

  it('tells all roles at T−24 h and at T−1 h, once each', () => {
    const c = withWindow(T0, 30); // starts 2026-02-10T15:00Z
    const start = h(30).toISOString();
    expect(walk(c, [h(5.9), h(6), h(6.5), h(28.9), h(29), h(29.5), h(31)])).toEqual([
      [],
      [`window:${start}:24h`],
      [],
      [],
      [`window:${start}:1h`],
      [],
      [],
    ]);
    const item = told(bound(c), h(29)).find((i) => i.id.includes('window'));
    expect(item?.text).toContain('*The cutover window starts <!date^');
    expect(item?.text).toContain('— in about 1 hour');
    expect(new Set(item?.mentions)).toEqual(new Set([U.pic, U.cic, U.pro, U.cro, U.dlo]));
  });

  it('a lead that had passed when the window was set is skipped: the window alert told everyone', () => {
    const c = withWindow(T0, 10);
    expect(walk(c, [h(1), h(9), h(9.5)]).flat()).toEqual([`window:${h(10).toISOString()}:1h`]);
  });

  it('after downtime only the nearest lead is sent, and the passed ones are marked too', () => {
    const c = withWindow(T0, 48);
    const start = h(48).toISOString();
    let doc = bound(c);
    const first = check(doc, h(47.5));
    expect(first.due.items.map((i) => i.id)).toEqual([`reminder:${c.id}:window:${start}:1h`]);
    expect(told(bound(c), h(47.5))[0]?.text).toContain('— in 30 minutes');
    expect(Object.keys(first.due.marks)).toEqual(
      expect.arrayContaining([`${c.id}:window:${start}:24h`, `${c.id}:window:${start}:1h`]),
    );
    doc = first.doc;
    expect(dueReminders(doc, h(47.6)).items).toEqual([]);
  });

  it('is not held by quiet hours', () => {
    // Starts at 02:00 UTC, in the shipped quiet hours (22–7): the T−1 h notice still goes at 01:00.
    const c = withWindow(T0, 17);
    expect(isQuiet(c.reminders, h(16))).toBe(true);
    expect(walk(c, [h(16)]).flat()).toEqual([`window:${h(17).toISOString()}:1h`]);
  });
});

describe('a missing sign-off', () => {
  it('nudges that side’s commander signoffAfterHours after the target was approved, once', () => {
    const c = approveTarget(seeded(), undefined, undefined, h(0));
    const fired = walk(c, [h(23.9), h(24), h(25), h(50)]);
    const anchor = h(0).toISOString();
    expect(fired).toEqual([[], [`signoff:producer:${anchor}`, `signoff:consumer:${anchor}`], [], []]);
    const item = told(bound(c), h(24)).find((i) => i.id.includes('producer'));
    expect(item?.mentions).toEqual([U.pic]);
    expect(item?.text).toContain(
      `*MemoryKernel has not signed off* on \`service.v3.0.0 @ ${SHA1.slice(0, 12)}\``,
    );
    expect(item?.text).toContain('24 h ago');
  });

  it('a side that signed is not nudged; a voided sign-off starts the count again from the voiding', () => {
    let c = approveTarget(seeded(), undefined, undefined, h(0));
    c = run(c, { type: 'signoff', side: 'producer', decision: 'go' }, A.pic, h(1)).cutover;
    expect(walk(c, [h(24)]).flat()).toEqual([`signoff:consumer:${h(0).toISOString()}`]);
    // A new target at +30 h voids it; approved at +31 h: the count starts at the approval.
    c = run(c, { type: 'target.publish', tag: TAG2, sha: SHA2 }, A.pro, h(30)).cutover;
    c = run(c, { type: 'target.approve', target: TAG2 }, A.cro, h(31)).cutover;
    expect(walk(c, [h(54), h(55)]).map((ids) => ids.filter((i) => i.startsWith('signoff:producer')))).toEqual(
      [[], [`signoff:producer:${h(31).toISOString()}`]],
    );
  });

  it('waits for the end of quiet hours, then goes once', () => {
    // Approved at 23:00 UTC: due 23:00 the next day, inside quiet hours (22–7) until 07:00.
    const c = approveTarget(seeded(), undefined, undefined, h(14));
    expect(walk(c, [h(38), h(45.9), h(46), h(47)]).map((ids) => ids.length)).toEqual([0, 0, 2, 0]);
  });
});

describe('a stale blocker', () => {
  const withBlocker = () =>
    run(
      seeded(),
      { type: 'blocker.add', owner: 'consumer-incident-commander', title: 'Vendor contract' },
      A.dlo,
      h(0),
    ).cutover;

  it('nudges its owner after blockerStaleHours untouched, and again at most every blockerStaleHours', () => {
    const anchor = h(0).toISOString();
    expect(walk(withBlocker(), [h(47), h(48), h(60), h(95), h(96), h(97)])).toEqual([
      [],
      [`blocker:vendor-contract:${anchor}:1`],
      [],
      [],
      [`blocker:vendor-contract:${anchor}:2`],
      [],
    ]);
    const item = told(bound(withBlocker()), h(48)).find((i) => i.id.includes('blocker'));
    expect(item?.mentions).toEqual([U.cic]);
    expect(item?.text).toContain('*Blocker `vendor-contract` Vendor contract has not moved since <!date^');
    expect(item?.text).toContain('`/cutover blocker clear vendor-contract`');
  });

  it('touching it restarts the count; clearing it stops the nudges', () => {
    let c = withBlocker();
    c = run(c, { type: 'blocker.clear', blocker: 'vendor-contract' }, A.cic, h(40)).cutover;
    c = run(
      c,
      { type: 'blocker.reopen', blocker: 'vendor-contract', reason: 'vendor backed out' },
      A.cic,
      h(41),
    ).cutover;
    // Reopened at 02:00 UTC: due 48 h later, in quiet hours (22–7), so it goes at 07:00.
    expect(walk(c, [h(48), h(88), h(89), h(94)])).toEqual([
      [],
      [],
      [],
      [`blocker:vendor-contract:${h(41).toISOString()}:1`],
    ]);
    const cleared = run(c, { type: 'blocker.clear', blocker: 'vendor-contract' }, A.cic, h(42)).cutover;
    expect(walk(cleared, [h(200)]).flat()).toEqual([]);
  });

  it('a blocker without a stamp (from the program file) is counted from when it was first seen', () => {
    const c = launchCutover();
    for (const r of c.roles) r.assignee = LAUNCH_ROLES[r.id] ?? null;
    // The launch program: blockerStaleHours 24.
    const fired = walk(c, [h(0), h(23), h(24)]);
    expect(fired[2]).toEqual(
      expect.arrayContaining([
        `blocker:legal-review:${h(0).toISOString()}:1`,
        `blocker:build-frozen:${h(0).toISOString()}:1`,
      ]),
    );
    const item = told(
      { ...bound(c), reminders: { 'seen:blocker:legal-review': h(0).toISOString() } },
      h(24),
    ).find((i) => i.id.includes('legal-review'));
    expect(item?.mentions).toEqual([LAUNCH_PEOPLE.web]);
  });
});

describe('the daily digest', () => {
  /** The digests fired at each time, for a program in which something happened an hour before T0. */
  const digests = (c: Cutover, times: Date[]) =>
    walk(c, times, (id) => id.startsWith('digest:'), changedAt(bound(c), h(-1)));

  it('is not sent while nothing has happened: not at first start, not on the days after', () => {
    expect(walk(seeded(), [h(0), h(24), h(48)], (id) => id.startsWith('digest:'))).toEqual([[], [], []]);
  });

  it('goes out at digestHour only if something happened since the previous one; a quiet day has none', () => {
    let doc = changedAt(bound(seeded()), h(-1));
    const at = (now: Date) => {
      const r = check(doc, now);
      doc = r.doc;
      return r.due.items
        .filter((i) => i.kind === 'digest')
        .map((i) => i.id.replace('reminder:service-v3:', ''));
    };
    expect(at(h(0))).toEqual(['digest:2026-02-09']);
    // Nothing since: the 10th has none, and a change later that day does not send it late.
    expect(at(h(24))).toEqual([]);
    doc = changedAt(doc, h(26));
    expect(at(h(27))).toEqual([]);
    // The change of the 10th is told on the 11th.
    expect(at(h(48))).toEqual(['digest:2026-02-11']);
    expect(at(h(72))).toEqual([]);
  });

  it('goes out once a day at digestHour, telling where the decision stands, without pinging anyone', () => {
    // T0 is 09:00 UTC, the shipped digest hour.
    const c = seeded();
    expect(digests(c, [h(-0.1), h(0), h(1), h(23.9)])).toEqual([[], ['digest:2026-02-09'], [], []]);
    const item = told(changedAt(bound(c), h(-1)), h(0)).find((i) => i.kind === 'digest');
    expect(item?.mentions).toEqual([]);
    expect(item?.text).not.toMatch(/<@/);
    expect(item?.text).toContain('*Daily digest — service.v3 runtime cutover*');
    expect(item?.text).toContain('phase 8 blockers: *4 of 4 open*');
    expect(item?.text).toContain('*Gates not green:*');
    expect(item?.text).toContain('MemoryKernel: _not signed_');
  });

  it('a digest hour inside quiet hours is deferred to their end, not skipped', () => {
    const c = seeded();
    c.reminders = { ...c.reminders, digestHour: 23, quietHours: { from: 22, to: 7 } };
    // 23:00 UTC on the 9th is quiet: the digest of the 9th goes at 07:00 on the 10th.
    expect(digests(c, [h(14), h(21.9), h(22), h(23)])).toEqual([[], [], ['digest:2026-02-09'], []]);
    expect(latestDigest(c.reminders, h(22))).toEqual({ at: h(22).getTime(), day: '2026-02-09' });
  });

  it('uses the program’s zone: 08:00 in Berlin is 07:00 UTC in February', () => {
    const c = launchCutover();
    expect(digests(c, [new Date('2026-02-10T06:59:00Z'), new Date('2026-02-10T07:00:00Z')])).toEqual([
      [],
      ['digest:2026-02-10'],
    ]);
  });

  it('one missed by more than 12 hours (the bot was down) is not sent late; the next day’s is', () => {
    const c = seeded();
    expect(digests(c, [h(12.5)])).toEqual([[]]);
    expect(digests(c, [h(11.5)])).toEqual([['digest:2026-02-09']]);
  });
});

describe('quiet hours', () => {
  it('wrap around midnight, and equal bounds mean none', () => {
    const r = seeded().reminders;
    const at = (hhmm: string) => isQuiet(r, new Date(`2026-02-10T${hhmm}:00Z`));
    expect([at('21:59'), at('22:00'), at('03:00'), at('06:59'), at('07:00')]).toEqual([
      false,
      true,
      true,
      true,
      false,
    ]);
    expect(isQuiet({ ...r, quietHours: { from: 9, to: 9 } }, h(0))).toBe(false);
    expect(isQuiet({ ...r, quietHours: { from: 9, to: 17 } }, h(0))).toBe(true);
  });
});

describe('never doubled', () => {
  it('a second scheduler run at the same instant, after the marks are stored, adds nothing', () => {
    const c = approveTarget(seeded(), undefined, undefined, h(0));
    const first = check(bound(c), h(24));
    expect(first.due.items.length).toBeGreaterThan(0);
    expect(dueReminders(first.doc, h(24))).toEqual({ items: [], marks: {} });
  });
});

describe('keys and ids of the program', () => {
  it("are namespaced by the program, and the items go to the program's channel", () => {
    const c = approveTarget(seeded(), undefined, undefined, h(0));
    const anchor = h(0).toISOString();
    const due = dueReminders(changedAt(bound(c), h(0)), h(24));
    expect(due.items.map((i) => [i.id, i.channel])).toEqual([
      [`reminder:${c.id}:signoff:producer:${anchor}`, CHANNEL],
      [`reminder:${c.id}:signoff:consumer:${anchor}`, CHANNEL],
      [`reminder:${c.id}:digest:2026-02-10`, CHANNEL],
    ]);
    expect(Object.keys(due.marks)).toEqual(
      expect.arrayContaining([`${c.id}:signoff:producer:${anchor}`, `${c.id}:signoff:consumer:${anchor}`]),
    );
    expect(Object.keys(due.marks).every((k) => k.startsWith(`${c.id}:`))).toBe(true);
    // Another program's reminders at the same time never share an id with these.
    const other = dueReminders(changedAt(bound({ ...c, id: 'payments-v9' }), h(0)), h(24)).items.map(
      (i) => i.id,
    );
    expect(other.filter((id) => due.items.some((i) => i.id === id))).toEqual([]);
  });

  it('a key stored before programs were in it still counts as sent: nothing is sent again or marked again', () => {
    const c = approveTarget(seeded(), undefined, undefined, h(0));
    const anchor = h(0).toISOString();
    const old = {
      ...bound(c),
      reminders: {
        [`signoff:producer:${anchor}`]: h(24).toISOString(),
        [`signoff:consumer:${anchor}`]: h(24).toISOString(),
        'digest:2026-02-10': h(24).toISOString(),
      },
    };
    expect(dueReminders(old, h(25))).toEqual({ items: [], marks: {} });
    // Only the one not stored in either form is due, and it is stored in the new form.
    const { [`signoff:consumer:${anchor}`]: _consumer, ...rest } = old.reminders;
    const due = dueReminders({ ...old, reminders: rest }, h(25));
    expect(due.items.map((i) => i.id)).toEqual([`reminder:${c.id}:signoff:consumer:${anchor}`]);
    expect(due.marks).toEqual({ [`${c.id}:signoff:consumer:${anchor}`]: h(25).toISOString() });
  });

  it('a program bound to no channel has nothing due (bot.ts binds it before the scheduler starts)', () => {
    const c = approveTarget(seeded(), undefined, undefined, h(0));
    expect(dueReminders(newDocument(c), h(24))).toEqual({ items: [], marks: {} });
  });
});

describe('an archived program', () => {
  it('gets no reminders: no window notice, no nudge and no digest', () => {
    const withWindow = run(
      approveTarget(seeded()),
      { type: 'window', start: h(30).toISOString(), end: h(32).toISOString() },
      A.dlo,
      T0,
    ).cutover;
    // The same program, live: its notices and nudges are due over the next day and a half.
    const live = walk(withWindow, [h(6), h(29), h(40)], () => true);
    expect(live.flat().length).toBeGreaterThan(0);
    const archived = run(
      withWindow,
      { type: 'archive', reason: 'moved to another cutover' },
      A.admin,
      T0,
    ).cutover;
    expect(archived.archived).toBeDefined();
    expect(walk(archived, [h(6), h(29), h(40)], () => true)).toEqual([[], [], []]);
  });
});
