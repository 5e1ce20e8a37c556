/**
 * The channel as a calm, actionable surface: the clean road from the seeds' NO-GO to GO and phase 8 started, walked
 * by the five roles through the real bot (as in test/slack/walk.test.ts), every channel message recorded. "Next:"
 * asks only people who now have something to do, never the actor, each with the action; a notice pings nobody.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { may } from '../../src/core/authorize.js';
import type { Actor, Cutover } from '../../src/core/schema.js';
import { reportRecordsOverApi } from '../fixtures/record-reports.js';
import { ADMIN, CHANNEL, PEOPLE, ROLE_OF } from '../slack/harness.js';
import { type AlertHarness, alertMessages, signOff, startAlertHarness } from './helpers.js';

const API_TOKEN = 'calm-road-ci-token-0123456';

const SHA1 = '1f0e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c';
const {
  producerCommander: PIC,
  consumerCommander: CIC,
  producerRollback: PRB,
  consumerRollback: CRB,
  logOwner: LOG,
} = PEOPLE;

let a: AlertHarness | undefined;
afterEach(async () => {
  await a?.h.stop();
  a = undefined;
});

/** One message the channel got: who made the change it tells, its text, and the state right after. */
interface Seen {
  actor: string;
  text: string;
  after: Cutover;
}

/** The "Next:" lines of an alert: `• <@U…> (roles): action; action`. */
const nextLines = (text: string) => {
  const lines = text.split('\n');
  const at = lines.indexOf('*Next:*');
  return at < 0 ? [] : lines.slice(at + 1).filter((l) => l.startsWith('• '));
};
const userOf = (line: string) => /^• <@([UW][A-Z0-9]+)>/.exec(line)?.[1] ?? '';
const actionsOf = (line: string) => line.replace(/^• <@[UW][A-Z0-9]+> \([^)]*\): /, '').split('; ');
const mentionCount = (text: string) => [...text.matchAll(/<@[UW][A-Z0-9]+>/g)].length;

