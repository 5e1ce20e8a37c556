/**
 * One answer to "who owes what now" (issue 19): over reachable states — targets published and approved, gates on
 * several commits, GO and NO-GO sign-offs, blockers, role changes, roles held by user groups — what the alert's
 * "Next:" asks, what the status offers as buttons, what each holder's App Home lists and what the reminders nudge
 * are what the core's `obligations(c)` says, and "Next:" never asks the actor of the change.
 *
 * The alert is rendered at delivery (alerts/render.ts), which may come several changes later (a burst folded, an
 * outage): it asks what `obligations(c)` says is owed when it goes out, minus what an alert asked already (the
 * ledger, `doc.asked`), minus what falls on its actor alone; everything else owed then is asked.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { askedKey, nextLedger } from '../../src/alerts/asked.js';
import { alertsHook, alertText } from '../../src/alerts/messages.js';
import { dueReminders } from '../../src/alerts/reminders.js';
import { createRenderer, type Rendered } from '../../src/alerts/render.js';
import { execute } from '../../src/core/commands.js';
import { type Obligation, obligations, obligationsOf } from '../../src/core/obligations.js';
import type { Actor, CommandInput, Cutover } from '../../src/core/schema.js';
import type { Change } from '../../src/service/cutover-service.js';
import { newDocument, type StoreDocument } from '../../src/service/document.js';
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

/**
 * Checks one alert as delivered from the program `c`: it asks exactly what is owed in `c` and is not in `ledger`
 * (asked before, or by an alert earlier in the same delivery), minus what falls on its actor alone; its "Next:"
 * names them, mentions their holders and carries their buttons, and never names the actor.
 */
function checkAlert(c: Cutover, r: Rendered, ledger: ReadonlySet<string>) {
  if (r.item.kind !== 'alert') throw new Error(r.item.kind);
  const by = r.item.by;
  const actor = by.kind === 'user' ? by.userId : undefined;
  const owed = obligations(c);
  const asked = owed.filter(
    (o) => !ledger.has(askedKey(o)) && !(actor && o.holders.length === 1 && o.holders[0] === actor),
  );
  const next = r.text.split('*Next:*')[1] ?? '';
  if (actor) expect(r.mentions).not.toContain(actor);
  if (actor) expect(next).not.toContain(`<@${actor}>`);
  for (const o of asked.slice(0, 5)) expect(next).toContain(obligationWords(c, o));
  if (!asked.length) expect(next).toBe('');
  expect(set(r.mentions)).toEqual(set(asked.flatMap((o) => o.holders)));
  expect(set(r.buttons.map((b) => `${b.actionId} ${b.value}`))).toEqual(
    set(asked.filter((o) => o.holders.length).map((o) => buttonKey(c, o))),
  );
}

