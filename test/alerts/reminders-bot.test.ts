/**
 * Issue 4, "Done when": reminders fire once, at the right injected times — through the real bot, its reminder
 * scheduler on a manual clock and the Slack stand-in, across a restart. The shipped program: sign-off after 24 h,
 * stale blocker after 48 h, window at T−24 h and T−1 h, digest at 09:00 UTC (on a day after a change), quiet hours
 * 22–07 UTC.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { assignRoles, PEOPLE } from '../slack/harness.js';
import { type AlertHarness, alertMessages, idsOf, lineOf, pinged, startAlertHarness } from './helpers.js';

const {
  producerCommander: PIC,
  consumerCommander: CIC,
  producerRollback: PRB,
  consumerRollback: CRB,
  logOwner: LOG,
} = PEOPLE;
const SHA1 = '1f0e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c';
/** Reminder ids and keys carry the program's id (src/alerts/ids.ts). */
const PROGRAM = 'service-v3';
const ID_PREFIX = `reminder:${PROGRAM}:`;

let a: AlertHarness | undefined;
afterEach(async () => {
  await a?.h.stop();
  a = undefined;
});

/** The reminder and digest messages posted so far, as [kind:key] of each item they tell. */
const reminders = (w: AlertHarness) =>
  alertMessages(w.h)
    .flatMap(idsOf)
    .filter((id) => id.startsWith(ID_PREFIX))
    .map((id) => id.slice(ID_PREFIX.length).replace(/:\d{4}-\d\d-\d\dT[\d:.]+Z/g, ''));

/** Moves the clock to `iso`, lets the scheduler tick there and the dispatcher deliver, and answers what is new. */
async function at(w: AlertHarness, iso: string): Promise<string[]> {
  const before = reminders(w).length;
  w.clock.advanceTo(iso);
  await w.drain();
  return reminders(w).slice(before);
}

const textOf = (w: AlertHarness, key: string) =>
  alertMessages(w.h).find((m) => idsOf(m).some((id) => id.startsWith(`${ID_PREFIX}${key}`)))?.text ?? '';

describe('reminders through the bot, on an injected clock', () => {
  it('fire once each at their times, are held by quiet hours, and are not doubled by a restart', async () => {
    const w = await startAlertHarness({ start: '2026-02-10T08:00:00Z', reminders: true });
    a = w;
    await assignRoles(w.h);
    for (const [user, text] of [
      [LOG, 'blocker add consumer-incident-commander Vendor contract'],
      [PRB, `target service.v3.0 ${SHA1}`],
      [CRB, 'target approve service.v3.0'],
      [LOG, 'window 2026-02-11T14:00Z 2026-02-11T16:00Z'],
    ] as const)
      expect((await w.h.command(user, text)).text).toContain(':white_check_mark:');
    await w.drain();
    expect(reminders(w)).toEqual([]);

    // The digest at 09:00 UTC, not before.
    expect(await at(w, '2026-02-10T08:59:00Z')).toEqual([]);
    expect(await at(w, '2026-02-10T09:00:30Z')).toEqual(['digest:2026-02-10']);
    const digest = textOf(w, 'digest:2026-02-10');
    expect(digest).toContain('*Daily digest — service.v3 runtime cutover*');
    expect(digest).toContain('phase 8 blockers: *4 of 5 open*');
    expect(pinged(digest)).toEqual([]);
    expect(await at(w, '2026-02-10T12:00:00Z')).toEqual([]);

    // The window (14:00 on the 11th) at T−24 h, to all five roles.
    expect(await at(w, '2026-02-10T13:59:00Z')).toEqual([]);
    expect(await at(w, '2026-02-10T14:00:30Z')).toEqual(['window:24h']);
    const window = textOf(w, 'window:');
    expect(window).toContain('*The cutover window starts <!date^1770818400^');
    expect(pinged(window)).toEqual([CIC, CRB, LOG, PIC, PRB].sort());

    // A blocker added at 23:00 goes stale at 23:00 two days later, inside the quiet hours (22–07).
    expect(await at(w, '2026-02-10T23:00:00Z')).toEqual([]);
    expect((await w.h.command(LOG, 'blocker add producer-incident-commander Night check')).text).toContain(
      ':white_check_mark:',
    );
    await w.drain();

    // Sign-offs still missing 24 h after the approval (08:00 on the 10th): each commander is nudged.
    expect(await at(w, '2026-02-11T07:59:00Z')).toEqual([]);
    expect(await at(w, '2026-02-11T08:00:30Z')).toEqual(['signoff:producer', 'signoff:consumer']);
    const nudge = textOf(w, 'signoff:consumer');
    expect(nudge).toContain('*AssistSupport has not signed off* on `service.v3.0 @ 1f0e2d3c4b5a`');
    expect(lineOf(nudge, CIC)).toContain(
      'sign off GO/NO-GO for AssistSupport on `service.v3.0 @ 1f0e2d3c4b5a`',
    );
    expect(nudge).toContain('ago: `/cutover signoff`');

    // A restart at the same instant sends nothing again.
    await w.h.restart();
    expect(await at(w, '2026-02-11T08:01:30Z')).toEqual([]);

    expect(await at(w, '2026-02-11T09:00:30Z')).toEqual(['digest:2026-02-11']);
    expect(await at(w, '2026-02-11T12:59:00Z')).toEqual([]);
    expect(await at(w, '2026-02-11T13:00:30Z')).toEqual(['window:1h']);
    expect(alertMessages(w.h).at(-1)?.text).toContain('— in about 1 hour');

    // The manual blocker, untouched since 08:00 on the 10th: its owner at +48 h, then again only at +96 h.
    expect(await at(w, '2026-02-12T07:59:00Z')).toEqual([]);
    expect(await at(w, '2026-02-12T08:00:30Z')).toEqual(['blocker:vendor-contract:1']);
    expect(textOf(w, 'blocker:vendor-contract')).toContain('`/cutover blocker clear vendor-contract`');
    // Nothing happened since the digest of the 11th (reminders are not changes): the 12th has none.
    expect(await at(w, '2026-02-12T09:00:30Z')).toEqual([]);
    // Held by the quiet hours, then sent when they end.
    expect(await at(w, '2026-02-12T23:00:30Z')).toEqual([]);
    expect(await at(w, '2026-02-13T06:59:00Z')).toEqual([]);
    expect(await at(w, '2026-02-13T07:00:30Z')).toEqual(['blocker:night-check:1']);
    expect(pinged(textOf(w, 'blocker:night-check'))).toEqual([PIC]);
    expect(await at(w, '2026-02-13T08:00:30Z')).toEqual([]);
    // The digest of the 13th was missed by more than 12 h (the clock jumped a day): it is not sent late.
    expect(await at(w, '2026-02-14T08:00:30Z')).toEqual(['blocker:vendor-contract:2']);

    // Every reminder key is stored: restart-safe, never doubled.
    const keys = Object.keys(w.doc().reminders);
    expect(keys).toEqual(
      expect.arrayContaining([
        expect.stringMatching(new RegExp(`^${PROGRAM}:signoff:producer:`)),
        `${PROGRAM}:digest:2026-02-10`,
      ]),
    );
    const sent = reminders(w);
    expect(sent.filter((k, i) => sent.indexOf(k) !== i)).toEqual([]);
  });
});
