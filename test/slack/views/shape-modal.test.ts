import { describe, expect, it } from 'vitest';
import type { Cutover } from '../../../src/core/schema.js';
import { newDocument } from '../../../src/service/document.js';
import { ACTIONS, INPUTS, SHAPE_VIEWS, type ShapeForm, VIEWS } from '../../../src/slack/ids.js';
import { homeView } from '../../../src/slack/views/home.js';
import type { Viewer } from '../../../src/slack/views/modals.js';
import { SHAPE_FORMS, shapeFormFor, shapeNotice, shapeOffers } from '../../../src/slack/views/shape-modal.js';
import { A, run, seeded, T0, U } from '../../core/fixtures.js';
import { largeProgram } from '../../fixtures/programs.js';
import { expectModalWithinLimits, expectNoForgedMarkup } from './limits.js';

type Json = Record<string, unknown>;
type Block = { type: string; block_id?: string; element?: Json; elements?: Json[] };

const owner: Viewer = { userId: U.dlo, isAdmin: false };
const admin: Viewer = { userId: U.admin, isAdmin: true };

function viewOf(result: ReturnType<typeof shapeFormFor>) {
  if (!('view' in result)) throw new Error(`expected a form, got: ${result.refusal}`);
  return result.view as unknown as { callback_id: string; private_metadata: string; blocks: Block[] } & Json;
}
/** The values a picker or a form's item select offers. */
const pickerValues = (c: Cutover, viewer = owner) => {
  const select = viewOf(shapeFormFor(c, viewer, {})).blocks.find((b) => b.type === 'actions')
    ?.elements?.[0] as {
    action_id: string;
    option_groups: { label: { text: string }; options: { value: string }[] }[];
  };
  expect(select.action_id).toBe(ACTIONS.pickShape);
  return select.option_groups.flatMap((g) => g.options.map((o) => o.value));
};
const itemOptions = (c: Cutover, form: ShapeForm, viewer = admin) => {
  const item = viewOf(shapeFormFor(c, viewer, {}, form)).blocks.find((b) => b.block_id === INPUTS.shape.item);
  return ((item?.element?.options as { value: string }[] | undefined) ?? []).map((o) => o.value);
};

