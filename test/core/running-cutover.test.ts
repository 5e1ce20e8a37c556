/**
 * The running cutover is protected (README "Rules", rule 11): while a phase that a decision's GO allows is started,
 * a person's change that would take that GO (a new target, a gate turned red, a sign-off withdrawn, a blocker
 * reopened) is refused, naming what it would do, unless it carries a confirmation with a reason; confirmed, the
 * reason is in history and the change is told as the running cutover losing its GO. CI cannot confirm: what it
 * reports is recorded, and told the same way.
 */
import { describe, expect, it } from 'vitest';
import { execute } from '../../src/core/commands.js';
import { A, at, decidedGo, LABEL1, recordedGo, refuse, run, SHA2, TAG2, U } from './fixtures.js';

const START_8 = { type: 'phase', phase: '8', action: 'start' } as const;
const NEW_TARGET = { type: 'target.publish', tag: TAG2, sha: SHA2 } as const;
const REASON = 'hotfix for the consumer crash, rolled forward on purpose';
/** runtime-cutover GO, its record in both repos, and phase 8 (which that GO allows) started. */
const running = () => run(recordedGo(), START_8, A.dlo, at(60)).cutover;

const CONSEQUENCE =
  'This voids both GO sign-offs and sets Runtime cutover execution (runtime-cutover) to NO-GO while phase 8 (Runtime cutover) is running.';

