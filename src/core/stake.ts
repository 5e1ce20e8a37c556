/**
 * No peeking across programs: a button or form names its program (App Home, direct messages and forged payloads
 * carry any id), so before anything of a program is shown or done, the person must hold a role in it (directly, or
 * through a user group Slack confirmed within five minutes) or be an admin. The refusal names nothing of that
 * program, save the user groups the person was last known to be in, when Slack could not confirm them now.
 */
import { hasStake } from './authorize.js';
import { type DomainError, forbidden } from './errors.js';
import { judgedAt } from './membership.js';
import { type Actor, type Cutover, isGroup } from './schema.js';

/** A person who holds no role in a program, and is not an admin, opens nothing of it. */
export function mayOpen(
  c: Cutover,
  given: Actor,
  now: Date,
): { ok: true } | { ok: false; error: DomainError } {
  const actor = judgedAt(given, now);
  if (actor.kind !== 'user') return { ok: true };
  if (hasStake(c, actor)) return { ok: true };
  // Groups of this program the person was listed in, whose answer is too old: the cause, not "no role".
  const was = given.kind === 'user' ? (given.groups ?? []) : [];
  const stale = [
    ...new Set(
      c.roles
        .filter(
          (r) => isGroup(r.assignee) && was.includes(r.assignee) && actor.unconfirmed?.includes(r.assignee),
        )
        .map((r) => r.assignee as string),
    ),
  ];
  if (stale.length) {
    const sentence =
      'Slack could not confirm that you are in {groups}: try again in a minute, or ask an admin.';
    return {
      ok: false,
      error: {
        ...forbidden(sentence.replace('{groups}', stale.join(', '))),
        unconfirmed: { groups: stale, sentence },
      },
    };
  }
  return {
    ok: false,
    error: forbidden(
      'You hold no role in that program and are not an admin, so it opens nothing for you. Ask the people who run it for a role.',
    ),
  };
}

/**
 * Who may post the decision record: in the program's own channel anyone there (the record goes to that channel,
 * whose members read the program's status anyway); from anywhere else (App Home, a direct message, a button that
 * names the program) only those with a stake in it, as `mayOpen` judges at `now`.
 */
export function mayPostRecord(
  c: Cutover,
  actor: Actor,
  now: Date,
  where: { channel?: string | undefined },
): { ok: true } | { ok: false; error: DomainError } {
  if (where.channel !== undefined && where.channel === c.channel) return { ok: true };
  return mayOpen(c, actor, now);
}
