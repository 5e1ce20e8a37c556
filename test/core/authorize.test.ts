/** `may`: what a view may offer a person, answered by the same rules that decide the command. */
import { describe, expect, it } from 'vitest';
import { may } from '../../src/core/authorize.js';
import { execute } from '../../src/core/commands.js';
import type { Actor, CommandInput, Cutover } from '../../src/core/schema.js';
import { A, approveTarget, run, SHA1, seeded, TAG1, U } from './fixtures.js';

/** `may` agrees with the command: allowed exactly when the command is not refused as forbidden or by that rule. */
function agrees(c: Cutover, actor: Actor, cmd: CommandInput, allowed: boolean) {
  const out = execute(c, cmd, actor, new Date('2026-02-09T09:00:00Z'));
  expect(out.ok).toBe(allowed);
}

describe('may: the rules a view asks before offering an action', () => {
  it('a target may be approved by its approver role, not by the person who published it', () => {
    const published = run(seeded(), { type: 'target.publish', tag: TAG1, sha: SHA1 }, A.pro).cutover;
    expect(may(published, A.cro, 'target.approve')).toBe(true);
    expect(may(published, A.pic, 'target.approve')).toBe(false);
    const both = run(
      run(seeded(), { type: 'role.assign', role: 'consumer-rollback-owner', user: U.pro }, A.admin).cutover,
      { type: 'target.publish', tag: TAG1, sha: SHA1 },
      A.pro,
    ).cutover;
    expect(may(both, A.pro, 'target.approve')).toBe(false);
    agrees(both, A.pro, { type: 'target.approve', target: TAG1 }, false);
    // Not even an admin approves a target they published.
    const byAdmin = run(seeded(), { type: 'target.publish', tag: TAG1, sha: SHA1 }, A.admin).cutover;
    expect(may(byAdmin, A.admin, 'target.approve')).toBe(false);
  });

  it('there is nothing to approve before a target is published, or once it is approved', () => {
    expect(may(seeded(), A.cro, 'target.approve')).toBe(false);
    expect(may(approveTarget(seeded()), A.cro, 'target.approve')).toBe(false);
  });

  it('each commander may sign off for their own side only; an admin for any', () => {
    const c = seeded();
    expect(may(c, A.pic, 'signoff', { side: 'producer' })).toBe(true);
    expect(may(c, A.pic, 'signoff', { side: 'consumer' })).toBe(false);
    expect(may(c, A.admin, 'signoff', { side: 'consumer' })).toBe(true);
    expect(may(c, A.ci, 'signoff', { side: 'producer' })).toBe(false);
    expect(may(c, A.pic, 'signoff', { side: 'nowhere' })).toBe(false);
  });

  it('a gate may be set by its owner role or an admin, and by CI', () => {
    const c = approveTarget(seeded());
    expect(may(c, A.pic, 'gate.set', { owner: 'producer-incident-commander' })).toBe(true);
    expect(may(c, A.cic, 'gate.set', { owner: 'producer-incident-commander' })).toBe(false);
    agrees(c, A.cic, { type: 'gate.set', gate: 'producer-suite', status: 'green' }, false);
    expect(may(c, A.admin, 'gate.set', { owner: 'producer-incident-commander' })).toBe(true);
    expect(may(c, A.ci, 'gate.set', { owner: 'producer-incident-commander' })).toBe(true);
  });
});