describe('the shaping forms', () => {
  it("offers the log owner what can succeed in the shipped program: no blocker renaming or removal (every blocker is derived), no evidence removal (each is a derived item's condition)", () => {
    const c = seeded();
    expect(pickerValues(c)).toEqual([
      'gate.add',
      'gate.rename',
      'gate.remove',
      'evidence.add',
      'evidence.rename',
      'blocker.add',
      'role.retitle',
      'reminders.set',
    ]);
    // Adding a manual blocker is `blocker.add`, its own permission: the log owner's here, nobody's by default.
    const noAdd = { ...c, permissions: { ...c.permissions, 'blocker.add': [] } };
    expect(pickerValues(noAdd)).not.toContain('blocker.add');
    expect(pickerValues(noAdd, admin)).toContain('blocker.add');
    const picker = viewOf(shapeFormFor(c, owner, { channel: 'C1' }));
    expect(picker.callback_id).toBe(VIEWS.shapePicker);
    expect(JSON.parse(picker.private_metadata)).toEqual({ channel: 'C1' });
    expect(JSON.stringify(picker)).toContain('*Gates* 5 (2 derived)');
  });

  it('puts Shape the program on App Home for the log owner and admins only', () => {
    const has = (userId: string, isAdmin = false) =>
      JSON.stringify(homeView(newDocument(seeded()), userId, isAdmin).blocks).includes(ACTIONS.openShape);
    expect(has(U.dlo)).toBe(true);
    expect(has(U.admin, true)).toBe(true);
    expect(has(U.pic)).toBe(false);
    expect(has(U.nobody)).toBe(false);
  });

  it('refuses someone who may not shape, naming the role that may and who holds it', () => {
    const form = shapeFormFor(seeded(), { userId: U.pic, isAdmin: false }, {});
    expect(form).toEqual({
      refusal: expect.stringContaining(
        'Only decision-log-owner (<@UDLO00001>) or an admin may change the shape of this program. You hold producer-incident-commander.',
      ),
    });
    expect(shapeOffers(seeded(), { userId: U.nobody, isAdmin: false })).toEqual([]);
  });

  it('lists only manual gates for removal: a derived gate is not offered', () => {
    const c = seeded();
    const derived = c.gates.filter((g) => g.derived).map((g) => g.id);
    expect(derived.length).toBeGreaterThan(0);
    const offered = itemOptions(c, 'gate.remove');
    expect(offered).toEqual(c.gates.filter((g) => !g.derived).map((g) => g.id));
    for (const id of derived) expect(offered).not.toContain(id);
    // Renaming a gate is offered for every gate, derived ones too: the core allows it.
    expect(itemOptions(c, 'gate.rename')).toEqual(c.gates.map((g) => g.id));
  });

  it('says why a form cannot be used when nothing it could act on exists', () => {
    expect(shapeFormFor(seeded(), owner, {}, 'blocker.remove')).toEqual({
      refusal: expect.stringContaining('Every blocker here is derived'),
    });
    expect(shapeFormFor(seeded(), owner, {}, 'evidence.remove')).toEqual({
      refusal: expect.stringContaining('derived items keep their conditions'),
    });
    const withBlocker = run(
      seeded(),
      { type: 'blocker.add', owner: 'decision-log-owner', title: 'Vendor contract' },
      A.admin,
      T0,
    ).cutover;
    expect(itemOptions(withBlocker, 'blocker.remove')).toEqual(['vendor-contract']);
  });

  it('refuses every form of an archived program', () => {
    const c = { ...seeded(), archived: { by: U.admin, at: T0.toISOString() } };
    expect(shapeOffers(c, admin)).toEqual([]);
    expect(shapeFormFor(c, admin, {})).toEqual({ refusal: expect.stringContaining('archived') });
  });

  it('shows the reminders as they stand', () => {
    const form = viewOf(shapeFormFor(seeded(), owner, {}, 'reminders.set'));
    const block = (id: string) => form.blocks.find((b) => b.block_id === id)?.element;
    expect(block(INPUTS.shape.signoffAfterHours)).toMatchObject({
      type: 'number_input',
      initial_value: '24',
    });
    expect(block(INPUTS.shape.windowLeadHours)).toMatchObject({ initial_value: '24, 1' });
    expect(block(INPUTS.shape.digestHour)).toMatchObject({ initial_option: { value: '9' } });
    expect(block(INPUTS.shape.quietFrom)).toMatchObject({ initial_option: { value: '22' } });
    expect(block(INPUTS.shape.quietTo)).toMatchObject({ initial_option: { value: '7' } });
    expect(block(INPUTS.shape.zone)).toMatchObject({ initial_value: 'UTC' });
  });

  it('stays within modal limits with the largest program: 100 gates and 100 blockers', () => {
    const c = largeProgram({ gates: 100, blockers: 100 });
    const viewer = { userId: 'UADMIN', isAdmin: true };
    expect(shapeOffers(c, viewer)).toEqual(SHAPE_FORMS);
    const picker = viewOf(shapeFormFor(c, viewer, { channel: 'C1' }));
    expectModalWithinLimits(picker);
    expectNoForgedMarkup(picker.blocks);
    // The picker's select is in an actions block, which the shared limit check does not read.
    const groups = JSON.parse(JSON.stringify(picker.blocks)).find((b: Block) => b.type === 'actions')
      .elements[0].option_groups as { label: { text: string }; options: { text: { text: string } }[] }[];
    for (const g of groups) {
      expect(g.label.text.length).toBeLessThanOrEqual(75);
      expect(g.options.length).toBeLessThanOrEqual(100);
      for (const o of g.options) expect(o.text.text.length).toBeLessThanOrEqual(75);
    }
    for (const form of SHAPE_FORMS) {
      const view = viewOf(shapeFormFor(c, viewer, { channel: 'C1' }, form));
      expect(view.callback_id).toBe(SHAPE_VIEWS[form]);
      expectModalWithinLimits(view);
      for (const b of view.blocks) {
        const h = (b as { hint?: { text: string } }).hint;
        if (h) expect(h.text).not.toMatch(/…$/);
      }
    }
    expect(itemOptions(c, 'gate.rename', viewer)).toHaveLength(100);
    expectModalWithinLimits(shapeNotice('x'.repeat(5000)));
  });

  it('asks for a typed id when there are more items than a select holds', () => {
    const c = largeProgram({ gates: 150 });
    const view = viewOf(shapeFormFor(c, admin, {}, 'gate.rename'));
    expect(view.blocks.find((b) => b.block_id === INPUTS.shape.item)?.element).toMatchObject({
      type: 'plain_text_input',
    });
    expectModalWithinLimits(view);
  });
});
