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
