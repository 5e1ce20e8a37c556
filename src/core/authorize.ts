/**
 * The one home of permissions: who may take which action, from the program's permission table. Admins may do
 * anything (and history marks it); CI may only set gates and log evidence; the bot itself may do what a rule does.
 */
import { type DomainError, forbidden } from './errors.js';
import { currentTarget, rolesFor } from './readiness.js';
import { type Actor, type Cutover, isGroup, type PermissionAction } from './schema.js';

const ACTION_WORDS: Record<PermissionAction, string> = {
  'role.assign': 'assign roles',
  'blocker.add': 'add blockers',
  'blocker.clear': 'clear this blocker',
  'blocker.reopen': 'reopen this blocker',
  'gate.set': 'set this gate',
  'target.publish': 'publish a release target',
  'target.approve': 'approve the release target',
  'evidence.log': 'log this evidence',
  decide: 'record decisions',
  phase: 'start or close phases',
  window: 'set the cutover window',
  'program.shape': 'change the shape of this program',
  'program.archive': 'archive this program',
  'scope.set': 'state the scope',
  'position.set': "state this side's position",
  'window.notes': 'write the window notes',
};

type Auth = { ok: true; asAdmin: boolean } | { ok: false; error: DomainError };

/**
 * A refusal by permission, as data: the roles that may act, those the actor holds, and the sentence with `{who}`
 * where each surface names those roles its own way. The core's own message names them by id.
 */
export function denied(sentence: string, roles: string[], held: string[]): DomainError {
  return forbidden(sentence.replace('{who}', roles.join(', ')), { roles, held, sentence });
}

/**
 * Whether the actor holds the role: its holder is the person, or a user group the person belongs to (as the edge
 * asked Slack: `actor.groups`).
 */
export function holds(role: { assignee: string | null }, actor: Actor): boolean {
  if (actor.kind !== 'user' || !role.assignee) return false;
  return (
    role.assignee === actor.userId || (isGroup(role.assignee) && (actor.groups ?? []).includes(role.assignee))
  );
}

/** A stake in a program: an admin, or a person who holds one of its roles (in person or through a user group). */
export const hasStake = (c: Cutover, actor: Actor) =>
  actor.kind === 'user' && (!!actor.isAdmin || c.roles.some((r) => holds(r, actor)));

/**
 * The refusal when the roles that may act are held by user groups whose membership Slack could not confirm for
 * this person (core/membership.ts): it names the cause, not "you hold no role".
 */
export function unconfirmedFor(c: Cutover, actor: Actor, roles: readonly string[]): DomainError | undefined {
  if (actor.kind !== 'user' || !actor.unconfirmed?.length) return undefined;
  const groups = [
    ...new Set(
      c.roles
        .filter((r) => roles.includes(r.id) && isGroup(r.assignee) && actor.unconfirmed?.includes(r.assignee))
        .map((r) => r.assignee as string),
    ),
  ];
  if (!groups.length) return undefined;
  const sentence =
    'Slack could not confirm that you are in {groups}: try again in a minute, or ask an admin.';
  return {
    ...forbidden(sentence.replace('{groups}', groups.join(', '))),
    unconfirmed: { groups, sentence },
  };
}

/** The program's permission table, with admins allowed anything (marked) and CI only gates and evidence. */
export function authorize(
  c: Cutover,
  actor: Actor,
  action: PermissionAction,
  item: { owner?: string; side?: string } = {},
): Auth {
  if (actor.kind === 'system') return { ok: true, asAdmin: false };
  if (actor.kind === 'ci') {
    return action === 'gate.set' || action === 'evidence.log'
      ? { ok: true, asAdmin: false }
      : {
          ok: false,
          error: forbidden(`CI may only set gates and log evidence, not ${ACTION_WORDS[action]}.`),
        };
  }
  const allowed = rolesFor(c, action, item);
  const held = c.roles.filter((r) => holds(r, actor)).map((r) => r.id);
  if (held.some((r) => allowed.includes(r))) return { ok: true, asAdmin: false };
  if (actor.isAdmin) return { ok: true, asAdmin: true };
  const unsure = unconfirmedFor(c, actor, allowed);
  if (unsure) return { ok: false, error: unsure };
  const yours = held.length ? `You hold ${held.join(', ')}.` : 'You hold no role in this cutover.';
  const sentence = allowed.length
    ? `Only {who} or an admin may ${ACTION_WORDS[action]}. ${yours}`
    : `Only an admin may ${ACTION_WORDS[action]}. ${yours}`;
  return { ok: false, error: denied(sentence, allowed, held) };
}

/**
 * What a person may be offered: the permission actions, plus signing off for a side, posting the record (from
 * outside its channel: core/stake.ts) and managing the CI tokens (core/tokens.ts).
 */
type MayAction = PermissionAction | 'signoff' | 'record.post' | 'tokens.manage';

/**
 * Whether this actor may take this action on this item now, as the rules will decide it: permissions, plus the
 * rules that depend on who acts (nobody approves a target they published; each commander signs only for their
 * side). Views ask this before offering a button or a form, so a rule lives here once.
 */
export function may(
  c: Cutover,
  actor: Actor,
  action: MayAction,
  item: { owner?: string; side?: string } = {},
): boolean {
  if (action === 'signoff') {
    if (actor.kind !== 'user') return false;
    const side = c.sides.find((s) => s.id === item.side);
    if (!side) return false;
    const commander = c.roles.find((r) => r.id === side.commanderRole);
    return actor.isAdmin || (commander !== undefined && holds(commander, actor));
  }
  // Offered outside the channel (App Home): those with a stake, as core/stake.ts `mayPostRecord` decides there.
  if (action === 'record.post') return hasStake(c, actor);
  if (action === 'tokens.manage') {
    const owner = c.roles.find((r) => r.id === c.logOwnerRole);
    return actor.kind === 'user' && (!!actor.isAdmin || (owner !== undefined && holds(owner, actor)));
  }
  if (!authorize(c, actor, action, item).ok) return false;
  if (action === 'target.approve') {
    const t = currentTarget(c);
    if (!t || t.approved) return false;
    return !(actor.kind === 'user' && t.published.by === actor.userId);
  }
  return true;
}
