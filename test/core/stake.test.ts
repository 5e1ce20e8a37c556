/** No peeking across programs: a person with no role in a program, and no admin, opens nothing of it. */
import { describe, expect, it } from 'vitest';
import { may } from '../../src/core/authorize.js';
import type { Actor } from '../../src/core/schema.js';
import { mayOpen, mayPostRecord } from '../../src/core/stake.js';
import { A, at, run, seeded, T0 } from './fixtures.js';

const ONCALL = 'S0ONCALL1';
const member = (confirmedAt: Date): Actor => ({
  kind: 'user',
  userId: 'UONCALL01',
  isAdmin: false,
  groups: [ONCALL],
  confirmed: { [ONCALL]: confirmedAt.toISOString() },
});

describe('a person who holds no role in a program, and is not an admin, opens nothing of it', () => {
  it('a role holder and an admin open it', () => {
    expect(mayOpen(seeded(), A.pic, T0).ok).toBe(true);
    expect(mayOpen(seeded(), A.admin, T0).ok).toBe(true);
  });

  it('anyone else is refused, and the refusal names nothing of the program', () => {
    const c = seeded();
    const r = mayOpen(c, A.nobody, T0);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const words = [
      c.id,
      c.title,
      ...c.roles.map((r) => r.id),
      ...c.blockers.map((b) => b.id),
      ...c.sides.map((s) => s.id),
    ];
    for (const w of words) expect(r.error.message).not.toContain(w);
    expect(r.error.mayAct).toBeUndefined();
  });

  it("a member of a group holding a role opens it while Slack's word is fresh, and is told the cause once stale", () => {
    const c = run(
      seeded(),
      { type: 'role.assign', role: 'producer-incident-commander', user: ONCALL },
      A.admin,
    ).cutover;
    expect(mayOpen(c, member(T0), at(4)).ok).toBe(true);
    const r = mayOpen(c, member(T0), at(6));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toContain(`Slack could not confirm that you are in ${ONCALL}`);
  });
});

describe('who may post the decision record', () => {
  it("anyone in the program's channel may post its record there", () => {
    const c = { ...seeded(), channel: 'C0CUTOVER1' };
    expect(mayPostRecord(c, A.nobody, T0, { channel: 'C0CUTOVER1' })).toEqual({ ok: true });
  });

  it('from anywhere else only those with a stake may: a role holder or an admin', () => {
    const c = { ...seeded(), channel: 'C0CUTOVER1' };
    expect(mayPostRecord(c, A.pic, T0, {}).ok).toBe(true);
    expect(mayPostRecord(c, A.admin, T0, { channel: 'D0DIRECT01' }).ok).toBe(true);
    const r = mayPostRecord(c, A.nobody, T0, {});
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe('forbidden');
  });

  it("a group member posts it from App Home while Slack's word is fresh, not once it is stale", () => {
    const c = run(
      { ...seeded(), channel: 'C0CUTOVER1' },
      { type: 'role.assign', role: 'producer-incident-commander', user: ONCALL },
      A.admin,
    ).cutover;
    expect(mayPostRecord(c, member(T0), at(4), {}).ok).toBe(true);
    const stale = mayPostRecord(c, member(T0), at(6), {});
    expect(stale.ok).toBe(false);
    if (!stale.ok) expect(stale.error.unconfirmed?.groups).toEqual([ONCALL]);
  });

  it('App Home offers the button to exactly those (may record.post), never to a bystander', () => {
    const c = seeded();
    expect(may(c, A.pic, 'record.post')).toBe(true);
    expect(may(c, A.admin, 'record.post')).toBe(true);
    expect(may(c, A.nobody, 'record.post')).toBe(false);
    expect(may(c, A.ci, 'record.post')).toBe(false);
  });
});
