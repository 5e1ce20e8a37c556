/**
 * Outbox items rendered at delivery, after the change's write and outside it: an alert's text, its "Next:" and
 * buttons, a reminder's or a digest's text, from the typed item and the program as it stands when it goes out.
 * The program's readiness and obligations are worked out once per delivery pass, however many items it renders.
 *
 * A renderer is made for one pass over one document: it renders the items in queue order, and each alert asks what
 * no alert before it (in the ledger `doc.asked`, or earlier in the pass) asked (asked.ts). What each rendered item
 * marks asked is written with its delivery (dispatcher.ts `record`).
 *
 * Items queued by the version that stored text (`legacy`) go out as they were written. Pure.
 */
import { actorName } from '../core/commands.js';
import { type Obligation, obligations } from '../core/obligations.js';
import { type ReadinessReport, readiness } from '../core/readiness.js';
import type { OutboxItem, StoreDocument } from '../service/document.js';
import { deploymentText } from '../slack/views/deployments.js';
import { esc, fold, who } from '../slack/views/text.js';
import { actorId, askedKey, askNow } from './asked.js';
import { ALERT_LINE_MAX, type AlertButton, renderAlertText, tallyText } from './messages.js';
import { digestText, reminderText } from './reminders.js';

/** One item as it goes out: its text, whom it mentions, its buttons, and the obligations it marks asked. */
export interface Rendered {
  item: OutboxItem;
  text: string;
  mentions: string[];
  buttons: AlertButton[];
  /** Keys (asked.ts) to add to the ledger when this item is delivered. */
  asks: string[];
}

export interface Renderer {
  /** Renders the next item; call in queue order (each alert asks what those before it did not). */
  render(item: OutboxItem): Rendered;
  /** The keys owed now, if an alert was rendered (the ledger keeps only these); otherwise undefined. */
  owed(): ReadonlySet<string> | undefined;
}

export function createRenderer(
  doc: StoreDocument,
  log: (msg: string, e: unknown) => void = console.error,
): Renderer {
  const c = doc.cutover;
  let report: ReadinessReport | undefined;
  let owed: Obligation[] | undefined;
  let owedKeys: Set<string> | undefined;
  const reportNow = () => {
    report ??= readiness(c);
    return report;
  };
  const owedNow = () => {
    owed ??= obligations(c, reportNow());
    owedKeys ??= new Set(owed.map(askedKey));
    return owed;
  };
  const ledger = new Set((doc.asked ?? []).map((e) => e.key));
  const memo = new Map<string, Rendered>();

  function renderOnce(item: OutboxItem): Rendered {
    const plain = (text: string, mentions: string[] = []): Rendered => ({
      item,
      text,
      mentions,
      buttons: [],
      asks: [],
    });
    switch (item.kind) {
      case 'legacy':
        return { item, text: item.text, mentions: item.mentions, buttons: item.buttons ?? [], asks: [] };
      case 'alert': {
        const { asked, known } = askNow(owedNow(), ledger, actorId(item.by));
        const { text, mentions, buttons } = renderAlertText(c, item, asked, reportNow());
        for (const k of known) ledger.add(k);
        return { item, text, mentions, buttons, asks: known };
      }
      case 'tally': {
        // Counted changes, by several people: it asks what is owed and not yet asked, of anyone.
        const { asked, known } = askNow(owedNow(), ledger, undefined);
        const { text, mentions, buttons } = tallyText(c, item, asked);
        for (const k of known) ledger.add(k);
        return { item, text, mentions, buttons, asks: known };
      }
      case 'reminder': {
        const { text, mentions } = reminderText(c, item);
        return plain(text, mentions);
      }
      case 'digest':
        return plain(digestText(c, item, doc.users));
      case 'deployment':
        return plain(deploymentText(item.deployment, item.what, item.why));
    }
  }

  return {
    render(item) {
      const known = memo.get(item.id);
      if (known) return known;
      let out: Rendered;
      try {
        out = renderOnce(item);
      } catch (e) {
        // A bug in rendering must not hold the outbox up: the item goes out plainly, from its typed events.
        log(`alerts: rendering ${item.id} failed; a plain one is sent instead`, e);
        out = { item, text: fallbackText(item), mentions: [], buttons: [], asks: [] };
      }
      memo.set(item.id, out);
      return out;
    },
    owed: () => owedKeys,
  };
}

/** An item's text when rendering it failed: what kind of change, by whom, without the program's state. */
function fallbackText(item: OutboxItem): string {
  if (item.kind === 'legacy') return item.text;
  if (item.kind !== 'alert') return `:memo: *${esc(item.kind)}* \`${esc(item.id)}\``;
  return fold(
    [`:memo: *Change* by ${who(actorName(item.by))}`, ...item.events.map((e) => `• ${esc(e.type)}`)],
    4000,
    ALERT_LINE_MAX,
  );
}

/** The text of one item as it would go out now, alone, from `doc` (for tests and the record of what waits). */
export const textOf = (doc: StoreDocument, item: OutboxItem): string => createRenderer(doc).render(item).text;
