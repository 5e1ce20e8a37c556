/**
 * Issue 11: the core returns data, and each surface says it in its own language. No refusal or unmet item from
 * the core carries Slack syntax (mentions, commands to type); who may act and what is unmet come as data.
 */
import { describe, expect, it } from 'vitest';
import { execute } from '../../src/core/commands.js';
import type { DomainError } from '../../src/core/errors.js';
import { readiness } from '../../src/core/readiness.js';
import type { CommandInput } from '../../src/core/schema.js';
import { unmetWords } from '../../src/core/unmet.js';
import {
  A,
  approveTarget,
  GO_RUNTIME,
  readyForGo,
  runAll,
  SHA1,
  SHA2,
  seeded,
  T0,
  TAG1,
  TAG2,
} from './fixtures.js';

const SLACK = /<@|<!|\/cutover/;

function refusal(c = seeded(), cmd: CommandInput, actor = A.dlo): DomainError {
  const out = execute(c, cmd, actor, T0);
  if (out.ok) throw new Error(`expected a refusal of ${cmd.type}`);
  return out.error;
}

describe('refusals are data', () => {
  it('a refusal by permission names the roles that may act as data, and its message by role id only', () => {
    const e = refusal(
      approveTarget(seeded()),
      { type: 'gate.set', gate: 'producer-suite', status: 'green' },
      A.pro,
    );
    expect(e.message).toBe(
      'Only producer-incident-commander or an admin may set this gate. You hold producer-rollback-owner.',
    );
    expect(e.mayAct).toEqual({
      roles: ['producer-incident-commander'],
      held: ['producer-rollback-owner'],
      sentence: 'Only {who} or an admin may set this gate. You hold producer-rollback-owner.',
    });
    expect(e.message).not.toMatch(SLACK);
  });

  it('a sign-off out of role says which commander signs, as data', () => {
    const e = refusal(approveTarget(seeded()), { type: 'signoff', side: 'consumer', decision: 'go' }, A.pic);
    expect(e.mayAct?.roles).toEqual(['consumer-incident-commander']);
    expect(e.message).not.toMatch(SLACK);
  });

  it('what GO waits for comes as items, each with the roles that may act; the message has no command', () => {
    const e = refusal(seeded(), GO_RUNTIME);
    expect(e.message).toBe('Runtime cutover execution (runtime-cutover) cannot be GO yet. Unmet:');
    expect(e.items?.map((u) => u.kind)).toContain('gate-not-green');
    expect(e.items).toContainEqual({ kind: 'target-missing', mayAct: ['producer-rollback-owner'] });
    for (const u of e.items ?? []) expect(unmetWords(u)).not.toMatch(SLACK);
  });

  it('a refusal that points to a next step names it as data', () => {
    expect(refusal(seeded(), { type: 'target.approve', target: TAG1 }, A.cro).next).toEqual({
      action: 'target.publish',
    });
    const two = runAll(seeded(), [
      [{ type: 'target.publish', tag: TAG1, sha: SHA1 }, A.pro],
      [{ type: 'target.publish', tag: TAG2, sha: SHA2 }, A.pro],
    ]);
    expect(refusal(two, { type: 'target.approve', target: TAG1 }, A.cro).next).toEqual({
      action: 'target.approve',
      tag: TAG2,
    });
  });

  it('no refusal on the road to GO carries Slack syntax in its message or its unmet words', () => {
    const states = [seeded(), approveTarget(seeded()), readyForGo()];
    const commands: [CommandInput, (typeof A)[keyof typeof A]][] = [
      [GO_RUNTIME, A.dlo],
      [GO_RUNTIME, A.pic],
      [{ type: 'phase', phase: '8', action: 'start' }, A.dlo],
      [{ type: 'target.approve', target: 'nope' }, A.cro],
      [{ type: 'evidence.log', evidence: 'producer-handoff', url: 'https://x.example/1' }, A.cic],
      [{ type: 'blocker.clear', blocker: 'release-target' }, A.dlo],
      [{ type: 'gate.set', gate: 'bilateral-signoff', status: 'green' }, A.dlo],
      [{ type: 'role.assign', role: 'decision-log-owner', user: 'UXYZ12345' }, A.pic],
      [{ type: 'signoff', side: 'producer', decision: 'go' }, A.cic],
    ];
    for (const c of states)
      for (const [cmd, actor] of commands) {
        const out = execute(c, cmd, actor, T0);
        if (out.ok) continue;
        expect(out.error.message).not.toMatch(SLACK);
        for (const u of out.error.items ?? []) expect(unmetWords(u)).not.toMatch(SLACK);
      }
    for (const n of readiness(seeded()).next) expect(unmetWords(n.unmet)).not.toMatch(SLACK);
  });
});
