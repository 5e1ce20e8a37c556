/**
 * The alert a change composes: what changed, who did it, what it means for the decision, and who is mentioned
 * to act next — only who now has something to do, never the actor, each with the action; from role assignments
 * only, with typed text escaped.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { alertsHook, alertText, composeAlerts, meaningLines } from '../../src/alerts/messages.js';
import { obligations } from '../../src/core/obligations.js';
import { readiness } from '../../src/core/readiness.js';
import type { Actor, CommandInput, Cutover } from '../../src/core/schema.js';
import type { Change } from '../../src/service/cutover-service.js';
import { newDocument } from '../../src/service/document.js';
import { obligationLines } from '../../src/slack/views/obligations.js';
import {
  A,
  approveTarget,
  GO_RUNTIME,
  greenGates,
  logAllEvidence,
  readyForGo,
  recordReportSteps,
  reportRecords,
  run,
  SHA1,
  SHA2,
  seeded,
  shipped,
  T0,
  TAG1,
  TAG2,
  U,
} from '../core/fixtures.js';
import { LAUNCH_PEOPLE as L, LAUNCH_ROLES, launchCutover } from './programs.js';

const change = (c: Cutover, cmd: CommandInput, actor: Actor, now = T0): Change => ({
  outcome: run(c, cmd, actor, now),
  before: c,
  actor,
  now,
});
/** The seeds' state with the release target published and approved: gates are measured on its commit. */
const targeted = () => approveTarget(seeded());
const alertOf = (c: Cutover, cmd: CommandInput, actor: Actor) => alertText(change(c, cmd, actor));
const applied = (c: Cutover, cmd: CommandInput, actor: Actor) => run(c, cmd, actor).cutover;
const sorted = (ids: string[]) => [...ids].sort();
/** The "Next:" line that mentions `user`. */
const lineOf = (text: string, user: string) =>
  text.split('\n').find((l) => l.startsWith(`• <@${user}>`)) ?? '';

describe('what a change means, as the readiness report answers it (issue 11)', () => {
  it('the meaning line counts the open blockers and unmet items the report holds, and says GO once decided', () => {
    const c = seeded();
    const r = readiness(c);
    const open = r.blockers.filter((b) => b.phase === '8' && b.status === 'open').length;
    const total = r.blockers.filter((b) => b.phase === '8').length;
    const go = r.decisions.find((d) => d.id === 'runtime-cutover');
    const eight = r.phases.find((p) => p.id === '8');
    expect(meaningLines(c, [])).toEqual([
      `:bar_chart: phase 8 blockers: *${open} of ${total} open* · phase 8 may start: no, ${eight?.unmet.length} unmet · runtime-cutover may be GO: no, ${go?.unmet.length} unmet`,
    ]);
    const decided = run(readyForGo(), GO_RUNTIME, A.dlo).cutover;
    expect(meaningLines(decided, [])).toEqual([
      ':bar_chart: phase 8 blockers: *1 of 4 open* · phase 8 may start: no, 1 unmet · runtime-cutover: *GO*',
    ]);
    expect(meaningLines(reportRecords(decided), [])).toEqual([
      ':bar_chart: phase 8 blockers: *0 of 4 open* · phase 8 may start: *yes* · runtime-cutover: *GO*',
    ]);
  });
});

const LABEL1 = `${TAG1} @ ${SHA1.slice(0, 12)}`;

