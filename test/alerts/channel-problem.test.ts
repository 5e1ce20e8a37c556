/**
 * Issue 10, item 3: a bot that is not in the channel does not fail silently. Through the real bot and the Slack
 * stand-in (which answers `not_in_channel` / `channel_not_found` for a channel the bot was taken out of): the
 * person whose change waits is told by direct message, once per outage (across more items, retries and a
 * restart); admins see it at the top of App Home while it lasts; the items stay in the outbox and are delivered,
 * once each, when the bot is invited; a later outage tells people again.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { HOME_QUIET_MS } from '../../src/slack/home-publisher.js';
import { ADMIN, assignRoles, CHANNEL, type Harness, PEOPLE } from '../slack/harness.js';
import type { RecordedCall } from '../slack/stand-in.js';
import { type AlertHarness, alertMessages, startAlertHarness } from './helpers.js';

const { logOwner: LOG } = PEOPLE;

let a: AlertHarness | undefined;
afterEach(async () => {
  await a?.h.stop();
  a = undefined;
});

/** The direct messages `user` got from the bot (chat.postMessage to the user id). */
const dms = (h: Harness, user: string) =>
  h.slack.calls('chat.postMessage').filter((c) => c.args.channel === user);
const NOTICE = 'Alerts cannot be posted in';
const viewText = (c: RecordedCall) => JSON.stringify(c.args.view);
/** The first App Home published for `user` after `from` calls that `has` (or lacks) the admin notice. */
const homeFor = (h: Harness, user: string, has: boolean, from: number) =>
  h.slack.waitFor(
    'views.publish',
    (c) =>
      c.args.user_id === user &&
      viewText(c).includes(NOTICE) === has &&
      h.slack.calls('views.publish').indexOf(c) >= from,
  );
/** How many channel messages tell `needle`. */
const told = (h: Harness, needle: string) => alertMessages(h).filter((m) => m.text.includes(needle)).length;

async function change(w: AlertHarness, user: string, text: string) {
  const answer = await w.h.command(user, text);
  expect(answer.text).toContain(':white_check_mark:');
  await w.settle();
}

describe('when the bot is not in the channel', () => {
  it('tells the person who acted once per outage, shows admins on App Home, and delivers once invited', async () => {
    const w = await startAlertHarness();
    a = w;
    const { h } = w;
    await assignRoles(h);
    await w.drain();
    const publishes = h.slack.calls('views.publish').length;

    h.slack.removeBot(CHANNEL);
    await change(w, LOG, 'blocker add decision-log-owner Vendor contract');
    // The person who saw ✅ hears why the alert is not in the channel, and what fixes it.
    expect(dms(h, LOG)).toHaveLength(1);
    const dm = String(dms(h, LOG)[0]?.args.text);
    expect(dm).toContain(`its alert could not be posted in <#${CHANNEL}>`);
    expect(dm).toContain('`not_in_channel`');
    expect(dm).toContain(`invite it with \`/invite @cutover-bot\` in <#${CHANNEL}>`);
    expect(w.doc().outbox).toMatchObject([{ actor: LOG, lastError: 'not_in_channel', attempts: 1 }]);
    const since = w.clock.now().toISOString();
    expect(w.doc().channelProblem).toEqual({ channel: CHANNEL, error: 'not_in_channel', since, told: [LOG] });

    // Admins see it at the top of App Home (once the change's quiet wait is over); others do not.
    w.clock.advance(HOME_QUIET_MS);
    const home = await homeFor(h, ADMIN, true, publishes);
    const blocks = (home.args.view as { blocks: { text?: { text: string } }[] }).blocks;
    expect(blocks[1]?.text?.text).toContain(`:warning: *${NOTICE} <#${CHANNEL}>*`);
    expect(blocks[1]?.text?.text).toContain('1 alert waiting');
    expect(blocks[1]?.text?.text).toContain('/invite @cutover-bot');
    expect(
      h.slack
        .calls('views.publish')
        .filter((c) => c.args.user_id !== ADMIN)
        .some((c) => viewText(c).includes(NOTICE)),
    ).toBe(false);

    // More changes, by the same person and another, and retries with backoff: each person is told once.
    await change(w, ADMIN, 'blocker add decision-log-owner Second thing');
    w.clock.advance(2000);
    await w.settle();
    await change(w, LOG, 'blocker add decision-log-owner Third thing');
    for (const ms of [4000, 8000, 16_000]) {
      w.clock.advance(ms);
      await w.settle();
    }
    const failed = h.slack
      .allCalls('chat.postMessage')
      .filter((c) => c.args.channel === CHANNEL && c.error === 'not_in_channel');
    expect(failed.length).toBeGreaterThanOrEqual(4);
    expect(dms(h, LOG)).toHaveLength(1);
    expect(dms(h, ADMIN)).toHaveLength(1);
    expect(w.doc().outbox.map((i) => i.actor)).toEqual([LOG, ADMIN, LOG]);

    // The outage is in the store: a restart tells nobody again.
    await h.restart();
    for (let i = 0; i < 3; i++) {
      w.clock.advance(60_000);
      await w.settle();
    }
    expect(
      h.slack.allCalls('chat.postMessage').filter((c) => c.error === 'not_in_channel').length,
    ).toBeGreaterThan(failed.length);
    expect(dms(h, LOG)).toHaveLength(1);
    expect(dms(h, ADMIN)).toHaveLength(1);
    expect(w.doc().channelProblem).toEqual({
      channel: CHANNEL,
      error: 'not_in_channel',
      since,
      told: [LOG, ADMIN],
    });

    // Invited: every waiting alert is posted, once, in order; the outage ends and the notice goes away.
    const beforeInvite = h.slack.calls('views.publish').length;
    h.slack.inviteBot(CHANNEL);
    await w.drain();
    expect(told(h, '`vendor-contract` Vendor contract')).toBe(1);
    expect(told(h, '`second-thing` Second thing')).toBe(1);
    expect(told(h, '`third-thing` Third thing')).toBe(1);
    expect(w.doc().channelProblem).toBeUndefined();
    await homeFor(h, ADMIN, false, beforeInvite);

    // A new outage is a new one: the person is told again.
    h.slack.removeBot(CHANNEL);
    await change(w, LOG, 'blocker add decision-log-owner Fourth thing');
    expect(dms(h, LOG)).toHaveLength(2);
    expect(w.doc().channelProblem?.told).toEqual([LOG]);
  });

  it('says what to check when Slack does not show the channel to the bot (channel_not_found)', async () => {
    const w = await startAlertHarness();
    a = w;
    const { h } = w;
    h.slack.removeBot(CHANNEL, 'channel_not_found');
    await change(w, ADMIN, 'blocker add decision-log-owner Vendor contract');
    const dm = String(dms(h, ADMIN)[0]?.args.text);
    expect(dm).toContain('`channel_not_found`');
    expect(dm).toContain('if the channel is private, invite it with `/invite @cutover-bot`');
    expect(dm).toContain('if it was archived, unarchive it: the program stays bound to that channel');
    expect(w.doc().channelProblem).toMatchObject({ channel: CHANNEL, error: 'channel_not_found' });
    h.slack.inviteBot(CHANNEL);
    await w.drain();
    expect(told(h, '`vendor-contract` Vendor contract')).toBe(1);
    expect(w.doc().channelProblem).toBeUndefined();
  });
});
