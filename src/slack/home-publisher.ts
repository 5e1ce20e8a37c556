/**
 * Keeps each person's App Home current, across every program. `publishFor` answers `app_home_opened`; after every
 * committed change of a program (programs.onCommitted) the Homes of the people it may concern — that program's
 * role holders before and after the change, and admins (a person with no role sees no program, so a change leaves
 * their Home as it was) — are rendered again and published only where the view changed. A Home shows the programs where the person holds a role (views/home.ts `homeAcross`).
 *
 * One publish per person for a burst: a change does not publish, it starts (or restarts) that person's quiet
 * wait of `HOME_QUIET_MS` on the bot's clock; the Home is published when the person's changes have been quiet that
 * long, or `HOME_MAX_WAIT_MS` after the first change still unpublished, so a steady stream still shows. An opening
 * publishes at once (the person is looking) and covers the changes waiting for them.
 *
 * Cheap and ordered: a worker (worker.ts) whose passes never overlap does every publish (a Home is rendered when
 * its turn comes, so it is never older than one published before it, and the last shows what the burst left), and
 * the client does not retry (the next change or opening publishes again). A pass starts after the change is on
 * disk and never holds up an ack. It publishes on the `background` client (slack/clients.ts), never on the one
 * `views.open` needs.
 */
import { createHash } from 'node:crypto';
import type { Logger, webApi } from '@slack/bolt';
import { holds } from '../core/authorize.js';
import { isGroup } from '../core/schema.js';
import { after, type Clock } from '../runtime/clock.js';
import { createWorker } from '../runtime/worker.js';
import type { Programs } from '../service/programs.js';
import { homeAcross } from './views/home.js';

/** People remembered as Home viewers (beyond role holders and admins). */
const MAX_VIEWERS = 500;

/**
 * A person's Home is published once their changes have been quiet this long: longer than a burst of concurrent
 * commands takes to commit (group commits land within tens of ms of each other), short enough that one change
 * still shows on the Home at once as a person sees it.
 */
export const HOME_QUIET_MS = 250;
/**
 * …or this long after the first change still unpublished, whatever follows. `views.publish` is a tiered method
 * (per app, per workspace, about 100 a minute): under a steady stream every concerned person is published at most
 * once per wait, so a program's five role holders and an admin cost at most 72 a minute, below the tier.
 */
export const HOME_MAX_WAIT_MS = 5_000;

export interface HomePublisher {
  /** Republishes on every committed change from now on. */
  start(): void;
  /** Publishes this person's Home now (after the publishes already under way). */
  publishFor(userId: string): Promise<void>;
  /**
   * Publishes again (after the quiet wait, as a change does), where the view changed, for everyone a change may
   * concern: for what changes the Homes outside a committed change (the alert channel out of reach, or back).
   */
  refresh(): void;
  /** Stops republishing on changes and waits for the publishes under way. */
  stop(): Promise<void>;
}

