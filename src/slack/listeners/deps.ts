/** What every listener is handed: the service, the admins, the bot's clock, its Slack clients. */
import type { Clock } from '../../clock.js';
import type { Outcome } from '../../core/commands.js';
import type { Actor } from '../../core/schema.js';
import type { CutoverService, RunOptions } from '../../service/cutover-service.js';
import { StoreError } from '../../store/store.js';
import type { SlackClients } from '../clients.js';

export interface ListenerDeps {
  service: CutoverService;
  admins: readonly string[];
  /** The bot's clock (bot.ts): the time a change is made at. The program's channel is `service.cutover().channel`. */
  clock: Clock;
  /**
   * For slow work after the ack (users.info, uploads): never the listener's `client`, which `views.open` needs.
   * createSlackApp always gives it; a listener that needs it refuses to run without.
   */
  clients?: SlackClients;
}

export const actorOf = (deps: ListenerDeps, userId: string): Actor => ({
  kind: 'user',
  userId,
  isAdmin: deps.admins.includes(userId),
});

/**
 * How long a change may wait for the store's writer before it is refused unwritten: Slack shows a timeout, and Bolt
 * answers 404, 3 s after the request, and a change committed after that would be made twice by a person who tries
 * again. The rest of the 3 s is for the write of its group and the ack.
 */
const ACK_BUDGET_MS = 2500;

/**
 * Runs a change that must be decided within `ACK_BUDGET_MS` (unless `options.deadline` says otherwise); a store
 * failure or a passed deadline becomes a refusal the person reads, since nothing was written.
 */
export async function runSafely(
  deps: ListenerDeps,
  input: unknown,
  actor: Actor,
  logger: { error: (...msg: unknown[]) => void },
  options: RunOptions = {},
): Promise<Outcome> {
  try {
    return await deps.service.run(input, actor, deps.clock.now(), {
      ...options,
      deadline: options.deadline ?? Date.now() + ACK_BUDGET_MS,
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
