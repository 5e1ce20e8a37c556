/** Role assignment. */
import { unchanged } from '../errors.js';
import type { Command } from '../schema.js';
import { done, fail, find, type Handlers, type StepContext, type StepResult } from './change.js';

function roleAssign({ c, begin }: StepContext, cmd: Extract<Command, { type: 'role.assign' }>): StepResult {
  const f = find(c.roles, cmd.role, 'role', 'role');
  if (f.error) return { step: fail(f.error) };
  const a = begin('role.assign');
  if (a.error) return { step: fail(a.error) };
  const role = f.item;
  if (role.assignee === cmd.user)
    return {
      step: fail(unchanged(`${role.id} is already ${cmd.user ? 'held by that person' : 'unassigned'}.`)),
    };
  const before = role.assignee;
  role.assignee = cmd.user;
  a.ch.emit({ type: 'role.assigned', role: role.id, before, after: cmd.user, title: role.title });
  // Two different people must sign: one holder of every side's commander role could sign for only one side.
  const commanders = c.sides.map((s) => c.roles.find((r) => r.id === s.commanderRole)?.assignee ?? null);
  const both =
    cmd.user !== null && c.sides.length > 1 && commanders.every((h) => h === cmd.user)
      ? ` Warning: ${cmd.user} now holds every side's commander role, but two different people must sign off: assign another side's commander to someone else.`
      : '';
  return {
    ch: a.ch,
    step: done(`${role.title} (${role.id}) is now ${cmd.user ?? 'unassigned'}.${both}`),
  };
}

export const rolesHandlers: Handlers<'role.assign'> = {
  'role.assign': roleAssign,
};
