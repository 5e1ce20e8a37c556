/**
 * Group membership fails closed, through the real Bolt app and the Slack stand-in, on the bot's manual clock: a
 * member acts for a group's role only while Slack confirmed the membership within five minutes. The bot asks Slack
 * again ahead of expiry, so a removed member is refused as soon as Slack answers; when Slack cannot answer (500, 429,
 * missing_scope), the stale answer authorises nothing from the moment it is five minutes old, the person is told
 * the cause (not "You hold no role"), and nothing is written. A sign-off by a member records when it was confirmed.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { utcStamp } from '../../src/format/words.js';
import { decisionRecord } from '../../src/record/decision-record.js';
import { ACTIONS } from '../../src/slack/ids.js';
import { type AlertHarness, signOff, startAlertHarness, TARGET } from '../alerts/helpers.js';
import { ADMIN, assignRoles, CHANNEL, PEOPLE } from './harness.js';
import { blockAction } from './payloads.js';
import type { StandInFailure } from './stand-in.js';

const ONCALL = 'S0ONCALL1';
/** Two members of the rotation: one is removed during the tests, the other stays. */
const LEAVER = 'UONCALL01';
const STAYER = 'UONCALL02';
const MINUTE = 60_000;

let w: AlertHarness | undefined;
afterEach(async () => {
  await w?.h.stop();
  w = undefined;
});

/** The bot with the decision-log owner role (which adds blockers) held by the on-call group, Slack's answer in. */
async function start() {
  const groups: Record<string, string[]> = { [ONCALL]: [LEAVER, STAYER] };
  const a = await startAlertHarness({ slack: { groups } });
  w = a;
  await assignRoles(a.h);
  const assigned = await a.h.command(ADMIN, `role decision-log-owner <!subteam^${ONCALL}|@oncall>`);
  expect(assigned.text).toContain(':white_check_mark:');
  await a.h.slack.waitFor('usergroups.users.list', (c) => c.args.usergroup === ONCALL);
  await a.h.bot.slack.workspace.idle();
  /** Takes a person out of the group, as Slack will list it from now on. */
  const remove = (user: string) => {
    groups[ONCALL] = (groups[ONCALL] ?? []).filter((u) => u !== user);
  };
  return { ...a, remove };
}

let n = 0;
/** `/cutover blocker add` as `user`: the answer, and whether anything was written. */
async function addBlocker(a: AlertHarness, user: string) {
  await a.settle();
  const state = async () =>
    JSON.stringify([(await a.h.disk()).data.cutover, (await a.h.historyOnDisk()).length]);
  const before = await state();
  const answer = await a.h.command(user, `blocker add producer-incident-commander pager drill ${++n}`);
  const wrote = (await state()) !== before;
  return { text: answer.text, wrote };
}

/** Moves the bot's clock on, then lets the background asks it set off finish. */
async function advance(a: AlertHarness, ms: number) {
  a.clock.advance(ms);
  await a.h.bot.slack.workspace.idle();
}

const CAUSE = `Slack could not confirm that you are in <!subteam^${ONCALL}>: try again in a minute, or ask an admin.`;

