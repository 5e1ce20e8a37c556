/**
 * What the bot asks Slack about its workspace, after the ack and on the `background` client (slack/clients.ts):
 * who is in the creator groups, so the core can say whether a person may start programs (core/starting.ts
 * `mayStartProgram`: CUTOVER_ADMINS, or CUTOVER_CREATORS directly or through a user group),
 * whether the bot is in a channel (`conversations.info`), and who is in the user groups that hold roles (on-call
 * rotations): `usergroups.users.list`.
 *
 * Group membership fails closed (core/membership.ts): a membership authorises an act only if Slack confirmed it
 * within the last five minutes. Each watched group is asked again in the background a minute before its answer
 * expires (on the bot's clock), so a request is judged from the cache at once and never waits on Slack before its
 * ack. When Slack cannot answer (a 5xx, a 429, `missing_scope`), it is asked again every 30 seconds, and meanwhile
 * the stale answer authorises nothing: the core refuses, naming the cause.
 */
import type { webApi } from '@slack/bolt';
import type { DomainError } from '../core/errors.js';
import { MEMBERSHIP_TTL_MS, membershipAuthorises } from '../core/membership.js';
import { type GroupMembers, mayStartProgram } from '../core/starting.js';
import { after, type Clock } from '../runtime/clock.js';

/** How long before its answer expires a watched group is asked again. */
const REFRESH_AHEAD_MS = 60 * 1000;
/** How soon a group is asked again after Slack could not answer. */
const RETRY_MS = 30 * 1000;

/** What the edge tells the core of a person's user groups (the Actor's `groups`, `confirmed`, `unconfirmed`). */
export interface Membership {
  /** The watched groups Slack last listed this person in. */
  groups: string[];
  /** When Slack gave each of those lists (ISO 8601). */
  confirmed: Record<string, string>;
  /** Watched groups Slack has not listed yet: the person may be in them, unconfirmed. */
  unconfirmed: string[];
}

export interface Workspace {
  /**
   * Whether `userId` may start programs, as the core decides it (core/starting.ts `mayStartProgram`), with the
   * creator groups it needs asked of Slack first; the refusal is the core's, for the surface to render.
   */
  mayCreate(userId: string): Promise<{ ok: true } | { ok: false; error: DomainError }>;
  /**
   * `mayCreate` without asking Slack: true or false when the answer is known now (an admin, a creator by id, or
   * every creator group's members cached), undefined when a group must be asked first.
   */
  mayCreateNow(userId: string): boolean | undefined;
  /** A person's time zone as Slack's users.info gives it (`tz`), asked once a day; undefined when Slack does not say. */
  zoneOf(userId: string): Promise<string | undefined>;
  /** `zoneOf` from the cache only (no Slack call): undefined when not asked yet. */
  zoneNow(userId: string): string | undefined;
  /** Whether the bot is a member of `channel`. */
  botIn(channel: string): Promise<{ ok: true } | { ok: false; why: string }>;
  /** The person's watched groups as last listed, with when (no Slack call): what the core judges. */
  membershipOf(userId: string): Membership;
  /** The watched groups `userId` is in by an answer of the last five minutes (for views: what to offer). */
  groupsOf(userId: string): string[];
  /** The members of `group` as last asked, or undefined before Slack answered. */
  membersOf(group: string): string[] | undefined;
  /**
   * Keeps exactly these groups' members cached: each asked now if missing or stale, then again ahead of expiry.
   * Groups no longer in the list stop being asked.
   */
  watch(groups: readonly string[]): void;
  /** Resolves once no ask of Slack is in flight (tests wait on it, as on the alerts' `idle`). */
  idle(): Promise<void>;
  /** Stops the background asking. */
  stop(): void;
}

/** How long a person's time zone is kept before Slack is asked again. */
const ZONE_TTL_MS = 24 * 60 * 60 * 1000;

