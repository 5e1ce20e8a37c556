/**
 * Markdown building blocks for the decision record, a file teams commit to their repositories (CommonMark/GFM,
 * not Slack mrkdwn). Text people typed passes through `mdText`: it can start no emphasis, link, code span,
 * HTML tag, table cell or strike-through, and stays on one line so it cannot open a heading or a list.
 */
import { TZDate } from '@date-fns/tz';
import { format } from 'date-fns';

/** Control characters and line breaks collapse to single spaces; invisible characters are shown as `[U+202E]`. */
export const oneLine = (s: string) =>
  s
    .replace(
      /[\u200B-\u200F\u202A-\u202E\u2066-\u2069\uFEFF]/g,
      (ch) => `[U+${ch.codePointAt(0)?.toString(16).toUpperCase().padStart(4, '0')}]`,
    )
    .replace(/\p{Cc}/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();

/** Inline text with every Markdown-active character backslash-escaped. */
export const mdText = (s: string) => oneLine(s).replace(/[\\`*_[\]<>|~&]/g, (ch) => `\\${ch}`);

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
  return /^https?:\/\/[^\s<>`\\]+$/.test(t) ? `<${t}>` : mdCode(t);
}

/** An instant as `2026-02-09 09:00 UTC`. */
export const utcStamp = (iso: string) => format(new TZDate(iso, 'UTC'), "yyyy-MM-dd HH:mm 'UTC'");

/** The calendar day (UTC) of an instant, `2026-02-09`. */
export const utcDay = (iso: string) => format(new TZDate(iso, 'UTC'), 'yyyy-MM-dd');

/** An instant in an IANA zone with its offset, `2026-12-01 09:00 (+01:00)`. */
export const zonedStamp = (iso: string, zone: string) =>
  format(new TZDate(iso, zone), "yyyy-MM-dd HH:mm '('xxx')'");
