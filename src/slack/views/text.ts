/**
 * mrkdwn building blocks. Everything a person typed passes through `esc`, so it can neither ping
 * (`<!channel>`) nor forge a link (`<https://evil|Runbook>`).
 */
import { TZDate } from '@date-fns/tz';
import { format } from 'date-fns';

/** Zero-width and bidirectional control characters shown as `[U+202E]`: they can neither hide nor reorder text. */
export const visible = (s: string) =>
  s.replace(
    /[\u200B-\u200F\u202A-\u202E\u2066-\u2069\uFEFF]/g,
    (ch) => `[U+${ch.codePointAt(0)?.toString(16).toUpperCase().padStart(4, '0')}]`,
  );

/**
 * Text a person typed, as mrkdwn: `&`, `<`, `>` escaped (no ping, no forged link), invisible characters shown, and
 * every line after the first quoted (`>`), so a typed line break cannot start a line that poses as the bot's own.
 */
export const esc = (s: string) =>
  visible(s)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\r\n?/g, '\n')
    .replace(/\n/g, '\n> ');

/** Cuts to `max` characters with an ellipsis. */
export const clip = (s: string, max: number) =>
  s.length <= max ? s : `${s.slice(0, Math.max(0, max - 1))}…`;

export const mention = (userId: string | null | undefined) => (userId ? `<@${userId}>` : '_unassigned_');

/** A history/actor name ("U…", "CI: name", "cutover-bot") as mrkdwn. */
export const who = (by: string) => (/^[UW][A-Z0-9]{2,}$/.test(by) ? `<@${by}>` : esc(by));

/** A link whose target is a validated http(s) URL; anything else is shown as text. */
export function link(url: string, label?: string): string {
  if (!/^https?:\/\/[^\s<>|]+$/.test(url)) return esc(url);
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
