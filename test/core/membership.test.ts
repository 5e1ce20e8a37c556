/**
 * Group membership fails closed: a membership authorises an act only while Slack confirmed it within the last five
 * minutes (the edge says when; the core judges at `now`). A refusal then names the cause, not "no role"; a sign-off
 * through a group records the group and when the membership was confirmed.
 */
import { describe, expect, it } from 'vitest';
import { execute } from '../../src/core/commands.js';
import { judgedAt, MEMBERSHIP_TTL_MS, membershipAuthorises } from '../../src/core/membership.js';
import type { Actor } from '../../src/core/schema.js';
import { refusalPlain, refusalText } from '../../src/slack/views/answers.js';
import { A, approveTarget, at, refuse, run, seeded, T0 } from './fixtures.js';

const ONCALL = 'S0ONCALL1';
const MEMBER = 'UONCALL01';

/** A member of the on-call group, as Slack listed them at `confirmedAt`. */
const member = (confirmedAt: Date | undefined): Actor => ({
  kind: 'user',
  userId: MEMBER,
  isAdmin: false,
  groups: [ONCALL],
  ...(confirmedAt ? { confirmed: { [ONCALL]: confirmedAt.toISOString() } } : {}),
});

/** The shipped program, target approved, with the producer commander role and blocker.add held by the group. */
const withGroup = () => {
  const c = run(
    approveTarget(seeded()),
    { type: 'role.assign', role: 'producer-incident-commander', user: ONCALL },
    A.admin,
  ).cutover;
  return { ...c, permissions: { ...c.permissions, 'blocker.add': ['producer-incident-commander'] } };
};

const ADD = { type: 'blocker.add', owner: 'producer-incident-commander', title: 'pager test' } as const;

describe('a membership older than five minutes authorises nothing', () => {
  it('the rule: confirmed under five minutes ago counts; five minutes or more, or never, does not', () => {
    expect(membershipAuthorises(T0.toISOString(), at(4.99))).toBe(true);
    expect(membershipAuthorises(T0.toISOString(), new Date(T0.getTime() + MEMBERSHIP_TTL_MS))).toBe(false);
    expect(membershipAuthorises(T0.toISOString(), at(60 * 24 * 7))).toBe(false);
    expect(membershipAuthorises(undefined, T0)).toBe(false);
  });

  it('a member confirmed within five minutes acts for the role', () => {
    const out = run(withGroup(), ADD, member(T0), at(4));
    expect(out.history[0]).toMatchObject({ by: MEMBER, event: { type: 'blocker.added' } });
  });

  it.each([
    ['6 minutes', 6],
    ['1 hour', 60],
    ['1 day', 60 * 24],
    ['7 days', 60 * 24 * 7],
  ])('a member confirmed %s ago is refused, and nothing is written', (_, minutes) => {
    const c = withGroup();
    const out = execute(c, ADD, member(T0), at(minutes));
    expect(out.ok).toBe(false);
    if (out.ok) return;
    expect(out.error.code).toBe('forbidden');
    expect(out.error.unconfirmed?.groups).toEqual([ONCALL]);
  });

  it('a membership Slack gave no time for authorises nothing', () => {
    expect(execute(withGroup(), ADD, member(undefined), T0).ok).toBe(false);
  });

  it('judged at now, a stale group moves from `groups` to `unconfirmed`', () => {
    expect(judgedAt(member(T0), at(6))).toEqual({
      kind: 'user',
      userId: MEMBER,
      isAdmin: false,
      confirmed: { [ONCALL]: T0.toISOString() },
      unconfirmed: [ONCALL],
    });
    expect(judgedAt(member(T0), at(1))).toMatchObject({ groups: [ONCALL] });
  });
});

describe('a refusal for a membership Slack could not confirm names the cause', () => {
  it('says Slack could not confirm the group, not "You hold no role in this cutover"', () => {
    const r = refuse(withGroup(), ADD, member(T0), at(6));
    expect(r.message).toBe(
      `Slack could not confirm that you are in ${ONCALL}: try again in a minute, or ask an admin.`,
    );
    expect(r.message).not.toContain('You hold no role');
  });

  it('Slack mentions the group; a form field names it in plain text', () => {
    const out = execute(withGroup(), ADD, member(T0), at(6));
    if (out.ok) throw new Error('expected a refusal');
    expect(refusalText(out.error)).toContain(
      `Slack could not confirm that you are in <!subteam^${ONCALL}>: try again in a minute, or ask an admin.`,
    );
    expect(refusalPlain(out.error)).toContain(`you are in ${ONCALL}:`);
  });

  it('a sign-off by a stale member is refused with the cause', () => {
    const r = refuse(
      withGroup(),
      { type: 'signoff', side: 'producer', decision: 'go', rationale: 'x' },
      member(T0),
      at(6),
    );
    expect(r.message).toContain('Slack could not confirm that you are in S0ONCALL1');
  });

  it('a group Slack never listed is unconfirmed too, for whoever acts through it', () => {
    const someone: Actor = { kind: 'user', userId: 'USOMEONE1', isAdmin: false, unconfirmed: [ONCALL] };
    expect(refuse(withGroup(), ADD, someone, T0).message).toContain('Slack could not confirm');
  });

  it('someone refused on a role no group holds is still told who may', () => {
    const r = refuse(
      withGroup(),
      { type: 'decide', decision: 'runtime-cutover', status: 'no-go', rationale: 'x' },
      member(T0),
      at(6),
    );
    expect(r.message).toContain('decision-log-owner');
  });
});

describe('a sign-off by a group member', () => {
  it('records who signed and when their membership was confirmed', () => {
    const confirmed = at(-2);
    const out = run(
      withGroup(),
      { type: 'signoff', side: 'producer', decision: 'go', rationale: 'on call' },
      member(confirmed),
    );
    expect(out.cutover.signoffs.at(-1)).toMatchObject({
      by: MEMBER,
      membership: { group: ONCALL, confirmedAt: confirmed.toISOString() },
    });
    expect(out.history.find((h) => h.event.type === 'signoff.given')?.event).toMatchObject({
      membership: { group: ONCALL, confirmedAt: confirmed.toISOString() },
    });
  });

  it('a sign-off by the role holder in person records no membership', () => {
    const out = run(
      seeded(),
      { type: 'signoff', side: 'producer', decision: 'no-go', rationale: 'x' },
      A.pic,
    );
    expect(out.cutover.signoffs.at(-1)?.membership).toBeUndefined();
  });
});
