/** What the person who asked is told: the outcome of a change, or the refusal with its reason. */
import type { Outcome } from '../../core/commands.js';
import type { DomainError } from '../../core/errors.js';
import type { DomainEvent } from '../../core/schema.js';
import { esc, fold } from './text.js';

/** Escapes core text but keeps the `<@U…>` mentions the core puts in on purpose. */
export function escKeepingMentions(s: string): string {
  return s
    .split(/(<@[UW][A-Z0-9]+>)/)
    .map((part, i) => (i % 2 ? part : esc(part)))
    .join('');
}

export function refusalText(error: DomainError, usage?: string): string {
  // Restating what already stands is not an error: it is answered as unchanged, and nothing is posted.
  if (error.code === 'unchanged')
    return `:information_source: Unchanged: ${escKeepingMentions(error.message)} _Nothing was written or posted._`;
  const lines = [`:no_entry: ${escKeepingMentions(error.message)}`];
  for (const u of error.unmet ?? []) lines.push(`• ${escKeepingMentions(u)}`);
  if (usage && (error.code === 'invalid' || error.code === 'unknown')) lines.push(`Usage: \`${esc(usage)}\``);
  lines.push('_Nothing was changed._');
  return fold(lines);
}

function consequence(e: DomainEvent): string | undefined {
  switch (e.type) {
    case 'blocker.cleared':
      return e.derived ? `blocker \`${e.blocker}\` cleared itself` : undefined;
    case 'blocker.reopened':
      return e.derived ? `blocker \`${e.blocker}\` is open again` : undefined;
    case 'gate.changed':
      return e.derived ? `gate \`${e.gate}\` is now ${e.after}` : undefined;
    case 'signoff.voided':
      return `${e.side}'s sign-off was voided: ${esc(e.reason)}`;
    case 'decision.changed':
      return `decision \`${e.decision}\` is now ${e.after === 'go' ? 'GO' : 'NO-GO'}`;
    default:
      return undefined;
  }
}

export function outcomeText(outcome: Extract<Outcome, { ok: true }>): string {
  const follow = outcome.events.map(consequence).filter((x): x is string => !!x);
  // The decision line of an explicit `decide` is the message itself.
  const extra = follow.filter((f) => !outcome.message.includes(f));
  return fold([`:white_check_mark: ${escKeepingMentions(outcome.message)}`, ...extra.map((f) => `→ ${f}`)]);
}
