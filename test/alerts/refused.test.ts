/**
 * Issue 18, through the real bot and the strict Slack stand-in: the alerts with several buttons of one action (the
 * release target approved asks both commanders to sign off; a role handed over to someone owning five open
 * blockers; a folded burst) carry ids Slack takes, each button still routed; and an alert Slack refuses is
 * delivered once as plain text, the refusal logged with the payload's shape and shown to admins on App Home.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ACTIONS } from '../../src/slack/ids.js';
import { ADMIN, assignRoles, CHANNEL, PEOPLE } from '../slack/harness.js';
import { appHomeOpened, blockAction } from '../slack/payloads.js';
import type { StoredMessage } from '../slack/stand-in.js';
import {
  type AlertHarness,
  alertMessages,
  captureLogger,
  idsOf,
  publishTarget,
  startAlertHarness,
  TARGET,
} from './helpers.js';

const { consumerCommander: CIC, consumerRollback: CRB, logOwner: LOG } = PEOPLE;
/** Who the consumer commander's role is handed to. */
const NEWCOMER = 'UNEWCIC';

let a: AlertHarness | undefined;
afterEach(async () => {
  await a?.h.stop();
  a = undefined;
});

type Block = { type: string; block_id?: string; elements?: { action_id?: string; value?: string }[] };
const blocksOf = (m: StoredMessage) => (Array.isArray(m.blocks) ? (m.blocks as Block[]) : []);
const buttonsOf = (m: StoredMessage) =>
  blocksOf(m).flatMap((b) => (b.type === 'actions' ? (b.elements ?? []) : []));

/** Slack's rule, asserted here on its own: action_id unique within each block, block_id within the message. */
function expectIdsUnique(m: StoredMessage) {
  const blocks = blocksOf(m);
  const blockIds = blocks.flatMap((b) => (b.block_id ? [b.block_id] : []));
  expect(new Set(blockIds).size).toBe(blockIds.length);
  for (const b of blocks) {
    const actionIds = (b.elements ?? []).flatMap((e) => (e.action_id ? [e.action_id] : []));
    expect(new Set(actionIds).size, JSON.stringify(actionIds)).toBe(actionIds.length);
  }
}

async function run(w: AlertHarness, user: string, text: string) {
  const answer = await w.h.command(user, text);
  expect(answer.text).toContain(':white_check_mark:');
}

describe('alerts with several buttons of one action', () => {
  it('the target-approved alert, a handover of five open blockers and a folded burst carry ids unique per block', async () => {
    const w = await startAlertHarness();
    a = w;
    await assignRoles(w.h);
    await w.drain();

    // Release target approved: both commanders asked to sign off, one button each, in one block.
    await publishTarget(w.h);
    await w.drain();
    await run(w, CRB, `target approve ${TARGET.tag}`);
    await w.drain();
    const approved = alertMessages(w.h).at(-1);
    if (!approved) throw new Error('no alert for the approval');
    const signoffs = buttonsOf(approved).filter((b) => b.action_id?.startsWith(ACTIONS.openSignoff));
    expect(signoffs.map((b) => [b.action_id, b.value])).toEqual([
      [ACTIONS.openSignoff, 'service-v3:producer'],
      [`${ACTIONS.openSignoff}#2`, 'service-v3:consumer'],
    ]);
    expectIdsUnique(approved);

    // The second button routes as the first: it opens the sign-off form for its side.
    const trigger = 'trigger-second-signoff';
    await w.h.interact(
      blockAction({
        user_id: CIC,
        action_id: `${ACTIONS.openSignoff}#2`,
        value: 'service-v3:consumer',
        trigger_id: trigger,
        channel: { id: CHANNEL, name: 'cutover' },
      }),
    );
    const opened = await w.h.slack.waitFor('views.open', (c) => c.args.trigger_id === trigger);
    expect(JSON.stringify(opened.args.view)).toContain('AssistSupport');

    // Five open blockers owned by the consumer commander, then the role handed over: five "Clear" buttons.
    for (let i = 1; i <= 5; i++)
      await run(w, LOG, `blocker add consumer-incident-commander Handover item ${i}`);
    await w.drain();
    await run(w, ADMIN, `role consumer-incident-commander <@${NEWCOMER}|newcomer>`);
    await w.drain();
    const handover = alertMessages(w.h).at(-1);
    if (!handover) throw new Error('no alert for the handover');
    expect(handover.text).toContain(`<@${NEWCOMER}>`);
    const clears = buttonsOf(handover).filter((b) => b.action_id?.startsWith(ACTIONS.openBlocker));
    expect(clears.length).toBeGreaterThanOrEqual(5);
    expect(new Set(clears.map((b) => b.value)).size).toBe(clears.length);
    expectIdsUnique(handover);

    // A folded burst: several changes due together go out as one message, its buttons' ids unique per block.
    const before = alertMessages(w.h).length;
    for (let i = 1; i <= 6; i++) {
      await w.h.command(LOG, `blocker add consumer-incident-commander Burst item ${i}`);
    }
    await w.drain();
    const burst = alertMessages(w.h).slice(before);
    expect(burst.some((m) => idsOf(m).length > 1)).toBe(true);
    for (const m of burst) expectIdsUnique(m);
    expect(burst.flatMap(buttonsOf).filter((b) => b.action_id?.includes('#')).length).toBeGreaterThan(0);
    // The strict stand-in refused nothing along the way (it would fail this test), and every alert was posted.
    expect(w.h.slack.allCalls('chat.postMessage').filter((c) => c.failed)).toEqual([]);
  });
});

