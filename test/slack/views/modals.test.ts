import { describe, expect, it } from 'vitest';
import { execute } from '../../../src/core/commands.js';
import { INPUTS, VIEWS } from '../../../src/slack/ids.js';
import { gateFormFor, settableGates } from '../../../src/slack/views/gate-modal.js';
import { blockerModal, formFor, signoffModal } from '../../../src/slack/views/modals.js';
import { seeded, U } from '../../core/fixtures.js';
import { largeProgram, shippedProgram } from '../../fixtures/programs.js';
import { expectModalWithinLimits, expectNoForgedMarkup } from './limits.js';

const admin = { kind: 'user' as const, userId: 'UADMIN', isAdmin: true };
const now = new Date('2026-11-21T10:00:00Z');

describe('modals', () => {
  it('opens the sign-off form for the side whose commander the viewer is, bound to that side', () => {
    const r = execute(
      shippedProgram(),
      { type: 'role.assign', role: 'consumer-incident-commander', user: 'UCIC' },
      admin,
      now,
    );
    if (!r.ok) throw new Error(r.error.message);
    const form = formFor('signoff', r.cutover, { userId: 'UCIC', isAdmin: false }, { channel: 'C1' });
    if (!('view' in form)) throw new Error('expected a form');
    expect(form.view.callback_id).toBe(VIEWS.signoff);
    expect(JSON.parse(form.view.private_metadata ?? '{}')).toEqual({
      channel: 'C1',
      side: 'consumer',
      target: null,
    });
    expect(JSON.stringify(form.view)).toContain('Signing for *AssistSupport*');
    expect(form.view.blocks.some((b) => b.block_id === INPUTS.signoff.side)).toBe(false);
    expectModalWithinLimits(form.view);
  });

  it('refuses the sign-off form to someone who holds no commander role, naming who signs', () => {
    const form = formFor('signoff', shippedProgram(), { userId: 'UNOBODY', isAdmin: false }, {});
    expect(form).toEqual({
      refusal: expect.stringContaining('producer-incident-commander, consumer-incident-commander'),
    });
  });

  it('lets an admin choose the side', () => {
    const form = formFor('signoff', shippedProgram(), { userId: 'UADMIN', isAdmin: true }, {});
    if (!('view' in form)) throw new Error('expected a form');
    expect(form.view.blocks.some((b) => b.block_id === INPUTS.signoff.side)).toBe(true);
  });

  it('says there is nothing to update by hand when every blocker is derived', () => {
    expect(formFor('blocker', shippedProgram(), { userId: 'U1', isAdmin: false }, {})).toEqual({
      refusal: expect.stringContaining('derived'),
    });
  });

  it("offers the gate form the gates the program's gate.set permission lets the viewer set, every manual one to an admin", () => {
    const c = seeded();
    const names = (form: ReturnType<typeof gateFormFor>) => {
      if (!('view' in form)) throw new Error('expected a form');
      return JSON.stringify(form.view.blocks).match(/"value":"[a-z-]+"/g);
    };
    expect(settableGates(c, { userId: U.pic, isAdmin: false }).map((g) => g.id)).toEqual(['producer-suite']);
    expect(names(gateFormFor(c, { userId: U.pic, isAdmin: false }, {}))).toContain(
      '"value":"producer-suite"',
    );
    expect(settableGates(c, { userId: U.admin, isAdmin: true }).map((g) => g.id)).toEqual(
      c.gates.filter((g) => !g.derived).map((g) => g.id),
    );
    expect(gateFormFor(c, { userId: U.pro, isAdmin: false }, {})).toEqual({
      refusal: expect.stringContaining('You may set no gate'),
    });
  });

  it('stays within modal limits for the largest program', () => {
    const c = largeProgram();
    const signoff = signoffModal(c, c.sides, { channel: 'C1' });
    for (const view of [signoff, blockerModal(c, { channel: 'C1' })]) expectModalWithinLimits(view);
    expectNoForgedMarkup(signoff.blocks);
  });
});
