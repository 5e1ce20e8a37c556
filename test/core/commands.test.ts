/**
 * The transitions, rule by rule as issue 3 states them: each `it` is named as the rule reads. Every refusal
 * goes through `refuse`, which also checks that the input cutover was left untouched.
 */

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { actorName, BOT, execute } from '../../src/core/commands.js';
import {
  approvedTarget,
  currentTarget,
  gateState,
  goFingerprint,
  signoffFor,
} from '../../src/core/readiness.js';
import { type Actor, type CommandInput, Cutover } from '../../src/core/schema.js';
import { outcomeText } from '../../src/slack/views/answers.js';
import { deepFrozen } from '../../src/store/changed-parts.js';
import {
  A,
  approveTarget,
  at,
  blockerState,
  byId,
  decidedGo,
  describeError,
  EVIDENCE_URL,
  GO_RUNTIME,
  greenGates,
  LABEL1,
  LABEL2,
  logAllEvidence,
  mayDecideGo,
  mayStartPhase,
  readyForGo,
  recordedGo,
  refuse,
  reportRecords,
  run,
  runAll,
  SHA1,
  SHA2,
  seeded,
  shipped,
  signBothGo,
  T0,
  TAG1,
  TAG2,
  U,
  user,
} from './fixtures.js';

const short = (s: string) => s.slice(0, 12);
const START_8 = { type: 'phase', phase: '8', action: 'start' } as const;
/** A SHA that differs from SHA1 in its first character only. */
const sha3 = () => SHA1.replace(/^./, (ch) => (ch === '0' ? '1' : '0'));

// ---------------------------------------------------------------- rule 1

describe('rule 1: a sign-off is bound to the target and the gate statuses when signed', () => {
  it('a sign-off binds to the target tag + SHA and the gate statuses at signing', () => {
    const c = greenGates(approveTarget(seeded()));
    const out = run(
      c,
      { type: 'signoff', side: 'producer', decision: 'go', rationale: 'suite green' },
      A.pic,
      at(5),
    );
    expect(out.message).toBe(`MemoryKernel signed GO on ${LABEL1}.`);
    expect(out.cutover.signoffs).toEqual([
      {
        side: 'producer',
        decision: 'go',
        by: U.pic,
        at: at(5).toISOString(),
        target: { tag: TAG1, sha: SHA1 },
        gates: {
          'producer-suite': 'green',
          'consumer-suite': 'green',
          alignment: 'green',
          'bilateral-signoff': 'pending',
          'release-evidence': 'pending',
        },
        rationale: 'suite green',
        asAdmin: false,
      },
    ]);
    expect(out.events).toMatchObject([{ type: 'signoff.given', side: 'producer', decision: 'go' }]);
  });

  it('a new target voids earlier sign-offs, with the reason shown on each and in history', () => {
    const c = signBothGo(approveTarget(seeded()));
    const out = run(c, { type: 'target.publish', tag: TAG2, sha: SHA2 }, A.pro, at(30));
    const reason = `release target changed from ${LABEL1} to ${LABEL2}`;
    const cause = { kind: 'target', from: { tag: TAG1, sha: SHA1 }, to: { tag: TAG2, sha: SHA2 } };
    expect(out.cutover.signoffs.map((s) => [s.side, s.decision, s.voided])).toEqual([
      ['producer', 'go', { at: at(30).toISOString(), reason, cause }],
      ['consumer', 'go', { at: at(30).toISOString(), reason, cause }],
    ]);
    expect(signoffFor(out.cutover, 'producer')).toBeUndefined();
    expect(signoffFor(out.cutover, 'consumer')).toBeUndefined();
    expect(out.events.filter((e) => e.type === 'signoff.voided')).toMatchObject([
      { type: 'signoff.voided', side: 'producer', reason },
      { type: 'signoff.voided', side: 'consumer', reason },
    ]);
    expect(out.history.filter((h) => h.event.type === 'signoff.voided')).toEqual([
      {
        at: at(30).toISOString(),
        by: BOT,
        asAdmin: false,
        event: {
          type: 'signoff.voided',
          side: 'producer',
          reason,
          cause,
          decision: 'go',
          signer: U.pic,
        },
      },
      {
        at: at(30).toISOString(),
        by: BOT,
        asAdmin: false,
        event: {
          type: 'signoff.voided',
          side: 'consumer',
          reason,
          cause,
          decision: 'go',
          signer: U.cic,
        },
      },
    ]);
  });

  it('a NO-GO given before any target is voided when the first target is published', () => {
    const c = run(
      seeded(),
      { type: 'signoff', side: 'consumer', decision: 'no-go', rationale: 'no target' },
      A.cic,
    ).cutover;
    expect(c.signoffs[0]?.target).toBeUndefined();
    const out = run(c, { type: 'target.publish', tag: TAG1, sha: SHA1 }, A.pro);
    expect(out.cutover.signoffs[0]?.voided?.reason).toBe(`release target changed from none to ${LABEL1}`);
  });

  it('a manual gate turning red voids the sign-offs in force', () => {
    const c = signBothGo(greenGates(approveTarget(seeded())));
    const out = run(
      c,
      {
        type: 'gate.set',
        gate: 'consumer-suite',
        status: 'red',
        runUrl: 'https://ci.example.com/consumer/77',
      },
      A.cic,
      at(10),
    );
    const cause = { kind: 'gate-red', gate: 'consumer-suite' };
    expect(out.cutover.signoffs.map((s) => s.voided)).toEqual([
      { at: at(10).toISOString(), reason: 'gate consumer-suite turned red', cause },
      { at: at(10).toISOString(), reason: 'gate consumer-suite turned red', cause },
    ]);
    expect(out.history.map((h) => [h.event, h.by])).toMatchObject([
      [{ type: 'gate.changed', gate: 'consumer-suite', before: 'green', after: 'red' }, U.cic],
      [{ type: 'signoff.voided', side: 'producer', decision: 'go', signer: U.pic, cause }, BOT],
      [{ type: 'signoff.voided', side: 'consumer', decision: 'go', signer: U.cic, cause }, BOT],
      [
        { type: 'gate.changed', gate: 'bilateral-signoff', before: 'green', after: 'pending', derived: true },
        BOT,
      ],
    ]);
  });

  it('a gate going from green to pending does not void a sign-off', () => {
    const c = signBothGo(greenGates(approveTarget(seeded())));
    const out = run(c, { type: 'gate.set', gate: 'alignment', status: 'pending' }, A.dlo);
    expect(out.cutover.signoffs.every((s) => !s.voided)).toBe(true);
    expect(out.events).toMatchObject([
      {
        type: 'gate.changed',
        gate: 'alignment',
        before: 'green',
        after: 'pending',
        derived: false,
        target: { tag: TAG1, sha: SHA1 },
      },
    ]);
    expect(signoffFor(out.cutover, 'producer')?.gates.alignment).toBe('green');
  });

  it('a newer sign-off replaces the side’s earlier one, and history says so', () => {
    const c = run(
      approveTarget(seeded()),
      { type: 'signoff', side: 'producer', decision: 'no-go', rationale: 'handoff missing' },
      A.pic,
    ).cutover;
    const out = run(c, { type: 'signoff', side: 'producer', decision: 'go' }, A.pic, at(1));
    expect(out.cutover.signoffs.map((s) => [s.decision, s.voided?.reason])).toEqual([
      ['no-go', 'replaced by a newer sign-off'],
      ['go', undefined],
    ]);
    expect(out.history.map((h) => h.event)).toEqual([
      {
        type: 'signoff.voided',
        side: 'producer',
        reason: 'replaced by a newer sign-off',
        cause: { kind: 'replaced' },
        decision: 'no-go',
        signer: U.pic,
      },
      {
        type: 'signoff.given',
        side: 'producer',
        decision: 'go',
        target: { tag: TAG1, sha: SHA1 },
        replaced: 'no-go',
      },
    ]);
    // The replacement is history's: the channel hears of the new sign-off only.
    expect(out.events.map((e) => e.type)).toMatchObject(['signoff.given']);
  });

  it('a GO sign-off needs an approved target to bind to', () => {
    expect(refuse(seeded(), { type: 'signoff', side: 'producer', decision: 'go' }, A.pic).message).toBe(
      'A GO sign-off binds to an approved release target, and none is published yet.',
    );
    const published = run(seeded(), { type: 'target.publish', tag: TAG1, sha: SHA1 }, A.pro).cutover;
    expect(refuse(published, { type: 'signoff', side: 'producer', decision: 'go' }, A.pic).message).toBe(
      `A GO sign-off binds to an approved target, and ${LABEL1} is not approved yet.`,
    );
  });

  it('a NO-GO sign-off needs a rationale, and may carry an evidence link', () => {
    const e = refuse(
      seeded(),
      { type: 'signoff', side: 'producer', decision: 'no-go', rationale: '   ' },
      A.pic,
    );
    expect(e).toEqual({
      code: 'invalid',
      field: 'rationale',
      message: 'A NO-GO sign-off needs a rationale: say what must change.',
    });
    const bad = refuse(
      seeded(),
      { type: 'signoff', side: 'producer', decision: 'no-go', rationale: 'x', evidenceUrl: 'see wiki' },
      A.pic,
    );
    expect(bad.field).toBe('evidenceUrl');
    const ok = run(
      seeded(),
      {
        type: 'signoff',
        side: 'producer',
        decision: 'no-go',
        rationale: 'no runtime target yet',
        evidenceUrl: 'https://wiki.example.com/checkpoint',
      },
      A.pic,
    );
    expect(ok.message).toBe('MemoryKernel signed NO-GO.');
    expect(ok.cutover.signoffs[0]).toMatchObject({
      decision: 'no-go',
      rationale: 'no runtime target yet',
      evidenceUrl: 'https://wiki.example.com/checkpoint',
    });
  });
});