/** Checks every surface but the alert against `obligations(c)` after one change. */
function checkSurfaces(change: Change) {
  const c = change.outcome.cutover;
  const owed = obligations(c);

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

/** Delivers every alert waiting in `doc`, in order, checking each; the document after, as the dispatcher writes it. */
function deliver(doc: StoreDocument): StoreDocument {
  const c = doc.cutover;
  const renderer = createRenderer(doc);
  const ledger = new Set((doc.asked ?? []).map((e) => e.key));
  const marks: string[] = [];
  for (const item of doc.outbox) {
    const r = renderer.render(item);
    checkAlert(c, r, ledger);
    // Once delivered, everything owed counts as asked: what it asked, and what fell on its actor.
    for (const o of obligations(c)) ledger.add(askedKey(o));
    marks.push(...r.asks);
  }
  // What it marks asked is owed now: the ledger never holds what nobody owes.
  for (const k of marks) expect(renderer.owed()?.has(k)).toBe(true);
  const asked = nextLedger(doc.asked ?? [], marks, renderer.owed(), T0.toISOString());
  // The ledger keeps only what is owed now.
  const owedNow = new Set(obligations(c).map(askedKey));
  for (const e of asked) expect(owedNow.has(e.key)).toBe(true);
  return { ...doc, outbox: [], asked };
}

describe('one answer to who owes what now, on every surface', () => {
  it('the alert asks what obligations(c) owes when it is delivered and no alert asked yet, never what falls on its actor; the status buttons, each holder’s App Home and the reminders say what obligations(c) says', () => {
    const compose = alertsHook();
    fc.assert(
      fc.property(fc.array(fc.tuple(step, fc.boolean()), { minLength: 1, maxLength: 18 }), (steps) => {
        let doc: StoreDocument = newDocument({ ...seeded(), channel: 'C0CUTOVER' });
        let now = T0;
        for (const [[cmd, who], deliverNow] of steps) {
          now = new Date(now.getTime() + 60_000);
          const actor = ACTORS[who] ?? A.admin;
          const before = doc.cutover;
          const outcome = execute(before, cmd, actor, now);
          if (!outcome.ok) continue;
          const change: Change = { outcome, before, actor, now };
          let seq = doc.history.at(-1)?.seq ?? 0;
          const history = [...doc.history, ...outcome.history.map((h) => ({ ...h, seq: ++seq }))];
          doc = compose({ ...doc, cutover: outcome.cutover, history }, change);
          checkSurfaces(change);
          // Delivered at once, or folded with the changes after it (a burst, an outage).
          if (deliverNow) doc = deliver(doc);
        }
        deliver(doc);
      }),
      { numRuns: 40 },
    );
  });

  it('an alert delivered at once asks what its change made owed; one delivered late does not ask what was done meanwhile, and a thing owed again is asked again', () => {
    const compose = alertsHook();
    const apply = (doc: StoreDocument, cmd: CommandInput, actor: Actor): StoreDocument => {
      const outcome = run(doc.cutover, cmd, actor);
      const seq = doc.history.at(-1)?.seq ?? 0;
      const history = [...doc.history, ...outcome.history.map((h, i) => ({ ...h, seq: seq + i + 1 }))];
      return compose(
        { ...doc, cutover: outcome.cutover, history },
        { outcome, before: doc.cutover, actor, now: T0 },
      );
    };
    const asks = (doc: StoreDocument) => {
      const renderer = createRenderer(doc);
      return doc.outbox.map((i) => renderer.render(i).mentions);
    };
    const texts = (doc: StoreDocument) => {
      const renderer = createRenderer(doc);
      return doc.outbox.map((i) => renderer.render(i).text);
    };
    const start = newDocument({ ...seeded(), channel: 'C0CUTOVER' });
    // Published, then approved before the alert of the publication went out (an outage): nobody is asked to approve.
    const published = apply(start, { type: 'target.publish', tag: TAG1, sha: SHA1 }, A.pro);
    expect(asks(published)[0]).toContain(U.cro);
    const approved = apply(published, { type: 'target.approve', target: TAG1 }, A.cro);
    expect(texts(published)[0]).toContain(
      `• <@${U.cro}> (\`consumer-rollback-owner\`): approve release target`,
    );
    const late = texts(approved);
    expect(late.join('\n')).not.toContain('approve release target');
    expect(asks(approved).flat()).toEqual(expect.arrayContaining([U.pic, U.cic]));
    // Delivered: the commanders were asked; a blocker added by the log owner asks its owner, not them again.
    const delivered = deliver(approved);
    const blocked = apply(
      delivered,
      { type: 'blocker.add', owner: 'consumer-incident-commander', title: 'Vendor contract' },
      A.dlo,
    );
    expect(asks(blocked)).toEqual([[U.cic]]);
    // Cleared, then reopened: owed again after it was not, so asked again.
    const cleared = deliver(
      apply(deliver(blocked), { type: 'blocker.clear', blocker: 'vendor-contract' }, A.cic),
    );
    const reopened = apply(
      cleared,
      { type: 'blocker.reopen', blocker: 'vendor-contract', reason: 'lapsed' },
      A.dlo,
    );
    expect(asks(reopened)).toEqual([[U.cic]]);
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
