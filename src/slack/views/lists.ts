/** The plain answers: help, roles, history. */
import { historyWords, type Speaker } from '../../core/history-words.js';
import type { Cutover, HistoryEntry } from '../../core/schema.js';
import { CONFIRM, USAGES } from '../parse-command.js';
import { clip, esc, fold, link, mention, plainLine, slackDate, who } from './text.js';

/**
 * An ephemeral answer's `text` with no blocks: Slack cuts message text beyond 40,000 characters. The answers below
 * keep a margin under it.
 */
export const MESSAGE_TEXT_MAX = 40_000;
const ANSWER_MAX = MESSAGE_TEXT_MAX - 1_000;

/**
 * Every subcommand with its usage. Usages hold `<role-id>` and `|`, which Slack would read as link syntax: they are
 * escaped, so a person sees them as written.
 */
export function helpText(): string {
  const lines = [...USAGES, CONFIRM].map((u) => `• \`${esc(u.usage)}\` — ${esc(u.summary)}`);
  return fold(['*cutover-bot* — every subcommand:', ...lines], ANSWER_MAX, 2_000);
}

/** The subcommands that shape a program (the log owner and admins), as `/cutover shape` lists them. */
const SHAPING = ['gate', 'evidence', 'blocker', 'role', 'reminders', 'archive'];

export function shapingHelpText(): string {
  const lines = USAGES.filter((u) => SHAPING.includes(u.name)).map(
    (u) => `• \`${esc(u.usage)}\` — ${esc(u.summary)}`,
  );
  return fold(
    [
      '*Shaping this program* (the decision-log owner and admins): gates, evidence, manual blockers, role titles, reminders.',
      ...lines,
    ],
    ANSWER_MAX,
    2_000,
  );
}

export function rolesText(c: Cutover): string {
  const lines = c.roles.map((r) => {
    const side = r.side ? ` · ${esc(c.sides.find((s) => s.id === r.side)?.name ?? r.side)}` : ' · joint';
    return `• *${esc(r.title)}* (\`${esc(r.id)}\`${side}): ${mention(r.assignee)}`;
  });
  return fold(['*Roles*', ...lines]);
}

/** How much of each typed or stored text a line shows: the first level that fits its room is used. */
const LEVELS = [300, 100, 30, 8] as const;

/** History in Slack's language: holders mentioned, typed text escaped and quoted, instants as date tokens. */
function slackSpeaker(max: number, full: boolean): Speaker {
  const typed = (s: string) => esc(clip(plainLine(s), max));
  return {
    who: (holder) => mention(holder),
    typed: (s) => `"${typed(s)}"`,
    plain: typed,
    id: (s) => `\`${esc(clip(s, Math.max(max, 40)))}\``,
    date: (iso) => slackDate(iso),
    // A link keeps its whole address; a line held to a small share shows it as shortened text.
    link: (url) => (full ? link(url) : esc(clip(url, max))),
  };
}

/** One entry as a line, within `max` characters when it can be: who, as admin, and what happened, in words. */
export function historyLine(h: HistoryEntry, c: Cutover, max = Number.POSITIVE_INFINITY): string {
  const admin = h.asAdmin ? ' _(as admin)_' : '';
  let line = '';
  for (const [i, level] of LEVELS.entries()) {
    line = `${slackDate(h.at)} ${who(clip(h.by, Math.max(level, 20)))}${admin} · ${historyWords(h, c, slackSpeaker(level, i === 0))}`;
    if (line.length <= max) break;
  }
  return line;
}

/**
 * A page of history, newest first. `entries` are the newest ones, newest first; with `paging`, they reach one past
 * the page (`limit * page + 1`), so the answer can say whether older ones remain and the command that shows them.
 * The page fits one message: lines are shortened (notes first) so that `limit` of them fit under Slack's 40,000.
 */
export function historyText(
  entries: HistoryEntry[],
  c: Cutover,
  paging?: { limit: number; page: number },
): string {
  if (!entries.length) return 'No changes yet.';
  const limit = paging?.limit ?? entries.length;
  const page = paging?.page ?? 1;
  const from = (page - 1) * limit;
  const shown = entries.slice(from, from + limit);
  // The bot holds only the newest entries in memory; the whole history is in the store (and the record).
  const beyond = (entries.at(-1)?.seq ?? 1) > 1;
  const total = entries[0]?.seq ?? entries.length;
  const elsewhere = `the whole history is in the decision record: \`npm run record -- --program &lt;program-id&gt; --history all\``;
  if (!shown.length && beyond)
    return `There are ${total} changes; Slack is shown the newest ${entries.length}, and ${elsewhere}.`;
  if (!shown.length) {
    const last = Math.ceil(entries.length / limit);
    return `There are ${entries.length} change${entries.length === 1 ? '' : 's'}, and page ${page} of ${limit} a page is past the oldest: \`/cutover history ${limit} page ${last}\` shows the oldest.`;
  }
  const more = entries.length > from + limit;
  const plural = shown.length === 1 ? '' : 's';
  const title =
    page === 1
      ? `*The last ${shown.length} change${plural}, newest first*`
      : shown.length === 1
        ? `*Change ${from + 1} back from the newest*`
        : `*Changes ${from + 1}–${from + shown.length} back from the newest, newest first*`;
  const footer = more
    ? [`_Older changes: \`/cutover history ${limit} page ${page + 1}\`_`]
    : beyond
      ? [`_Older changes: ${elsewhere}._`]
      : [];
  const room = ANSWER_MAX - title.length - (footer[0]?.length ?? 0) - 100;
  // Full lines when they fit together; only when they do not is each held to its share of the room.
  const full = shown.map((h) => historyLine(h, c));
  const each = Math.floor(room / shown.length) - 1;
  const body =
    full.reduce((n, line) => n + line.length + 1, 0) <= room
      ? full
      : full.map((line, i) => (line.length > each ? historyLine(shown[i] as HistoryEntry, c, each) : line));
  return fold([title, ...body, ...footer], MESSAGE_TEXT_MAX - 100, MESSAGE_TEXT_MAX);
}