// ---------------------------------------------------------------- rule 2

describe('rule 2: each commander signs for their own side; two different people must sign', () => {
  it("each side's commander signs only for their side", () => {
    const c = approveTarget(seeded());
    const e = refuse(c, { type: 'signoff', side: 'consumer', decision: 'go' }, A.pic);
    expect(e.code).toBe('forbidden');
    expect(e.message).toBe(
      `Only consumer-incident-commander (<@${U.cic}>) signs off for AssistSupport. Each commander signs only for their own side.`,
    );
    expect(refuse(c, { type: 'signoff', side: 'producer', decision: 'go' }, A.pro).message).toBe(
      `Only producer-incident-commander (<@${U.pic}>) signs off for MemoryKernel. You hold no commander role.`,
    );
  });

  it('one person holding both commander roles cannot sign both sides', () => {
    const both = runAll(approveTarget(seeded()), [
      [{ type: 'role.assign', role: 'consumer-incident-commander', user: U.pic }, A.admin],
      [{ type: 'signoff', side: 'producer', decision: 'go' }, A.pic],
    ]);
    const e = refuse(both, { type: 'signoff', side: 'consumer', decision: 'go' }, A.pic);
    expect(e).toEqual({
      code: 'refused',
      message:
        "You already signed for producer; two different people must sign. AssistSupport's sign-off needs another person.",
    });
    expect(blockerState(both, byId(both.blockers, 'joint-go-record')).status).toBe('open');
  });

  it('an admin may sign for a side, marked as admin in the sign-off and in history', () => {
    const out = run(approveTarget(seeded()), { type: 'signoff', side: 'consumer', decision: 'go' }, A.admin);
    expect(out.cutover.signoffs[0]).toMatchObject({ side: 'consumer', by: U.admin, asAdmin: true });
    expect(out.history[0]).toMatchObject({
      by: U.admin,
      asAdmin: true,
      event: { type: 'signoff.given', decision: 'go' },
    });
  });

  it('the two-people rule binds admins too', () => {
    const c = run(
      approveTarget(seeded()),
      { type: 'signoff', side: 'producer', decision: 'go' },
      A.admin,
    ).cutover;
    const e = refuse(c, { type: 'signoff', side: 'consumer', decision: 'go' }, A.admin);
    expect(e.message).toMatch(/^You already signed for producer; two different people must sign\./);
    const adminCommander = runAll(approveTarget(seeded()), [
      [{ type: 'role.assign', role: 'producer-incident-commander', user: U.admin }, A.admin],
      [{ type: 'signoff', side: 'producer', decision: 'go' }, A.admin],
    ]);
    expect(refuse(adminCommander, { type: 'signoff', side: 'consumer', decision: 'go' }, A.admin).code).toBe(
      'refused',
    );
  });

  it('CI does not sign off: only a person does', () => {
    expect(
      refuse(approveTarget(seeded()), { type: 'signoff', side: 'producer', decision: 'go' }, A.ci),
    ).toEqual({
      code: 'forbidden',
      message: 'Only a person signs off.',
    });
  });
});

// ---------------------------------------------------------------- rule 5

describe('rule 5: runtime-cutover GO only when blockers cleared, gates green and both sides signed GO', () => {
  it('runtime-cutover GO is refused with the full unmet list until every requirement holds', () => {
    const seeds = refuse(seeded(), GO_RUNTIME, A.dlo);
    expect(seeds.code).toBe('refused');
    expect(seeds.message).toBe('Runtime cutover execution (runtime-cutover) cannot be GO yet. Unmet:');
    expect(seeds.unmet).toEqual(mayDecideGo(seeded(), 'runtime-cutover').unmet);
    // The joint record blocker is not among them: the record of this GO can only come after it.
    expect(seeds.unmet).toHaveLength(9);
    expect(seeds.unmet?.some((u) => u.startsWith('blocker joint-go-record'))).toBe(false);

    const targeted = approveTarget(seeded());
    expect(
      refuse(targeted, GO_RUNTIME, A.dlo).unmet?.some((u) => u.startsWith('blocker release-target')),
    ).toBe(false);
    const gated = greenGates(targeted);
    expect(refuse(gated, GO_RUNTIME, A.dlo).unmet?.filter((u) => u.startsWith('gate '))).toEqual([
      'gate bilateral-signoff is pending (owner decision-log-owner)',
      'gate release-evidence is pending (owner producer-rollback-owner)',
    ]);
    const evidenced = logAllEvidence(gated);
    expect(refuse(evidenced, GO_RUNTIME, A.dlo).unmet).toEqual([
      'gate bilateral-signoff is pending (owner decision-log-owner)',
      'MemoryKernel has not signed GO on the current approved target — /cutover signoff (producer-incident-commander)',
      'AssistSupport has not signed GO on the current approved target — /cutover signoff (consumer-incident-commander)',
    ]);
    const out = run(signBothGo(evidenced), GO_RUNTIME, A.dlo, at(60));
    expect(out.message).toBe('Runtime cutover execution: NO-GO → GO.');
    expect(byId(out.cutover.decisions, 'runtime-cutover')).toMatchObject({
      status: 'go',
      rationale: 'bilateral GO',
      by: U.dlo,
      at: at(60).toISOString(),
    });
    expect(out.events).toMatchObject([
      { type: 'decision.changed', decision: 'runtime-cutover', before: 'no-go', after: 'go' },
    ]);
  });

  it('the refusal reads as one paragraph with every unmet requirement as a bullet', () => {
    const text = describeError(refuse(greenGates(approveTarget(seeded())), GO_RUNTIME, A.dlo));
    const lines = text.split('\n');
    expect(lines[0]).toBe('Runtime cutover execution (runtime-cutover) cannot be GO yet. Unmet:');
    expect(lines.slice(1).every((l) => l.startsWith('• '))).toBe(true);
    expect(lines).toContain('• gate release-evidence is pending (owner producer-rollback-owner)');
  });

  it('every gate must be green: one back at pending holds GO back', () => {
    const c = run(
      readyForGo(),
      { type: 'gate.set', gate: 'producer-suite', status: 'pending' },
      A.pic,
    ).cutover;
    expect(refuse(c, GO_RUNTIME, A.dlo).unmet).toEqual([
      `gate producer-suite is pending for ${LABEL1} (owner producer-incident-commander)`,
    ]);
  });

  it('both sides must have signed GO on the current approved target: a NO-GO holds GO back', () => {
    const c = run(
      readyForGo(),
      { type: 'signoff', side: 'consumer', decision: 'no-go', rationale: 'pin mismatch found' },
      A.cic,
    ).cutover;
    expect(refuse(c, GO_RUNTIME, A.dlo).unmet).toEqual([
      'gate bilateral-signoff is pending (owner decision-log-owner)',
      'AssistSupport has not signed GO on the current approved target — /cutover signoff (consumer-incident-commander)',
    ]);
  });

  it('NO-GO is always allowed, with a rationale', () => {
    const fromGo = run(
      decidedGo(),
      { type: 'decide', decision: 'runtime-cutover', status: 'no-go', rationale: 'rollback drill failed' },
      A.dlo,
    );
    expect(fromGo.message).toBe('Runtime cutover execution: GO → NO-GO.');
    expect(byId(fromGo.cutover.decisions, 'runtime-cutover')).toMatchObject({
      status: 'no-go',
      rationale: 'rollback drill failed',
    });
    // Nothing of runtime-cutover's requirements is met in the seeds, and rehearsal may still go NO-GO.
    const rehearsal = run(
      seeded(),
      { type: 'decide', decision: 'rehearsal', status: 'no-go', rationale: 'pause rehearsals' },
      A.dlo,
    );
    expect(byId(rehearsal.cutover.decisions, 'rehearsal').status).toBe('no-go');
  });

  it('a decision without a rationale is refused, naming the field rationale', () => {
    for (const rationale of ['', '   ']) {
      const e = refuse(
        decidedGo(),
        { type: 'decide', decision: 'runtime-cutover', status: 'no-go', rationale },
        A.dlo,
      );
      expect(e).toEqual({ code: 'invalid', field: 'rationale', message: 'rationale: give the rationale' });
    }
    const missing = refuse(
      decidedGo(),
      { type: 'decide', decision: 'runtime-cutover', status: 'no-go' },
      A.dlo,
    );
    expect(missing.field).toBe('rationale');
  });

  it('NO-GO may be restated with a new rationale, which history records', () => {
    const r = execute(
      seeded(),
      {
        type: 'decide',
        decision: 'runtime-cutover',
        status: 'no-go',
        rationale: 'still waiting on the vendor',
      },
      A.dlo,
      T0,
    );
    if (!r.ok) throw new Error(r.error.message);
    expect(r.cutover.decisions.find((d) => d.id === 'runtime-cutover')).toMatchObject({
      status: 'no-go',
      rationale: 'still waiting on the vendor',
    });
    expect(r.history).toEqual([
      expect.objectContaining({
        event: expect.objectContaining({
          type: 'decision.changed',
          before: 'no-go',
          after: 'no-go',
          rationale: 'still waiting on the vendor',
        }),
      }),
    ]);
  });

  it('the same NO-GO with the same rationale says so and writes nothing', () => {
    const c = seeded();
    const same = c.decisions.find((d) => d.id === 'runtime-cutover')?.rationale ?? '';
    expect(
      refuse(c, { type: 'decide', decision: 'runtime-cutover', status: 'no-go', rationale: same }, A.dlo),
    ).toEqual({
      code: 'unchanged',
      message: 'Runtime cutover execution (runtime-cutover) is already NO-GO.',
    });
  });
});