export function createHomePublisher(opts: {
  client: webApi.WebClient;
  programs: Programs;
  admins: readonly string[];
  logger: Logger;
  clock: Clock;
  /** The role-holding user groups a person is in, and a group's members (slack/workspace.ts, cached). */
  groupsOf?: (userId: string) => string[];
  membersOf?: (group: string) => string[] | undefined;
}): HomePublisher {
  const { client, programs, admins, logger } = opts;
  const published = new Map<string, string>();
  const viewers = new Set<string>();
  /** Asked for: these people's Homes, published even if unchanged (they opened it)… */
  const opened = new Set<string>();
  /** …and these, where they changed: their changes have been quiet long enough, or waited the longest. */
  const due = new Set<string>();
  /** People with changes not yet published: cancels their quiet wait and their longest wait. */
  const waiting = new Map<string, { quiet: () => void; longest: () => void }>();
  let stopped = false;

  async function publish(userId: string, force: boolean) {
    const isAdmin = admins.includes(userId);
    const groups = opts.groupsOf?.(userId) ?? [];
    const actor = { kind: 'user' as const, userId, isAdmin, groups };
    const active = programs.active().map((s) => s.document());
    // Admins also see the programs whose alerts cannot be posted, or were refused by Slack this past week.
    const weekAgo = new Date(opts.clock.now().getTime() - 7 * 24 * 3600_000).toISOString();
    const mine = active.filter(
      (d) =>
        d.cutover.roles.some((r) => holds(r, actor)) ||
        (isAdmin && (d.channelProblem !== undefined || d.refused.some((r) => r.at >= weekAgo))),
    );
    // An admin who holds no role oversees: every active program.
    const docs = (mine.length || !isAdmin ? mine : active).sort((a, b) =>
      (b.cutover.updated ?? '').localeCompare(a.cutover.updated ?? ''),
    );
    const view = homeAcross(docs, userId, isAdmin, programs.all().length, groups);
    const hash = createHash('sha256').update(JSON.stringify(view)).digest('base64');
    if (!force && published.get(userId) === hash) return;
    try {
      await client.views.publish({ user_id: userId, view });
      published.set(userId, hash);
    } catch (e) {
      published.delete(userId);
      logger.warn(`views.publish for ${userId} failed: ${(e as Error).message}`);
    }
  }

  /** The people a role holder stands for: the person, or a group's members as last asked. */
  const people = (holder: string | null): string[] =>
    !holder ? [] : isGroup(holder) ? (opts.membersOf?.(holder) ?? []) : [holder];

  /** Stops a person's waits (their Home is about to be published). */
  const unwait = (userId: string) => {
    const w = waiting.get(userId);
    if (!w) return;
    w.quiet();
    w.longest();
    waiting.delete(userId);
  };

  const ready = (userId: string) => {
    unwait(userId);
    if (stopped) return;
    due.add(userId);
    worker.wake();
  };

  /** A change concerns this person: (re)start their quiet wait; the longest wait runs from their first change. */
  const fold = (userId: string) => {
    if (stopped || due.has(userId)) return;
    const w = waiting.get(userId);
    w?.quiet();
    waiting.set(userId, {
      quiet: after(opts.clock, HOME_QUIET_MS, () => ready(userId)),
      longest: w?.longest ?? after(opts.clock, HOME_MAX_WAIT_MS, () => ready(userId)),
    });
  };

  // A viewer who holds no role in what changed sees nothing new: their Home shows only the programs they hold roles in.
  const refresh = () => {
    for (const a of admins) fold(a);
    for (const s of programs.active()) for (const r of s.cutover().roles) if (r.assignee) fold(r.assignee);
  };

  /** A program changed: its role holders, before and after the change, and admins. */
  const changed = (
    before: { roles: { assignee: string | null }[] },
    next: { roles: { assignee: string | null }[] },
  ) => {
    for (const a of admins) fold(a);
    for (const r of [...before.roles, ...next.roles]) for (const p of people(r.assignee)) fold(p);
  };

  const worker = createWorker({
    clock: opts.clock,
    async pass() {
      const forced = [...opened];
      opened.clear();
      // An opening publishes the Home as it is now: the changes waiting for that person are in it.
      for (const userId of forced) {
        unwait(userId);
        due.delete(userId);
      }
      const quieted = [...due];
      due.clear();
      for (const userId of forced) if (!stopped) await publish(userId, true);
      for (const userId of quieted) if (!stopped) await publish(userId, false);
      return undefined;
    },
    onError: (e) => logger.warn(`App Home: ${(e as Error).message}`),
    wakeOn: () => {
      const offChange = programs.onCommitted((_s, change) => changed(change.before, change.outcome.cutover));
      // Another replica's change: that replica publishes the Homes it concerns; here they are only forgotten, so
      // the next opening or change publishes them afresh (two replicas never publish the same change twice).
      const offRemote = programs.onRemoteChange((s) => {
        for (const r of s.cutover().roles) if (r.assignee) published.delete(r.assignee);
        for (const a of admins) published.delete(a);
      });
      const offAdded = programs.onAdded(() => refresh());
      return () => {
        offChange();
        offRemote();
        offAdded();
      };
    },
  });

  return {
    start: () => worker.start(),
    refresh,
    publishFor(userId) {
      if (!viewers.has(userId)) {
        if (viewers.size >= MAX_VIEWERS) viewers.delete(viewers.values().next().value ?? '');
        viewers.add(userId);
      }
      opened.add(userId);
      worker.wake();
      return worker.idle();
    },
    async stop() {
      stopped = true;
      for (const userId of [...waiting.keys()]) unwait(userId);
      await worker.stop();
    },
  };
}
