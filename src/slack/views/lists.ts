/** The plain answers: help, roles, history. */
import type { Cutover, HistoryEntry } from '../../core/schema.js';
import { CONFIRM, USAGES } from '../parse-command.js';
import { clip, esc, fold, link, mention, slackDate, who } from './text.js';

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

/** How much of each typed or stored part a line shows: the first level that fits its room is used. */
const LEVELS = [
  { subject: 80, value: 120, note: 300 },
  { subject: 60, value: 60, note: 100 },
  { subject: 40, value: 30, note: 0 },
  { subject: 12, value: 8, note: 0 },
] as const;
type Level = (typeof LEVELS)[number];

/** A stored instant (ISO) as Slack's date token; anything else as text. */
const instant = (s: string, max: number) =>
  /^\d{4}-\d{2}-\d{2}T[\d:.]+Z$/.test(s) ? slackDate(s) : esc(clip(s, max));
/** `a – b` as stored for a window, each end as a date token. */
const span = (s: string, max: number) => {
  const [a, b, ...more] = s.split(' – ');
  return a && b && !more.length ? `${instant(a, max)} – ${instant(b, max)}` : esc(clip(s, max));
};
const person = (s: string, max: number) => (/^[UW][A-Z0-9]{2,}$/.test(s) ? who(s) : esc(clip(s, max)));
/** Which keys of two stored JSON objects differ (the reminders). */
function changedKeys(before: string, after: string): string[] | undefined {
  try {
    const a = JSON.parse(before) as Record<string, unknown>;
    const b = JSON.parse(after) as Record<string, unknown>;
    return [...new Set([...Object.keys(a), ...Object.keys(b)])].filter(
      (k) => JSON.stringify(a[k]) !== JSON.stringify(b[k]),
    );
  } catch {
    return undefined;
  }
}
/** The reminders' fields as people name them (the words of `/cutover reminders`). */
const REMINDER_WORDS: Record<string, string> = {
  signoffAfterHours: 'signoff',
  blockerStaleHours: 'stale',
  windowLeadHours: 'lead',
  digestHour: 'digest',
  quietHours: 'quiet',
  zone: 'zone',
};

/**
 * What happened, in words (`phase 8 started`, `gate producer-suite turned green (was pending)`), from the history
 * entry the core wrote (`action`, `subject`, `before`, `after`); an action this does not know reads as stored.
 */