// ---------------------------------------------------------------- rule 6

describe('rule 6: phase 8 starts only when its blockers are cleared and runtime-cutover is GO', () => {
  it('phase 8 start is refused while blockers are open, with the list', () => {
    const e = refuse(seeded(), START_8, A.dlo);
    expect(e.message).toBe('Phase 8 cannot start yet. Unmet:');
    expect(e.unmet).toEqual(mayStartPhase(seeded(), '8').unmet);
    expect(e.unmet).toContain('decision runtime-cutover (Runtime cutover execution) is NO-GO');
  });

  it('phase 8 start is refused while runtime-cutover is NO-GO: every other blocker cleared, the record waits for the GO', () => {
    expect(refuse(readyForGo(), START_8, A.dlo).unmet).toEqual([
      "blocker joint-go-record is open: MemoryKernel's repository cannot hold the record of a GO yet: both sides sign GO and the decision is recorded GO first; AssistSupport's repository cannot hold the record of a GO yet: both sides sign GO and the decision is recorded GO first",
      'decision runtime-cutover (Runtime cutover execution) is NO-GO',
    ]);
  });

  const recordUnmet = (c: Cutover) => blockerState(c, byId(c.blockers, 'joint-go-record'));
  const reportOf = (c: Cutover, side: string, go: string | undefined) =>
    execute(
      c,
      {
        type: 'record.report',
        side,
        repo: `${side}/repo`,
        commit: SHA1,
        contentHash: 'c'.repeat(64),
        go: go ?? '',
      },
      A.ci,
      at(20),
    );

  it('phase 8 waits until both repos hold the record of the current GO', () => {
    const go = decidedGo();
    expect(mayDecideGo(go, 'runtime-cutover').ok).toBe(true);
    expect(refuse(go, START_8, A.dlo).unmet).toEqual([
      expect.stringMatching(
        /^blocker joint-go-record is open: MemoryKernel has not reported .*; AssistSupport has not reported /,
      ),
    ]);
    const one = reportOf(go, 'producer', goFingerprint(go));
    if (!one.ok) throw new Error(one.error.message);
    expect(refuse(one.cutover, START_8, A.dlo).unmet).toEqual([
      expect.stringMatching(
        /^blocker joint-go-record is open: AssistSupport has not reported a commit holding the decision record of the current GO/,
      ),
    ]);
    const both = reportOf(one.cutover, 'consumer', goFingerprint(go));
    if (!both.ok) throw new Error(both.error.message);
    expect(both.events).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          type: 'blocker.cleared',
          blocker: 'joint-go-record',
          derived: true,
        }),
      ]),
    );
    expect(run(both.cutover, START_8, A.dlo).cutover.phases.find((p) => p.id === '8')?.status).toBe(
      'started',
    );
  });

  it('a report of a record from before the last change does not clear it', () => {
    const go = decidedGo();
    const before = goFingerprint(go);
    // The producer signs GO again: the GO in force is another one, and the record of the earlier one is out of date.
    const resigned = run(
      go,
      { type: 'signoff', side: 'producer', decision: 'go', rationale: 'signed again after the rerun' },
      A.pic,
      at(10),
    ).cutover;
    expect(resigned.decisions.find((d) => d.id === 'runtime-cutover')?.status).toBe('go');
    expect(goFingerprint(resigned)).not.toBe(before);
    for (const side of ['producer', 'consumer']) {
      const out = reportOf(resigned, side, before);
      expect(out.ok).toBe(false);
      expect(!out.ok && out.error).toMatchObject({ code: 'stale', field: 'go' });
    }
    // A record fetched before the decision was GO holds no GO at all.
    expect(goFingerprint(readyForGo())).toBeUndefined();
    expect(recordUnmet(resigned).status).toBe('open');
    expect(refuse(resigned, START_8, A.dlo).code).toBe('refused');
  });

  it('a new GO needs new reports', () => {
    const recorded = recordedGo();
    expect(recordUnmet(recorded)).toEqual({ status: 'cleared', unmet: [] });
    const held = run(
      recorded,
      { type: 'decide', decision: 'runtime-cutover', status: 'no-go', rationale: 'hold for the vendor' },
      A.dlo,
      at(30),
    ).cutover;
    const again = run(held, GO_RUNTIME, A.dlo, at(31)).cutover;
    expect(again.decisions.find((d) => d.id === 'runtime-cutover')?.status).toBe('go');
    expect(recordUnmet(again)).toEqual({
      status: 'open',
      unmet: ['MemoryKernel', 'AssistSupport'].map(
        (side) =>
          `${side} has not reported a commit holding the decision record of the current GO (its CI reports it: POST …/records)`,
      ),
    });
    expect(refuse(again, START_8, A.dlo).code).toBe('refused');
    expect(run(reportRecords(again, at(40)), START_8, A.dlo, at(41)).message).toBe(
      'Phase 8 (Runtime cutover): not-started → started.',
    );
  });

  it('phase 8 starts once its blockers are cleared and runtime-cutover is GO', () => {
    const out = run(recordedGo(), START_8, A.dlo, at(90));
    expect(out.message).toBe('Phase 8 (Runtime cutover): not-started → started.');
    expect(out.events).toMatchObject([
      { type: 'phase.changed', phase: '8', before: 'not-started', after: 'started' },
    ]);
    expect(out.history).toEqual([
      {
        at: at(90).toISOString(),
        by: U.dlo,
        asAdmin: false,
        event: {
          type: 'phase.changed',
          phase: '8',
          before: 'not-started',
          after: 'started',
          title: 'Runtime cutover',
        },
      },
    ]);
  });

  it('a phase closes only after it started', () => {
    expect(refuse(seeded(), { type: 'phase', phase: '8', action: 'close' }, A.dlo)).toEqual({
      code: 'refused',
      message: 'Phase 8 has not started; start it before closing it.',
    });
    const started = run(recordedGo(), START_8, A.dlo).cutover;
    expect(refuse(started, START_8, A.dlo)).toEqual({
      code: 'unchanged',
      message: 'Phase 8 is already started.',
    });
    const closed = run(started, { type: 'phase', phase: '8', action: 'close' }, A.dlo);
    expect(closed.events).toMatchObject([
      { type: 'phase.changed', phase: '8', before: 'started', after: 'closed' },
    ]);
    expect(refuse(closed.cutover, { type: 'phase', phase: '8', action: 'close' }, A.dlo).message).toBe(
      'Phase 8 is already closed.',
    );
    expect(refuse(seeded(), { type: 'phase', phase: '7', action: 'start' }, A.dlo).message).toBe(
      'Phase 7 is already closed.',
    );
  });
});

// ---------------------------------------------------------------- rule 7