export function createWorkspace(opts: {
  client: webApi.WebClient;
  /** For `usergroups.users.list` (no retries of its own: the workspace asks again); default `client`. */
  lookups?: webApi.WebClient;
  admins: readonly string[];
  creators: readonly string[];
  clock: Clock;
  logger?: { warn: (...msg: unknown[]) => void };
}): Workspace {
  const { clock } = opts;
  const groups = new Map<string, { users: string[]; at: number }>();
  const asking = new Map<string, Promise<string[]>>();
  const timers = new Map<string, () => void>();
  const watched = new Set<string>();
  const personZones = new Map<string, { zone: string | undefined; at: number }>();
  const zoneNow = (userId: string) => {
    const c = personZones.get(userId);
    return c && opts.clock.now().getTime() - c.at < ZONE_TTL_MS ? c : undefined;
  };
  let stopped = false;
  const starters = { admins: opts.admins, creators: opts.creators };
  /** What Slack last said of a group's members, for the core to judge (core/starting.ts). */
  const membersOf: GroupMembers = (g) => {
    const c = groups.get(g);
    return c ? { members: c.users, at: new Date(c.at).toISOString() } : undefined;
  };
  const fresh = (g: string) => {
    const c = groups.get(g);
    return c !== undefined && membershipAuthorises(new Date(c.at).toISOString(), clock.now());
  };
  /** Asks Slack now (one call in flight per group) and keeps the answer with the time it was asked. */
  function ask(group: string): Promise<string[]> {
    const inFlight = asking.get(group);
    if (inFlight) return inFlight;
    const at = clock.now().getTime();
    const call = (opts.lookups ?? opts.client).usergroups.users
      .list({ usergroup: group })
      .then((res) => {
        const users = res.users ?? [];
        groups.set(group, { users, at });
        return users;
      })
      .finally(() => asking.delete(group));
    asking.set(group, call);
    return call;
  }
  /** The next background ask of a watched group: ahead of its answer's expiry, or soon after a failure. */
  function schedule(group: string, ms: number) {
    timers.get(group)?.();
    if (stopped || !watched.has(group)) return;
    const cancel = after(clock, Math.max(0, ms), () => {
      timers.delete(group);
      refresh(group);
    });
    timers.set(group, cancel);
  }
  function refresh(group: string) {
    if (stopped || !watched.has(group)) return;
    ask(group).then(
      () => schedule(group, MEMBERSHIP_TTL_MS - REFRESH_AHEAD_MS),
      (e: unknown) => {
        const code = (e as { data?: { error?: string } }).data?.error ?? (e as Error).message;
        opts.logger?.warn(
          `Slack could not list the members of user group ${group} (${code}): its members act for its roles only once Slack answers again`,
        );
        const retryAfter = (e as { retryAfter?: number }).retryAfter;
        schedule(group, Math.max(RETRY_MS, (retryAfter ?? 0) * 1000));
      },
    );
  }
  async function members(group: string): Promise<string[]> {
    const cached = groups.get(group);
    if (cached && fresh(group)) return cached.users;
    return ask(group);
  }
  return {
    membershipOf(userId) {
      const out: Membership = { groups: [], confirmed: {}, unconfirmed: [] };
      for (const g of watched) {
        const c = groups.get(g);
        if (!c) out.unconfirmed.push(g);
        else if (c.users.includes(userId)) {
          out.groups.push(g);
          out.confirmed[g] = new Date(c.at).toISOString();
        }
      }
      return out;
    },
    groupsOf: (userId) => [...watched].filter((g) => fresh(g) && groups.get(g)?.users.includes(userId)),
    membersOf: (group) => groups.get(group)?.users,
    watch(list) {
      const wanted = new Set(list);
      for (const g of [...watched])
        if (!wanted.has(g)) {
          watched.delete(g);
          timers.get(g)?.();
          timers.delete(g);
        }
      for (const g of wanted) {
        if (watched.has(g)) continue;
        watched.add(g);
        if (fresh(g))
          schedule(
            g,
            (groups.get(g)?.at ?? 0) + MEMBERSHIP_TTL_MS - REFRESH_AHEAD_MS - clock.now().getTime(),
          );
        else refresh(g);
      }
    },
    zoneNow: (userId) => zoneNow(userId)?.zone,
    async zoneOf(userId) {
      const cached = zoneNow(userId);
      if (cached) return cached.zone;
      try {
        const res = await opts.client.users.info({ user: userId });
        const zone = typeof res.user?.tz === 'string' && res.user.tz ? res.user.tz : undefined;
        personZones.set(userId, { zone, at: opts.clock.now().getTime() });
        return zone;
      } catch {
        return undefined;
      }
    },
    mayCreateNow(userId) {
      const verdict = mayStartProgram(userId, starters, membersOf, clock.now());
      return verdict.ok === 'ask' ? undefined : verdict.ok;
    },
    async idle() {
      while (asking.size) await Promise.allSettled([...asking.values()]);
      // The answer's own continuation (the next ask scheduled) runs before the caller goes on.
      await new Promise<void>((resolve) => setImmediate(resolve));
    },
    stop() {
      stopped = true;
      for (const cancel of timers.values()) cancel();
      timers.clear();
    },
    async mayCreate(userId) {
      const first = mayStartProgram(userId, starters, membersOf, clock.now());
      if (first.ok !== 'ask') return first;
      // A group Slack will not list counts as not holding this person; the refusal names the group.
      await Promise.all(first.groups.map((g) => members(g).catch(() => undefined)));
      return mayStartProgram(userId, starters, membersOf, clock.now(), 'refuse');
    },
    async botIn(channel) {
      const invite = 'invite the bot first with `/invite @cutover-bot`, then try again';
      try {
        const res = await opts.client.conversations.info({ channel });
        if (res.channel?.is_member) return { ok: true };
        return { ok: false, why: `The bot is not in <#${channel}>: ${invite}.` };
      } catch (e) {
        const code = (e as { data?: { error?: string } }).data?.error;
        if (code === 'channel_not_found')
          return {
            ok: false,
            why: `The bot cannot see this channel (a private one it is not in): ${invite}.`,
          };
        return {
          ok: false,
          why: `Slack did not say whether the bot is in <#${channel}> (${code ?? (e as Error).message}); try again.`,
        };
      }
    },
  };
}
