/**
 * Issue 19, outcome 3 (the outbox): a store written by the version that kept alert text in the outbox opens with
 * the new one, through the real bot, its JSON file in a temp dir and the Slack stand-in. Its pending items (an
 * alert with mentions and buttons, a reminder, a digest: mrkdwn, as that version wrote them) are read as legacy
 * items and delivered once each, as they were written; a restart posts none of them again. Changes made after it
 * are stored as typed events and rendered at delivery.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { OutboxItem } from '../../src/service/document.js';
import { ACTIONS } from '../../src/slack/ids.js';
import { assignRoles, CHANNEL, PEOPLE } from '../slack/harness.js';
import { type AlertHarness, alertMessages, idsOf, startAlertHarness } from './helpers.js';

let a: AlertHarness | undefined;
afterEach(async () => {
  await a?.h.stop();
  a = undefined;
});

/** The outbox as the version before wrote it: text, mentions and Slack action ids. */
const OLD_OUTBOX = [
  {
    id: 'alert:service-v3:40',
    channel: CHANNEL,
    kind: 'alert',
    text: ':package: *Release target published:* `v9 @ 0123456789ab` — it waits for approval\n*Next:*\n• <@UCRB> (`consumer-rollback-owner`): approve release target',
    mentions: ['UCRB'],
    buttons: [{ text: 'Approve v9', actionId: ACTIONS.approveTarget, value: 'service-v3:0123456789ab' }],
    createdAt: '2026-02-10T07:59:00.000Z',
    attempts: 2,
    lastError: 'HTTP 503',
    actor: 'UPRB',
  },
  {
    id: 'reminder:service-v3:blocker:b1:2026-02-08T00:00:00.000Z:1',
    channel: CHANNEL,
    kind: 'reminder',
    text: ':snail: *Blocker `b1` Old blocker has not moved*',
    mentions: [],
    createdAt: '2026-02-10T07:59:10.000Z',
    attempts: 0,
  },
  {
    id: 'reminder:service-v3:digest:2026-02-09',
    channel: CHANNEL,
    kind: 'digest',
    text: ':newspaper: *Daily digest — as the old version wrote it*',
    mentions: [],
    createdAt: '2026-02-10T07:59:20.000Z',
    attempts: 0,
  },
];

describe('a store whose outbox holds text, as the version before wrote it', () => {
  it('reads each pending item as a legacy item, and keeps its text, mentions and buttons', () => {
    for (const raw of OLD_OUTBOX)
      expect(OutboxItem.parse(raw)).toMatchObject({
        kind: 'legacy',
        was: raw.kind,
        text: raw.text,
        mentions: raw.mentions,
      });
    expect(OutboxItem.parse(OLD_OUTBOX[0])).toMatchObject({ buttons: OLD_OUTBOX[0]?.buttons });
  });

  it('opens, delivers each pending item exactly once as it was written, and a restart posts none again', async () => {
    const w = await startAlertHarness({ start: '2026-02-10T08:00:00Z' });
    a = w;
    await assignRoles(w.h);
    await w.drain();
    const before = alertMessages(w.h).length;
    await w.h.bot.stop();
    const path = w.h.programFile;
    const file = JSON.parse(await readFile(path, 'utf8')) as { data: Record<string, unknown> };
    file.data.outbox = OLD_OUTBOX;
    delete file.data.asked;
    await writeFile(path, JSON.stringify(file));

    await w.h.restart();
    await w.drain();
    const told = alertMessages(w.h).slice(before);
    // Each old item reached the channel once (folded into one message, in queue order), with its own text.
    expect(told.flatMap(idsOf)).toEqual(OLD_OUTBOX.map((i) => i.id));
    expect(told).toHaveLength(1);
    expect(told[0]?.text).toBe(OLD_OUTBOX.map((i) => i.text).join('\n\n'));
    const buttons = (
      (told[0]?.blocks ?? []) as { type: string; elements?: { action_id: string; value: string }[] }[]
    )
      .filter((b) => b.type === 'actions')
      .flatMap((b) => b.elements ?? []);
    expect(buttons).toEqual([
      expect.objectContaining({ action_id: ACTIONS.approveTarget, value: 'service-v3:0123456789ab' }),
    ]);
    expect(w.doc().outbox).toEqual([]);
    expect(w.doc().delivered.map((d) => d.id)).toEqual(expect.arrayContaining(OLD_OUTBOX.map((i) => i.id)));

    // A restart delivers none again; a change after it is stored typed and told in the new words.
    await w.h.restart();
    await w.drain();
    expect(alertMessages(w.h).slice(before).flatMap(idsOf)).toEqual(OLD_OUTBOX.map((i) => i.id));
    const answer = await w.h.command(
      PEOPLE.logOwner,
      'blocker add consumer-incident-commander Vendor contract',
    );
    expect(answer.text).toContain(':white_check_mark:');
    const stored = (await w.h.disk()).data as unknown as { outbox: { kind: string; events?: unknown[] }[] };
    expect(stored.outbox).toEqual([expect.objectContaining({ kind: 'alert', events: [expect.anything()] })]);
    expect(stored.outbox[0]).not.toHaveProperty('text');
    await w.drain();
    expect(alertMessages(w.h).at(-1)?.text).toContain('*Blocker opened:*');
  });
});
