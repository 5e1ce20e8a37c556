/**
 * Issue 11, outcome 5, through the real bot and the Slack stand-in: the channel belongs to the program. The first
 * start binds the program to `CUTOVER_CHANNEL_ID` and stores it with the program; a restart with another value
 * changes nothing — alerts, the board and the record still go to the program's channel. Ids and reminder keys carry
 * the program; a store written before (no channel, `alert-12`, `digest:<day>`) is bound at start, its pending alert
 * is delivered once and its old reminder keys still count as sent.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { ADMIN, assignRoles, CHANNEL, PEOPLE } from '../slack/harness.js';
import { type AlertHarness, alertMessages, idsOf, startAlertHarness } from './helpers.js';

const { logOwner: LOG } = PEOPLE;
/** What CUTOVER_CHANNEL_ID says after the program was created in CHANNEL. */
const OTHER = 'C0SECOND';

let a: AlertHarness | undefined;
afterEach(async () => {
  await a?.h.stop();
  a = undefined;
});

const ok = (x: { text: string }) => expect(x.text).toContain(':white_check_mark:');

/** Rewrites the store document on disk (the bot stopped), as a store written before would hold it. */
async function rewrite(w: AlertHarness, edit: (data: Record<string, unknown>) => void) {
  const path = w.h.programFile;
  const file = JSON.parse(await readFile(path, 'utf8')) as { data: Record<string, unknown> };
  edit(file.data);
  await writeFile(path, JSON.stringify(file));
}

describe('the channel belongs to the program', () => {
  it('stays the channel of the first start: a restart with another CUTOVER_CHANNEL_ID still posts in the first', async () => {
    const w = await startAlertHarness({ board: true });
    a = w;
    // Bound at the first start, and stored with the program.
    expect((await w.h.disk()).data.cutover.channel).toBe(CHANNEL);
    await assignRoles(w.h);
    await w.drain();

    await w.h.restart({ CUTOVER_CHANNEL_ID: OTHER });
    expect((await w.h.disk()).data.cutover.channel).toBe(CHANNEL);
    expect(w.doc().cutover.channel).toBe(CHANNEL);
    ok(await w.h.command(LOG, 'blocker add decision-log-owner Vendor contract'));
    await w.drain();

    // The alert, in the program's channel, under an id of the program; nothing in the channel the variable names.
    const told = alertMessages(w.h).filter((m) => m.text.includes('`vendor-contract` Vendor contract'));
    expect(told).toHaveLength(1);
    expect(told.flatMap(idsOf)).toEqual([expect.stringMatching(/^alert:service-v3:\d+$/)]);
    expect(w.h.slack.messages(OTHER)).toEqual([]);
    expect(w.h.slack.allCalls('chat.postMessage').filter((c) => c.args.channel === OTHER)).toEqual([]);
    // The board is updated where it is, in the program's channel.
    const updates = w.h.slack.calls('chat.update');
    expect(updates.length).toBeGreaterThan(0);
    expect(updates.every((c) => c.args.channel === CHANNEL)).toBe(true);
    expect(w.doc().board?.channel).toBe(CHANNEL);

    // The record goes there too, and says so.
    const ack = await w.h.command(ADMIN, 'record');
    expect(ack.text).toContain(`Preparing the decision record for <#${CHANNEL}>`);
    expect((await w.h.slack.waitForUpload((u) => u.completed)).channelId).toBe(CHANNEL);
  });
});

describe('a store written before programs had a channel and namespaced ids', () => {
  it('is bound at start; its pending alert-12 is delivered once; its old reminder keys still count as sent', async () => {
    const w = await startAlertHarness({ start: '2026-02-10T08:00:00Z', reminders: true });
    a = w;
    await assignRoles(w.h);
    // The digest of the 10th (09:00 UTC) goes out and is marked under the new key.
    w.clock.advanceTo('2026-02-10T09:00:30Z');
    await w.drain();
    const digests = () =>
      alertMessages(w.h)
        .flatMap(idsOf)
        .filter((id) => id.includes('digest:2026-02-10'));
    expect(digests()).toEqual(['reminder:service-v3:digest:2026-02-10']);
    expect(Object.keys(w.doc().reminders)).toContain('service-v3:digest:2026-02-10');

    // As an older version left it: no channel, every reminder key without the program, an alert pending under an
    // id of the old form.
    await w.h.bot.stop();
    await rewrite(w, (data) => {
      const cutover = data.cutover as Record<string, unknown>;
      delete cutover.channel;
      data.reminders = Object.fromEntries(
        Object.entries(data.reminders as Record<string, string>).map(([k, v]) => [
          k.replace(/^service-v3:/, ''),
          v,
        ]),
      );
      data.outbox = [
        {
          id: 'alert-12',
          channel: CHANNEL,
          kind: 'alert',
          text: ':construction: *Blocker opened:* `old-pending` An alert an older version left pending',
          mentions: [],
          createdAt: '2026-02-10T09:00:00.000Z',
          attempts: 1,
          lastError: 'HTTP 503',
        },
      ];
    });
    const before = (await w.h.disk()).data as unknown as { reminders: Record<string, string> };
    expect(Object.keys(before.reminders)).toContain('digest:2026-02-10');

    await w.h.restart();
    // Bound to CUTOVER_CHANNEL_ID at start, and stored.
    expect((await w.h.disk()).data.cutover.channel).toBe(CHANNEL);
    await w.drain();
    const old = () => alertMessages(w.h).filter((m) => idsOf(m).includes('alert-12'));
    expect(old()).toHaveLength(1);
    expect(old()[0]?.text).toContain('An alert an older version left pending');
    expect(w.doc().delivered.map((d) => d.id)).toContain('alert-12');
    // The digest of the 10th is not sent again: its old key counts.
    w.clock.advance(60_000);
    await w.drain();
    expect(digests()).toHaveLength(1);

    // Another restart delivers nothing twice; the next digest is marked under the new key.
    await w.h.restart();
    w.clock.advanceTo('2026-02-11T09:00:30Z');
    await w.drain();
    expect(old()).toHaveLength(1);
    expect(digests()).toHaveLength(1);
    expect(Object.keys(w.doc().reminders)).toEqual(
      expect.arrayContaining(['digest:2026-02-10', 'service-v3:digest:2026-02-11']),
    );
  });
});