describe.each<[string, StandInFailure]>([
  ['a 500', { status: 500 }],
  ['a 429', { status: 429, retryAfter: 30 }],
  ['missing_scope', { error: 'missing_scope', extra: { needed: 'usergroups:read' } }],
])('while usergroups.users.list answers %s and a member is removed', (_, failure) => {
  it('the removed member is refused, with the cause, from the moment the membership is five minutes old; nothing is written', async () => {
    const a = await start();
    expect((await addBlocker(a, LEAVER)).text).toContain(':white_check_mark:');
    a.h.slack.failWhile('usergroups.users.list', failure);
    a.remove(LEAVER);
    const asked = a.h.slack.allCalls('usergroups.users.list').length;
    // Four minutes on, the bot asks again ahead of expiry; Slack cannot answer. The answer of minute 0 still holds.
    await advance(a, 4 * MINUTE);
    expect(a.h.slack.allCalls('usergroups.users.list').length).toBeGreaterThan(asked);
    expect((await addBlocker(a, LEAVER)).text).toContain(':white_check_mark:');
    // Five minutes after Slack's last answer, it authorises nothing: for the removed member and the one who stayed.
    await advance(a, MINUTE);
    for (const later of [0, MINUTE, 54 * MINUTE, 23 * 60 * MINUTE, 6 * 24 * 60 * MINUTE]) {
      await advance(a, later);
      for (const user of [LEAVER, STAYER]) {
        const r = await addBlocker(a, user);
        expect(r.wrote).toBe(false);
        expect(r.text).toContain(CAUSE);
        expect(r.text).not.toContain('You hold no role');
      }
    }
    // A sign-off form and a form button are refused with the cause as well, and open nothing.
    const opened = a.h.slack.calls('views.open').length;
    expect((await a.h.command(LEAVER, 'shape')).text).toContain(CAUSE);
    await a.h.interact(
      blockAction({
        user_id: LEAVER,
        action_id: ACTIONS.openBlocker,
        value: 'service-v3:',
        view: { type: 'home' },
      }),
    );
    const dm = await a.h.slack.waitFor('chat.postMessage', (c) => c.args.channel !== CHANNEL);
    expect(String(dm.args.text)).toContain(CAUSE);
    expect(a.h.slack.calls('views.open').length).toBe(opened);

    // Slack answers again: the bot asks within 30 seconds; the member who stayed acts, the removed one holds no role.
    a.h.slack.recover('usergroups.users.list');
    await advance(a, 60_000);
    expect((await addBlocker(a, STAYER)).text).toContain(':white_check_mark:');
    const gone = await addBlocker(a, LEAVER);
    expect(gone.wrote).toBe(false);
    expect(gone.text).toContain('You hold no role in this cutover');
  });
});

describe('while usergroups.users.list answers', () => {
  it('a removed member is refused as soon as the bot has asked again, ahead of the five minutes; the others never wait', async () => {
    const a = await start();
    a.remove(LEAVER);
    await advance(a, 4 * MINUTE + 1000);
    const r = await addBlocker(a, LEAVER);
    expect(r.wrote).toBe(false);
    expect(r.text).toContain('You hold no role in this cutover');
    // Past the first answer's five minutes, the one who stayed acts at once: the answer was renewed ahead of it.
    await advance(a, 2 * MINUTE);
    expect((await addBlocker(a, STAYER)).text).toContain(':white_check_mark:');
    // An hour on, a minute at a time (the manual clock jumps; Slack's answers come as time passes).
    for (let i = 0; i < 60; i++) await advance(a, MINUTE);
    expect((await addBlocker(a, STAYER)).text).toContain(':white_check_mark:');
  });

  it('a sign-off by a member records who signed and when Slack confirmed the membership', async () => {
    const a = await start();
    const again = await a.h.command(ADMIN, `role producer-incident-commander <!subteam^${ONCALL}|@oncall>`);
    expect(again.text).toContain(':white_check_mark:');
    await a.h.command(PEOPLE.producerRollback, `target ${TARGET.tag} ${TARGET.sha}`);
    await a.h.command(PEOPLE.consumerRollback, `target approve ${TARGET.tag}`);
    const confirmedAt = a.h.bot.slack.workspace.membershipOf(STAYER).confirmed[ONCALL];
    expect(confirmedAt).toBeDefined();
    await signOff(a.h, STAYER, 'go', 'on call tonight');
    const s = a.h.program().cutover().signoffs.at(-1);
    expect(s).toMatchObject({ side: 'producer', by: STAYER, membership: { group: ONCALL, confirmedAt } });
    expect(
      a.h
        .program()
        .history(5)
        .find((h) => h.action === 'signoff')?.note,
    ).toContain(`as a member of ${ONCALL}, confirmed ${confirmedAt}`);
    // The decision record says it too.
    expect(decisionRecord(a.h.program().document(), a.clock.now())).toContain(
      `(a member of \`${ONCALL}\`, confirmed ${utcStamp(confirmedAt ?? '')})`,
    );
  });
});