describe('an alert Slack refuses', () => {
  it('is delivered once as plain text, its buttons named as commands; the log has its shape; admins see why', async () => {
    const logger = captureLogger();
    const w = await startAlertHarness({ logger });
    a = w;
    await assignRoles(w.h);
    await publishTarget(w.h);
    await w.drain();

    // Slack refuses the next message as a whole, as it refuses a payload it finds invalid.
    w.h.slack.failNext('chat.postMessage', { error: 'invalid_blocks' });
    await run(w, CRB, `target approve ${TARGET.tag}`);
    await w.drain();

    const calls = w.h.slack
      .allCalls('chat.postMessage')
      .filter((c) => String(c.args.text).includes('approved'));
    expect(calls.map((c) => [c.failed, c.args.blocks === undefined])).toEqual([
      [true, false],
      [false, true],
    ]);
    const told = alertMessages(w.h).filter((m) => m.text.includes('approved'));
    expect(told).toHaveLength(1);
    const [message] = told;
    expect(message?.blocks).toBeUndefined();
    expect(message?.text).toContain('*To act* (the buttons could not be shown here):');
    expect(message?.text).toContain('• Sign off for MemoryKernel: `/cutover signoff`');
    expect(message?.text).toContain('• Sign off for AssistSupport: `/cutover signoff`');
    expect(message?.text).toContain('App Home');
    // Once: nothing more goes out for it, however long the bot runs.
    w.clock.advance(10 * 60_000);
    await w.settle();
    expect(alertMessages(w.h).filter((m) => m.text.includes('approved'))).toHaveLength(1);

    // The log names the refusal and the payload's shape, not its text.
    const line = logger.lines.find((l) => l.startsWith('alerts: Slack refused alert'));
    expect(line).toMatch(/\(invalid_blocks; \d+ blocks \(section×\d+, actions×\d+\), text \d+ chars/);
    expect(line).not.toContain('MemoryKernel');

    // Stored, for admins: App Home says which alert, Slack's answer, and that it went out as plain text.
    const refused = w.doc().refused;
    expect(refused).toEqual([
      expect.objectContaining({ channel: CHANNEL, error: 'invalid_blocks', outcome: 'text' }),
    ]);
    const disk = await w.h.disk();
    expect(disk.data.cutover).toBeDefined();
    expect(JSON.stringify(disk)).toContain('"outcome":"text"');
    const publishes = w.h.slack.calls('views.publish').length;
    await w.h.event(appHomeOpened({ user_id: ADMIN }));
    const home = await w.h.slack.waitFor(
      'views.publish',
      (c, i = w.h.slack.calls('views.publish').indexOf(c)) => c.args.user_id === ADMIN && i >= publishes,
    );
    const shown = JSON.stringify(home.args.view);
    expect(shown).toContain('*Alerts Slack refused* — 1');
    expect(shown).toContain(`\`${refused[0]?.id}\``);
    expect(shown).toContain('invalid_blocks');
    expect(shown).toContain('delivered as plain text');
    // A role holder who is no admin does not see it.
    await w.h.event(appHomeOpened({ user_id: LOG }));
    const theirs = await w.h.slack.waitFor('views.publish', (c) => c.args.user_id === LOG);
    expect(JSON.stringify(theirs.args.view)).not.toContain('Alerts Slack refused');
  });
});

describe('a status board Slack refuses', () => {
  it('shows as its text, the refusal logged with its shape, and never waits on retries of the same blocks', async () => {
    const logger = captureLogger();
    const w = await startAlertHarness({ board: true, logger });
    a = w;
    await assignRoles(w.h);
    await w.drain();
    const ts = w.doc().board?.ts;
    expect(ts).toBeDefined();
    const before = w.h.slack.allCalls('chat.update').length;
    w.h.slack.failNext('chat.update', { error: 'invalid_blocks' });
    await run(w, LOG, 'blocker add decision-log-owner The board is refused once');
    await w.drain();
    const updates = w.h.slack.allCalls('chat.update').slice(before);
    expect(updates.map((c) => [c.failed, c.args.blocks === undefined])).toEqual([
      [true, false],
      [false, true],
    ]);
    expect(
      logger.lines.some((l) => /^board: Slack refused the status board \(invalid_blocks; \d+ blocks/.test(l)),
    ).toBe(true);
  });
});
