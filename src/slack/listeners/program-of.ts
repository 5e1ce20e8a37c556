/**
 * Which program a request is for. A slash command acts on its channel's program; a button or a form carries the
 * program id it was shown for (App Home and direct messages have no channel of their own); with neither, a bot that
 * holds one active program means that one. In a channel whose program is archived, that program answers (read-only).
 */
import { mayOpen } from '../../core/stake.js';
import type { CutoverService } from '../../service/cutover-service.js';
import { refusalSentence } from '../views/answers.js';
import { actorOf, type ListenerDeps } from './deps.js';

/** The channel's active program, else its most recently started archived one. */
export function programInChannel(
  deps: ListenerDeps,
  channel: string | undefined,
): CutoverService | undefined {
  if (!channel) return undefined;
  return (
    deps.programs.inChannel(channel) ??
    deps.programs
      .all()
      .filter((s) => s.cutover().channel === channel)
      .at(-1)
  );
}

export function programFor(
  deps: ListenerDeps,
  where: { program?: string | undefined; channel?: string | undefined },
): CutoverService | undefined {
  if (where.program) return deps.programs.get(where.program);
  const here = programInChannel(deps, where.channel);
  if (here) return here;
  const active = deps.programs.active();
  return active.length === 1 ? active[0] : undefined;
}

/** What a person hears in a channel without a program. */
export const NO_PROGRAM_HERE =
  ':information_source: There is no cutover program in this channel. Start one here with `/cutover new` (a form), or `/cutover new &lt;program-id&gt; from &lt;template&gt;`; `/cutover list` shows every program the bot holds.';

/** What a person hears when a button or form names a program the bot does not hold. */
const NO_SUCH_PROGRAM_WORDS =
  'That program is no longer held by this bot; nothing was changed. `/cutover list` shows every program.';
export const NO_SUCH_PROGRAM = `:warning: ${NO_SUCH_PROGRAM_WORDS}`;

/**
 * The program a button or form names, if this person may open it: a role in it, or an admin (core/stake.ts).
 * Otherwise what they are told, in mrkdwn (`refusal`) and as plain text under a form's field (`plain`), naming
 * nothing of that program. Every button and form that names a program comes through here before it shows or does
 * anything.
 */
export function programOpenedBy(
  deps: ListenerDeps,
  where: { program?: string | undefined; channel?: string | undefined },
  userId: string,
): { service: CutoverService } | { refusal: string; plain: string } {
  const service = programFor(deps, where);
  if (!service) return { refusal: NO_SUCH_PROGRAM, plain: NO_SUCH_PROGRAM_WORDS };
  const open = mayOpen(service.cutover(), actorOf(deps, userId), deps.clock.now());
  if (open.ok) return { service };
  return {
    refusal: `:no_entry: ${refusalSentence(open.error)} _Nothing was changed._`,
    plain: refusalSentence(open.error, undefined, (s) => s),
  };
}
