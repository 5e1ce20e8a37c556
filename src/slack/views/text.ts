/**
 * mrkdwn building blocks. Everything a person typed passes through `esc`, so it can neither ping
 * (`<!channel>`) nor forge a link (`<https://evil|Runbook>`).
 */
import { TZDate } from '@date-fns/tz';
import { format } from 'date-fns';
import { INVISIBLE, showInvisible } from '../../core/schema.js';

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

export const mention = (userId: string | null | undefined) => (userId ? `<@${userId}>` : '_unassigned_');

/** A history/actor name ("U…", "CI: name", "cutover-bot") as mrkdwn. */
export const who = (by: string) => (/^[UW][A-Z0-9]{2,}$/.test(by) ? `<@${by}>` : esc(by));

/** A link whose target is a validated http(s) URL; anything else is shown as text. */
export function link(url: string, label?: string): string {
  if (!/^https?:\/\/[^\s\p{Cc}<>|]+$/u.test(url) || INVISIBLE.test(url)) return esc(url);
  return `<${url.replace(/&/g, '&amp;')}|${esc(clip(label ?? url, 80))}>`;
}

/** UTC fallback text for an instant, for clients that do not render date tokens. */
export const utc = (iso: string) => format(new TZDate(iso, 'UTC'), "yyyy-MM-dd HH:mm 'UTC'");

/** Slack's date token: each reader sees their own time zone. */
export function slackDate(iso: string, tokens = '{date_short_pretty} {time}'): string {
  const unix = Math.floor(Date.parse(iso) / 1000);
  return `<!date^${unix}^${tokens}|${utc(iso)}>`;
}

/**
 * Joins lines into one text of at most `max` characters. Lines that do not fit are folded into
 * "…and N more", so a section never exceeds Slack's limit however large the program.
 */
export function fold(lines: string[], max = 3000, more = (n: number) => `_…and ${n} more_`): string {
  const out: string[] = [];
  let size = 0;
  const reserve = 40;
  for (let i = 0; i < lines.length; i++) {
    const line = clip(lines[i] ?? '', Math.min(600, max - reserve));
    if (size + line.length + 1 > max - reserve) {
      out.push(more(lines.length - i));
      break;
    }
    out.push(line);
    size += line.length + 1;
  }
  return out.join('\n') || ' ';
}
