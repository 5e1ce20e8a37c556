/**
 * One answer to "who owes what now" (issue 19): over reachable states — targets published and approved, gates on
 * several commits, GO and NO-GO sign-offs, blockers, role changes, roles held by user groups — what the alert's
 * "Next:" asks, what the status offers as buttons, what each holder's App Home lists and what the reminders nudge
 * are what the core's `obligations(c)` says, and "Next:" never asks the actor of the change.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { alertText, askedAfter } from '../../src/alerts/messages.js';
import { dueReminders } from '../../src/alerts/reminders.js';
import { execute } from '../../src/core/commands.js';
import { type Obligation, obligationKey, obligations, obligationsOf } from '../../src/core/obligations.js';
import type { Actor, CommandInput, Cutover } from '../../src/core/schema.js';
import type { Change } from '../../src/service/cutover-service.js';
import { newDocument } from '../../src/service/document.js';
import { baseActionId } from '../../src/slack/block-ids.js';
import { actionValue } from '../../src/slack/ids.js';
import { homeView } from '../../src/slack/views/home.js';
import { obligationButton, obligationWords } from '../../src/slack/views/obligations.js';
import { statusBlocks, statusSummary } from '../../src/slack/views/status.js';
import { A, run, SHA1, seeded, sha, T0, TAG1, U } from '../core/fixtures.js';

const GROUP = 'S0ONCALL1';
/** A member of the on-call group, who holds no role in person. */
const MEMBER_ID = 'UMEMBER01';
const MEMBER: Actor = { kind: 'user', userId: MEMBER_ID, isAdmin: false, groups: [GROUP] };
const HOUR = 3_600_000;

/** The button an obligation is offered by: its action id and value. */
const buttonKey = (c: Cutover, o: Obligation) => {
  const b = obligationButton(c, o);
  return `${b.actionId} ${actionValue(c.id, b.item)}`;
};
const set = <T>(xs: Iterable<T>) => [...new Set(xs)].sort();

type Block = {
  type: string;
  text?: { text: string };
  accessory?: { action_id: string; value?: string };
  elements?: { action_id: string; value?: string }[];
};

/** The status's buttons, as `action value`. */
function statusButtons(c: Cutover): string[] {
  return (statusBlocks(c) as Block[])
    .filter((b) => b.type === 'actions')
    .flatMap((b) => (b.elements ?? []).map((e) => `${baseActionId(e.action_id)} ${e.value ?? ''}`));
}

/** What a person's App Home lists as waiting on them: each waiting item's button. */
function homeWaiting(c: Cutover, userId: string, groups: string[] = [], isAdmin = false): string[] {
  const blocks = homeView(newDocument(c), userId, isAdmin, groups).blocks as Block[];
  return blocks.flatMap((b) => (b.accessory ? [`${b.accessory.action_id} ${b.accessory.value ?? ''}`] : []));
}

/**
 * The sign-offs and blockers the reminders nudge, long after everything waited (`action item`): looked at once, then
 * every 4 hours for a day, so that some look falls outside the quiet hours (a blocker with no stamp is counted from
 * when the scheduler first saw it).
 */
function reminded(c: Cutover, now: Date): string[] {
  let doc = newDocument({ ...c, channel: 'C0CUTOVER' });
  const ids: string[] = [];
  for (const at of [0, 1000, 1004, 1008, 1012, 1016, 1020]) {
    const due = dueReminders(doc, new Date(now.getTime() + at * HOUR));
    ids.push(...due.items.map((i) => i.id));
    doc = { ...doc, reminders: { ...doc.reminders, ...due.marks } };
  }
  return set(
    ids.flatMap((id) => {
      const m = /:(signoff|blocker):([^:]+):/.exec(id);
      return m ? [`${m[1] === 'signoff' ? 'signoff' : 'blocker.clear'} ${m[2]}`] : [];
    }),
  );
}