describe('rule 7: permissions come from the program file; refusals say who may act', () => {
  const published = () => run(seeded(), { type: 'target.publish', tag: TAG1, sha: SHA1 }, A.pro).cutover;
  const withManualBlocker = () =>
    run(seeded(), { type: 'blocker.add', owner: 'consumer-rollback-owner', title: 'DNS TTL lowered' }, A.dlo)
      .cutover;

  it('publishing a target: the producer rollback owner', () => {
    expect(run(seeded(), { type: 'target.publish', tag: TAG1, sha: SHA1 }, A.pro).message).toBe(
      `Release target ${LABEL1} published; it waits for approval.`,
    );
    for (const who of [A.pic, A.cic, A.cro, A.dlo])
      expect(refuse(seeded(), { type: 'target.publish', tag: TAG1, sha: SHA1 }, who).code).toBe('forbidden');
    expect(refuse(seeded(), { type: 'target.publish', tag: TAG1, sha: SHA1 }, A.cro).message).toBe(
      `Only producer-rollback-owner (<@${U.pro}>) or an admin may publish a release target. You hold consumer-rollback-owner.`,
    );
  });

  it('approving a target: the consumer rollback owner', () => {
    expect(run(published(), { type: 'target.approve', target: TAG1 }, A.cro).message).toBe(
      `Release target ${LABEL1} approved; it is now immutable.`,
    );
    for (const who of [A.pic, A.cic, A.dlo])
      expect(refuse(published(), { type: 'target.approve', target: TAG1 }, who).code).toBe('forbidden');
    expect(refuse(published(), { type: 'target.approve', target: TAG1 }, A.dlo).message).toBe(
      `Only consumer-rollback-owner (<@${U.cro}>) or an admin may approve the release target. You hold decision-log-owner.`,
    );
  });

  it('logging evidence: the roles of that evidence’s side', () => {
    const c = published();
    run(c, { type: 'evidence.log', evidence: 'producer-handoff', url: EVIDENCE_URL('a') }, A.pic);
    run(c, { type: 'evidence.log', evidence: 'producer-handoff', url: EVIDENCE_URL('a') }, A.pro);
    run(c, { type: 'evidence.log', evidence: 'consumer-repin', url: EVIDENCE_URL('a') }, A.cic);
    run(c, { type: 'evidence.log', evidence: 'consumer-repin', url: EVIDENCE_URL('a') }, A.cro);
    expect(
      refuse(c, { type: 'evidence.log', evidence: 'producer-handoff', url: EVIDENCE_URL('a') }, A.cro)
        .message,
    ).toBe(
      `Only producer-incident-commander (<@${U.pic}>), producer-rollback-owner (<@${U.pro}>) or an admin may log this evidence. You hold consumer-rollback-owner.`,
    );
    expect(
      refuse(c, { type: 'evidence.log', evidence: 'consumer-repin', url: EVIDENCE_URL('a') }, A.dlo).code,
    ).toBe('forbidden');
  });

  it('setting a gate: its owner role', () => {
    const c = approveTarget(seeded());
    expect(run(c, { type: 'gate.set', gate: 'producer-suite', status: 'green' }, A.pic).message).toBe(
      `Gate producer-suite: pending → green for ${LABEL1}.`,
    );
    run(c, { type: 'gate.set', gate: 'consumer-suite', status: 'green' }, A.cic);
    run(c, { type: 'gate.set', gate: 'alignment', status: 'green' }, A.dlo);
    expect(refuse(c, { type: 'gate.set', gate: 'producer-suite', status: 'green' }, A.pro).message).toBe(
      `Only producer-incident-commander (<@${U.pic}>) or an admin may set this gate. You hold producer-rollback-owner.`,
    );
    expect(refuse(c, { type: 'gate.set', gate: 'alignment', status: 'green' }, A.cic).code).toBe('forbidden');
  });

  it('clearing or reopening a blocker: its owner, either commander, or the decision log owner', () => {
    const c = withManualBlocker();
    for (const who of [A.cro, A.pic, A.cic, A.dlo]) {
      const cleared = run(c, { type: 'blocker.clear', blocker: 'dns-ttl-lowered' }, who).cutover;
      run(cleared, { type: 'blocker.reopen', blocker: 'dns-ttl-lowered', reason: 'TTL back at 3600' }, who);
    }
    const e = refuse(c, { type: 'blocker.clear', blocker: 'dns-ttl-lowered' }, A.pro);
    expect(e.message).toBe(
      `Only consumer-rollback-owner (<@${U.cro}>), producer-incident-commander (<@${U.pic}>), consumer-incident-commander (<@${U.cic}>), decision-log-owner (<@${U.dlo}>) or an admin may clear this blocker. You hold producer-rollback-owner.`,
    );
    const cleared = run(c, { type: 'blocker.clear', blocker: 'dns-ttl-lowered' }, A.cro).cutover;
    expect(
      refuse(cleared, { type: 'blocker.reopen', blocker: 'dns-ttl-lowered', reason: 'x' }, A.nobody).message,
    ).toMatch(/or an admin may reopen this blocker\. You hold no role in this cutover\.$/);
  });

  it('adding a blocker, deciding, phases and the window: the decision log owner', () => {
    expect(
      run(seeded(), { type: 'blocker.add', owner: 'decision-log-owner', title: 'CAB' }, A.dlo).message,
    ).toBe('Blocker cab added before phase 8, owned by decision-log-owner.');
    expect(
      refuse(seeded(), { type: 'blocker.add', owner: 'decision-log-owner', title: 'CAB' }, A.pic).message,
    ).toBe(
      `Only decision-log-owner (<@${U.dlo}>) or an admin may add blockers. You hold producer-incident-commander.`,
    );
    run(readyForGo(), GO_RUNTIME, A.dlo);
    expect(refuse(readyForGo(), GO_RUNTIME, A.pic).message).toMatch(
      /^Only decision-log-owner .* may record decisions\./,
    );
    run(recordedGo(), START_8, A.dlo);
    expect(refuse(recordedGo(), START_8, A.cic).message).toMatch(
      /^Only decision-log-owner .* may start or close phases\./,
    );
    const win = { type: 'window', start: '2026-02-14T08:00Z', end: '2026-02-14T12:00Z' } as const;
    run(seeded(), win, A.dlo);
    expect(refuse(seeded(), win, A.cro).message).toMatch(
      /^Only decision-log-owner .* may set the cutover window\./,
    );
  });

  it('assigning roles: admins only', () => {
    const out = run(
      seeded(),
      { type: 'role.assign', role: 'decision-log-owner', user: 'UNEWDLO01' },
      A.admin,
    );
    // The core says it with the user id; Slack names the person with a mention.
    expect(out.message).toBe('Integration Program Owner (decision-log-owner) is now UNEWDLO01.');
    expect(outcomeText(out)).toBe(
      ':white_check_mark: Integration Program Owner (decision-log-owner) is now <@UNEWDLO01>.',
    );
    expect(out.events).toMatchObject([
      { type: 'role.assigned', role: 'decision-log-owner', before: U.dlo, after: 'UNEWDLO01' },
    ]);
    expect(refuse(seeded(), { type: 'role.assign', role: 'decision-log-owner', user: U.pic }, A.dlo)).toEqual(
      {
        code: 'forbidden',
        message: 'Only an admin may assign roles. You hold decision-log-owner.',
      },
    );
    const unassigned = run(
      seeded(),
      { type: 'role.assign', role: 'decision-log-owner', user: null },
      A.admin,
    );
    expect(unassigned.message).toBe('Integration Program Owner (decision-log-owner) is now unassigned.');
    expect(refuse(unassigned.cutover, GO_RUNTIME, A.dlo).message).toBe(
      'Only decision-log-owner (unassigned) or an admin may record decisions. You hold no role in this cutover.',
    );
    expect(
      refuse(seeded(), { type: 'role.assign', role: 'decision-log-owner', user: U.dlo }, A.admin),
    ).toEqual({
      code: 'unchanged',
      message: 'decision-log-owner is already held by that person.',
    });
  });

  it('an admin may take any action, marked asAdmin in history', () => {
    const steps: [CommandInput, string][] = [
      [{ type: 'target.publish', tag: TAG1, sha: SHA1 }, 'target.published'],
      [{ type: 'gate.set', gate: 'producer-suite', status: 'green' }, 'gate.changed'],
      [{ type: 'evidence.log', evidence: 'consumer-repin', url: EVIDENCE_URL('r') }, 'evidence.logged'],
      [{ type: 'blocker.add', owner: 'producer-rollback-owner', title: 'Pager rota' }, 'blocker.added'],
      [{ type: 'blocker.clear', blocker: 'pager-rota' }, 'blocker.cleared'],
      [{ type: 'window', start: '2026-02-14T08:00Z', end: '2026-02-14T12:00Z' }, 'window.set'],
      [{ type: 'decide', decision: 'rehearsal', status: 'no-go', rationale: 'hold' }, 'decision.changed'],
    ];
    let c = seeded();
    for (const [cmd, action] of steps) {
      const out = run(c, cmd, A.admin);
      expect(out.history[0]).toMatchObject({ by: U.admin, asAdmin: true, event: { type: action } });
      c = out.cutover;
    }
    // A role holder acting within their role is not marked.
    expect(run(c, { type: 'target.approve', target: TAG1 }, A.cro).history[0]).toMatchObject({
      by: U.cro,
      asAdmin: false,
    });
  });

  it('an admin cannot get round rules 1–6', () => {
    // Rule 5: deciding GO early.
    const early = refuse(seeded(), GO_RUNTIME, A.admin);
    expect(early.code).toBe('refused');
    expect(early.unmet?.length).toBeGreaterThan(0);
    // Rule 6: starting phase 8 early.
    expect(refuse(readyForGo(), START_8, A.admin).code).toBe('refused');
    // Rule 4: clearing a derived blocker by hand.
    expect(refuse(seeded(), { type: 'blocker.clear', blocker: 'evidence-bundle' }, A.admin).code).toBe(
      'refused',
    );
    // Target rules: approving their own target.
    const own = run(seeded(), { type: 'target.publish', tag: TAG1, sha: SHA1 }, A.admin).cutover;
    expect(refuse(own, { type: 'target.approve', target: TAG1 }, A.admin).message).toBe(
      `You published ${LABEL1}; a different person must approve it.`,
    );
  });

  it('CI may set gates and log evidence, nothing else', () => {
    const c = published();
    const gate = run(
      c,
      { type: 'gate.set', gate: 'consumer-suite', status: 'green', runUrl: 'https://ci.example.com/9' },
      A.ci,
    );
    expect(gate.history[0]).toMatchObject({
      by: 'CI: GitHub Actions',
      asAdmin: false,
      event: { type: 'gate.changed', before: 'pending', after: 'green' },
    });
    expect(byId(gate.cutover.gates, 'consumer-suite').results).toEqual([
      {
        sha: SHA1,
        tag: TAG1,
        status: 'green',
        runUrl: 'https://ci.example.com/9',
        by: 'CI: GitHub Actions',
        at: T0.toISOString(),
      },
    ]);
    const ev = run(c, { type: 'evidence.log', evidence: 'producer-rollback', url: EVIDENCE_URL('pr') }, A.ci);
    expect(byId(ev.cutover.evidence, 'producer-rollback').entries[0]?.by).toBe('CI: GitHub Actions');
    const others: [CommandInput, string][] = [
      [{ type: 'target.publish', tag: TAG2, sha: SHA2 }, 'publish a release target'],
      [{ type: 'target.approve', target: TAG1 }, 'approve the release target'],
      [{ type: 'blocker.add', owner: 'decision-log-owner', title: 'x' }, 'add blockers'],
      [GO_RUNTIME, 'record decisions'],
      [START_8, 'start or close phases'],
      [{ type: 'window', start: '2026-02-14T08:00Z', end: '2026-02-14T12:00Z' }, 'set the cutover window'],
      [{ type: 'role.assign', role: 'decision-log-owner', user: U.pic }, 'assign roles'],
    ];
    for (const [cmd, words] of others)
      expect(refuse(c, cmd, A.ci)).toEqual({
        code: 'forbidden',
        message: `CI may only set gates and log evidence, not ${words}.`,
      });
    const manual = run(c, { type: 'blocker.add', owner: 'decision-log-owner', title: 'x' }, A.dlo).cutover;
    expect(refuse(manual, { type: 'blocker.clear', blocker: 'x' }, A.ci).message).toBe(
      'CI may only set gates and log evidence, not clear this blocker.',
    );
  });
});

