/**
 * The act forms say what the permissions table says: a viewer who may not act is told `authorize()`'s refusal,
 * each role named with who holds it — never a sentence of the form's own.
 */
import { describe, expect, it } from 'vitest';
import type { Cutover } from '../../../src/core/schema.js';
import {
  decideFormFor,
  evidenceFormFor,
  roleFormFor,
  targetFormFor,
  windowFormFor,
} from '../../../src/slack/views/act-modals.js';
import { A, approveTarget, run, seeded, U } from '../../core/fixtures.js';

const viewer = (userId: string, isAdmin = false) => ({ userId, isAdmin });
const meta = { target: null };
const refusal = (r: { refusal: string } | { view: unknown }) => ('refusal' in r ? r.refusal : '');

describe('the act forms render the refusal authorize() returns', () => {
  it('the decide form names the roles the table lets decide, with their holders', () => {
    expect(refusal(decideFormFor(seeded(), viewer(U.pic), meta))).toBe(
      `:no_entry: Only decision-log-owner (<@${U.dlo}>) or an admin may record decisions. You hold producer-incident-commander.\n_Nothing was changed._`,
    );
    // The table changed: the form follows it.
    const c: Cutover = seeded();
    c.permissions.decide = ['producer-incident-commander'];
    expect('view' in decideFormFor(c, viewer(U.pic), meta)).toBe(true);
    expect(refusal(decideFormFor(c, viewer(U.dlo), meta))).toContain(
      `Only producer-incident-commander (<@${U.pic}>) or an admin may record decisions.`,
    );
  });

  it('the window, target and role forms say who may, as the table says', () => {
    expect(refusal(windowFormFor(seeded(), viewer(U.cic), meta))).toContain(
      `Only decision-log-owner (<@${U.dlo}>) or an admin may set the cutover window.`,
    );
    expect(refusal(targetFormFor(seeded(), viewer(U.cic), meta))).toContain(
      `Only producer-rollback-owner (<@${U.pro}>) or an admin may publish a release target.`,
    );
    expect(refusal(roleFormFor(seeded(), viewer(U.dlo), meta))).toContain('Only an admin may assign roles.');
  });

  it('the evidence form names the roles of each side, a group as the group', () => {
    const c = run(
      approveTarget(seeded()),
      { type: 'role.assign', role: 'producer-rollback-owner', user: 'S0ONCALL1' },
      A.admin,
    ).cutover;
    const text = refusal(evidenceFormFor(c, viewer(U.nobody), meta));
    expect(text).toContain('<!subteam^S0ONCALL1>');
    expect(text).not.toContain('<@S0ONCALL1>');
    expect(text).toContain(`consumer-incident-commander (<@${U.cic}>)`);
  });
});
