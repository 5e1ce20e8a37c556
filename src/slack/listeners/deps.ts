/**
 * What every listener is handed: the programs, the templates, the admins and creators, the bot's clock, its Slack
 * clients; and, once a listener knows which program a request is for (by its channel, or by the program id a
 * button or form carries: ./program-of.ts), that program's service (`ProgramDeps`).
 */

import type { Outcome } from '../../core/commands.js';
import type { Actor } from '../../core/schema.js';
import type { Clock } from '../../runtime/clock.js';
import type { CutoverService, RunOptions } from '../../service/cutover-service.js';
import type { Programs } from '../../service/programs.js';
import type { Template } from '../../service/templates.js';
import { StoreError } from '../../store/store.js';
import type { SlackClients } from '../clients.js';
import type { Viewer } from '../views/modals.js';
import type { Workspace } from '../workspace.js';

export interface ListenerDeps {
  programs: Programs;
  /** What `/cutover new` can start from (besides a copy of a program). */
  templates: readonly Template[];
  admins: readonly string[];
  /** CUTOVER_CREATORS: user ids and user-group ids that may start programs (besides the admins). */
  creators: readonly string[];
  /** The bot's clock (bot.ts): the time a change is made at. */
  clock: Clock;
  /** Who may start programs, and whether the bot is in a channel, asked of Slack (slack/workspace.ts). */
  workspace?: Workspace;
  /**
   * For slow work after the ack (users.info, uploads): never the listener's `client`, which `views.open` needs.
   * createSlackApp always gives it; a listener that needs it refuses to run without.
   */
  clients?: SlackClients;
}

/** The deps of a request whose program is known. A program's channel is `service.cutover().channel`. */
export interface ProgramDeps extends ListenerDeps {
  service: CutoverService;
}

export const withProgram = (deps: ListenerDeps, service: CutoverService): ProgramDeps => ({
  ...deps,
  service,
});

/**
 * The person as the rules judge them: an admin or not, and the role-holding user groups Slack last listed them in,
 * with when (the core counts a membership only while it is at most five minutes old: core/membership.ts).
 */
export const actorOf = (deps: ListenerDeps, userId: string): Actor => {
  const m = deps.workspace?.membershipOf(userId);
  return {
    kind: 'user',
    userId,
    isAdmin: deps.admins.includes(userId),
    ...(m?.groups.length ? { groups: m.groups, confirmed: m.confirmed } : {}),
    ...(m?.unconfirmed.length ? { unconfirmed: m.unconfirmed } : {}),
  };
};

/** The person a view is for (views ask `may` of it before offering an action). */
export const viewerOf = (deps: ListenerDeps, userId: string): Viewer => {
  const groups = deps.workspace?.groupsOf(userId) ?? [];
  return { userId, isAdmin: deps.admins.includes(userId), ...(groups.length ? { groups } : {}) };
};

/**
 * How long after Bolt received a request its change may still be decided (the store checks again immediately
 * before it writes): Slack shows a timeout, and Bolt answers 404, 3 s after the request, and a change committed
 * after that would be made twice by a person who tries again. The rest of the 3 s is for what Bolt cannot see
 * (the request waiting in the kernel for a busy event loop), the write of its group and the ack, and for the
 * answers of its whole group, rendered one after another once it is written (the bench's crowd measures it).
 */
export const ACK_BUDGET_MS = 2000;

export interface SafeRunOptions extends RunOptions {
  /**
   * When Bolt received the request (epoch ms on the bot's clock: `receivedAtOf(context)`, slack/received.ts): the
   * deadline is counted from it. Absent (a change made after the ack, with no Slack window to keep): from now.
   */
  receivedAt?: number | undefined;
}

/**
 * Runs a change that must be decided within `ACK_BUDGET_MS` of the request's receipt (unless `options.deadline`
 * says otherwise); a store failure or a passed deadline becomes a refusal the person reads, since nothing was
 * written.
 */
export async function runSafely(
  deps: Pick<ProgramDeps, 'service' | 'clock'>,
  input: unknown,
  actor: Actor,
  logger: { error: (...msg: unknown[]) => void },
  { receivedAt, ...options }: SafeRunOptions = {},
): Promise<Outcome> {
  try {
    return await deps.service.run(input, actor, deps.clock.now(), {
      ...options,
      deadline: options.deadline ?? (receivedAt ?? deps.clock.now().getTime()) + ACK_BUDGET_MS,
    });
  } catch (e) {
    if (e instanceof StoreError && e.code === 'deadline') {
      logger.error(`a change was refused unwritten: ${e.message}`);
      return {
        ok: false,
        error: {
          code: 'refused',
          message:
            "The bot is too busy to record this within Slack's 3 seconds; nothing was changed — try again.",
        },
      };
    }
    if (e instanceof StoreError && e.maybeSaved) {
      logger.error('a change may or may not have been saved', e);
      return {
        ok: false,
        error: {
          code: 'unsure',
          message:
            "The change may or may not have been saved: the connection to the database was lost while it was being saved. Look at `/cutover status` before trying again, so that it is not made twice; tell the bot's operator if it persists.",
        },
      };
    }
    logger.error('the change could not be saved', e);
    return {
      ok: false,
      error: {
        code: 'refused',
        message: `The change could not be saved (${(e as Error).message}). Nothing was changed; try again, and tell the bot's operator if it persists.`,
      },
    };
  }
}