// ---------------------------------------------------------------- rule 8

describe('rule 8: every change appends history — when, who, as admin or not, what, before → after', () => {
  it('every change appends history: when, who, asAdmin, and what happened as the typed event', () => {
    const when = at(42).toISOString();
    const T1 = { tag: TAG1, sha: SHA1 };
    const cases: [() => Cutover, CommandInput, Actor, Record<string, unknown>][] = [
      [
        seeded,
        { type: 'role.assign', role: 'producer-rollback-owner', user: 'UNEWPRO01' },
        A.admin,
        {
          by: U.admin,
          asAdmin: true,
          event: {
            type: 'role.assigned',
            role: 'producer-rollback-owner',
            before: U.pro,
            after: 'UNEWPRO01',
          },
        },
      ],
      [
        seeded,
        { type: 'target.publish', tag: TAG1, sha: SHA1 },
        A.pro,
        { by: U.pro, event: { type: 'target.published', tag: TAG1, sha: SHA1 } },
      ],
      [
        () => run(seeded(), { type: 'target.publish', tag: TAG1, sha: SHA1 }, A.pro).cutover,
        { type: 'target.approve', target: TAG1 },
        A.cro,
        { by: U.cro, event: { type: 'target.approved', tag: TAG1, sha: SHA1 } },
      ],
      [
        () => approveTarget(seeded()),
        { type: 'gate.set', gate: 'alignment', status: 'red', evidenceUrl: 'https://ci.example.com/align/3' },
        A.dlo,
        {
          by: U.dlo,
          event: {
            type: 'gate.changed',
            gate: 'alignment',
            before: 'pending',
            after: 'red',
            target: T1,
            evidenceUrl: 'https://ci.example.com/align/3',
          },
        },
      ],
      [
        () => approveTarget(seeded()),
        { type: 'evidence.log', evidence: 'consumer-rollback', url: EVIDENCE_URL('cr') },
        A.cic,
        {
          by: U.cic,
          event: {
            type: 'evidence.logged',
            evidence: 'consumer-rollback',
            url: EVIDENCE_URL('cr'),
            target: T1,
          },
        },
      ],
      [
        () => approveTarget(seeded()),
        { type: 'signoff', side: 'producer', decision: 'go' },
        A.pic,
        { by: U.pic, event: { type: 'signoff.given', side: 'producer', decision: 'go', target: T1 } },
      ],
      [
        seeded,
        { type: 'blocker.add', owner: 'decision-log-owner', title: 'CAB approval' },
        A.dlo,
        {
          by: U.dlo,
          event: {
            type: 'blocker.added',
            blocker: 'cab-approval',
            title: 'CAB approval',
            owner: 'decision-log-owner',
          },
        },
      ],
      [
        () =>
          run(seeded(), { type: 'blocker.add', owner: 'decision-log-owner', title: 'CAB approval' }, A.dlo)
            .cutover,
        { type: 'blocker.clear', blocker: 'cab-approval', evidenceUrl: 'https://cab.example.com/1' },
        A.cic,
        {
          by: U.cic,
          event: {
            type: 'blocker.cleared',
            blocker: 'cab-approval',
            evidenceUrl: 'https://cab.example.com/1',
          },
        },
      ],
      [
        readyForGo,
        GO_RUNTIME,
        A.dlo,
        {
          by: U.dlo,
          event: {
            type: 'decision.changed',
            decision: 'runtime-cutover',
            before: 'no-go',
            after: 'go',
            rationale: 'bilateral GO',
          },
        },
      ],
      [
        recordedGo,
        START_8,
        A.dlo,
        { by: U.dlo, event: { type: 'phase.changed', phase: '8', before: 'not-started', after: 'started' } },
      ],
      [
        seeded,
        { type: 'window', start: '2026-02-14T09:00+01:00', end: '2026-02-14T13:00+01:00' },
        A.dlo,
        {
          by: U.dlo,
          event: { type: 'window.set', start: '2026-02-14T08:00:00.000Z', end: '2026-02-14T12:00:00.000Z' },
        },
      ],
    ];
    for (const [state, cmd, actor, expected] of cases) {
      const out = run(state(), cmd, actor, at(42));
      expect(out.history[0], cmd.type).toMatchObject({ at: when, asAdmin: false, ...expected });
      expect(out.cutover.updated).toBe(when);
    }
  });

  it('a refusal writes no history and leaves the cutover as it was', () => {
    const c = seeded();
    const out = execute(c, GO_RUNTIME, A.pic, T0);
    expect(out).toEqual({ ok: false, error: expect.objectContaining({ code: 'forbidden' }) });
    expect(c).toEqual(seeded());
  });

  it('history names people by Slack id, CI by name and the bot as cutover-bot', () => {
    expect(actorName(A.pic)).toBe(U.pic);
    expect(actorName(A.ci)).toBe('CI: GitHub Actions');
    expect(actorName({ kind: 'system' })).toBe('cutover-bot');
  });
});

// ---------------------------------------------------------------- rule 9

