/**
 * Every form opens at the rules' extremes: the values a program may hold (a window in the year 9999 or in 1970,
 * reminders a program file set to half an hour or a thousand hours) never become an initial value Slack documents
 * as refused (a datetimepicker's 10-digit UNIX time, a number field's range), and the form says what it could not
 * show. The documented bounds are checked by `expectElementsWithinLimits` (./limits.ts).
 */
import { describe, expect, it } from 'vitest';
import type { Cutover } from '../../../src/core/schema.js';
import { INPUTS } from '../../../src/slack/ids.js';
import {
  decideFormFor,
  evidenceFormFor,
  PICKER_INITIAL,
  pickerSeconds,
  roleFormFor,
  targetFormFor,
  windowFormFor,
} from '../../../src/slack/views/act-modals.js';
import { gateFormFor } from '../../../src/slack/views/gate-modal.js';
import { formFor } from '../../../src/slack/views/modals.js';
import { newProgramModal } from '../../../src/slack/views/programs.js';
import { SHAPE_FORMS, shapeFormFor } from '../../../src/slack/views/shape-modal.js';
import { A, run, SHA1, seeded, T0, TAG1, U } from '../../core/fixtures.js';
import { largeProgram } from '../../fixtures/programs.js';
import { expectElementsWithinLimits, expectModalWithinLimits } from './limits.js';

type Json = Record<string, unknown>;
type Block = {
  type: string;
  block_id?: string;
  element?: Json;
  hint?: { text: string };
  text?: { text: string };
};
const owner = { userId: U.dlo, isAdmin: false };

function viewOf(result: { view: unknown } | { refusal: string }) {
  if (!('view' in result)) throw new Error(`expected a form, got: ${result.refusal}`);
  return result.view as { blocks: Block[] } & Json;
}
const withWindow = (start: string, end: string) =>
  run(seeded(), { type: 'window', start, end }, A.dlo, T0).cutover;
const element = (view: { blocks: Block[] }, block: string) =>
  view.blocks.find((b) => b.block_id === block)?.element;

describe('the window form at the rules’ extremes', () => {
  it('a window in the year 9999 (which the rules allow) opens its form, empty pickers, the window said in words', () => {
    const c = withWindow('9999-12-31T20:00Z', '9999-12-31T23:00Z');
    const view = viewOf(windowFormFor(c, owner, {}));
    expectModalWithinLimits(view);
    expect(element(view, INPUTS.window.start)).not.toHaveProperty('initial_date_time');
    expect(element(view, INPUTS.window.end)).not.toHaveProperty('initial_date_time');
    const text = view.blocks[0]?.text?.text ?? '';
    expect(text).toContain("The window now starts 9999-12-31 20:00 UTC, which Slack's picker cannot show");
    expect(text).toContain('The window now ends 9999-12-31 23:00 UTC');
  });

  it('a window in 1970 (nine digits of seconds) opens too; a window of today shows its ends in the pickers', () => {
    // A program file may hold a window long past (the rules refuse setting one that is over).
    const then = withWindow('2026-12-01T09:00Z', '2026-12-01T11:00Z');
    const past: Cutover = {
      ...then,
      window: {
        ...(then.window as NonNullable<Cutover['window']>),
        start: '1970-01-02T09:00:00.000Z',
        end: '1970-01-02T11:00:00.000Z',
      },
    };
    const old = viewOf(windowFormFor(past, owner, {}));
    expectModalWithinLimits(old);
    expect(element(old, INPUTS.window.start)).not.toHaveProperty('initial_date_time');
    const now = viewOf(windowFormFor(withWindow('2026-12-01T09:00Z', '2026-12-01T11:00Z'), owner, {}));
    expectModalWithinLimits(now);
    expect(element(now, INPUTS.window.start)).toMatchObject({
      initial_date_time: Date.parse('2026-12-01T09:00Z') / 1000,
    });
    expect(now.blocks[0]?.text?.text).not.toContain('cannot show');
  });

  it('gives a picker only a 10-digit UNIX time', () => {
    expect(pickerSeconds('2001-09-09T01:46:40Z')).toBe(PICKER_INITIAL.min);
    expect(pickerSeconds('2001-09-09T01:46:39Z')).toBeUndefined();
    expect(pickerSeconds('2286-11-20T17:46:39Z')).toBe(PICKER_INITIAL.max);
    expect(pickerSeconds('2286-11-20T17:46:40Z')).toBeUndefined();
    expect(pickerSeconds('not a time')).toBeUndefined();
    expect(pickerSeconds(undefined)).toBeUndefined();
  });
});

