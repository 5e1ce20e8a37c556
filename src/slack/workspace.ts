/**
 * What the bot asks Slack about its workspace, after the ack and on the `background` client (slack/clients.ts):
 * whether a person may start programs (CUTOVER_ADMINS, or CUTOVER_CREATORS directly or through a user group),
 * whether the bot is in a channel (`conversations.info`), and who is in the user groups that hold roles (on-call
 * rotations): `usergroups.users.list`, cached for five minutes and refreshed in the background, so a request is
 * judged from the cache and never waits on Slack before its ack.
 */
import type { webApi } from '@slack/bolt';
import type { Clock } from '../clock.js';

/** How long a user group's members are trusted before they are asked again. */
const GROUP_TTL_MS = 5 * 60 * 1000;

export interface Workspace {
  /** Whether `userId` may start programs; `why` says who may, for a refusal. */
  mayCreate(userId: string): Promise<{ ok: true } | { ok: false; why: string }>;
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
  /** The user groups among those watched that `userId` belongs to, from the cache (no Slack call). */
  groupsOf(userId: string): string[];
  /** The members of `group` as last asked, or undefined before Slack answered. */
  membersOf(group: string): string[] | undefined;
  /** Keeps these groups' members cached (asked now if missing or older than the TTL, in the background). */
  watch(groups: readonly string[]): void;
}

/** How long a person's time zone is kept before Slack is asked again. */
const ZONE_TTL_MS = 24 * 60 * 60 * 1000;

export function createWorkspace(opts: {
  client: webApi.WebClient;
  admins: readonly string[];
  creators: readonly string[];
  clock: Clock;
}): Workspace {
  const groups = new Map<string, { users: string[]; at: number }>();
  async function members(group: string): Promise<string[]> {
    const now = opts.clock.now().getTime();
    const cached = groups.get(group);
    if (cached && now - cached.at < GROUP_TTL_MS) return cached.users;
    const res = await opts.client.usergroups.users.list({ usergroup: group });
    const users = res.users ?? [];
    groups.set(group, { users, at: now });
    return users;
  }
  const watched = new Set<string>();
  const personZones = new Map<string, { zone: string | undefined; at: number }>();
  const zoneNow = (userId: string) => {
    const c = personZones.get(userId);
    return c && opts.clock.now().getTime() - c.at < ZONE_TTL_MS ? c : undefined;
  };
  const fresh = (g: string) => {
    const c = groups.get(g);
    return c !== undefined && opts.clock.now().getTime() - c.at < GROUP_TTL_MS;
  };
  return {
    groupsOf: (userId) => [...watched].filter((g) => groups.get(g)?.users.includes(userId)),
    membersOf: (group) => groups.get(group)?.users,
    watch(list) {
      for (const g of list) {
        watched.add(g);
        if (!fresh(g)) void members(g).catch(() => undefined);
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
      if (opts.admins.includes(userId) || opts.creators.includes(userId)) return true;
      const creatorGroups = opts.creators.filter((x) => x.startsWith('S'));
      if (creatorGroups.some((g) => fresh(g) && groups.get(g)?.users.includes(userId))) return true;
      return creatorGroups.every(fresh) ? false : undefined;
    },
    async mayCreate(userId) {
      if (opts.admins.includes(userId) || opts.creators.includes(userId)) return { ok: true };
      for (const g of opts.creators.filter((x) => x.startsWith('S')))
        try {
          if ((await members(g)).includes(userId)) return { ok: true };
        } catch {
          // A group Slack will not list counts as not holding this person; the refusal names the group.
        }
      const who = [
        ...opts.admins.map((u) => `<@${u}>`),
        ...opts.creators.map((x) => (x.startsWith('S') ? `<!subteam^${x}>` : `<@${x}>`)),
      ];
      return {
        ok: false,
        why: `Only the bot's admins and program creators start programs${who.length ? ` (${who.join(', ')})` : ''}; the bot's operator adds people to CUTOVER_CREATORS.`,
      };
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