describe('rule 9: bad input is refused naming the field, and nothing is written', () => {
  const published = () => run(seeded(), { type: 'target.publish', tag: TAG1, sha: SHA1 }, A.pro).cutover;
  const cases: [string, () => Cutover, Record<string, unknown>, Actor, string, RegExp][] = [
    [
      'a 39-character SHA',
      seeded,
      { type: 'target.publish', tag: TAG1, sha: SHA1.slice(1) },
      A.pro,
      'sha',
      /^commit SHA: give the full 40-character hex commit SHA$/,
    ],
    [
      'a non-hex SHA',
      seeded,
      { type: 'target.publish', tag: TAG1, sha: 'g'.repeat(40) },
      A.pro,
      'sha',
      /40-character hex/,
    ],
    [
      'a short SHA',
      seeded,
      { type: 'target.publish', tag: TAG1, sha: short(SHA1) },
      A.pro,
      'sha',
      /40-character hex/,
    ],
    [
      'a tag with a space',
      seeded,
      { type: 'target.publish', tag: 'service v3', sha: SHA1 },
      A.pro,
      'tag',
      /no spaces/,
    ],
    [
      'an ftp link as evidence',
      published,
      { type: 'evidence.log', evidence: 'producer-handoff', url: 'ftp://files.example.com/h' },
      A.pro,
      'url',
      /http\(s\) link/,
    ],
    [
      'a javascript: link on a gate',
      seeded,
      { type: 'gate.set', gate: 'alignment', status: 'green', evidenceUrl: 'javascript:alert(1)' },
      A.dlo,
      'evidenceUrl',
      /^evidence link: give a full http\(s\) link/,
    ],
    [
      'a bare word as a run link',
      seeded,
      { type: 'gate.set', gate: 'alignment', status: 'green', runUrl: 'run42' },
      A.dlo,
      'runUrl',
      /^run link: /,
    ],
    [
      'a malformed time',
      seeded,
      { type: 'window', start: 'next tuesday 9am', end: '2026-02-14T12:00Z' },
      A.dlo,
      'start',
      /use ISO 8601 with an offset or a zone/,
    ],
    [
      'a time without offset or zone',
      seeded,
      { type: 'window', start: '2026-02-14T08:00', end: '2026-02-14T12:00Z' },
      A.dlo,
      'start',
      /use ISO 8601 with an offset or a zone/,
    ],
    [
      'a calendar-impossible time',
      seeded,
      { type: 'window', start: '2026-02-14T08:00Z', end: '2026-02-30T12:00Z' },
      A.dlo,
      'end',
      /2026-02-30T12:00Z is not a date on the calendar/,
    ],
    [
      'an unknown time zone',
      seeded,
      { type: 'window', start: '2026-02-14T08:00[Mars/Olympus]', end: '2026-02-14T12:00Z' },
      A.dlo,
      'start',
      /"Mars\/Olympus" is not a time zone/,
    ],
    [
      'an unknown role',
      seeded,
      { type: 'role.assign', role: 'release-captain', user: U.pic },
      A.admin,
      'role',
      /^There is no role "release-captain"\. Known role ids: producer-incident-commander, consumer-incident-commander, producer-rollback-owner, consumer-rollback-owner, decision-log-owner\.$/,
    ],
    [
      'an unknown owner role',
      seeded,
      { type: 'blocker.add', owner: 'release-captain', title: 'x' },
      A.dlo,
      'owner',
      /^There is no role "release-captain"/,
    ],
    [
      'an unknown blocker',
      seeded,
      { type: 'blocker.clear', blocker: 'dns-ttl' },
      A.dlo,
      'blocker',
      /^There is no blocker "dns-ttl"\. Known blocker ids: release-target, joint-go-record, evidence-bundle, rollback-evidence\.$/,
    ],
    [
      'an unknown gate',
      seeded,
      { type: 'gate.set', gate: 'perf-suite', status: 'green' },
      A.dlo,
      'gate',
      /^There is no gate "perf-suite"\. Known gate ids: producer-suite, /,
    ],
    [
      'an unknown evidence',
      published,
      { type: 'evidence.log', evidence: 'screenshots', url: EVIDENCE_URL('s') },
      A.pro,
      'evidence',
      /^There is no evidence "screenshots"\. Known .*producer-handoff, consumer-repin/,
    ],
    [
      'an unknown decision',
      seeded,
      { type: 'decide', decision: 'launch', status: 'no-go', rationale: 'x' },
      A.dlo,
      'decision',
      /^There is no decision "launch"\. Known decision ids: rehearsal, runtime-cutover\.$/,
    ],
    [
      'an unknown phase',
      seeded,
      { type: 'phase', phase: '9', action: 'start' },
      A.dlo,
      'phase',
      /^There is no phase "9"\. Known phase ids: 7, 8\.$/,
    ],
    [
      'an unknown side',
      seeded,
      { type: 'signoff', side: 'partner', decision: 'go' },
      A.pic,
      'side',
      /^There is no side "partner"\. Known side ids: producer, consumer\.$/,
    ],
    [
      'an id that is not an id',
      seeded,
      { type: 'blocker.clear', blocker: 'Release Target' },
      A.dlo,
      'blocker',
      /^blocker: use lower-case letters/,
    ],
    [
      'a Slack user that is not a user id',
      seeded,
      { type: 'role.assign', role: 'decision-log-owner', user: '@dana' },
      A.admin,
      'user',
      /a Slack user id \(U012ABCDEF\) or user-group id \(S012ABCDEF\)/,
    ],
    [
      'a gate status that does not exist',
      seeded,
      { type: 'gate.set', gate: 'alignment', status: 'amber' },
      A.dlo,
      'status',
      /^status: /,
    ],
    ['an unknown command', seeded, { type: 'target.delete' }, A.admin, 'type', /^type: /],
  ];

  it.each(cases)('%s is refused, naming the field', (_name, state, input, actor, field, message) => {
    const e = refuse(state(), input, actor);
    expect(e.field).toBe(field);
    expect(e.message).toMatch(message);
  });

  it('a refusal leaves the input cutover deep-equal to a copy taken before', () => {
    const c = readyForGo();
    const copy = structuredClone(c);
    for (const [, , input, actor] of cases) execute(c, input, actor, T0);
    execute(c, GO_RUNTIME, A.pic, T0);
    expect(c).toEqual(copy);
  });
});

// ---------------------------------------------------------------- release target

describe('the release target', () => {
  it('a SHA is stored lower-case and a tag trimmed', () => {
    const out = run(
      seeded(),
      { type: 'target.publish', tag: `  ${TAG1} `, sha: SHA1.toUpperCase() },
      A.pro,
      at(3),
    );
    expect(out.cutover.targets).toEqual([
      { tag: TAG1, sha: SHA1, published: { by: U.pro, at: at(3).toISOString() } },
    ]);
    expect(out.events).toMatchObject([{ type: 'target.published', tag: TAG1, sha: SHA1 }]);
  });

  it('there is nothing to approve before a target is published', () => {
    expect(refuse(seeded(), { type: 'target.approve', target: TAG1 }, A.cro)).toEqual({
      code: 'refused',
      message: 'There is no release target to approve. Publish one first: /cutover target <tag> <sha>.',
    });
  });

  it('an approved target cannot be approved again', () => {
    expect(refuse(approveTarget(seeded()), { type: 'target.approve', target: TAG1 }, A.cro)).toEqual({
      code: 'unchanged',
      message: `${LABEL1} is already approved.`,
    });
  });

  it('a tag once published cannot be published again with a different SHA: tags are immutable', () => {
    const c = approveTarget(seeded());
    const e = refuse(c, { type: 'target.publish', tag: TAG1, sha: SHA2 }, A.pro);
    expect(e).toEqual({
      code: 'invalid',
      field: 'tag',
      message: `Tag ${TAG1} was published before at ${SHA1}; a release tag is immutable. Publish a new tag for ${SHA2}.`,
    });
    // Still true after the tag was superseded.
    const moved = run(c, { type: 'target.publish', tag: TAG2, sha: SHA2 }, A.pro).cutover;
    expect(refuse(moved, { type: 'target.publish', tag: TAG1, sha: sha3() }, A.pro).field).toBe('tag');
  });

  it('publishing the current target again changes nothing', () => {
    expect(refuse(approveTarget(seeded()), { type: 'target.publish', tag: TAG1, sha: SHA1 }, A.pro)).toEqual({
      code: 'unchanged',
      message: `${LABEL1} is already the current target.`,
    });
  });

  it('the publisher cannot approve their own target', () => {
    const both = run(
      seeded(),
      { type: 'role.assign', role: 'consumer-rollback-owner', user: U.pro },
      A.admin,
    ).cutover;
    const c = run(both, { type: 'target.publish', tag: TAG1, sha: SHA1 }, A.pro).cutover;
    expect(refuse(c, { type: 'target.approve', target: TAG1 }, A.pro)).toEqual({
      code: 'refused',
      message: `You published ${LABEL1}; a different person must approve it.`,
    });
  });

  it('a new target supersedes the current one, approved or not, and waits for its own approval', () => {
    const c = approveTarget(seeded());
    const out = run(c, { type: 'target.publish', tag: TAG2, sha: SHA2 }, A.pro, at(20));
    expect(out.cutover.targets.map((t) => [t.tag, !!t.approved, t.superseded])).toEqual([
      [TAG1, true, { by: U.pro, at: at(20).toISOString() }],
      [TAG2, false, undefined],
    ]);
    expect(currentTarget(out.cutover)?.tag).toBe(TAG2);
    expect(approvedTarget(out.cutover)).toBeUndefined();
    expect(out.history[0]?.event).toEqual({
      type: 'target.published',
      tag: TAG2,
      sha: SHA2,
      replaced: { tag: TAG1, sha: SHA1 },
    });
    expect(blockerState(out.cutover, byId(out.cutover.blockers, 'release-target')).status).toBe('open');
    const again = run(out.cutover, { type: 'target.approve', target: TAG2 }, A.cro).cutover;
    expect(approvedTarget(again)?.tag).toBe(TAG2);
  });
});

