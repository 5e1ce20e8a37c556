/** Pacing and folding, pure: what a channel's queue does at a given instant. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  backoffMs,
  byChannel,
  foldTexts,
  MAX_MESSAGE_CHARS,
  messageBlocks,
  planChannel as plan,
} from '../../src/alerts/batch.js';
import type { AlertButton } from '../../src/alerts/messages.js';
import type { OutboxItem } from '../../src/service/document.js';

const T = Date.parse('2026-02-10T08:00:00Z');
/** An item as the planner sees it: its delivery state, and its text as rendered at delivery. */
type Item = Pick<OutboxItem, 'id' | 'channel' | 'notBefore' | 'degraded'> & {
  text: string;
  buttons: AlertButton[];
};
const item = (n: number, extra: Partial<Item> = {}): Item => ({
  id: `alert-${n}`,
  channel: 'C1',
  text: `change ${n}`,
  buttons: [],
  ...extra,
});
const planChannel = (q: Item[], now: number, options: Parameters<typeof plan>[2]) =>
  plan(q, now, options, (i) => i.text);
const at = (ms: number) => new Date(T + ms).toISOString();

describe('pacing', () => {
  it('an empty queue is idle; the first message of a channel goes at once', () => {
    expect(planChannel([], T, { paceMs: 1000 })).toEqual({ kind: 'idle' });
    expect(planChannel([item(1)], T, { paceMs: 1000 })).toMatchObject({ kind: 'send', text: 'change 1' });
  });

  it('the next message waits a second after the last one', () => {
    expect(planChannel([item(1)], T + 400, { paceMs: 1000, lastPostAt: T })).toEqual({
      kind: 'wait',
      until: T + 1000,
    });
    expect(planChannel([item(1)], T + 1000, { paceMs: 1000, lastPostAt: T }).kind).toBe('send');
  });

  it('the head waits for its own notBefore (backoff, Retry-After), and nothing behind it overtakes it', () => {
    const q = [item(1, { notBefore: at(5000) }), item(2)];
    expect(planChannel(q, T + 1000, { paceMs: 1000 })).toEqual({ kind: 'wait', until: T + 5000 });
    expect(planChannel(q, T + 5000, { paceMs: 1000 })).toMatchObject({
      kind: 'send',
      items: [{ id: 'alert-1' }, { id: 'alert-2' }],
    });
  });
});

describe('folding', () => {
  it('everything due at once goes in one message that tells every item, in order', () => {
    const q = Array.from({ length: 20 }, (_, i) => item(i + 1));
    const plan = planChannel(q, T, { paceMs: 1000 });
    if (plan.kind !== 'send') throw new Error(plan.kind);
    expect(plan.items).toHaveLength(20);
    expect(plan.text.split('\n\n')).toEqual(q.map((i) => i.text));
  });

  it('stops at an item that is not due yet', () => {
    const plan = planChannel([item(1), item(2), item(3, { notBefore: at(9000) }), item(4)], T, {
      paceMs: 1000,
    });
    expect(plan).toMatchObject({ kind: 'send', items: [{ id: 'alert-1' }, { id: 'alert-2' }] });
  });

  it('splits so that no message exceeds Slack’s text limit, and the rest goes next', () => {
    const big = (n: number) => item(n, { text: `${n}:${'x'.repeat(3998)}` });
    const q = Array.from({ length: 25 }, (_, i) => big(i));
    const plan = planChannel(q, T, { paceMs: 1000 });
    if (plan.kind !== 'send') throw new Error(plan.kind);
    expect(plan.text.length).toBeLessThanOrEqual(MAX_MESSAGE_CHARS);
    expect(plan.items.length).toBe(9);
    expect(planChannel(q.slice(9), T + 1000, { paceMs: 1000, lastPostAt: T })).toMatchObject({
      kind: 'send',
      items: expect.arrayContaining([expect.objectContaining({ id: 'alert-9' })]),
    });
  });

  it('sends one item at a time when asked (after Slack refused a folded message)', () => {
    expect(planChannel([item(1), item(2)], T, { paceMs: 1000, maxItems: 1 })).toMatchObject({
      items: [{ id: 'alert-1' }],
    });
  });

  it('a burst of any size is told completely over successive messages, each within the limit', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 4000 }), { minLength: 1, maxLength: 60 }), (sizes) => {
        let q = sizes.map((n, i) => item(i, { text: 'y'.repeat(n) }));
        const told: string[] = [];
        let now = T;
        let last: number | undefined;
        while (q.length) {
          const plan = planChannel(q, now, {
            paceMs: 1000,
            ...(last === undefined ? {} : { lastPostAt: last }),
          });
          if (plan.kind === 'wait') {
            now = plan.until;
            continue;
          }
          if (plan.kind !== 'send') throw new Error(plan.kind);
          expect(plan.text.length).toBeLessThanOrEqual(MAX_MESSAGE_CHARS);
          if (last !== undefined) expect(now - last).toBeGreaterThanOrEqual(1000);
          told.push(...plan.items.map((i) => i.id));
          last = now;
          q = q.slice(plan.items.length);
        }
        expect(told).toEqual(sizes.map((_, i) => `alert-${i}`));
      }),
    );
  });

  it('groups by channel, keeping queue order', () => {
    const groups = byChannel([item(1), item(2, { channel: 'C2' }), item(3)]);
    expect([...groups].map(([c, items]) => [c, items.map((i) => i.id)])).toEqual([
      ['C1', ['alert-1', 'alert-3']],
      ['C2', ['alert-2']],
    ]);
    expect(foldTexts([item(1, { text: 'z'.repeat(50) })], 10)).toBe(`${'z'.repeat(9)}…`);
  });
});

describe('backoff', () => {
  it('doubles per attempt from the base, capped', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8].map((n) => backoffMs(n, 2000, 60_000))).toEqual([
      2000, 4000, 8000, 16_000, 32_000, 60_000, 60_000, 60_000,
    ]);
  });
});

describe('a message whose items ask for actions', () => {
  it('carries their buttons once each, below its text in sections within Slack limits', () => {
    const approve = { text: 'Approve v1', actionId: 'cutover.target.approve', value: 'p:abc' };
    const sign = { text: 'Sign off for A', actionId: 'cutover.signoff.open', value: 'p:a' };
    const items = [
      item(1, { text: 'x'.repeat(2000), buttons: [approve] }),
      item(2, { text: `${'y'.repeat(2500)}\n${'z'.repeat(2500)}`, buttons: [approve, sign] }),
    ];
    const text = foldTexts(items);
    const blocks = messageBlocks(items, text) as {
      type: string;
      text?: { text: string };
      elements?: { value: string }[];
    }[];
    const sections = blocks.filter((b) => b.type === 'section');
    expect(sections.every((b) => (b.text?.text.length ?? 0) <= 3000)).toBe(true);
    expect(sections.map((b) => b.text?.text).join('\n')).toBe(text);
    expect(
      blocks.filter((b) => b.type === 'actions').flatMap((b) => b.elements?.map((e) => e.value)),
    ).toEqual(['p:abc', 'p:a']);
    expect(blocks.length).toBeLessThanOrEqual(50);
  });

  it('is its text alone when no item asks for an action', () => {
    expect(messageBlocks([item(1)], 'change 1')).toBeUndefined();
  });
});