function happened(h: HistoryEntry, l: Level): string {
  const S = esc(clip(h.subject, l.subject));
  const v = (s: string) => esc(clip(s, l.value));
  const was = (s: string) => ` (was ${v(s)})`;
  const named = h.subject.replace(/^[a-z-]+ /, '');
  switch (h.action) {
    case 'phase':
      return h.after === 'started' || h.after === 'closed' ? `${S} ${h.after}` : `${S} is ${v(h.after)}`;
    case 'role.assign':
      if (h.after === 'unassigned') return `${S} cleared (was ${person(h.before, l.value)})`;
      return `${S} given to ${person(h.after, l.value)}${h.before === 'unassigned' ? '' : ` (was ${person(h.before, l.value)})`}`;
    case 'blocker.add':
      return `${S} added`;
    case 'blocker.clear':
      return `${S} cleared`;
    case 'blocker.reopen':
      return `${S} reopened`;
    case 'blocker.derived':
      return h.after === 'cleared' ? `${S} cleared itself` : `${S} opened again by itself`;
    case 'gate.set':
      return h.before === h.after ? `${S} stays ${v(h.after)}` : `${S} turned ${v(h.after)}${was(h.before)}`;
    case 'gate.derived':
      return `${S} turned ${v(h.after)} by itself${was(h.before)}`;
    case 'gate.target':
      return `${S} is ${v(h.after)} for the new target${was(h.before)}`;
    case 'target.publish':
      return `release target ${v(h.after.replace(/ \(published\)$/, ''))} published${h.before === 'none' ? '' : ` (replacing ${v(h.before)})`}`;
    case 'target.approve':
      return `release target ${v(h.after.replace(/ \(approved\)$/, ''))} approved`;
    case 'record.report':
      return `decision ${S} is in ${v(h.after)}`;
    case 'evidence.log':
      // A link keeps its whole address; a line held to a small share shows it as shortened text.
      return `${S} logged: ${l === LEVELS[0] ? link(h.after) : v(h.after)}`;
    case 'signoff':
      return `${esc(clip(named, l.subject))} signed ${v(h.after)}${h.before === 'none' ? '' : was(h.before)}`;
    case 'signoff.voided': {
      const m = /^(GO|NO-GO) by (.+)$/.exec(h.before);
      return m
        ? `${esc(clip(named, l.subject))}'s ${m[1]} sign-off by ${person(m[2] ?? '', l.value)} voided`
        : `${S} voided`;
    }
    case 'decide':
      return h.before === h.after ? `${S} stays ${v(h.after)}` : `${S} is now ${v(h.after)}${was(h.before)}`;
    case 'go.confirm':
      return `${S}: taking its GO from the running cutover confirmed`;
    case 'go.lost':
      return `${S} lost its GO while the cutover ran`;
    case 'window':
      return `${S} set to ${span(h.after, l.value)}${h.before === 'none' ? '' : ` (was ${span(h.before, l.value)})`}`;
    case 'window.clear':
      return `${S} cleared (was ${span(h.before, l.value)})`;
    case 'program.shape': {
      if (h.after === 'added' || h.after === 'removed') return `${S} ${h.after}`;
      if (h.subject === 'reminders') {
        const keys = changedKeys(h.before, h.after);
        return keys?.length
          ? `reminders changed: ${keys.map((k) => REMINDER_WORDS[k] ?? esc(k)).join(', ')}`
          : 'reminders changed';
      }
      const verb = h.subject.startsWith('role ') ? 'retitled' : 'renamed';
      return `${S} ${verb} "${v(h.after)}" (was "${v(h.before)}")`;
    }
    case 'program.archive':
      return `${S} archived`;
    default:
      return `${esc(clip(h.action, l.subject))} ${S}: ${v(h.before)} → ${v(h.after)}`;
  }
}

/** The bot's own notes on a derived change: `after gate.set gate x` (its cause) reads `after a change to gate x`. */
const DERIVED = new Set(['blocker.derived', 'gate.derived', 'gate.target']);
const noteWords = (h: HistoryEntry, note: string) =>
  DERIVED.has(h.action) ? note.replace(/^after [a-z]+(?:\.[a-z]+)? /, 'after a change to ') : note;

/** One entry as a line (a typed note's later lines quoted under it), within `max` characters when it can be. */
export function historyLine(h: HistoryEntry, max = Number.POSITIVE_INFINITY): string {
  const admin = h.asAdmin ? ' _(as admin)_' : '';
  let line = '';
  for (const l of LEVELS) {
    const note = h.note && l.note ? ` — ${esc(clip(noteWords(h, h.note), l.note))}` : '';
    line = `${slackDate(h.at)} ${person(h.by, l.subject)}${admin} · ${happened(h, l)}${note}`;
    if (line.length <= max) break;
  }
  return line;
}

/**
 * A page of history, newest first. `entries` are the newest ones, newest first; with `paging`, they reach one past
 * the page (`limit * page + 1`), so the answer can say whether older ones remain and the command that shows them.
 * The page fits one message: lines are shortened (notes first) so that `limit` of them fit under Slack's 40,000.
 */
export function historyText(entries: HistoryEntry[], paging?: { limit: number; page: number }): string {
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
  const full = shown.map((h) => historyLine(h));
  const each = Math.floor(room / shown.length) - 1;
  const body =
    full.reduce((n, line) => n + line.length + 1, 0) <= room
      ? full
      : full.map((line, i) => (line.length > each ? historyLine(shown[i] as HistoryEntry, each) : line));
  return fold([title, ...body, ...footer], MESSAGE_TEXT_MAX - 100, MESSAGE_TEXT_MAX);
}
