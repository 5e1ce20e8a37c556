/**
 * Markdown building blocks for the decision record, a file teams commit to their repositories (CommonMark/GFM,
 * not Slack mrkdwn). Text people typed passes through `mdText`: it can start no emphasis, link, code span,
 * HTML tag, table cell or strike-through, and stays on one line so it cannot open a heading or a list. Typed text
 * that may hold several lines (a rationale, a reason, a note) passes through `mdLines`: its further lines are quoted
 * under the item they belong to, so none can pose as a line of the record. Instants are stamped in UTC by
 * `utcStamp` (src/slack/views/text.ts, the one formatter of it), or by day and zone here.
 */
import { TZDate } from '@date-fns/tz';
import { format } from 'date-fns';
import { INVISIBLE, showInvisible } from '../core/schema.js';

/** Control characters and line breaks collapse to single spaces; invisible characters are shown as `[U+202E]`. */
const oneLine = (s: string) =>
  showInvisible(s)
    .replace(/\p{Cc}/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();

/** Inline text with every Markdown-active character backslash-escaped. */
export const mdText = (s: string) => oneLine(s).replace(/[\\`*_[\]<>|~&]/g, (ch) => `\\${ch}`);

/** Every way to break a line: CR LF, CR, LF, vertical tab, form feed, NEL, and Unicode's line/paragraph separators. */
const LINE_BREAK = /\r\n|[\n\r\v\f\u0085\u2028\u2029]/;

/**
 * Typed text of several lines inside a list item whose text starts `indent` columns in: the first line inline,
 * each further line a block quote under the item (`> `, indented to the item, ending in a hard break), escaped
 * like `mdText` and with a leading `#`, `-`, `+`, `=` or `1.` escaped, so that no line can start a heading, a list
 * or an item of the record. Blank lines are dropped; text of one line is `mdText`.
 */
export function mdLines(s: string, indent: number): string {
  const [first = '', ...rest] = s
    .split(LINE_BREAK)
    .map(mdText)
    .filter((l) => l.length > 0);
  const pad = ' '.repeat(indent);
  const quoted = rest.map((l, i) => `\n${pad}> ${noBlockStart(l)}${i < rest.length - 1 ? '  ' : ''}`);
  return `${first}${quoted.join('')}`;
}

/** A line that cannot open a heading (`#`, a `===`/`---` underline) or a list (`-`, `+`, `1.`, `1)`). */
const noBlockStart = (line: string) =>
  line.replace(/^[#+=-]/, (m) => `\\${m}`).replace(/^(\d+)([.)])/, '$1\\$2');

/** A code span that holds any text: the fence is longer than any run of backticks inside. */
export function mdCode(s: string): string {
  const t = oneLine(s);
  if (!t) return mdText(s);
  const longest = Math.max(0, ...(t.match(/`+/g) ?? []).map((m) => m.length));
  const fence = '`'.repeat(longest + 1);
  const pad = t.startsWith('`') || t.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${t}${pad}${fence}`;
}

/** An http(s) URL as an autolink; anything else (a repository path, say) as code, shown as given. */
export function mdLink(href: string): string {
  const t = oneLine(href);
  // A link stored before links were checked may hold an invisible character: shown as code, `[U+202E]` and all.
  return /^https?:\/\/[^\s<>`\\]+$/.test(t) && !INVISIBLE.test(href) ? `<${t}>` : mdCode(t);
}

/** The calendar day (UTC) of an instant, `2026-02-09`. */
export const utcDay = (iso: string) => format(new TZDate(iso, 'UTC'), 'yyyy-MM-dd');

/** An instant in an IANA zone with its offset, `2026-12-01 09:00 (+01:00)`. */
export const zonedStamp = (iso: string, zone: string) =>
  format(new TZDate(iso, zone), "yyyy-MM-dd HH:mm '('xxx')'");