/** Everyone who holds a role (in person or as a group), and the admin. */
const viewers = (c: Cutover) => set(c.roles.flatMap((r) => (r.assignee ? [r.assignee] : [])));

/** Checks every surface against `obligations(c)` after one change. */
function checkSurfaces(change: Change) {
  const c = change.outcome.cutover;
  const owed = obligations(c);
  const actor = change.actor.kind === 'user' ? change.actor.userId : undefined;

  // Alert: "Next:" asks what is owed now and was not before, never what falls on the actor alone.
  const asked = askedAfter(change);
  const before = new Set(obligations(change.before).map(obligationKey));
  const owedKeys = new Set(owed.map(obligationKey));
  for (const o of asked) expect(owedKeys.has(obligationKey(o))).toBe(true);
  for (const o of owed)
    if (!before.has(obligationKey(o)) && !(o.holders.length === 1 && o.holders[0] === actor))
      expect(asked.map(obligationKey)).toContain(obligationKey(o));
  const alert = alertText(change);
  if (actor) expect(alert.mentions).not.toContain(actor);
  const next = alert.text.split('*Next:*')[1] ?? '';
  if (actor) expect(next).not.toContain(`<@${actor}>`);
  for (const o of asked.slice(0, 5)) expect(next).toContain(obligationWords(c, o));
  expect(set(alert.mentions)).toEqual(set(asked.flatMap((o) => o.holders)));
  expect(set(alert.buttons.map((b) => `${b.actionId} ${b.value}`))).toEqual(
    set(asked.filter((o) => o.holders.length).map((o) => buttonKey(c, o))),
  );

  // Status: one button per obligation, and "Next to act" names each holder.
  expect(set(statusButtons(c))).toEqual(set(owed.map((o) => buttonKey(c, o))));
  const summary = statusSummary(c);
  for (const h of set(owed.flatMap((o) => o.holders)).slice(0, 3))
    expect(summary).toContain(h.startsWith('S') ? `<!subteam^${h}>` : `<@${h}>`);

  // App Home: each holder's waiting items are what their roles owe; a group's member sees the group's.
  for (const h of viewers(c)) {
    if (h.startsWith('S')) continue;
    expect(set(homeWaiting(c, h))).toEqual(set(obligationsOf(owed, h).map((o) => buttonKey(c, o))));
  }
  expect(set(homeWaiting(c, MEMBER_ID, [GROUP]))).toEqual(
    set(obligationsOf(owed, MEMBER_ID, [GROUP]).map((o) => buttonKey(c, o))),
  );
  expect(set(homeWaiting(c, U.admin, [], true))).toEqual(
    set(obligationsOf(owed, U.admin, [], true).map((o) => buttonKey(c, o))),
  );

  // Reminders: the sign-offs and the blockers nudged are those owed.
  expect(reminded(c, change.now)).toEqual(
    set(
      owed
        .filter((o) => o.action === 'signoff' || o.action === 'blocker.clear')
        .map((o) => `${o.action} ${o.item}`),
    ),
  );
}

const ROLES = [
  'producer-incident-commander',
  'consumer-incident-commander',
  'producer-rollback-owner',
  'consumer-rollback-owner',
  'decision-log-owner',
];
const ACTORS: Actor[] = [A.pic, A.cic, A.pro, A.cro, A.dlo, A.admin, A.ci, MEMBER];
const TAGS = ['v1', 'v2', 'v3'];

