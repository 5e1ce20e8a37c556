/** What every listener is handed: the service, the admins, the clock. */
import type { Outcome } from '../../core/commands.js';
import type { Actor } from '../../core/schema.js';
import type { CutoverService, RunOptions } from '../../service/cutover-service.js';

export interface ListenerDeps {
  service: CutoverService;
  admins: readonly string[];
  channelId: string;
  now: () => Date;
}

export const actorOf = (deps: ListenerDeps, userId: string): Actor => ({
  kind: 'user',
  userId,
  isAdmin: deps.admins.includes(userId),
});

/** Runs a change; a store failure becomes a refusal the person reads, since nothing was written. */
export async function runSafely(
  deps: ListenerDeps,
  input: unknown,
  actor: Actor,
  logger: { error: (...msg: unknown[]) => void },
  options: RunOptions = {},
): Promise<Outcome> {
  try {
    return await deps.service.run(input, actor, deps.now(), options);
  } catch (e) {
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