// ---------------------------------------------------------------- window

describe('the cutover window', () => {
  it('a window typed with an offset, Z or a [Zone] suffix is stored in UTC', () => {
    const forms: [string, string, string, string][] = [
      [
        '2026-02-14T09:00+01:00',
        '2026-02-14T13:30+01:00',
        '2026-02-14T08:00:00.000Z',
        '2026-02-14T12:30:00.000Z',
      ],
      ['2026-02-14T08:00Z', '2026-02-14T12:30:00Z', '2026-02-14T08:00:00.000Z', '2026-02-14T12:30:00.000Z'],
      [
        '2026-02-14T09:00[Europe/Berlin]',
        '2026-02-14T07:30[America/New_York]',
        '2026-02-14T08:00:00.000Z',
        '2026-02-14T12:30:00.000Z',
      ],
    ];
    for (const [start, end, utcStart, utcEnd] of forms) {
      const out = run(seeded(), { type: 'window', start, end }, A.dlo);
      expect(out.cutover.window).toEqual({
        start: utcStart,
        end: utcEnd,
        set: { by: U.dlo, at: T0.toISOString() },
      });
      expect(out.events).toMatchObject([{ type: 'window.set', start: utcStart, end: utcEnd }]);
      expect(out.message).toBe(`Cutover window set: ${utcStart} – ${utcEnd} (UTC).`);
    }
  });

  it('a window that ends before it starts is refused on end', () => {
    for (const end of ['2026-02-14T07:00Z', '2026-02-14T08:00Z'])
      expect(refuse(seeded(), { type: 'window', start: '2026-02-14T08:00Z', end }, A.dlo)).toEqual({
        code: 'invalid',
        field: 'end',
        message: 'The window must end after it starts.',
      });
  });

  it('a window already over is refused', () => {
    expect(
      refuse(seeded(), { type: 'window', start: '2026-02-08T08:00Z', end: '2026-02-09T08:59Z' }, A.dlo, T0),
    ).toEqual({
      code: 'invalid',
      field: 'end',
      message: 'That window is already over; give one that ends in the future.',
    });
    // A window under way (started, not over) may still be set.
    run(seeded(), { type: 'window', start: '2026-02-09T08:00Z', end: '2026-02-09T10:00Z' }, A.dlo, T0);
  });

  it('a new window replaces the old one, history showing both', () => {
    const c = run(
      seeded(),
      { type: 'window', start: '2026-02-14T08:00Z', end: '2026-02-14T12:00Z' },
      A.dlo,
    ).cutover;
    const out = run(c, { type: 'window', start: '2026-02-15T08:00Z', end: '2026-02-15T12:00Z' }, A.dlo);
    expect(out.history[0]?.event).toEqual({
      type: 'window.set',
      start: '2026-02-15T08:00:00.000Z',
      end: '2026-02-15T12:00:00.000Z',
      replaced: { start: '2026-02-14T08:00:00.000Z', end: '2026-02-14T12:00:00.000Z' },
    });
  });
});

// ---------------------------------------------------------------- automatic fallback

describe('a GO whose requirements stop holding falls back to NO-GO', () => {
  it('a new target published after GO turns runtime-cutover back to NO-GO, said by cutover-bot', () => {
    const out = run(decidedGo(), { type: 'target.publish', tag: TAG2, sha: SHA2 }, A.pro, at(120));
    const d = byId(out.cutover.decisions, 'runtime-cutover');
    expect(d).toMatchObject({ status: 'no-go', by: BOT, at: at(120).toISOString() });
    expect(d.rationale).toMatch(/^automatic: requirements no longer hold \(blocker release-target is open: /);
    expect(out.events).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          type: 'decision.changed',
          decision: 'runtime-cutover',
          before: 'go',
          after: 'no-go',
        }),
      ]),
    );
    expect(out.history.at(-1)).toEqual({
      at: at(120).toISOString(),
      by: 'cutover-bot',
      asAdmin: false,
      event: {
        type: 'decision.changed',
        decision: 'runtime-cutover',
        before: 'go',
        after: 'no-go',
        title: d.title,
        automatic: true,
      },
    });
    expect(mayStartPhase(out.cutover, '8').ok).toBe(false);
  });

  it('a gate turning red after GO turns runtime-cutover back to NO-GO', () => {
    const out = run(decidedGo(), { type: 'gate.set', gate: 'producer-suite', status: 'red' }, A.pic);
    expect(byId(out.cutover.decisions, 'runtime-cutover').status).toBe('no-go');
    expect(byId(out.cutover.decisions, 'rehearsal').status).toBe('go');
  });

  it('an admin acting does not make the bot’s fallback line an admin’s', () => {
    const out = run(decidedGo(), { type: 'target.publish', tag: TAG2, sha: SHA2 }, A.admin);
    expect(out.history[0]).toMatchObject({ by: U.admin, asAdmin: true });
    expect(out.history.filter((h) => h.by === BOT).every((h) => !h.asAdmin)).toBe(true);
  });
});

// ---------------------------------------------------------------- the walk

describe('the road from the seeds to phase 8', () => {
  it('the five roles walk from the seeds’ NO-GO to runtime-cutover GO and phase 8 started; every shortcut is refused', () => {
    let c = seeded();
    let t = 0;
    const step = (cmd: CommandInput, who: Actor) => {
      const out = run(c, cmd, who, at(t++));
      c = out.cutover;
      return out;
    };
    const shortcut = (cmd: CommandInput, who: Actor, code: string) =>
      expect(refuse(c, cmd, who, at(t)).code).toBe(code);

    // Nothing can be skipped at the start.
    shortcut(GO_RUNTIME, A.dlo, 'refused');
    shortcut(START_8, A.dlo, 'refused');
    shortcut({ type: 'signoff', side: 'producer', decision: 'go' }, A.pic, 'refused');
    shortcut({ type: 'target.approve', target: TAG1 }, A.cro, 'refused');
    shortcut(
      { type: 'evidence.log', evidence: 'producer-handoff', url: EVIDENCE_URL('h') },
      A.pro,
      'refused',
    );
    shortcut({ type: 'blocker.clear', blocker: 'release-target' }, A.dlo, 'refused');
    shortcut({ type: 'gate.set', gate: 'bilateral-signoff', status: 'green' }, A.dlo, 'refused');

    // The producer release owner publishes; nobody approves their own target, nor out of role.
    step({ type: 'target.publish', tag: TAG1, sha: SHA1 }, A.pro);
    shortcut({ type: 'target.approve', target: TAG1 }, A.pro, 'forbidden');
    shortcut({ type: 'signoff', side: 'producer', decision: 'go' }, A.pic, 'refused');
    const approved = step({ type: 'target.approve', target: TAG1 }, A.cro);
    expect(approved.events).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          type: 'blocker.cleared',
          blocker: 'release-target',
          derived: true,
        }),
      ]),
    );

    // The window, the gates and the evidence, each by its owner.
    step(
      { type: 'window', start: '2026-02-14T09:00[Europe/Berlin]', end: '2026-02-14T13:00[Europe/Berlin]' },
      A.dlo,
    );
    shortcut({ type: 'gate.set', gate: 'producer-suite', status: 'green' }, A.cic, 'forbidden');
    step(
      { type: 'gate.set', gate: 'producer-suite', status: 'green', runUrl: 'https://ci.example.com/p/1' },
      A.pic,
    );
    step(
      { type: 'gate.set', gate: 'consumer-suite', status: 'green', runUrl: 'https://ci.example.com/c/1' },
      A.cic,
    );
    step({ type: 'gate.set', gate: 'alignment', status: 'green' }, A.dlo);
    step(
      { type: 'evidence.log', evidence: 'producer-handoff', url: EVIDENCE_URL('producer-handoff') },
      A.pro,
    );
    shortcut(
      { type: 'evidence.log', evidence: 'consumer-repin', url: EVIDENCE_URL('consumer-repin') },
      A.pro,
      'forbidden',
    );
    step({ type: 'evidence.log', evidence: 'consumer-repin', url: EVIDENCE_URL('consumer-repin') }, A.cro);
    step(
      { type: 'evidence.log', evidence: 'producer-rollback', url: EVIDENCE_URL('producer-rollback') },
      A.pic,
    );
    step(
      { type: 'evidence.log', evidence: 'consumer-rollback', url: EVIDENCE_URL('consumer-rollback') },
      A.cic,
    );
    expect(
      mayDecideGo(c, 'runtime-cutover').unmet.every((u) =>
        /signed GO|joint-go-record|bilateral-signoff/.test(u),
      ),
    ).toBe(true);

    // Both commanders sign GO, each for their own side.
    shortcut(GO_RUNTIME, A.dlo, 'refused');
    shortcut({ type: 'signoff', side: 'consumer', decision: 'go' }, A.pic, 'forbidden');
    step({ type: 'signoff', side: 'producer', decision: 'go', rationale: 'producer ready' }, A.pic);
    shortcut(GO_RUNTIME, A.dlo, 'refused');
    step({ type: 'signoff', side: 'consumer', decision: 'go', rationale: 'consumer ready' }, A.cic);
    // Every blocker but the joint record, which waits for the record of the GO in both repos.
    expect(c.blockers.map((b) => blockerState(c, b).status)).toEqual([
      'cleared',
      'open',
      'cleared',
      'cleared',
    ]);
    expect(c.gates.map((g) => gateState(c, g).status)).toEqual(['green', 'green', 'green', 'green', 'green']);

    // The decision log owner records GO; both repos report its record; then phase 8 starts.
    shortcut(START_8, A.dlo, 'refused');
    shortcut(GO_RUNTIME, A.pic, 'forbidden');
    step(GO_RUNTIME, A.dlo);
    shortcut(START_8, A.dlo, 'refused');
    c = reportRecords(c, at(t++));
    expect(c.blockers.map((b) => blockerState(c, b).status)).toEqual([
      'cleared',
      'cleared',
      'cleared',
      'cleared',
    ]);
    shortcut(START_8, A.cic, 'forbidden');
    const started = step(START_8, A.dlo);
    expect(started.message).toBe('Phase 8 (Runtime cutover): not-started → started.');
    expect(byId(c.decisions, 'runtime-cutover').status).toBe('go');
    expect(c.phases.map((p) => [p.id, p.status])).toEqual([
      ['7', 'closed'],
      ['8', 'started'],
    ]);
    expect(c.window).toMatchObject({ start: '2026-02-14T08:00:00.000Z', end: '2026-02-14T12:00:00.000Z' });
    expect(Cutover.safeParse(c).success).toBe(true);
  });
});

