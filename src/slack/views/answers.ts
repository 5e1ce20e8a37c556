/** What the person who asked is told: the outcome of a change, or the refusal with its reason. */
import type { Outcome } from '../../core/commands.js';
import type { DomainError } from '../../core/errors.js';
import type { Cutover, DomainEvent } from '../../core/schema.js';
import { goWord } from '../../format/words.js';
import { esc, fold, mention } from './text.js';
import { unmetOnce } from './unmet.js';

/** Roles as a refusal names them in Slack: each with who holds it, `producer-incident-commander (<@U…>)`. */
function holders(c: Cutover | undefined, roles: string[], quote: (s: string) => string): string {
  return roles
    .map((id) => {
      const assignee = c?.roles.find((r) => r.id === id)?.assignee;
      return `${quote(id)} (${assignee ? mention(assignee) : 'unassigned'})`;
    })
    .join(', ');
}

/** Who may start programs, as a refusal names them: ` (<@U…>, <!subteam^S…>)` in mrkdwn, by id in plain text. */
const starters = (who: string[], quote: (s: string) => string) =>
  who.length ? ` (${who.map((w) => (quote === esc ? mention(w) : w)).join(', ')})` : '';

/** The command a refusal points to, as a person types it. */
function nextCommand(n: NonNullable<DomainError['next']>): string {
  switch (n.action) {
    case 'target.publish':
      return '/cutover target <tag> <sha>';
    case 'target.approve':
      return `/cutover target approve ${n.tag}`;
    case 'status':
      return '/cutover status';
    case 'confirm':
      return '/cutover <the same command> confirm: <reason…>';
  }
}

/**
 * The refusal's sentence for Slack: the roles that may act named with their holders mentioned, and the command of
 * the next step after the sentence's last clause. `quote` is `esc` for mrkdwn, or none for plain text.
 */
export function refusalSentence(error: DomainError, c?: Cutover, quote: (s: string) => string = esc): string {
  // Slack could not confirm a membership: the groups by mention in mrkdwn, by id in plain text.
  const groups = (ids: string[]) => ids.map((g) => (quote === esc ? `<!subteam^${g}>` : g)).join(', ');
  const code = (s: string) => (quote === esc ? `\`${esc(s)}\`` : s);
  const sentence = error.unconfirmed
    ? quote(error.unconfirmed.sentence).replace('{groups}', groups(error.unconfirmed.groups))
    : error.mayAct
      ? quote(error.mayAct.sentence).replace('{who}', holders(c, error.mayAct.roles, quote))
      : error.mayStart
        ? quote(error.mayStart.sentence).replace('{who}', starters(error.mayStart.who, quote))
        : error.channelHeldBy
          ? `This channel already runs ${
              error.channelHeldBy.title
                ? `${quote(error.channelHeldBy.title)} (${code(error.channelHeldBy.program)})`
                : `another program (${code(error.channelHeldBy.program)}), started a moment ago`
            }. Archive it first (${code('/cutover archive')}), or start the new program in another channel.`
          : quote(error.message);
  if (!error.next) return sentence;
  const cmd = nextCommand(error.next);
  const command = quote === esc ? `\`${esc(cmd)}\`` : cmd;
  return sentence.endsWith('.') ? `${sentence.slice(0, -1)}: ${command}.` : `${sentence} ${command}`;
}

/** The refusal as an ephemeral reply: why, each unmet item once, the usage where the input was at fault. */
export function refusalText(error: DomainError, usage?: string, c?: Cutover): string {
  // Restating what already stands is not an error: it is answered as unchanged, and nothing is posted.
  if (error.code === 'unchanged')
    return `:information_source: Unchanged: ${esc(error.message)} _Nothing was written or posted._`;
  // The store lost the change's commit: it may stand, so nothing here may say it did not.
  if (error.code === 'unsure') return `:warning: ${error.message}`;
  const guess = error.didYouMean ? ` Did you mean \`${esc(error.didYouMean)}\`?` : '';
  const lines = [`:no_entry: ${refusalSentence(error, c)}${guess}`];
  for (const u of unmetOnce(error.items ?? [])) lines.push(`• ${esc(u)}`);
  if (usage && (error.code === 'invalid' || error.code === 'unknown')) lines.push(`Usage: \`${esc(usage)}\``);
  lines.push('_Nothing was changed._');
  return fold(lines);
}

/**
 * The refusal as plain text under a form's field (Slack shows inline errors as plain text: no mentions, no
 * markup), each unmet item on its own line.
 */
export function refusalPlain(error: DomainError, c?: Cutover): string {
  const sentence = refusalSentence(error, c, (s) => s);
  const items = unmetOnce(error.items ?? []);
  return items.length ? `${sentence}\n${items.map((u) => `• ${u}`).join('\n')}` : sentence;
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
      return `decision \`${e.decision}\` is now ${goWord(e.after)}`;
    case 'go.lost':
      return `the running cutover lost its GO: phase ${esc(e.phases.join(', '))} is running under a NO-GO; the channel is told who must act`;
    default:
      return undefined;
  }
}

/** The outcome's sentence in mrkdwn; a role assignment names the person with a mention. */
function outcomeSentence(outcome: Extract<Outcome, { ok: true }>): string {
  const assigned = outcome.events.find((e) => e.type === 'role.assigned');
  if (assigned?.type === 'role.assigned') {
    const role = outcome.cutover.roles.find((r) => r.id === assigned.role);
    return `${esc(role?.title ?? assigned.role)} (${esc(assigned.role)}) is now ${assigned.after ? mention(assigned.after) : 'unassigned'}.`;
  }
  return esc(outcome.message);
}

export function outcomeText(outcome: Extract<Outcome, { ok: true }>): string {
  const follow = outcome.events.map(consequence).filter((x): x is string => !!x);
  // The decision line of an explicit `decide` is the message itself.
  const extra = follow.filter((f) => !outcome.message.includes(f));
  return fold([`:white_check_mark: ${outcomeSentence(outcome)}`, ...extra.map((f) => `→ ${f}`)]);
}
