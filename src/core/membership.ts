/**
 * How old a user-group membership may be when it authorises an act. The edge asks Slack who is in the groups that
 * hold roles (`usergroups.users.list`) and tells the core, for each group the person was in, when Slack last said
 * so (`actor.confirmed`). The core judges every change at its `now`: a membership confirmed within the last five
 * minutes counts; an older one, or one with no time, authorises nothing, and a refusal then names the cause (Slack
 * could not confirm it) rather than saying the person holds no role. Pure: `now` is passed in.
 */
import type { Actor } from './schema.js';

/** How long Slack's word that a person is in a user group holds. */
export const MEMBERSHIP_TTL_MS = 5 * 60 * 1000;

/** A membership older than five minutes authorises nothing (nor one Slack never confirmed). */
export function membershipAuthorises(confirmedAt: string | undefined, now: Date): boolean {
  if (confirmedAt === undefined) return false;
  const at = Date.parse(confirmedAt);
  if (Number.isNaN(at)) return false;
  const age = now.getTime() - at;
  // A confirmation "from the future" (clocks of two replicas apart) counts as fresh only within the same bound.
  return age < MEMBERSHIP_TTL_MS && age > -MEMBERSHIP_TTL_MS;
}

/**
 * The person as the rules judge them at `now`: `groups` keeps only the memberships Slack confirmed within five
 * minutes; the others move to `unconfirmed`, so that a refusal can say why. Other actors are unchanged.
 */
export function judgedAt(actor: Actor, now: Date): Actor {
  if (actor.kind !== 'user') return actor;
  const groups = actor.groups ?? [];
  const fresh = groups.filter((g) => membershipAuthorises(actor.confirmed?.[g], now));
  const stale = groups.filter((g) => !fresh.includes(g));
  const unconfirmed = [...new Set([...(actor.unconfirmed ?? []), ...stale])];
  const { groups: _g, unconfirmed: _u, ...rest } = actor;
  return {
    ...rest,
    ...(fresh.length ? { groups: fresh } : {}),
    ...(unconfirmed.length ? { unconfirmed } : {}),
  };
}

/** The membership a person acted through for a role held by a group: the group and when it was confirmed. */
export function membershipFor(
  actor: Actor,
  role: { assignee: string | null },
): { group: string; confirmedAt: string } | undefined {
  if (actor.kind !== 'user' || !role.assignee || role.assignee === actor.userId) return undefined;
  const confirmedAt = actor.confirmed?.[role.assignee];
  return actor.groups?.includes(role.assignee) && confirmedAt
    ? { group: role.assignee, confirmedAt }
    : undefined;
}