describe('the reminders form with what a program file may hold', () => {
  it('opens with hours its number fields cannot show left empty, each said in its hint', () => {
    const c: Cutover = {
      ...seeded(),
      reminders: {
        ...seeded().reminders,
        signoffAfterHours: 0.5,
        blockerStaleHours: 1000,
        zone: 'x'.repeat(150),
      },
    };
    const view = viewOf(shapeFormFor(c, owner, {}, 'reminders.set'));
    expectModalWithinLimits(view);
    const signoff = view.blocks.find((b) => b.block_id === INPUTS.shape.signoffAfterHours);
    expect(signoff?.element).toMatchObject({
      type: 'number_input',
      is_decimal_allowed: false,
      min_value: '1',
      max_value: '720',
    });
    expect(signoff?.element).not.toHaveProperty('initial_value');
    expect(signoff?.hint?.text).toContain('Now 0.5 hours, which this field cannot show');
    expect(element(view, INPUTS.shape.blockerStaleHours)).not.toHaveProperty('initial_value');
    expect(element(view, INPUTS.shape.zone)).not.toHaveProperty('initial_value');
  });
});

describe('every form the bot opens', () => {
  it("passes Slack's documented limits, for the shipped program at the window's extreme and for the largest", () => {
    const admin = { userId: U.admin, isAdmin: true };
    const extreme = run(
      withWindow('9999-12-31T20:00Z', '9999-12-31T23:00Z'),
      { type: 'target.publish', tag: TAG1, sha: SHA1 },
      A.admin,
      T0,
    ).cutover;
    const large = run(largeProgram(), { type: 'target.publish', tag: TAG1, sha: SHA1 }, A.admin, T0).cutover;
    for (const c of [extreme, large]) {
      const meta = { channel: 'C1', program: c.id };
      const forms = [
        formFor('signoff', c, admin, meta),
        formFor('blocker', c, admin, meta),
        gateFormFor(c, admin, meta),
        evidenceFormFor(c, admin, meta),
        decideFormFor(c, admin, meta),
        targetFormFor(c, admin, meta),
        windowFormFor(c, admin, meta),
        roleFormFor(c, admin, meta),
        shapeFormFor(c, admin, meta),
        ...SHAPE_FORMS.map((f) => shapeFormFor(c, admin, meta, f)),
      ];
      for (const form of forms) if ('view' in form) expectModalWithinLimits(form.view);
      expect(forms.filter((f) => 'view' in f).length).toBeGreaterThanOrEqual(15);
      const choice = { value: c.id, label: c.title, program: c };
      expectModalWithinLimits(newProgramModal([choice], choice, { channel: 'C1' }));
    }
  });
});

describe('a form with nothing to choose', () => {
  it('is not opened: a program without decisions says so instead of a Decide form with an empty select', () => {
    const c: Cutover = { ...seeded(), decisions: [] };
    expect(decideFormFor(c, owner, {})).toEqual({
      refusal: ':no_entry: This program has no decisions to record. _Nothing was changed._',
    });
  });
});

describe('the limits helper', () => {
  it('refuses what Slack documents as refused', () => {
    const input = (element: Json) => [
      { type: 'input', block_id: 'b', element: { action_id: 'value', ...element } },
    ];
    expect(() =>
      expectElementsWithinLimits(input({ type: 'datetimepicker', initial_date_time: 253402160400 })),
    ).toThrow();
    expect(() =>
      expectElementsWithinLimits(input({ type: 'datetimepicker', initial_date_time: 1.5e9 + 0.5 })),
    ).toThrow();
    expect(() =>
      expectElementsWithinLimits(input({ type: 'datepicker', initial_date: '10000-01-01' })),
    ).toThrow();
    expect(() => expectElementsWithinLimits(input({ type: 'timepicker', initial_time: '24:00' }))).toThrow();
    expect(() =>
      expectElementsWithinLimits(
        input({ type: 'number_input', is_decimal_allowed: false, min_value: '1', initial_value: '0.5' }),
      ),
    ).toThrow();
    expect(() =>
      expectElementsWithinLimits(
        input({ type: 'plain_text_input', max_length: 10, initial_value: 'x'.repeat(11) }),
      ),
    ).toThrow();
    expect(() => expectElementsWithinLimits(input({ type: 'static_select', options: [] }))).toThrow();
    expect(() =>
      expectElementsWithinLimits(
        input({
          type: 'static_select',
          options: [{ text: { type: 'plain_text', text: 'a' }, value: 'a' }],
          initial_option: { text: { type: 'plain_text', text: 'b' }, value: 'b' },
        }),
      ),
    ).toThrow();
    expect(() =>
      expectElementsWithinLimits([
        ...input({ type: 'datetimepicker', initial_date_time: 1_700_000_000 }),
        ...input({ type: 'datepicker', initial_date: '2026-12-01' }),
        ...input({ type: 'timepicker', initial_time: '09:30' }),
        ...input({
          type: 'number_input',
          is_decimal_allowed: false,
          min_value: '1',
          max_value: '720',
          initial_value: '24',
        }),
      ]),
    ).not.toThrow();
  });
});
