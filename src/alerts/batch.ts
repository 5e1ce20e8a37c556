/**
 * Pacing and folding, pure: what a channel's queue should do at `now`. Items go out in order; the first one waits
 * for its own `notBefore` (backoff, Retry-After) and for the channel's pace (one message per `paceMs`). When
 * several items are due together they fold into one message that still tells every one of them, split so that
 * no message exceeds Slack's text limit.
 */
import type { types } from '@slack/bolt';
import type { OutboxItem } from '../service/document.js';
import { withUniqueIds } from '../slack/block-ids.js';
import type { Rendered } from './render.js';

/** Slack cuts message text beyond 40,000 characters; keep clear of it. */
export const MAX_MESSAGE_CHARS = 39_000;
const SEPARATOR = '\n\n';

/** What the planner reads of an item: when it is due, whether it was degraded, and its text as rendered. */
type Planned = Pick<OutboxItem, 'notBefore' | 'degraded'>;

type Plan<T> =
  | { kind: 'idle' }
  | { kind: 'wait'; until: number }
  | { kind: 'send'; items: T[]; text: string };

interface PlanOptions {
  /** When this channel was last posted to (ms), if ever since the start. */
  lastPostAt?: number;
  paceMs: number;
  maxChars?: number;
  /** Send at most this many items in one message (1 after a message was refused as a whole). */
  maxItems?: number;
}

const due = (item: Planned) => (item.notBefore ? Date.parse(item.notBefore) : 0);

/**
 * The plan for one channel's items, given in queue order; `textOf` renders an item (called in order, only for the
 * items the plan looks at: at delivery, the text is composed then).
 */
export function planChannel<T extends Planned>(
  items: T[],
  now: number,
  options: PlanOptions,
  textOf: (item: T) => string,
): Plan<T> {
  const head = items[0];
  if (!head) return { kind: 'idle' };
  const paced = options.lastPostAt === undefined ? 0 : options.lastPostAt + options.paceMs;
  const ready = Math.max(due(head), paced);
  if (ready > now) return { kind: 'wait', until: ready };
  const max = options.maxChars ?? MAX_MESSAGE_CHARS;
  const maxItems = options.maxItems ?? Number.POSITIVE_INFINITY;
  const batch: T[] = [];
  const texts: string[] = [];
  let size = 0;
  for (const item of items) {
    if (due(item) > now || batch.length >= maxItems) break;
    // An item Slack refused goes alone, in the form it is degraded to (alerts/refused.ts).
    if (batch.length && item.degraded) break;
    const text = textOf(item);
    const added = text.length + (batch.length ? SEPARATOR.length : 0);
    if (batch.length && size + added > max) break;
    batch.push(item);
    texts.push(text);
    size += added;
  }
  return {
    kind: 'send',
    items: batch,
    text: foldTexts(
      texts.map((t) => ({ text: t })),
      max,
    ),
  };
}

/** One message telling every item, in order. A single item longer than the limit is cut (never the case for alerts). */
export function foldTexts(items: readonly Pick<Rendered, 'text'>[], max = MAX_MESSAGE_CHARS): string {
  const text = items.map((i) => i.text).join(SEPARATOR);
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** Items grouped by channel, each in queue order; channels in the order their first item was queued. */
export function byChannel<T extends Pick<OutboxItem, 'channel'>>(outbox: T[]): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of outbox) {
    const list = out.get(item.channel) ?? [];
    list.push(item);
    out.set(item.channel, list);
  }
  return out;
}

/** Exponential backoff after `attempts` failed attempts, capped. */
export function backoffMs(attempts: number, baseMs: number, maxMs: number): number {
  return Math.min(maxMs, baseMs * 2 ** Math.max(0, attempts - 1));
}

/** A section's text stays below Slack's 3,000 characters; a message holds at most 50 blocks. */
const SECTION_MAX = 2900;
const MAX_BUTTONS = 20;

/**
 * The blocks of a message whose items carry buttons (the next actions they ask for): the text in sections, split at
 * line breaks, then the buttons (each once, at most MAX_BUTTONS, five to a row). Undefined when no item has one:
 * the message is its text alone.
 */
export function messageBlocks(
  items: readonly Pick<Rendered, 'buttons'>[],
  text: string,
): types.KnownBlock[] | undefined {
  const seen = new Map<string, { text: string; actionId: string; value: string }>();
  for (const b of items.flatMap((i) => i.buttons)) seen.set(`${b.actionId} ${b.value}`, b);
  const buttons = [...seen.values()].slice(0, MAX_BUTTONS);
  if (!buttons.length) return undefined;
  const sections: string[] = [];
  let current = '';
  for (const line of text.split('\n')) {
    const piece = line.length > SECTION_MAX ? `${line.slice(0, SECTION_MAX - 1)}…` : line;
    if (current && current.length + 1 + piece.length > SECTION_MAX) {
      sections.push(current);
      current = piece;
    } else current = current ? `${current}\n${piece}` : piece;
  }
  if (current) sections.push(current);
  const rows: types.KnownBlock[] = [];
  for (let i = 0; i < buttons.length; i += 5)
    rows.push({
      type: 'actions',
      elements: buttons.slice(i, i + 5).map((b) => ({
        type: 'button' as const,
        text: { type: 'plain_text' as const, text: b.text.slice(0, 75) },
        action_id: b.actionId,
        value: b.value,
      })),
    });
  // One action's buttons share a row (two "Sign off for …"): ids unique within each block, as Slack requires.
  return withUniqueIds([
    ...sections
      .slice(0, 50 - rows.length)
      .map((t): types.KnownBlock => ({ type: 'section', text: { type: 'mrkdwn', text: t } })),
    ...rows,
  ]);
}
