/**
 * On-call rotations hold roles: a role held by a Slack user group is acted for by any member (the edge tells the
 * core which groups a person is in), the group is mentioned as such, the two-different-people rule still counts
 * people, and assigning one person every side's commander role is warned of.
 */
import { describe, expect, it } from 'vitest';
import { execute } from '../../src/core/commands.js';
import type { Actor } from '../../src/core/schema.js';
import { A, approveTarget, refuse, run, seeded, T0, U } from './fixtures.js';

const ONCALL = 'S0ONCALL1';
/** A member of `groups`, as Slack confirmed it at T0 (the core counts a membership five minutes). */
const member = (userId: string, groups: string[] = [ONCALL]): Actor => ({
  kind: 'user',
  userId,
  isAdmin: false,
  groups,
  confirmed: Object.fromEntries(groups.map((g) => [g, T0.toISOString()])),
});

/** The shipped program with the producer's commander role held by the on-call group. */
const withGroup = () =>
  run(
    approveTarget(seeded()),
    { type: 'role.assign', role: 'producer-incident-commander', user: ONCALL },
    A.admin,
  ).cutover;

describe('a role held by a user group', () => {
  it('is assigned by its group id and kept as the holder', () => {
    const c = withGroup();
    expect(c.roles.find((r) => r.id === 'producer-incident-commander')?.assignee).toBe(ONCALL);
  });

  it('any member of the group may act for the role: a member signs off for the side', () => {
    const out = run(
      withGroup(),
      { type: 'signoff', side: 'producer', decision: 'go', rationale: 'on call' },
      member('UONCALL01'),
    );
    expect(out.cutover.signoffs.at(-1)).toMatchObject({ side: 'producer', by: 'UONCALL01', asAdmin: false });
  });

  it('someone outside the group may not, and is told who may', () => {
    const r = refuse(
      withGroup(),
      { type: 'signoff', side: 'producer', decision: 'go' },
      member('UOUTSIDE1', []),
    );
    expect(r.message).toContain('producer-incident-commander');
  });

  it('two different people must still sign: a member who also holds the other commander role signs once', () => {
    const c = run(
      withGroup(),
      { type: 'role.assign', role: 'consumer-incident-commander', user: 'UONCALL01' },
      A.admin,
    ).cutover;
    const signed = run(
      c,
      { type: 'signoff', side: 'producer', decision: 'go', rationale: 'on call' },
      member('UONCALL01'),
    ).cutover;
    const second = execute(
      signed,
      { type: 'signoff', side: 'consumer', decision: 'go', rationale: 'me again' },
      member('UONCALL01'),
      T0,
    );
    expect(second.ok).toBe(false);
    if (!second.ok) expect(second.error.message).toContain('two different people must sign');
  });
});

describe('one person holding every commander role', () => {
  it('is warned of when assigned, since two different people must sign', () => {
    const c = run(
      seeded(),
      { type: 'role.assign', role: 'consumer-incident-commander', user: U.pic },
      A.admin,
    );
    expect(c.message).toContain(`Warning: ${U.pic} now holds every side's commander role`);
    const other = run(
      seeded(),
      { type: 'role.assign', role: 'consumer-incident-commander', user: U.cro },
      A.admin,
    );
    expect(other.message).not.toContain('Warning');
  });
});
