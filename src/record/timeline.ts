/**
 * The cutover's timeline as a Mermaid `timeline` diagram, which GitHub renders from a ```mermaid block: targets
 * published, approved and superseded, sign-offs given and voided, gate results, decisions, phases started and
 * closed, the window set, and the window itself. Pure: `(document, options) -> { entries, diagram }`.
 *
 * Text people typed (a title, a tag) passes through `mmText`: every character but letters, digits, spaces and a
 * few harmless marks becomes a Mermaid entity code (`#58;` for `:`), which Mermaid shows as the character. So no
 * `:` can start another event, no `%%` a comment or directive, no line break another line, no backtick close the
 * fence, and no `<` reach the SVG as a tag.
 */
import { type Cutover, type HistoryEntry, showInvisible } from '../core/schema.js';
import { goWord } from '../format/words.js';
import type { StoreDocument } from '../service/document.js';
import { utcDay } from './markdown.js';

/** One moment on the timeline: when, and what happened, in plain words. */
export interface TimelineEntry {
  at: string;
  text: string;
}

/**
 * How much the diagram shows, the newest first: at most this many moments, and at most this many characters of
 * diagram text — Mermaid refuses a diagram over 50,000 characters (its `maxTextSize`), and hundreds of moments
 * read as none.
 */
export const TIMELINE_ENTRIES = 80;
export const TIMELINE_CHARS = 40_000;
/** A moment's text and the diagram's title are clipped to this many characters (before encoding). */
const CLIP = 120;

/** Typed text on one line: control characters, line breaks and invisible ones (shown as `[U+202E]`) as spaces. */
const oneLine = (s: string) =>
  showInvisible(s)
    .replace(/\p{Cc}|\p{Zl}|\p{Zp}|\p{Cf}/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();

/** The text a moment or title shows (before encoding): one line, clipped. */
export function shownText(s: string): string {
  const chars = [...oneLine(s)];
  return chars.length > CLIP ? `${chars.slice(0, CLIP - 1).join('')}…` : chars.join('');
}

/** Characters shown as themselves; every other one becomes `#<code point>;`. */
const PLAIN = /[\p{L}\p{N} .,_@/()+'!?-]/u;

/** Text for a Mermaid timeline: one line, every character that could mean something to Mermaid encoded. */
export function mmText(s: string): string {
  let out = '';
  for (const ch of oneLine(s)) out += PLAIN.test(ch) ? ch : `#${ch.codePointAt(0)};`;
  return out;
}

const label = (t: { tag: string; sha: string }) => `${t.tag} @ ${t.sha.slice(0, 12)}`;

/** What the cutover's own facts date, and what its history dates (decisions and phases keep no stamps of their own). */
export function timelineEntries(doc: StoreDocument, name: (by: string) => string): TimelineEntry[] {
  const c: Cutover = doc.cutover;
  const out: TimelineEntry[] = [];
  const add = (at: string | undefined, text: string) => {
    if (at) out.push({ at, text });
  };
  for (const t of c.targets) {
    add(t.published.at, `Release target ${label(t)} published by ${name(t.published.by)}`);
    add(t.approved?.at, `Release target ${label(t)} approved by ${name(t.approved?.by ?? '')}`);
  }
  const side = (id: string) => c.sides.find((s) => s.id === id)?.name ?? id;
  for (const s of c.signoffs) {
    add(
      s.at,
      `${side(s.side)} signed ${goWord(s.decision)}${s.target ? ` on ${label(s.target)}` : ''} (${name(s.by)})`,
    );
    add(s.voided?.at, `${side(s.side)}'s ${goWord(s.decision)} sign-off voided`);
  }
  for (const g of c.gates)
    for (const r of g.results)
      add(r.at, `Gate ${g.title}: ${r.status}${r.tag ? ` on ${r.tag}` : ''} (${name(r.by)})`);
  const history: HistoryEntry[] = doc.history;
  const title = (list: { id: string; title: string }[], id: string, kept?: string) =>
    kept ?? list.find((x) => x.id === id)?.title ?? id;
  for (const h of history) {
    const e = h.event;
    if (e.type === 'decision.changed' && e.before !== e.after)
      add(
        h.at,
        `Decision ${title(c.decisions, e.decision, e.title)}: ${goWord(e.after)} (${e.automatic ? 'by itself' : name(h.by)})`,
      );
    if (e.type === 'phase.changed') add(h.at, `Phase ${e.phase} ${e.after}`);
    // A store's older lines, written as prose: a decision or a phase shown as it was written.
    if (e.type === 'legacy' && (e.action === 'decide' || e.action === 'phase'))
      add(h.at, `${e.subject}: ${e.before} → ${e.after} (legacy text)`);
  }
  // A decision's latest change, when the history held here no longer reaches it.
  for (const d of c.decisions)
    if (
      d.at &&
      !history.some(
        (h) =>
          h.at === d.at &&
          (h.event.type === 'decision.changed' ? h.event.decision === d.id : h.event.type === 'legacy'),
      )
    )
      add(d.at, `Decision ${d.title}: ${goWord(d.status)}${d.by ? ` (${name(d.by)})` : ''}`);
  if (c.window) {
    add(c.window.set.at, `Cutover window set by ${name(c.window.set.by)}`);
    add(c.window.start, 'Cutover window opens');
    add(c.window.end, 'Cutover window closes');
  }
  // In time order; moments of the same instant keep the order above.
  return out
    .map((e, i) => ({ e, i, t: Date.parse(e.at) }))
    .sort((a, b) => a.t - b.t || a.i - b.i)
    .map(({ e }) => e);
}

/** `09:00 UTC` of an instant. */
const utcTime = (iso: string) => `${new Date(iso).toISOString().slice(11, 16)} UTC`;

/**
 * The diagram's text (without the fence): a section per UTC day, a period per minute with its events; and how many
 * of the entries it shows, the newest, within `TIMELINE_ENTRIES` and `TIMELINE_CHARS`.
 */
export function timelineDiagram(title: string, entries: TimelineEntry[]): { text: string; shown: number } {
  const head = ['timeline', `    title ${mmText(shownText(title)) || 'Cutover timeline'}`];
  const render = (list: TimelineEntry[]) => {
    const lines = [...head];
    let day = '';
    let minute = '';
    for (const e of list) {
      const d = utcDay(e.at);
      if (d !== day) {
        day = d;
        minute = '';
        lines.push(`    section ${mmText(d)}`);
      }
      const m = utcTime(e.at);
      const event = mmText(shownText(e.text)) || '-';
      if (m === minute) lines.push(`        : ${event}`);
      else {
        minute = m;
        lines.push(`        ${mmText(m)} : ${event}`);
      }
    }
    return lines.join('\n');
  };
  // The newest that fit: each moment costs at most its section, period and event lines.
  let budget = TIMELINE_CHARS - head.join('\n').length;
  let shown = 0;
  for (const e of [...entries].reverse()) {
    const cost = 60 + mmText(shownText(e.text)).length;
    if (shown === TIMELINE_ENTRIES || cost > budget) break;
    budget -= cost;
    shown++;
  }
  return { text: render(entries.slice(entries.length - shown)), shown };
}
