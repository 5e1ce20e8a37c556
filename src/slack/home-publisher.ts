/**
 * Keeps each person's App Home current, across every program. `publishFor` answers `app_home_opened`; after every
 * committed change of a program (programs.onCommitted) the Homes of the people it may concern — that program's
 * role holders, admins, and whoever opened the Home since the bot started — are rendered again and published only
 * where the view changed. A Home shows the programs where the person holds a role (views/home.ts `homeAcross`).
 *
 * Cheap and ordered: a worker (worker.ts) whose passes never overlap does every publish (a Home is rendered when
 * its turn comes, so it is never older than one published before it), a burst of changes folds into one pass, and
 * the client does not retry (the next change or opening publishes again). A pass starts after the change is on
 * disk and never holds up an ack. It publishes on the `background` client (slack/clients.ts), never on the one
 * `views.open` needs.
 */
import { createHash } from 'node:crypto';
import type { Logger, webApi } from '@slack/bolt';
import { holds } from '../core/authorize.js';
import { isGroup } from '../core/schema.js';
import type { Clock } from '../runtime/clock.js';
import { createWorker } from '../runtime/worker.js';
import type { Programs } from '../service/programs.js';
import { homeAcross } from './views/home.js';

/** People remembered as Home viewers (beyond role holders and admins). */
const MAX_VIEWERS = 500;

export interface HomePublisher {
  /** Republishes on every committed change from now on. */
  start(): void;
  /** Publishes this person's Home now (after the publishes already under way). */
  publishFor(userId: string): Promise<void>;
  /**
   * Publishes again, where the view changed, for everyone a change may concern: for what changes the Homes outside
   * a committed change (the alert channel out of reach, or back).
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
  /** …and everyone's a change may concern, where it changed. */
  let everyone = false;
  /** People whose Homes a change concerned: the role holders of the programs that changed. */
  const concerned = new Set<string>();
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

  const affected = () => {
    // A viewer who holds no role in what changed sees nothing new: their Home shows only the programs they hold roles in.
    const people = new Set<string>([...admins, ...concerned]);
    concerned.clear();
    return [...people];
  };

  const refresh = () => {
    everyone = true;
    for (const s of programs.active())
      for (const r of s.cutover().roles) if (r.assignee) concerned.add(r.assignee);
    worker.wake();
  };

  /** A program changed: its role holders, before and after the change, and admins and viewers. */
  const changed = (
    before: { roles: { assignee: string | null }[] },
    after: { roles: { assignee: string | null }[] },
  ) => {
    everyone = true;
    for (const r of [...before.roles, ...after.roles]) for (const p of people(r.assignee)) concerned.add(p);
    worker.wake();
  };

  const worker = createWorker({
    clock: opts.clock,
    async pass() {
      const forced = [...opened];
      opened.clear();
      const all = everyone;
      everyone = false;
      for (const userId of forced) if (!stopped) await publish(userId, true);
      if (all)
        for (const userId of affected())
          if (!stopped && !forced.includes(userId)) await publish(userId, false);
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
      await worker.stop();
    },
  };
}
