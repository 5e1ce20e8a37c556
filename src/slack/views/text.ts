/**
 * The one mrkdwn module: escaping, folding within Slack's limits, dates, icons and the blocks every
 * view and alert builds from. Everything a person typed passes through `esc`, so it can neither ping (`<!channel>`)
 * nor forge a link (`<https://evil|Runbook>`). The decision record's Markdown has its own module
 * (src/record/markdown.ts); what both say alike (the UTC stamp, GO/NO-GO, a commit's label) is plain text in
 * src/format/words.ts.
 */
import type { types } from '@slack/bolt';
import { type GateStatus, INVISIBLE, showInvisible } from '../../core/schema.js';
import { utcStamp } from '../../format/words.js';

/** Zero-width and bidirectional control characters shown as `[U+202E]`: they can neither hide nor reorder text. */
export const visible = showInvisible;

/** Every way to break a line: CR LF, CR, LF, vertical tab, form feed, NEL, and Unicode's line/paragraph separators. */
const LINE_BREAK = /\r\n|[\n\r\v\f\u0085\u2028\u2029]/g;

/**
 * Text a person typed, as mrkdwn — the one helper every surface renders typed text through (titles, rationales,
 * reasons, notes, role titles, CI names): `&`, `<`, `>` escaped (no ping, no forged link), invisible characters
 * shown, and every line after the first quoted (`> `), so a typed line break cannot start a line that poses as the
 * bot's own (`• AssistSupport: *GO by …*`): a line of the bot never starts with a quote.
 */
export const esc = (s: string) =>
  visible(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(LINE_BREAK, '\n> ');

/** Typed text for a `plain_text` field (a header, say): one line, invisible characters shown. */
export const plainLine = (s: string) =>
  visible(s)
    .replace(/[\s\p{Cc}]+/gu, ' ')
    .trim();

/** Cuts to `max` characters with an ellipsis. */
export const clip = (s: string, max: number) =>
  s.length <= max ? s : `${s.slice(0, Math.max(0, max - 1))}…`;

/** A role holder as Slack mentions it: a person `<@U…>`, a user group `<!subteam^S…>`. */
export const mention = (holder: string | null | undefined) =>
  holder ? (holder.startsWith('S') ? `<!subteam^${holder}>` : `<@${holder}>`) : '_unassigned_';

/** A history/actor name ("U…", "CI: name", "cutover-bot") as mrkdwn. */
export const who = (by: string) => (/^[UW][A-Z0-9]{2,}$/.test(by) ? `<@${by}>` : esc(by));

/** A link whose target is a validated http(s) URL; anything else is shown as text. */
export function link(url: string, label?: string): string {
  if (!/^https?:\/\/[^\s\p{Cc}<>|]+$/u.test(url) || INVISIBLE.test(url)) return esc(url);
  return `<${url.replace(/&/g, '&amp;')}|${esc(clip(label ?? url, 80))}>`;
}

/** Slack's date token: each reader sees their own time zone. */
export function slackDate(iso: string, tokens = '{date_short_pretty} {time}'): string {
  const unix = Math.floor(Date.parse(iso) / 1000);
  return `<!date^${unix}^${tokens}|${utcStamp(iso)}>`;
}

/**
 * Joins lines into one text of at most `max` characters. Lines that do not fit are folded into "…and N more", so a
 * section or an alert never exceeds Slack's limit however large the program. Each line is cut to `lineMax`; an
 * alert passes a long one, so a line is counted rather than cut and a mention or a date token is never split.
 */
export function fold(lines: string[], max = 3000, lineMax = Math.min(600, max - 40)): string {
  const out: string[] = [];
  let size = 0;
  const reserve = 40;
  for (let i = 0; i < lines.length; i++) {
    const line = clip(lines[i] ?? '', lineMax);
    if (size + line.length + 1 > max - reserve) {
      out.push(`_…and ${lines.length - i} more_`);
      break;
    }
    out.push(line);
    size += line.length + 1;
  }
  return out.join('\n') || ' ';
}

/** A verdict's answer in a summary line: `*yes*`, or `no, 3 unmet`. */
export const yesOrUnmet = (ok: boolean, unmet: readonly unknown[]) =>
  ok ? '*yes*' : `no, ${unmet.length} unmet`;

export const GATE_ICON: Record<GateStatus, string> = {
  green: ':large_green_circle:',
  red: ':red_circle:',
  pending: ':white_circle:',
};

/** A mrkdwn section; `text` is already within 3000 characters (`fold` it), with a button beside it if given. */
export const section = (text: string, accessory?: types.Button): types.KnownBlock =>
  accessory
    ? { type: 'section', text: { type: 'mrkdwn', text }, accessory }
    : { type: 'section', text: { type: 'mrkdwn', text } };

/** A section with a bold title over its lines, folded to fit. */
export const titled = (title: string, lines: string[]) => section(fold([`*${title}*`, ...lines]));

/** A plain_text label: one line, invisible characters shown, within Slack's 75 characters. */
export const plain = (text: string) => ({ type: 'plain_text' as const, text: clip(plainLine(text), 75) });