describe('"Next" means someone must act: who now has something to do, with the one action', () => {
  it('a blocker opened asks its owner to clear it, and tells who opened it and what it means for phase 8', () => {
    const a = alertOf(
      seeded(),
      { type: 'blocker.add', owner: 'consumer-incident-commander', title: 'Vendor contract signed' },
      A.dlo,
    );
    expect(a.mentions).toEqual([U.cic]);
    expect(a.text).toContain(
      ':construction: *Blocker opened:* `vendor-contract-signed` Vendor contract signed — blocks phase 8',
    );
    expect(a.text).toContain(`_by <@${U.dlo}> · <!date^`);
    expect(a.text).toContain('phase 8 blockers: *5 of 5 open*');
    expect(a.text).toMatch(/runtime-cutover may be GO: no, \d+ unmet/);
    expect(lineOf(a.text, U.cic)).toBe(
      `• <@${U.cic}> (\`consumer-incident-commander\`): clear blocker \`vendor-contract-signed\``,
    );
  });

  it('a blocker cleared by its owner asks nobody; reopened by another, it asks its owner to clear it again', () => {
    const opened = applied(
      seeded(),
      { type: 'blocker.add', owner: 'consumer-rollback-owner', title: 'DNS switch rehearsed' },
      A.dlo,
    );
    const cleared = change(
      opened,
      { type: 'blocker.clear', blocker: 'dns-switch-rehearsed', evidenceUrl: 'https://ci.example.com/dns/1' },
      A.cro,
    );
    const c = alertText(cleared);
    expect(c.mentions).toEqual([]);
    expect(c.text).not.toContain('*Next:*');
    expect(c.text).toContain(
      '*Blocker cleared:* `dns-switch-rehearsed` DNS switch rehearsed · <https://ci.example.com/dns/1|evidence>',
    );
    expect(c.text).toContain('phase 8 blockers: *4 of 5 open*');
    const reopened = alertOf(
      cleared.outcome.cutover,
      { type: 'blocker.reopen', blocker: 'dns-switch-rehearsed', reason: 'rehearsal failed' },
      A.dlo,
    );
    expect(reopened.mentions).toEqual([U.cro]);
    expect(reopened.text).toContain(
      '*Blocker reopened:* `dns-switch-rehearsed` DNS switch rehearsed — rehearsal failed',
    );
    expect(lineOf(reopened.text, U.cro)).toBe(
      `• <@${U.cro}> (\`consumer-rollback-owner\`): clear blocker \`dns-switch-rehearsed\``,
    );
  });

  it('the last requirement of a decision holding asks the decision-log owner to decide it, and nobody else', () => {
    // Every phase-8 blocker is clear but a manual one and the joint record (which waits for the GO); its owner clears it.
    const ready = logAllEvidence(greenGates(approveTarget(seeded())));
    const signed = applied(
      applied(ready, { type: 'signoff', side: 'producer', decision: 'go' }, A.pic),
      { type: 'signoff', side: 'consumer', decision: 'go' },
      A.cic,
    );
    const one = applied(
      signed,
      { type: 'blocker.add', owner: 'producer-rollback-owner', title: 'Runbook reviewed' },
      A.dlo,
    );
    const a = alertOf(one, { type: 'blocker.clear', blocker: 'runbook-reviewed' }, A.pro);
    expect(a.mentions).toEqual([U.dlo]);
    expect(lineOf(a.text, U.dlo)).toBe(
      `• <@${U.dlo}> (\`decision-log-owner\`): decide \`runtime-cutover\` (it may be GO)`,
    );
    expect(a.text).toContain('`runbook-reviewed` Runbook reviewed');
    expect(a.text).not.toContain('every phase 8 blocker is clear');
    expect(a.text).toContain('phase 8 blockers: *1 of 5 open*');
    expect(a.text).toContain('runtime-cutover may be GO: *yes*');
  });

  it('the second GO sign-off asks the decision-log owner to decide; the joint record blocker stays open for the GO', () => {
    const ready = logAllEvidence(greenGates(approveTarget(seeded())));
    const one = applied(ready, { type: 'signoff', side: 'producer', decision: 'go' }, A.pic);
    const a = alertOf(one, { type: 'signoff', side: 'consumer', decision: 'go' }, A.cic);
    expect(a.text).not.toContain('*Blocker cleared:* `joint-go-record`');
    expect(a.text).toContain('phase 8 blockers: *1 of 4 open*');
    expect(a.mentions).toEqual([U.dlo]);
    expect(lineOf(a.text, U.dlo)).toContain('decide `runtime-cutover` (it may be GO)');
  });

  it('after GO nobody is asked until both repos reported its record; the second report asks the log owner to start the phase', () => {
    expect(alertOf(readyForGo(), GO_RUNTIME, A.admin).mentions).toEqual([]);
    const decided = applied(readyForGo(), GO_RUNTIME, A.admin);
    const [first, second] = recordReportSteps(decided);
    if (!first || !second) throw new Error('two sides');
    const one = applied(decided, ...first);
    expect(alertOf(decided, ...first).mentions).toEqual([]);
    const a = alertOf(one, ...second);
    expect(a.text).toContain('*Blocker cleared:* `joint-go-record`');
    expect(a.mentions).toEqual([U.dlo]);
    expect(lineOf(a.text, U.dlo)).toBe(`• <@${U.dlo}> (\`decision-log-owner\`): start phase 8`);
  });

  it('a gate turned red asks its owner to get it green; the commanders have nothing to do and are not pinged', () => {
    const ci: Actor = { kind: 'ci', name: 'Jenkins' };
    const red = alertOf(targeted(), { type: 'gate.set', gate: 'alignment', status: 'red' }, ci);
    expect(red.mentions).toEqual([U.dlo]);
    expect(lineOf(red.text, U.dlo)).toBe(
      `• <@${U.dlo}> (\`decision-log-owner\`): get gate \`alignment\` green (it is red for \`${LABEL1}\`)`,
    );
    expect(red.text).toContain(':red_circle: *Gate* `alignment`');
    const green = alertOf(targeted(), { type: 'gate.set', gate: 'alignment', status: 'green' }, ci);
    expect(green.mentions).toEqual([]);
    expect(green.text).toContain(
      ':large_green_circle: *Gate* `alignment` Manifest/pin/matrix/handoff alignment green: pending → *green*',
    );
  });

  it('one side signing GO pings nobody asked already; the other side’s sign-off still stands owed, saying who signed', () => {
    const before = approveTarget(seeded());
    const a = alertOf(
      before,
      { type: 'signoff', side: 'producer', decision: 'go', rationale: 'suite green' },
      A.pic,
    );
    // The consumer's commander was asked when the target was approved: not pinged again for the same sign-off.
    expect(a.mentions).toEqual([]);
    expect(a.text).toContain(`:white_check_mark: *MemoryKernel signed GO* on \`${LABEL1}\` — suite green`);
    const after = applied(before, { type: 'signoff', side: 'producer', decision: 'go' }, A.pic);
    expect(
      obligationLines(
        after,
        obligations(after).filter((o) => o.action === 'signoff'),
      ).lines,
    ).toEqual([
      `• <@${U.cic}> (\`consumer-incident-commander\`): sign off GO/NO-GO for AssistSupport on \`${LABEL1}\` (MemoryKernel signed GO)`,
    ]);
  });

  it('a new target voiding a sign-off asks who may approve it; the commanders sign once it is approved', () => {
    const signed = applied(
      approveTarget(seeded()),
      { type: 'signoff', side: 'producer', decision: 'go' },
      A.pic,
    );
    const a = alertOf(signed, { type: 'target.publish', tag: TAG2, sha: SHA2 }, A.pro);
    const why = `release target changed from ${LABEL1} to ${TAG2} @ ${SHA2.slice(0, 12)}`;
    expect(a.text).toContain(`*MemoryKernel's sign-off was voided:* ${why}`);
    expect(a.mentions).toContain(U.cro);
    expect(lineOf(a.text, U.cro)).toContain(`approve release target \`${TAG2} @ ${SHA2.slice(0, 12)}\``);
    // No sign-off is asked for before the new target is approved.
    expect(a.text).not.toContain('sign off GO/NO-GO');
  });

  it('a target published asks who may approve it, read from the permissions table, never the publisher', () => {
    const a = alertOf(seeded(), { type: 'target.publish', tag: TAG1, sha: SHA1 }, A.pro);
    expect(a.mentions[0]).toBe(U.cro);
    expect(a.mentions).not.toContain(U.pro);
    expect(lineOf(a.text, U.cro)).toBe(
      `• <@${U.cro}> (\`consumer-rollback-owner\`): approve release target \`${LABEL1}\``,
    );
    // The gates measured per commit are owed a result for the new commit: their owners are asked too.
    expect(a.text).toMatch(/set gate `[a-z-]+` for `service\.v3\.0\.0 @ [0-9a-f]{12}` \(it is pending\)/);
    /** Who is asked to approve: the person each line asking it mentions. */
    const approvers = (x: ReturnType<typeof alertOf>) =>
      x.text
        .split('\n')
        .filter((l) => l.includes(`approve release target \`${LABEL1}\``))
        .map((l) => /^• <@([A-Z0-9]+)>/.exec(l)?.[1]);
    const other = seeded();
    other.permissions['target.approve'] = ['producer-incident-commander'];
    expect(approvers(alertOf(other, { type: 'target.publish', tag: TAG1, sha: SHA1 }, A.pro))).toEqual([
      U.pic,
    ]);
    // An approver who published it may not approve it (`may`): asked is only the other one.
    const both = seeded();
    both.permissions['target.approve'] = ['producer-rollback-owner', 'consumer-rollback-owner'];
    expect(approvers(alertOf(both, { type: 'target.publish', tag: TAG1, sha: SHA1 }, A.admin))).toEqual([
      U.pro,
      U.cro,
    ]);
    const self = run(both, { type: 'target.publish', tag: TAG1, sha: SHA1 }, A.pro);
    const viaCi = alertText({ outcome: self, before: both, actor: A.admin, now: T0 });
    expect(approvers(viaCi)).toEqual([U.cro]);
  });

  it('a target approved asks the commanders who have not signed, each for their side', () => {
    const published = applied(seeded(), { type: 'target.publish', tag: TAG1, sha: SHA1 }, A.pro);
    const a = alertOf(published, { type: 'target.approve', target: TAG1 }, A.cro);
    // Each commander signs for their side; each side's evidence is owed for the approved target.
    expect(lineOf(a.text, U.pic)).toMatch(
      new RegExp(
        `^• <@${U.pic}> \\(\`producer-incident-commander\`\\): sign off GO/NO-GO for MemoryKernel on \`${LABEL1}\`; log evidence`,
      ),
    );
    expect(lineOf(a.text, U.cic)).toContain(`sign off GO/NO-GO for AssistSupport on \`${LABEL1}\``);
    // The release-target blocker cleared itself too: told in the body, its owner has nothing to do.
    expect(a.text).toContain('*Blocker cleared:* `release-target`');
    expect(sorted(a.mentions)).toEqual(sorted([U.pic, U.cic, U.pro]));
  });

  it('no actor in Next: a commander holding the log owner role too is not asked to decide their own GO', () => {
    const ready = logAllEvidence(greenGates(approveTarget(seeded())));
    const one = applied(ready, { type: 'signoff', side: 'producer', decision: 'go' }, A.pic);
    const merged = applied(one, { type: 'role.assign', role: 'decision-log-owner', user: U.cic }, A.admin);
    const a = alertOf(merged, { type: 'signoff', side: 'consumer', decision: 'go' }, A.cic);
    expect(a.mentions).toEqual([]);
    expect(a.text).not.toContain('*Next:*');
  });

  it('a person holding several roles is mentioned once, with each of their actions', () => {
    const c = applied(
      seeded(),
      { type: 'role.assign', role: 'consumer-rollback-owner', user: U.pic },
      A.admin,
    );
    const blocked = applied(
      c,
      { type: 'blocker.add', owner: 'producer-incident-commander', title: 'Runbook reviewed' },
      A.dlo,
    );
    const a = alertOf(blocked, { type: 'target.publish', tag: TAG1, sha: SHA1 }, A.pro);
    expect(a.mentions.filter((u) => u === U.pic)).toEqual([U.pic]);
    expect(a.text.split('\n').filter((l) => l.startsWith(`• <@${U.pic}>`))).toEqual([
      `• <@${U.pic}> (\`consumer-rollback-owner\`, \`producer-incident-commander\`): approve release target \`${LABEL1}\`; set gate \`producer-suite\` for \`${LABEL1}\` (it is pending)`,
    ]);
    const approved = alertOf(
      run(blocked, { type: 'target.publish', tag: TAG1, sha: SHA1 }, A.pro).cutover,
      { type: 'target.approve', target: TAG1 },
      A.admin,
    );
    const lines = approved.text.split('\n').filter((l) => l.startsWith(`• <@${U.pic}>`));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(
      `• <@${U.pic}> (\`producer-incident-commander\`, \`consumer-rollback-owner\`): sign off GO/NO-GO for MemoryKernel on \`${LABEL1}\`; log evidence`,
    );
  });

  it('notices mention nobody: a decision changed, the window set, a phase started, a role assigned', () => {
    const decided = alertOf(
      seeded(),
      { type: 'decide', decision: 'rehearsal', status: 'no-go', rationale: 'pause' },
      A.dlo,
    );
    expect(decided.mentions).toEqual([]);
    expect(decided.text).toContain('*Decision* Rehearsal continuation (`rehearsal`): GO → *NO-GO* — pause');
    const window = alertOf(
      seeded(),
      { type: 'window', start: '2026-03-01T09:00:00Z', end: '2026-03-01T11:00:00Z' },
      A.dlo,
    );
    expect(window.mentions).toEqual([]);
    expect(window.text).toContain('*Cutover window set:* <!date^1772355600^');
    const role = alertOf(
      seeded(),
      { type: 'role.assign', role: 'consumer-rollback-owner', user: U.pic },
      A.admin,
    );
    expect(role.mentions).toEqual([]);
    const coordinator: Actor = { kind: 'user', userId: L.coordinator, isAdmin: false };
    let c = launchCutover();
    for (const [r, user] of Object.entries(LAUNCH_ROLES))
      c = applied(
        c,
        { type: 'role.assign', role: r, user },
        r === 'launch-coordinator' ? A.admin : coordinator,
      );
    c = applied(c, { type: 'blocker.clear', blocker: 'legal-review' }, coordinator);
    c = applied(c, { type: 'blocker.clear', blocker: 'build-frozen' }, coordinator);
    const phase = alertOf(c, { type: 'phase', phase: 'go-live', action: 'start' }, coordinator);
    expect(phase.mentions).toEqual([]);
    for (const t of [decided.text, window.text, phase.text]) {
      expect(t).not.toContain('*Next:*');
      expect(t.split('\n').filter((l) => !l.startsWith('_by ') && /<@/.test(l))).toEqual([]);
    }
  });

  it('a role held by nobody is named unassigned with what it owes, and nobody else is asked to do it', () => {
    const c = applied(
      seeded(),
      { type: 'role.assign', role: 'consumer-rollback-owner', user: null },
      A.admin,
    );
    const a = alertOf(c, { type: 'target.publish', tag: TAG1, sha: SHA1 }, A.pro);
    expect(a.text).toContain(
      `• AssistSupport Runtime Integrations Owner (\`consumer-rollback-owner\`) _unassigned_: approve release target \`${LABEL1}\``,
    );
    expect(lineOf(a.text, U.dlo)).not.toContain('approve');
    // Assigning it is owed by whoever the permissions table lets assign roles: here only an admin.
    const unassigned = alertOf(
      seeded(),
      { type: 'role.assign', role: 'consumer-rollback-owner', user: null },
      A.admin,
    );
    expect(unassigned.text).toContain(
      '• an admin: assign AssistSupport Runtime Integrations Owner (`consumer-rollback-owner`): nobody holds it',
    );
  });

  it('with every role unassigned, nobody is pinged and each role is named unassigned with what it owes', () => {
    const a = alertOf(
      run(shipped(), { type: 'target.publish', tag: TAG1, sha: SHA1 }, A.admin).cutover,
      { type: 'gate.set', gate: 'producer-suite', status: 'red' },
      A.admin,
    );
    expect(a.mentions).toEqual([]);
    expect(a.text).toContain(
      `• MemoryKernel Producer On-Call Lead (\`producer-incident-commander\`) _unassigned_: get gate \`producer-suite\` green (it is red for \`${LABEL1}\`)`,
    );
  });

  it('mentions come only from role assignments: the actor and bystanders are not pinged for being there', () => {
    const a = alertOf(targeted(), { type: 'gate.set', gate: 'alignment', status: 'red' }, A.admin);
    expect(a.mentions).toEqual([U.dlo]);
    expect(a.text).toContain(`_by <@${U.admin}> (as admin)`);
    const mentioned = [...a.text.matchAll(/<@([UW][A-Z0-9]+)>/g)].map((m) => m[1]);
    expect(new Set(mentioned)).toEqual(new Set([U.admin, U.dlo]));
  });

  it('a CI change names the CI, escaped', () => {
    const ci: Actor = { kind: 'ci', name: 'Jenkins <!channel>' };
    const a = alertOf(targeted(), { type: 'gate.set', gate: 'producer-suite', status: 'red' }, ci);
    expect(a.text).toContain('_by CI: Jenkins &lt;!channel&gt; · ');
    expect(a.mentions).toEqual([U.pic]);
  });
});

