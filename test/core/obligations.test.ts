/**
 * Who owes what now (`obligations`): the one answer every surface renders. Each rule as it reads.
 */
import { describe, expect, it } from 'vitest';
import { lostGoResponders, type Obligation, obligations, obligationsOf } from '../../src/core/obligations.js';
import type { Actor } from '../../src/core/schema.js';
import {
  A,
  approveTarget,
  decidedGo,
  GO_RUNTIME,
  readyForGo,
  reportRecords,
  run,
  runAll,
  SHA1,
  SHA2,
  seeded,
  shipped,
  TAG1,
  TAG2,
  U,
} from './fixtures.js';

/** (role, action, item) of each obligation, as the surfaces are checked to agree on. */
const pairs = (list: Obligation[]) => list.map((o) => [o.role, o.action, o.item ?? null]);
const of = (list: Obligation[], action: Obligation['action']) =>
  pairs(list.filter((o) => o.action === action));

describe('obligations: what someone must do now, and only who can do it now', () => {
  it('on a fresh program an admin owes every role assignment and the producer rollback owner the first target; nobody signs or logs yet', () => {
    const c = shipped();
    const owed = obligations(c);
    expect(of(owed, 'role.assign')).toEqual(c.roles.map((r) => [null, 'role.assign', r.id]));
    expect(of(owed, 'target.publish')).toEqual([['producer-rollback-owner', 'target.publish', null]]);
    // Its role is unassigned: nobody holds it yet, and it is still what the role owes.
    expect(owed.find((o) => o.action === 'target.publish')?.holders).toEqual([]);
    for (const action of ['signoff', 'evidence.log', 'target.approve', 'decide'] as const)
      expect(of(owed, action)).toEqual([]);
    // An admin's list holds what only an admin may do; a person with no role owes nothing.
    expect(obligationsOf(owed, U.admin, [], true).map((o) => o.action)).toEqual(
      c.roles.map(() => 'role.assign'),
    );
    expect(obligationsOf(owed, U.nobody)).toEqual([]);
  });

  it('a published target is owed its approval by the roles the permissions table names, never by its publisher', () => {
    const c = run(seeded(), { type: 'target.publish', tag: TAG1, sha: SHA1 }, A.pro).cutover;
    expect(of(obligations(c), 'target.approve')).toEqual([
      ['consumer-rollback-owner', 'target.approve', null],
    ]);
    expect(obligations(c).find((o) => o.action === 'target.approve')?.target).toEqual({
      tag: TAG1,
      sha: SHA1,
    });
    expect(of(obligations(c), 'target.publish')).toEqual([]);
    const self = run(
      c,
      { type: 'role.assign', role: 'consumer-rollback-owner', user: U.pro },
      A.admin,
    ).cutover;
    expect(of(obligations(self), 'target.approve')).toEqual([]);
  });

  it("the producer's commander who signed NO-GO is asked to sign again once the target is approved", () => {
    const published = run(seeded(), { type: 'target.publish', tag: TAG1, sha: SHA1 }, A.pro).cutover;
    const noGo = run(
      published,
      { type: 'signoff', side: 'producer', decision: 'no-go', rationale: 'suite still red' },
      A.pic,
    ).cutover;
    // Before the approval nobody may sign GO: no sign-off is owed.
    expect(of(obligations(noGo), 'signoff')).toEqual([]);
    const approved = run(noGo, { type: 'target.approve', target: TAG1 }, A.cro).cutover;
    expect(of(obligations(approved), 'signoff')).toEqual([
      ['producer-incident-commander', 'signoff', 'producer'],
      ['consumer-incident-commander', 'signoff', 'consumer'],
    ]);
    expect(obligationsOf(obligations(approved), U.pic).map((o) => o.action)).toContain('signoff');
  });

  it('a side that signed GO on the approved target owes nothing more; a new target voids it and, once approved, asks again', () => {
    const go = run(
      approveTarget(seeded()),
      { type: 'signoff', side: 'producer', decision: 'go' },
      A.pic,
    ).cutover;
    expect(of(obligations(go), 'signoff')).toEqual([['consumer-incident-commander', 'signoff', 'consumer']]);
    const republished = run(go, { type: 'target.publish', tag: TAG2, sha: SHA2 }, A.pro).cutover;
    expect(of(obligations(republished), 'signoff')).toEqual([]);
    const again = run(republished, { type: 'target.approve', target: TAG2 }, A.cro).cutover;
    expect(of(obligations(again), 'signoff').map((p) => p[2])).toEqual(['producer', 'consumer']);
  });

  it('the approved target is owed each evidence by the roles of its side', () => {
    const c = approveTarget(seeded());
    expect(of(obligations(c), 'evidence.log')).toContainEqual([
      'producer-rollback-owner',
      'evidence.log',
      'producer-handoff',
    ]);
    expect(of(obligations(c), 'evidence.log')).toContainEqual([
      'producer-incident-commander',
      'evidence.log',
      'producer-handoff',
    ]);
    expect(of(obligations(c), 'evidence.log').filter((p) => p[2] === 'producer-handoff')).toHaveLength(2);
  });

  it('an open manual blocker is owed by its owner; a derived one by nobody, its facts being what others owe', () => {
    const c = run(
      seeded(),
      { type: 'blocker.add', owner: 'consumer-incident-commander', title: 'Vendor contract' },
      A.dlo,
    ).cutover;
    expect(of(obligations(c), 'blocker.clear')).toEqual([
      ['consumer-incident-commander', 'blocker.clear', 'vendor-contract'],
    ]);
  });

  it('a per-commit gate is owed a result for the current commit by its owner, and says when it is red', () => {
    const c = approveTarget(seeded());
    const gates = obligations(c).filter((o) => o.action === 'gate.set');
    expect(gates.map((o) => [o.role, o.item, o.status, o.target?.sha])).toContainEqual([
      'producer-incident-commander',
      'producer-suite',
      'pending',
      SHA1,
    ]);
    const red = run(c, { type: 'gate.set', gate: 'producer-suite', status: 'red' }, A.ci).cutover;
    expect(obligations(red).find((o) => o.item === 'producer-suite')?.status).toBe('red');
    const green = run(c, { type: 'gate.set', gate: 'producer-suite', status: 'green' }, A.ci).cutover;
    expect(obligations(green).find((o) => o.item === 'producer-suite')).toBeUndefined();
  });

  it('a decision whose GO requirements all hold is owed a decision by the roles that decide; then the phase is owed its start', () => {
    expect(of(obligations(readyForGo()), 'decide')).toEqual([
      ['decision-log-owner', 'decide', 'runtime-cutover'],
    ]);
    const go = decidedGo();
    expect(of(obligations(go), 'decide')).toEqual([]);
    // The phase waits for both repos to report the record of the GO (their CI does, no person in Slack).
    expect(of(obligations(go), 'phase.start')).toEqual([]);
    expect(of(obligations(reportRecords(go)), 'phase.start')).toEqual([
      ['decision-log-owner', 'phase.start', '8'],
    ]);
  });

  it('once the last phase has started nothing before it is owed; the started phase is owed its close', () => {
    const started = runAll(reportRecords(run(readyForGo(), GO_RUNTIME, A.dlo).cutover), [
      [{ type: 'phase', phase: '8', action: 'start' }, A.dlo],
    ]);
    expect(pairs(obligations(started))).toEqual([['decision-log-owner', 'phase.close', '8']]);
  });

  it('a role held by a user group is owed by the group: any member finds it in their list', () => {
    const c = run(
      approveTarget(seeded()),
      { type: 'role.assign', role: 'producer-incident-commander', user: 'S0ONCALL1' },
      A.admin,
    ).cutover;
    const sign = obligations(c).find((o) => o.action === 'signoff' && o.item === 'producer');
    expect(sign?.holders).toEqual(['S0ONCALL1']);
    expect(obligationsOf(obligations(c), 'UMEMBER1', ['S0ONCALL1'])).toContainEqual(sign);
    expect(obligationsOf(obligations(c), 'UMEMBER1', [])).toEqual([]);
  });

  it('an archived program owes nothing', () => {
    const admin: Actor = A.admin;
    const archived = run(seeded(), { type: 'archive', reason: 'superseded' }, admin).cutover;
    expect(obligations(archived)).toEqual([]);
  });
});

describe('who must act when a running cutover loses its GO', () => {
  it('names the rollback owners first, then each side in order with its incident commander', () => {
    const c = shipped();
    const { rollback, commanders } = lostGoResponders(c);
    expect(rollback.map((r) => r.id)).toEqual(['producer-rollback-owner', 'consumer-rollback-owner']);
    expect(commanders.map((r) => r.id)).toEqual(c.sides.map((s) => s.commanderRole));
  });

  it('names no rollback owner in a program without a rollback role', () => {
    const c = shipped();
    const bare = { ...c, roles: c.roles.filter((r) => !/rollback/i.test(`${r.id} ${r.title}`)) };
    expect(lostGoResponders(bare).rollback).toEqual([]);
    expect(lostGoResponders(bare).commanders).toHaveLength(c.sides.length);
  });
});