// ---------------------------------------------------------------- property

describe('execute on any input', () => {
  const ids = (c: Cutover) => ({
    roles: c.roles.map((r) => r.id),
    blockers: c.blockers.map((b) => b.id),
    gates: c.gates.map((g) => g.id),
    evidence: c.evidence.map((e) => e.id),
    decisions: c.decisions.map((d) => d.id),
    phases: c.phases.map((p) => p.id),
    sides: c.sides.map((s) => s.id),
  });
  const known = ids(shipped());
  /** Mostly well-formed values, sometimes junk: deep rules are reached, and bad input is met too. */
  const mostly = <T, J>(good: fc.Arbitrary<T>, junk: fc.Arbitrary<J>) =>
    fc.oneof({ arbitrary: good, weight: 6 }, { arbitrary: junk, weight: 1 });
  const idOr = (list: string[]) => mostly(fc.constantFrom(...list), fc.string({ maxLength: 12 }));
  const url = mostly(
    fc.webUrl({ validSchemes: ['https', 'http'] }),
    fc.oneof(fc.constantFrom('ftp://x.example/a', 'not a url', ''), fc.string()),
  );
  const instant = mostly(
    fc
      .date({ min: new Date('2026-01-01T00:00Z'), max: new Date('2026-12-31T00:00Z'), noInvalidDate: true })
      .map((d) => d.toISOString()),
    fc.oneof(
      fc.constantFrom(
        '2026-02-14T09:00[Europe/Berlin]',
        '2026-02-30T09:00Z',
        '2026-13-01T09:00+01:00',
        'soon',
      ),
      fc.string(),
    ),
  );
  const status = mostly(fc.constantFrom('green', 'red', 'pending'), fc.string({ maxLength: 6 }));
  const gonogo = mostly(fc.constantFrom('go', 'no-go'), fc.string({ maxLength: 6 }));
  const text = mostly(
    fc.constantFrom('ready', 'waiting on the repin', 'CAB approval'),
    fc.string({ maxLength: 40 }),
  );
  const tag = mostly(fc.constantFrom(TAG1, TAG2, 'service.v3.0.2'), fc.string({ maxLength: 10 }));
  const commitSha = mostly(
    fc.oneof(fc.constantFrom(SHA1, SHA2, SHA1.toUpperCase()), fc.stringMatching(/^[0-9a-f]{40}$/)),
    fc.oneof(fc.constant(SHA1.slice(1)), fc.string({ maxLength: 41 })),
  );
  const slackUser = mostly(
    fc.constantFrom(U.pic, U.cic, U.pro, U.cro, U.dlo, U.admin, null),
    fc.constant('@dana'),
  );

  const command: fc.Arbitrary<unknown> = fc.oneof(
    fc.record({ type: fc.constant('role.assign'), role: idOr(known.roles), user: slackUser }),
    fc.record({ type: fc.constant('blocker.add'), owner: idOr(known.roles), title: text }),
    fc.record({
      type: fc.constant('blocker.clear'),
      blocker: idOr(known.blockers),
      evidenceUrl: fc.option(url, { nil: undefined }),
    }),
    fc.record({ type: fc.constant('blocker.reopen'), blocker: idOr(known.blockers), reason: text }),
    fc.record({
      type: fc.constant('gate.set'),
      gate: idOr(known.gates),
      status,
      evidenceUrl: fc.option(url, { nil: undefined }),
      runUrl: fc.option(url, { nil: undefined }),
    }),
    fc.record({ type: fc.constant('target.publish'), tag, sha: commitSha }),
    fc.constant({ type: 'target.approve', target: TAG1 }),
    fc.record({ type: fc.constant('evidence.log'), evidence: idOr(known.evidence), url }),
    fc.record({
      type: fc.constant('signoff'),
      side: idOr(known.sides),
      decision: gonogo,
      rationale: fc.option(text, { nil: undefined }),
      evidenceUrl: fc.option(url, { nil: undefined }),
    }),
    fc.record({
      type: fc.constant('decide'),
      decision: idOr(known.decisions),
      status: gonogo,
      rationale: text,
    }),
    fc.record({
      type: fc.constant('phase'),
      phase: idOr(known.phases),
      action: fc.constantFrom('start', 'close', 'open'),
    }),
    fc.record({ type: fc.constant('window'), start: instant, end: instant }),
    fc.anything(),
  );
  const actor: fc.Arbitrary<Actor> = fc.constantFrom<Actor>(
    A.pic,
    A.cic,
    A.pro,
    A.cro,
    A.dlo,
    A.admin,
    A.nobody,
    A.ci,
    user(U.pic, true),
    { kind: 'system' },
  );
  const now = fc.date({
    min: new Date('2026-01-01T00:00Z'),
    max: new Date('2027-01-01T00:00Z'),
    noInvalidDate: true,
  });
  // Start from the seeds or from a state close to GO, so that deeper rules are reached too.
  const start = fc.constantFrom(seeded(), readyForGo(), decidedGo());

  it('never throws, never mutates its input, refuses with a message, and leaves a valid cutover', () => {
    const succeeded = new Map<string, number>();
    fc.assert(
      fc.property(
        start,
        fc.array(fc.tuple(command, actor, now), { minLength: 5, maxLength: 30 }),
        (initial, steps) => {
          let c = structuredClone(initial);
          for (const [cmd, who, when] of steps) {
            const copy = structuredClone(c);
            // Frozen, as the store hands it over: a change made to the input in place would throw.
            const out = execute(deepFrozen(structuredClone(c)), cmd, who, when);
            expect(c).toEqual(copy);
            if (!out.ok) {
              expect(out.error.message.trim().length).toBeGreaterThan(0);
              expect(describeError(out.error).length).toBeGreaterThan(0);
              continue;
            }
            expect(out.history.length).toBeGreaterThan(0);
            expect(Cutover.safeParse(out.cutover).success).toBe(true);
            const action = out.history[0]?.event.type ?? '?';
            succeeded.set(action, (succeeded.get(action) ?? 0) + 1);
            c = out.cutover;
          }
        },
      ),
      { numRuns: 150 },
    );
    // The runs reached the rules, not only the parser: many kinds of change went through.
    expect(succeeded.size).toBeGreaterThanOrEqual(5);
  });
});