describe('the buttons of "Next"', () => {
  it('each action asked for carries its button: approve carries the SHA shown, sign off the side, each naming the program', () => {
    const published = applied(seeded(), { type: 'target.publish', tag: TAG1, sha: SHA1 }, A.pro);
    expect(
      alertText(change(seeded(), { type: 'target.publish', tag: TAG1, sha: SHA1 }, A.pro)).buttons[0],
    ).toEqual({
      text: `Approve ${TAG1}`,
      actionId: 'cutover.target.approve',
      value: `${published.id}:${SHA1}`,
    });
    const approved = alertText(change(published, { type: 'target.approve', target: TAG1 }, A.cro));
    expect(
      approved.buttons.filter((b) => b.actionId === 'cutover.signoff.open').map((b) => [b.actionId, b.value]),
    ).toEqual([
      ['cutover.signoff.open', `${published.id}:producer`],
      ['cutover.signoff.open', `${published.id}:consumer`],
    ]);
  });

  it('a change that asks nobody carries no button, and its outbox item holds no text or button, only typed events', () => {
    const a = change(
      seeded(),
      { type: 'window', start: '2026-03-01T09:00:00Z', end: '2026-03-01T11:00:00Z' },
      A.dlo,
    );
    expect(alertText(a).buttons).toEqual([]);
    expect(alertText(a).mentions).toEqual([]);
    const [item] = composeAlerts(newDocument({ ...seeded(), channel: 'C0CUTOVER' }), a);
    expect(item).toMatchObject({ kind: 'alert', events: a.outcome.events, by: A.dlo });
    expect(item).not.toHaveProperty('buttons');
    expect(item).not.toHaveProperty('text');
  });
});