/** The permission check an action in words stands for, asked of `user` in the state after the change. */
function mayDo(c: Cutover, user: string, action: string): boolean {
  const actor: Actor = { kind: 'user', userId: user, isAdmin: false };
  const id = /`([^`]+)`/.exec(action)?.[1] ?? '';
  if (action.startsWith('approve release target')) return may(c, actor, 'target.approve');
  if (action.startsWith('sign off GO/NO-GO for ')) {
    const side = c.sides.find((s) => action.startsWith(`sign off GO/NO-GO for ${s.name} `));
    return !!side && may(c, actor, 'signoff', { side: side.id });
  }
  if (action.startsWith('clear blocker'))
    return may(c, actor, 'blocker.clear', { owner: c.blockers.find((b) => b.id === id)?.owner ?? '' });
  if (action.startsWith('get gate') || action.startsWith('set gate'))
    return may(c, actor, 'gate.set', { owner: c.gates.find((g) => g.id === id)?.owner ?? '' });
  if (action.startsWith('log evidence'))
    return may(c, actor, 'evidence.log', { side: c.evidence.find((e) => e.id === id)?.side ?? '' });
  if (action === 'publish the release target') return may(c, actor, 'target.publish');
  if (action === 'set the cutover window') return may(c, actor, 'window');
  if (action.startsWith('assign ')) return may(c, actor, 'role.assign');
  if (action.startsWith('decide')) return may(c, actor, 'decide');
  if (action.startsWith('start phase') || action.startsWith('close phase')) return may(c, actor, 'phase');
  return false;
}

describe('the clean road to GO, as the channel tells it', () => {
  it('asks only who now must act, never the actor, each with the action; notices mention nobody', async () => {
    const w = await startAlertHarness({
      start: '2026-02-10T08:00:00Z',
      reminders: true,
      env: { CUTOVER_API_TOKEN: API_TOKEN },
    });
    a = w;
    const seen: Seen[] = [];
    /** Delivers what the last change composed and records each new channel message with its actor. */
    const record = async (actor: string) => {
      const before = w.h.slack.messages(CHANNEL).length;
      await w.drain();
      for (const m of w.h.slack.messages(CHANNEL).slice(before))
        seen.push({ actor, text: m.text ?? '', after: w.doc().cutover });
    };
    const step = async (user: string, text: string) => {
      const answer = await w.h.command(user, text);
      expect(answer.text).toContain(':white_check_mark:');
      await record(user);
    };

    // At first start, before anything happened: no digest, nothing at all in the channel.
    w.clock.advanceTo('2026-02-10T09:00:30Z');
    await w.drain();
    const atStart = w.h.slack.messages(CHANNEL).map((m) => m.text);

    for (const [who, role] of Object.entries(ROLE_OF))
      await step(ADMIN, `role ${role} <@${PEOPLE[who as keyof typeof PEOPLE]}|${who}>`);
    await step(PRB, `target service.v3.0 ${SHA1}`);
    await step(CRB, 'target approve service.v3.0');
    await step(PIC, 'gate producer-suite green https://ci.example.com/producer/1');
    await step(CIC, 'gate consumer-suite green https://ci.example.com/consumer/1');
    await step(LOG, 'gate alignment green');
    await step(PRB, 'evidence producer-handoff https://x.example/handoff');
    await step(CIC, 'evidence consumer-repin https://x.example/repin');
    await step(PRB, 'evidence producer-rollback https://x.example/prb');
    await step(CRB, 'evidence consumer-rollback https://x.example/crb');
    await step(LOG, 'blocker add consumer-incident-commander Vendor contract signed');
    await step(CIC, 'blocker clear vendor-contract-signed https://x.example/contract');
    await step(LOG, 'window 2026-02-12T09:00Z 2026-02-12T11:00Z');
    await signOff(w.h, PIC, 'go', 'producer ready');
    await record(PIC);
    await signOff(w.h, CIC, 'go', 'consumer ready');
    await record(CIC);
    await step(LOG, 'decide runtime-cutover go both sides signed on service.v3.0');
    // Both repos' CI report the record of the GO: phase 8 waits for it.
    await reportRecordsOverApi({ port: w.h.bot.apiPort, token: API_TOKEN });
    await record('CI');
    await step(LOG, 'phase 8 start');
    expect(w.doc().cutover.phases.find((p) => p.id === '8')?.status).toBe('started');

    const alerts = alertMessages(w.h).map((m) => m.text ?? '');
    const next = seen.flatMap((s) => nextLines(s.text).map((line) => ({ ...s, line })));
    const items = next.flatMap((n) => actionsOf(n.line));
    console.info(
      `calm road: ${seen.length} messages, ${seen.reduce((n, s) => n + mentionCount(s.text), 0)} mentions ` +
        `(${next.length} in "Next:", ${next.filter((n) => userOf(n.line) === n.actor).length} of the actor), ` +
        `${items.length} "Next:" items; ${atStart.length} at first start`,
    );
    if (process.env.CALM_ROAD_SHOW) for (const s of seen) console.info(`--- ${s.actor}\n${s.text}`);
    expect(atStart).toEqual([]);
    expect(seen.map((s) => s.text)).toEqual(alerts);

    // Zero "Next:" mentions of the actor of that change.
    expect(next.filter((n) => userOf(n.line) === n.actor).map((n) => n.line)).toEqual([]);
    // Every "Next:" mention is of someone who then may act, for each action they are asked to take.
    for (const n of next)
      for (const action of actionsOf(n.line))
        expect([action, mayDo(n.after, userOf(n.line), action)]).toEqual([action, true]);
    // A notice (an alert that asks nobody to act) mentions nobody, but for the `_by_` line of who made the change.
    for (const s of seen.filter((x) => nextLines(x.text).length === 0)) {
      const body = s.text.split('\n').filter((l) => !l.startsWith('_by '));
      expect(body.filter((l) => /<@[UW]/.test(l) && !l.includes('*Role*'))).toEqual([]);
    }

    // Each step asks the one who must act next, with the action in words.
    const askedAfter = (marker: string) =>
      nextLines(seen.find((s) => s.text.includes(marker))?.text ?? '').map((l) => [userOf(l), actionsOf(l)]);
    // The first role that can act on a fresh program is asked to: the producer's rollback owner, to publish.
    expect(askedAfter('is now <@UPRB>')).toEqual([[PRB, ['publish the release target']]]);
    // Published: who may approve it, and the owners of the gates measured on each commit, for this one.
    expect(askedAfter('*Release target published:*')).toEqual([
      [CRB, ['approve release target `service.v3.0 @ 1f0e2d3c4b5a`']],
      [PIC, ['set gate `producer-suite` for `service.v3.0 @ 1f0e2d3c4b5a` (it is pending)']],
      [CIC, ['set gate `consumer-suite` for `service.v3.0 @ 1f0e2d3c4b5a` (it is pending)']],
      [LOG, ['set gate `alignment` for `service.v3.0 @ 1f0e2d3c4b5a` (it is pending)']],
    ]);
    // Approved: each commander signs for their side, and each side logs its evidence for this target.
    const ev = (id: string) => `log evidence \`${id}\` for \`service.v3.0 @ 1f0e2d3c4b5a\``;
    expect(askedAfter('*Release target approved:*')).toEqual([
      [
        PIC,
        [
          'sign off GO/NO-GO for MemoryKernel on `service.v3.0 @ 1f0e2d3c4b5a`',
          ev('producer-handoff'),
          ev('producer-rollback'),
        ],
      ],
      [
        CIC,
        [
          'sign off GO/NO-GO for AssistSupport on `service.v3.0 @ 1f0e2d3c4b5a`',
          ev('consumer-repin'),
          ev('consumer-rollback'),
        ],
      ],
      [PRB, [ev('producer-handoff'), ev('producer-rollback')]],
    ]);
    expect(askedAfter('*Blocker opened:*')).toEqual([[CIC, ['clear blocker `vendor-contract-signed`']]]);
    // The consumer's commander was asked at the approval: not pinged again for the same sign-off.
    expect(askedAfter('*MemoryKernel signed GO*')).toEqual([]);
    expect(askedAfter('*AssistSupport signed GO*')).toEqual([
      [LOG, ['decide `runtime-cutover` (it may be GO)']],
    ]);
    // GO by the log owner: they would start phase 8 themselves, so nobody is asked.
    expect(askedAfter('*Decision* Runtime cutover')).toEqual([]);
    // Notices: the gates and the evidence, the window, the phase started.
    for (const marker of ['*Gate*', '*Evidence logged:*', '*Cutover window set:*', '*Phase* 8'])
      for (const s of seen.filter((x) => x.text.split('\n')[0]?.includes(marker)))
        expect(nextLines(s.text)).toEqual([]);
    // Each action asked for is a button under the alert: approving carries the SHA that was published.
    const buttons = w.h.slack
      .messages(CHANNEL)
      .flatMap((m) => (Array.isArray(m.blocks) ? (m.blocks as { type: string; elements?: unknown[] }[]) : []))
      .filter((b) => b.type === 'actions')
      .flatMap((b) => (b.elements ?? []) as { action_id: string; value: string }[]);
    const program = w.doc().cutover.id;
    expect(buttons).toContainEqual(
      expect.objectContaining({ action_id: 'cutover.target.approve', value: `${program}:${SHA1}` }),
    );
    expect(buttons).toContainEqual(
      expect.objectContaining({ action_id: 'cutover.signoff.open', value: `${program}:producer` }),
    );
  });
});
