/** Finishing a program: archived when its last phase is closed, or by an admin with a reason; read-only after. */
import { invalid, refused } from '../errors.js';
import type { Command } from '../schema.js';
import { done, fail, type Handlers, type StepContext, type StepResult } from './change.js';

function archive(
  { c, actor, at, begin }: StepContext,
  cmd: Extract<Command, { type: 'archive' }>,
): StepResult {
  const a = begin('program.archive');
  if (a.error) return { step: fail(a.error) };
  const last = c.phases.at(-1);
  if (last && last.status !== 'closed') {
    if (!(actor.kind === 'user' && actor.isAdmin))
      return {
        step: fail(
          refused(
            `${c.title} is not finished: its last phase ${last.id} is ${last.status}. A program is archived once that phase is closed, or by an admin who gives the reason.`,
          ),
        ),
      };
    if (!cmd.reason)
      return {
        step: fail(
          invalid(
            'reason',
            `Phase ${last.id} is ${last.status}: say why the program is archived unfinished.`,
          ),
        ),
      };
  }
  c.archived = { ...a.ch.stamp(), ...(cmd.reason ? { reason: cmd.reason } : {}) };
  a.ch.emit({ type: 'program.archived', ...(cmd.reason ? { reason: cmd.reason } : {}) });
  return { ch: a.ch, step: done(`${c.title} is archived at ${at}: it is read-only from now on.`) };
}

export const archiveHandlers: Handlers<'archive'> = { archive };