describe('another program', () => {
  const launch = () => {
    let c = launchCutover();
    for (const [role, user] of Object.entries(LAUNCH_ROLES))
      c = applied(
        c,
        { type: 'role.assign', role, user },
        role === 'launch-coordinator' ? A.admin : { kind: 'user', userId: L.coordinator, isAdmin: false },
      );
    return c;
  };
  const as = (userId: string): Actor => ({ kind: 'user', userId, isAdmin: false });

  it('asks its own approver, and all three of its commanders, with no shipped id in sight', () => {
    const published = alertOf(
      launch(),
      { type: 'target.publish', tag: 'app-5.0.0', sha: SHA1 },
      as(L.captain),
    );
    expect(published.mentions).toEqual([L.coordinator]);
    const c = applied(launch(), { type: 'target.publish', tag: 'app-5.0.0', sha: SHA1 }, as(L.captain));
    const approved = alertOf(c, { type: 'target.approve', target: 'app-5.0.0' }, as(L.coordinator));
    expect(sorted(approved.mentions)).toEqual(sorted([L.platform, L.mobile, L.web]));
    const red = alertOf(c, { type: 'gate.set', gate: 'smoke', status: 'red' }, { kind: 'ci', name: 'ci' });
    expect(red.mentions).toEqual([L.captain]);
    for (const text of [published.text, approved.text, red.text])
      expect(text).not.toMatch(/producer|consumer|decision-log-owner|runtime-cutover|phase 8/);
    expect(red.text).toContain('go-live blockers: *2 of 2 open*');
    expect(red.text).toMatch(/launch may be GO: no, \d+ unmet/);
  });

  it('a GO from one of three sides asks the two others', () => {
    const c = applied(
      applied(launch(), { type: 'target.publish', tag: 'app-5.0.0', sha: SHA1 }, as(L.captain)),
      { type: 'target.approve', target: 'app-5.0.0' },
      as(L.coordinator),
    );
    const a = alertOf(c, { type: 'signoff', side: 'web', decision: 'go' }, as(L.web));
    // Both were asked when the target was approved; what still stands says who signed GO.
    expect(a.mentions).toEqual([]);
    const signed = applied(c, { type: 'signoff', side: 'web', decision: 'go' }, as(L.web));
    const owed = obligationLines(
      signed,
      obligations(signed).filter((o) => o.action === 'signoff'),
    ).lines;
    expect(owed).toHaveLength(2);
    expect(owed.find((l) => l.startsWith(`• <@${L.mobile}>`))).toContain(
      `sign off GO/NO-GO for Mobile on \`app-5.0.0 @ ${SHA1.slice(0, 12)}\` (Web signed GO)`,
    );
  });

  it('its unassigned role is owed to who its permissions let assign roles, and what the role owes is named unassigned', () => {
    const a = alertOf(launch(), { type: 'role.assign', role: 'web-lead', user: null }, A.admin);
    expect(a.mentions).toEqual([L.coordinator]);
    expect(lineOf(a.text, L.coordinator)).toBe(
      `• <@${L.coordinator}> (\`launch-coordinator\`): assign Web lead (\`web-lead\`): nobody holds it`,
    );
    expect(a.text).toContain('• Web lead (`web-lead`) _unassigned_: clear blocker `legal-review`');
  });
});