const step: fc.Arbitrary<[CommandInput, number]> = fc.tuple(
  fc.oneof(
    fc.constantFrom(...TAGS).map((t): CommandInput => ({ type: 'target.publish', tag: t, sha: sha(t) })),
    fc.constantFrom(...TAGS).map((t): CommandInput => ({ type: 'target.approve', target: t })),
    fc
      .tuple(
        fc.constantFrom('producer-suite', 'consumer-suite', 'alignment'),
        fc.constantFrom('green', 'red'),
      )
      .map(([gate, status]): CommandInput => ({ type: 'gate.set', gate, status }) as CommandInput),
    fc
      .tuple(fc.constantFrom('producer', 'consumer'), fc.constantFrom('go', 'no-go'))
      .map(
        ([side, decision]): CommandInput =>
          ({ type: 'signoff', side, decision, rationale: 'seen' }) as CommandInput,
      ),
    fc.constantFrom('producer-handoff', 'consumer-repin', 'producer-rollback', 'consumer-rollback').map(
      (evidence): CommandInput => ({
        type: 'evidence.log',
        evidence,
        url: `https://ci.example.com/${evidence}`,
      }),
    ),
    fc
      .constantFrom(...ROLES)
      .map((owner): CommandInput => ({ type: 'blocker.add', owner, title: 'Vendor contract' })),
    fc.constant<CommandInput>({ type: 'blocker.clear', blocker: 'vendor-contract' }),
    fc.constant<CommandInput>({ type: 'blocker.reopen', blocker: 'vendor-contract', reason: 'lapsed' }),
    fc
      .tuple(fc.constantFrom(...ROLES), fc.constantFrom(U.pic, U.cic, U.pro, U.cro, U.dlo, GROUP, null))
      .map(([role, user]): CommandInput => ({ type: 'role.assign', role, user })),
    fc
      .constantFrom('go', 'no-go')
      .map(
        (status): CommandInput =>
          ({ type: 'decide', decision: 'runtime-cutover', status, rationale: 'as seen' }) as CommandInput,
      ),
    fc.constant<CommandInput>({ type: 'window', start: '2026-03-01T09:00:00Z', end: '2026-03-01T11:00:00Z' }),
    fc.constantFrom('start', 'close').map((action): CommandInput => ({ type: 'phase', phase: '8', action })),
  ),
  fc.nat({ max: ACTORS.length - 1 }),
);

describe('one answer to who owes what now, on every surface', () => {
  it('the alert, the status buttons, each holder’s App Home and the reminders say what obligations(c) says; Next never asks the actor', () => {
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 18 }), (steps) => {
        let c = seeded();
        let now = T0;
        for (const [cmd, who] of steps) {
          now = new Date(now.getTime() + 60_000);
          const actor = ACTORS[who] ?? A.admin;
          const outcome = execute(c, cmd, actor, now);
          if (!outcome.ok) continue;
          checkSurfaces({ outcome, before: c, actor, now });
          c = outcome.cutover;
        }
      }),
      { numRuns: 40 },
    );
  });

  it("the producer's commander who signed NO-GO is asked to sign again once the target is approved, everywhere", () => {
    const published = run(seeded(), { type: 'target.publish', tag: TAG1, sha: SHA1 }, A.pro).cutover;
    const noGo = run(
      published,
      { type: 'signoff', side: 'producer', decision: 'no-go', rationale: 'suite still red' },
      A.pic,
    ).cutover;
    const approved = run(noGo, { type: 'target.approve', target: TAG1 }, A.cro);
    const change: Change = { outcome: approved, before: noGo, actor: A.cro, now: T0 };
    const c = approved.cutover;
    const signProducer = `cutover.signoff.open ${c.id}:producer`;
    // The alert asks both commanders, the producer's told that its NO-GO stands.
    const alert = alertText(change);
    expect(alert.mentions).toEqual(expect.arrayContaining([U.pic, U.cic]));
    expect(alert.text).toContain(
      `• <@${U.pic}> (\`producer-incident-commander\`): sign off GO/NO-GO for MemoryKernel on \`${TAG1} @ ${SHA1.slice(0, 12)}\` (NO-GO by MemoryKernel stands: sign again)`,
    );
    // The status names them to act and offers the button; the producer's App Home lists it.
    expect(statusSummary(c)).toContain(`<@${U.pic}>`);
    expect(statusButtons(c)).toContain(signProducer);
    expect(homeWaiting(c, U.pic)).toContain(signProducer);
    checkSurfaces(change);
  });
});
