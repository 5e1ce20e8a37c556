/**
 * When Slack refuses an alert's payload (invalid_blocks, invalid_attachments, msg_too_long, too_many_attachments,
 * invalid_arguments…), the same alert still reaches the channel, once, in a form Slack takes: first as plain text
 * without blocks, the buttons' actions named as the commands and the App Home a person uses instead; then, if that
 * is refused too, cut short and without metadata. Each refusal is logged with the payload's shape (never its text)
 * and kept in the document (`refused`) for admins' App Home, with how the alert was delivered after, or that it was
 * not. Pure: the dispatcher posts and writes.
 */
import type { types } from '@slack/bolt';
import type { OutboxItem, RefusedAlert, StoreDocument } from '../service/document.js';
import { baseActionId } from '../slack/block-ids.js';
import { ACTIONS, readActionValue } from '../slack/ids.js';
import { esc } from '../slack/views/text.js';
import type { Rendered } from './render.js';

/** How many refusals the document keeps. */
export const REFUSED_KEPT = 20;
/** The cut text of the last try: far below Slack's limits. */
const SHORT_MAX = 3000;

/** The next form of an item Slack refused, or `undefined` when none is left (it had no blocks and was cut already). */
export function nextForm(item: Pick<OutboxItem, 'degraded'>, hadBlocks: boolean): OutboxItem['degraded'] {
  if (item.degraded === undefined && hadBlocks) return 'text';
  if (item.degraded !== 'short') return 'short';
  return undefined;
}

/** What each button's action is without the button: the command, with the item it names. */
function commandFor(actionId: string, item: string | undefined): string {
  const it = item ? esc(item) : '<id>';
  switch (baseActionId(actionId)) {
    case ACTIONS.openSignoff:
      return '`/cutover signoff`';
    case ACTIONS.openBlocker:
      return `\`/cutover blocker clear ${it} [evidence-url]\` or \`/cutover blocker reopen ${it} <reason…>\``;
    case ACTIONS.openGate:
      return `\`/cutover gate ${it} green|red|pending [evidence-url]\``;
    case ACTIONS.openEvidence:
      return `\`/cutover evidence ${it} <url>\``;
    case ACTIONS.openDecide:
      return `\`/cutover decide ${it} go|no-go <rationale…>\``;
    case ACTIONS.approveTarget:
      return `\`/cutover target approve ${it}\``;
    case ACTIONS.startPhase:
      return `\`/cutover phase ${it} start\``;
    case ACTIONS.closePhase:
      return `\`/cutover phase ${it} close\``;
    case ACTIONS.openTarget:
      return '`/cutover target <tag> <commit-sha>`';
    case ACTIONS.openWindow:
      return '`/cutover window <start> <end>`';
    case ACTIONS.openRole:
      return '`/cutover role <role-id> @person`';
    case ACTIONS.postRecord:
      return '`/cutover record`';
    case ACTIONS.openShape:
      return '`/cutover shape`';
    default:
      return 'its button on App Home';
  }
}

/** The alert as plain text: its text, then each button's action as a command, and App Home for those without. */
export function plainAlertText(item: Pick<Rendered, 'text' | 'buttons'>): string {
  const buttons = item.buttons;
  if (!buttons.length) return item.text;
  const lines = buttons.map(
    (b) => `• ${esc(b.text)}: ${commandFor(b.actionId, readActionValue(b.value).item)}`,
  );
  return [
    item.text,
    '',
    '*To act* (the buttons could not be shown here):',
    ...lines,
    "_Or use the same buttons on the bot's App Home (its Home tab), which works from either organisation._",
  ].join('\n');
}

/** The last try: the plain text cut short, pointing at where the whole of it is. */
export function shortAlertText(item: Pick<Rendered, 'text' | 'buttons'>): string {
  const text = plainAlertText(item);
  if (text.length <= SHORT_MAX) return text;
  const tail =
    '…\n_(cut short: Slack refused the whole alert; `/cutover status` and `/cutover history` tell the rest)_';
  return `${text.slice(0, SHORT_MAX - tail.length)}${tail}`;
}

/** The shape of a payload, for the log and admins: block count and kinds, elements, sizes; never the text. */
export function payloadShape(text: string, blocks: types.KnownBlock[] | undefined): string {
  const parts = [`text ${text.length} chars`];
  if (blocks?.length) {
    const kinds = new Map<string, number>();
    let elements = 0;
    let largest = 0;
    for (const b of blocks) {
      kinds.set(b.type, (kinds.get(b.type) ?? 0) + 1);
      if ('elements' in b && Array.isArray(b.elements)) elements += b.elements.length;
      largest = Math.max(largest, JSON.stringify(b).length);
    }
    const list = [...kinds].map(([k, n]) => `${k}×${n}`).join(', ');
    parts.unshift(`${blocks.length} block${blocks.length === 1 ? '' : 's'} (${list})`);
    parts.push(
      `${elements} element${elements === 1 ? '' : 's'} in actions/context`,
      `largest block ${largest} chars`,
    );
  } else parts.unshift('no blocks');
  return parts.join(', ');
}

/** The document with a refusal noted (a repeat of the same item replaces its entry), bounded. */
export function noteRefusal(doc: StoreDocument, entry: RefusedAlert): StoreDocument {
  const others = doc.refused.filter((r) => r.id !== entry.id);
  return { ...doc, refused: [...others, entry].slice(-REFUSED_KEPT) };
}

/** The document with how the refused items `ids` were delivered after. */
export function settleRefusals(
  doc: StoreDocument,
  ids: ReadonlySet<string>,
  outcome: RefusedAlert['outcome'],
): StoreDocument {
  if (!doc.refused.some((r) => ids.has(r.id))) return doc;
  return { ...doc, refused: doc.refused.map((r) => (ids.has(r.id) ? { ...r, outcome } : r)) };
}
