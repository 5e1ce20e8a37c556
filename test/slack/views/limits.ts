/** Slack's Block Kit limits (../shared/SLACK-FACTS.md), asserted on a rendered message or view. */
import { expect } from 'vitest';
import { messagePayloadProblems, problemMessages, viewProblems } from '../block-kit-rules.js';

type Json = Record<string, unknown>;

function walkTexts(node: unknown, visit: (key: string, value: string, parent: Json) => void) {
  if (Array.isArray(node)) for (const x of node) walkTexts(x, visit);
  else if (node && typeof node === 'object')
    for (const [k, v] of Object.entries(node as Json)) {
      if (typeof v === 'string') visit(k, v, node as Json);
      else walkTexts(v, visit);
    }
}

export function expectMessageWithinLimits(blocks: object[]) {
  // Every rule the strict stand-in enforces (test/slack/block-kit-rules.ts), then the limits spelled out.
  expect(problemMessages(messagePayloadProblems({ blocks }))).toEqual([]);
  expect(blocks.length).toBeLessThanOrEqual(50);
  expectBlocksWithinLimits(blocks);
}

export function expectBlocksWithinLimits(list: object[]) {
  const blocks = list as Json[];
  for (const b of blocks) {
    if (b.type === 'header') expect(((b.text as Json).text as string).length).toBeLessThanOrEqual(150);
    if (b.type === 'section' && b.text)
      expect(((b.text as Json).text as string).length).toBeLessThanOrEqual(3000);
    if (b.type === 'context')
      for (const e of b.elements as Json[]) expect((e.text as string).length).toBeLessThanOrEqual(3000);
  }
  walkTexts(blocks, (key, value) => {
    if (key === 'action_id' || key === 'block_id' || key === 'callback_id')
      expect(value.length).toBeLessThanOrEqual(255);
  });
}

/** Every element object in blocks (or a view), wherever it sits: input, section accessory, actions. */
function elementsOf(node: unknown, out: Json[] = []): Json[] {
  if (Array.isArray(node)) for (const x of node) elementsOf(x, out);
  else if (node && typeof node === 'object') {
    const o = node as Json;
    if (typeof o.type === 'string' && 'action_id' in o) out.push(o);
    for (const v of Object.values(o)) if (v && typeof v === 'object') elementsOf(v, out);
  }
  return out;
}

/**
 * The documented bounds of the input elements' initial values (docs.slack.dev, Block Kit elements), which Slack
 * checks when a view is opened: a datetimepicker's `initial_date_time` is a UNIX time of 10 digits; a datepicker's
 * `initial_date` is `YYYY-MM-DD`; a timepicker's `initial_time` is `HH:mm`; a number_input's `initial_value` lies
 * within its `min_value`/`max_value` (a whole number unless `is_decimal_allowed`); a plain_text_input's initial value
 * fits its `max_length` (at most 3000).
 */
export function expectElementsWithinLimits(node: unknown) {
  for (const el of elementsOf(node)) {
    if (el.type === 'datetimepicker' && el.initial_date_time !== undefined) {
      expect(Number.isInteger(el.initial_date_time), 'initial_date_time is a whole number').toBe(true);
      expect(String(el.initial_date_time), 'initial_date_time has 10 digits').toMatch(/^\d{10}$/);
    }
    if (el.type === 'datepicker' && el.initial_date !== undefined) {
      expect(el.initial_date).toMatch(/^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/);
      expect(Number.isNaN(Date.parse(`${el.initial_date}T00:00:00Z`))).toBe(false);
    }
    if (el.type === 'timepicker' && el.initial_time !== undefined)
      expect(el.initial_time).toMatch(/^([01]\d|2[0-3]):[0-5]\d$/);
    if (el.type === 'number_input') {
      expect(typeof el.is_decimal_allowed, 'number_input needs is_decimal_allowed').toBe('boolean');
      const num = (k: string) => (el[k] === undefined ? undefined : Number(el[k]));
      const [min, max, initial] = [num('min_value'), num('max_value'), num('initial_value')];
      if (min !== undefined && max !== undefined) expect(min).toBeLessThanOrEqual(max);
      if (initial !== undefined) {
        expect(Number.isFinite(initial)).toBe(true);
        if (!el.is_decimal_allowed) expect(String(el.initial_value)).toMatch(/^-?\d+$/);
        if (min !== undefined) expect(initial).toBeGreaterThanOrEqual(min);
        if (max !== undefined) expect(initial).toBeLessThanOrEqual(max);
      }
    }
    // A select holds 1 to 100 options (or option groups of them), radio buttons and checkboxes 1 to 10; an initial
    // option is one of them.
    const counts: Record<string, number> = { static_select: 100, radio_buttons: 10, checkboxes: 10 };
    const most = Object.hasOwn(counts, String(el.type)) ? counts[String(el.type)] : undefined;
    if (most !== undefined && (el.options !== undefined || el.option_groups === undefined)) {
      const options = (el.options as Json[] | undefined) ?? [];
      expect(options.length, `${String(el.type)} options`).toBeGreaterThanOrEqual(1);
      expect(options.length, `${String(el.type)} options`).toBeLessThanOrEqual(most);
      if (el.initial_option !== undefined) expect(options).toContainEqual(el.initial_option);
    }
    if (el.type === 'plain_text_input') {
      const max = (el.max_length as number | undefined) ?? 3000;
      expect(max).toBeLessThanOrEqual(3000);
      if (typeof el.initial_value === 'string') expect(el.initial_value.length).toBeLessThanOrEqual(max);
    }
  }
}

export function expectModalWithinLimits(modal: object) {
  expect(problemMessages(viewProblems(modal))).toEqual([]);
  const view = modal as Json;
  const blocks = view.blocks as Json[];
  expect(blocks.length).toBeLessThanOrEqual(100);
  for (const k of ['title', 'submit', 'close'] as const)
    if (view[k]) expect(((view[k] as Json).text as string).length).toBeLessThanOrEqual(24);
  if (blocks.some((b) => b.type === 'input')) expect(view.submit).toBeDefined();
  expect(((view.private_metadata as string | undefined) ?? '').length).toBeLessThanOrEqual(3000);
  expectBlocksWithinLimits(blocks);
  expectElementsWithinLimits(blocks);
  walkTexts(blocks, (key, value, parent) => {
    // option and placeholder texts: 75 characters
    if (key === 'text' && parent.type === 'plain_text') expect(value.length).toBeLessThanOrEqual(2000);
  });
  for (const b of blocks) {
    const el = b.element as Json | undefined;
    const options = el?.options as Json[] | undefined;
    if (options) {
      expect(options.length).toBeLessThanOrEqual(100);
      for (const o of options) expect(((o.text as Json).text as string).length).toBeLessThanOrEqual(75);
    }
  }
}

/** Every mrkdwn text in blocks or a view (plain_text is never parsed by Slack, so it cannot ping). */
export function mrkdwnTexts(node: unknown): string[] {
  const out: string[] = [];
  walkTexts(node, (key, value, parent) => {
    if (key === 'text' && parent.type === 'mrkdwn') out.push(value);
  });
  return out;
}

/** No typed text may ping or forge a link: the only `<…>` left are our own mentions, dates and links. */
export function expectNoForgedMarkup(textOrBlocks: unknown) {
  const texts = typeof textOrBlocks === 'string' ? [textOrBlocks] : mrkdwnTexts(textOrBlocks);
  expect(texts.length).toBeGreaterThan(0);
  for (const text of texts) {
    expect(text).not.toMatch(/<!(channel|here|everyone)/);
    expect(text).not.toContain('<https://evil.example');
  }
}