describe('rule 11: a running cutover keeps its GO unless a person confirms, with a reason, the change that takes it', () => {
  it('a new target while phase 8 runs is refused, naming the consequence, and nothing is written', () => {
    const c = running();
    const e = refuse(c, NEW_TARGET, A.pro, at(70));
    expect(e.code).toBe('needs-confirmation');
    expect(e.message).toBe(
      `${CONSEQUENCE} To go ahead anyway, send it again with a confirmation and the reason: /cutover <the same command> confirm: <reason…>.`,
    );
    const out = execute(c, NEW_TARGET, A.pro, at(70));
    expect(!out.ok && out.error.consequence).toEqual({
      decisions: ['runtime-cutover'],
      phases: ['8'],
      signoffs: ['producer', 'consumer'],
      sentence:
        'This voids both GO sign-offs and sets Runtime cutover execution (runtime-cutover) to NO-GO while phase 8 (Runtime cutover) is running.',
    });
    // The refusal's message is that sentence and how to go ahead anyway; a form shows the sentence alone.
    expect(!out.ok && out.error.message).toMatch(
      /^This voids both GO sign-offs .* is running\. To go ahead anyway/,
    );
  });

  it('a new target while phase 8 runs goes ahead when confirmed: the GO is lost, the reason is in history, the loss is told first', () => {
    const out = run(running(), { ...NEW_TARGET, confirm: { reason: REASON } }, A.pro, at(70));
    expect(out.cutover.decisions.find((d) => d.id === 'runtime-cutover')?.status).toBe('no-go');
    expect(out.cutover.signoffs.filter((s) => !s.voided)).toEqual([]);
    expect(out.events[0]).toEqual({
      type: 'go.lost',
      decision: 'runtime-cutover',
      phases: ['8'],
      how: 'confirmed',
      reason: REASON,
    });
    // History keeps the same events: the confirmation (the person's, with the reason) first, then what it did.
    expect(out.history[0]).toEqual({
      at: at(70).toISOString(),
      by: U.pro,
      asAdmin: false,
      event: {
        type: 'go.lost',
        decision: 'runtime-cutover',
        phases: ['8'],
        how: 'confirmed',
        reason: REASON,
      },
    });
    expect(out.history[1]).toMatchObject({ by: U.pro, event: { type: 'target.published' } });
    expect(out.history.at(-1)).toMatchObject({
      by: 'cutover-bot',
      event: { type: 'decision.changed', after: 'no-go', automatic: true },
    });
  });

  it('a gate a person turns red while phase 8 runs is refused unless confirmed', () => {
    const c = running();
    const red = { type: 'gate.set', gate: 'producer-suite', status: 'red' } as const;
    expect(refuse(c, red, A.pic, at(70)).message).toMatch(
      /^This voids both GO sign-offs and sets Runtime cutover execution \(runtime-cutover\) to NO-GO while phase 8/,
    );
    const out = run(c, { ...red, confirm: { reason: 'the canary fails' } }, A.pic, at(70));
    expect(out.events[0]).toMatchObject({ type: 'go.lost', how: 'confirmed', reason: 'the canary fails' });
  });

  it('a sign-off withdrawn (NO-GO) while phase 8 runs is refused unless confirmed, naming only the decision it sets to NO-GO', () => {
    const c = running();
    const withdraw = {
      type: 'signoff',
      side: 'consumer',
      decision: 'no-go',
      rationale: 'error rate up',
    } as const;
    expect(refuse(c, withdraw, A.cic, at(70)).message).toMatch(
      /^This sets Runtime cutover execution \(runtime-cutover\) to NO-GO while phase 8 \(Runtime cutover\) is running\./,
    );
    const out = run(c, { ...withdraw, confirm: { reason: 'error rate up 4x' } }, A.cic, at(70));
    expect(out.cutover.decisions.find((d) => d.id === 'runtime-cutover')?.status).toBe('no-go');
  });

  it('a gate result CI reports while phase 8 runs is recorded without confirmation (CI cannot confirm), and told as the GO lost', () => {
    const out = execute(
      running(),
      { type: 'gate.set', gate: 'producer-suite', status: 'red', runUrl: 'https://ci.example.com/r/9' },
      A.ci,
      at(70),
    );
    if (!out.ok) throw new Error(out.error.message);
    expect(out.cutover.decisions.find((d) => d.id === 'runtime-cutover')?.status).toBe('no-go');
    expect(out.events[0]).toEqual({
      type: 'go.lost',
      decision: 'runtime-cutover',
      phases: ['8'],
      how: 'ci',
      reason: 'gate producer-suite turned red (CI: GitHub Actions)',
    });
    expect(out.history[0]).toMatchObject({ by: 'cutover-bot', event: { type: 'go.lost', how: 'ci' } });
  });

  it('an explicit NO-GO while phase 8 runs needs no confirmation (its rationale is the reason), and is told as the GO lost', () => {
    const out = run(
      running(),
      { type: 'decide', decision: 'runtime-cutover', status: 'no-go', rationale: 'abort: roll back' },
      A.dlo,
      at(70),
    );
    expect(out.events[0]).toEqual({
      type: 'go.lost',
      decision: 'runtime-cutover',
      phases: ['8'],
      how: 'decided',
      reason: 'abort: roll back',
    });
  });

  it('before phase 8 starts, a new target still voids the GO at once, with no confirmation (nothing is running)', () => {
    const out = run(decidedGo(), NEW_TARGET, A.pro, at(70));
    expect(out.cutover.decisions.find((d) => d.id === 'runtime-cutover')?.status).toBe('no-go');
    expect(out.events.some((e) => e.type === 'go.lost')).toBe(false);
    expect(out.message).toBe(
      `Release target ${TAG2} @ ${SHA2.slice(0, 12)} published; it waits for approval.`,
    );
  });

  it('once phase 8 is closed, nothing is running: a change needs no confirmation', () => {
    const closed = run(running(), { type: 'phase', phase: '8', action: 'close' }, A.dlo, at(65)).cutover;
    expect(execute(closed, NEW_TARGET, A.pro, at(70)).ok).toBe(true);
  });

  it('a change that leaves the GO standing while phase 8 runs needs no confirmation', () => {
    const out = run(
      running(),
      { type: 'evidence.log', evidence: 'producer-handoff', url: 'https://example.com/h2' },
      A.pro,
      at(70),
    );
    expect(out.cutover.decisions.find((d) => d.id === 'runtime-cutover')?.status).toBe('go');
    expect(LABEL1).toContain('service.v3.0.0');
  });

  it('a confirmation needs a reason', () => {
    expect(refuse(running(), { ...NEW_TARGET, confirm: { reason: '  ' } }, A.pro, at(70)).code).toBe(
      'invalid',
    );
  });
});
