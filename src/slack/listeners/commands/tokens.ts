/**
 * `/cutover token create <name> [side] | list | revoke <name>`: a program's CI tokens (service/tokens.ts), for the
 * decision-log owner or an admin. A new token is written first, then shown once, in the ephemeral answer.
 */
import type { AckFn, Logger, RespondArguments } from '@slack/bolt';
import { createToken, listTokens, revokeTokenNamed } from '../../../service/tokens.js';
import type { Parsed } from '../../parse-command.js';
import { refusalText } from '../../views/answers.js';
import { esc } from '../../views/text.js';
import { tokenListText, tokenMadeText } from '../../views/tokens.js';
import { actorOf, type ProgramDeps } from '../deps.js';

const ephemeral = (text: string) => ({ response_type: 'ephemeral' as const, text });

export async function tokenCommand(
  deps: ProgramDeps,
  userId: string,
  parsed: Extract<Parsed, { kind: 'token' }>,
  io: { ack: AckFn<string | RespondArguments>; logger: Logger },
  usage: string,
): Promise<void> {
  const { service } = deps;
  const actor = actorOf(deps, userId);
  const now = deps.clock.now();
  const c = service.cutover();
  try {
    if (parsed.action === 'list') {
      const listed = listTokens(service, actor, now);
      return io.ack(
        ephemeral(listed.ok ? tokenListText(c, listed.tokens) : refusalText(listed.error, usage, c)),
      );
    }
    if (parsed.action === 'create') {
      const made = await createToken(service, { name: parsed.name, side: parsed.side }, actor, now);
      return io.ack(
        ephemeral(made.ok ? tokenMadeText(c, made.token, made.secret) : refusalText(made.error, usage, c)),
      );
    }
    const r = await revokeTokenNamed(service, parsed.name, actor, now);
    return io.ack(
      ephemeral(
        r.ok
          ? `:white_check_mark: CI token \`${esc(r.token.name)}\` is revoked: it authorises nothing from now on.`
          : refusalText(r.error, usage, c),
      ),
    );
  } catch (e) {
    io.logger.error('a CI token change could not be saved', e);
    return io.ack(
      ephemeral(
        `:warning: The change could not be saved (${esc((e as Error).message)}). Nothing was changed; try again.`,
      ),
    );
  }
}
