/** The plain answers: help, roles, history. */
import type { Cutover, HistoryEntry } from '../../core/schema.js';
import { USAGES } from '../parse-command.js';
import { clip, esc, fold, mention, slackDate, who } from './text.js';

export function helpText(): string {
  const lines = USAGES.map((u) => `• \`${u.usage}\` — ${u.summary}`);
  return fold(['*cutover-bot* — every subcommand:', ...lines]);
}

export function rolesText(c: Cutover): string {
  const lines = c.roles.map((r) => {
    const side = r.side ? ` · ${esc(c.sides.find((s) => s.id === r.side)?.name ?? r.side)}` : ' · joint';
    return `• *${esc(r.title)}* (\`${esc(r.id)}\`${side}): ${mention(r.assignee)}`;
  });
  return fold(['*Roles*', ...lines]);
}

export function historyLine(h: HistoryEntry): string {
  const admin = h.asAdmin ? ' _(as admin)_' : '';
  const note = h.note ? ` — ${esc(clip(h.note, 300))}` : '';
  return `${slackDate(h.at)} ${who(h.by)}${admin} · ${esc(h.action)} ${esc(clip(h.subject, 80))}: ${esc(clip(h.before, 120))} → ${esc(clip(h.after, 120))}${note}`;
}

export function historyText(entries: HistoryEntry[]): string {
  if (!entries.length) return 'No changes yet.';
  return fold([
    `*Last ${entries.length} change${entries.length === 1 ? '' : 's'}, newest first*`,
    ...entries.map(historyLine),
  ]);
}