describe('escaping what people typed', () => {
  it('a title, a reason and a rationale cannot ping @channel or forge a link', () => {
    const title = 'Vendor <!channel> & <https://evil.example|Runbook>';
    const c = applied(seeded(), { type: 'blocker.add', owner: 'decision-log-owner', title }, A.dlo);
    const added = alertOf(seeded(), { type: 'blocker.add', owner: 'decision-log-owner', title }, A.dlo);
    expect(added.text).toContain('Vendor &lt;!channel&gt; &amp; &lt;https://evil.example|Runbook&gt;');
    const id = c.blockers.at(-1)?.id ?? '';
    const cleared = applied(c, { type: 'blocker.clear', blocker: id }, A.dlo);
    const reopened = alertOf(
      cleared,
      { type: 'blocker.reopen', blocker: id, reason: 'see <!here> and <@U999|boss>' },
      A.dlo,
    );
    expect(reopened.text).toContain('see &lt;!here&gt; and &lt;@U999|boss&gt;');
    const signed = alertOf(
      approveTarget(seeded()),
      { type: 'signoff', side: 'producer', decision: 'no-go', rationale: '<!everyone> wait' },
      A.pic,
    );
    expect(signed.text).toContain('&lt;!everyone&gt; wait');
    for (const t of [added.text, reopened.text, signed.text])
      expect(t).not.toMatch(/<!(channel|here|everyone)>|<https:\/\/evil/);
  });

  it('whatever the title, the only "<" left in the alert open our own mentions and date tokens', () => {
    fc.assert(
      fc.property(
        fc.string({
          minLength: 1,
          maxLength: 300,
          unit: fc.constantFrom('<', '>', '&', '|', '!', '@', 'a', ' ', 'U', '^', 'h'),
        }),
        (raw) => {
          const title = raw.trim() || 'x';
          const a = alertOf(seeded(), { type: 'blocker.add', owner: 'decision-log-owner', title }, A.dlo);
          const rest = a.text.replace(/<@[UW][A-Z0-9]+>/g, '').replace(/<!date\^\d+\^[^|>]*\|[^>]*>/g, '');
          expect(rest).not.toMatch(/[<>]/);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('composed into the change’s own write', () => {
  it('the hook appends one typed alert to the outbox (events, actor, time; no text), keyed by the program and the change’s last history number', () => {
    const ch = change(targeted(), { type: 'gate.set', gate: 'alignment', status: 'green' }, A.dlo);
    const doc = {
      ...newDocument({ ...seeded(), channel: 'C0CUTOVER' }),
      history: [
        {
          seq: 41,
          at: T0.toISOString(),
          by: U.dlo,
          asAdmin: false,
          event: {
            type: 'gate.changed' as const,
            gate: 'alignment',
            before: 'pending' as const,
            after: 'green' as const,
            derived: false,
          },
        },
      ],
    };
    const next = alertsHook()(doc, ch);
    expect(next.outbox).toEqual([
      expect.objectContaining({
        id: 'alert:service-v3:41',
        channel: 'C0CUTOVER',
        kind: 'alert',
        program: 'service-v3',
        events: ch.outcome.events,
        by: A.dlo,
        attempts: 0,
        createdAt: T0.toISOString(),
      }),
    ]);
    expect(next.outbox[0]).not.toHaveProperty('text');
    expect(next.cutover).toBe(doc.cutover);
    expect(composeAlerts(doc, ch)).toEqual(next.outbox);
  });

  it("goes to the program's channel, under an id no other program's alert shares; none for an unbound program", () => {
    const ch = change(targeted(), { type: 'gate.set', gate: 'alignment', status: 'green' }, A.dlo);
    const ours = alertsHook()(
      { ...newDocument({ ...seeded(), channel: 'C0JOINT' }), history: [] },
      ch,
    ).outbox;
    const theirs = alertsHook()(
      { ...newDocument({ ...seeded(), id: 'payments-v9', channel: 'C0JOINT' }), history: [] },
      ch,
    ).outbox;
    expect(ours.map((i) => [i.id, i.channel])).toEqual([['alert:service-v3:0', 'C0JOINT']]);
    expect(theirs.map((i) => [i.id, i.channel])).toEqual([['alert:payments-v9:0', 'C0JOINT']]);
    expect(alertsHook()(newDocument(seeded()), ch).outbox).toEqual([]);
  });

  it('"Next:" stays within the alert’s size however much one person must do: their first actions, then how many more', () => {
    let c = applied(seeded(), { type: 'role.assign', role: 'consumer-rollback-owner', user: null }, A.admin);
    for (let i = 0; i < 80; i++)
      c = applied(
        c,
        { type: 'blocker.add', owner: 'consumer-rollback-owner', title: `Check ${i} ${'x'.repeat(150)}` },
        A.dlo,
      );
    const a = alertOf(c, { type: 'role.assign', role: 'consumer-rollback-owner', user: U.cro }, A.admin);
    expect(a.text.length).toBeLessThanOrEqual(4000);
    expect(a.mentions).toEqual([U.cro]);
    expect(lineOf(a.text, U.cro)).toMatch(
      /^• <@UCRO00001> \(`consumer-rollback-owner`\): clear blocker `check-0-x+`; .*; and 75 more$/,
    );
  });

  it('every alert stays within its size, however long what was typed', () => {
    const long = '<'.repeat(300);
    const c = applied(seeded(), { type: 'blocker.add', owner: 'decision-log-owner', title: long }, A.dlo);
    const id = c.blockers.at(-1)?.id ?? '';
    const cleared = applied(c, { type: 'blocker.clear', blocker: id }, A.dlo);
    const a = alertOf(cleared, { type: 'blocker.reopen', blocker: id, reason: '>'.repeat(1000) }, A.dlo);
    expect(a.text.length).toBeLessThanOrEqual(4000);
    expect(a.text).toContain(`<@${U.dlo}>`);
  });
});
