/**
 * Shaping a running program from Slack: gates, evidence and manual blockers added, renamed and removed; roles
 * retitled; the reminders changed. Derived items keep their conditions (they are the program's rules); an item a
 * derived condition names cannot be removed; a changed gate set voids the sign-offs bound to the old one.
 */
import { invalid, refused, unchanged } from '../errors.js';
import type { Command, Cutover } from '../schema.js';
import { type Change, done, fail, find, type Handlers, type StepContext, type StepResult } from './change.js';

type Of<K extends Command['type']> = Extract<Command, { type: K }>;

const taken = (list: { id: string }[], id: string, kind: string) =>
  list.some((x) => x.id === id)
    ? invalid(kind, `There is already a ${kind} "${id}": give another id.`)
    : undefined;

/** Derived blockers and gates whose conditions name this evidence (it cannot be removed while any does). */
export function namedBy(c: Cutover, evidence: string): string[] {
  const uses = (
    list: { id: string; derived?: { kind: string; evidence?: string[] }[] | undefined }[],
    kind: string,
  ) =>
    list
      .filter((x) => x.derived?.some((d) => d.kind === 'evidence' && d.evidence?.includes(evidence)))
      .map((x) => `${kind} ${x.id}`);
  return [...uses(c.blockers, 'blocker'), ...uses(c.gates, 'gate')];
}

function shaped(ch: Change, e: Extract<Parameters<Change['emit']>[0], { type: 'program.shaped' }>) {
  ch.emit(e);
}

function gateAdd({ c, begin }: StepContext, cmd: Of<'gate.add'>): StepResult {
  const a = begin('program.shape');
  if (a.error) return { step: fail(a.error) };
  const dup = taken(c.gates, cmd.gate, 'gate');
  if (dup) return { step: fail(dup) };
  if (!c.roles.some((r) => r.id === cmd.owner))
    return {
      step: fail(
        invalid('owner', `There is no role "${cmd.owner}". Roles: ${c.roles.map((r) => r.id).join(', ')}.`),
      ),
    };
  c.gates.push({ id: cmd.gate, title: cmd.title, owner: cmd.owner, perTarget: cmd.perTarget, results: [] });
  shaped(a.ch, { type: 'program.shaped', what: 'gate', item: cmd.gate, change: 'added', title: cmd.title });
  a.ch.voidSignoffs({ kind: 'gates', gate: cmd.gate, change: 'added' });
  return { ch: a.ch, step: done(`Gate ${cmd.gate} added, owned by ${cmd.owner}; it is pending.`) };
}

/** Removes a manual gate or blocker; a derived one is one of the program's rules and stays. */
function removeManual({ c, begin }: StepContext, what: 'gate' | 'blocker', id: string): StepResult {
  const list: { id: string; title: string; derived?: unknown; status?: string }[] =
    what === 'gate' ? c.gates : c.blockers;
  const f = find(list, id, what, what);
  if (f.error) return { step: fail(f.error) };
  const a = begin('program.shape');
  if (a.error) return { step: fail(a.error) };
  const Kind = what === 'gate' ? 'Gate' : 'Blocker';
  if (f.item.derived)
    return {
      step: fail(
        refused(
          `${Kind} ${id} is derived: it is one of the program's rules and keeps its conditions. Only manual ${what}s are removed from Slack.`,
        ),
      ),
    };
  if (what === 'gate') c.gates = c.gates.filter((g) => g.id !== id);
  else c.blockers = c.blockers.filter((b) => b.id !== id);
  shaped(a.ch, { type: 'program.shaped', what, item: id, change: 'removed', was: f.item.title });
  if (what === 'gate') a.ch.voidSignoffs({ kind: 'gates', gate: id, change: 'removed' });
  return { ch: a.ch, step: done(`${Kind} ${id} removed.`) };
}

function evidenceAdd({ c, begin }: StepContext, cmd: Of<'evidence.add'>): StepResult {
  const a = begin('program.shape');
  if (a.error) return { step: fail(a.error) };
  const dup = taken(c.evidence, cmd.evidence, 'evidence');
  if (dup) return { step: fail(dup) };
  if (!c.sides.some((s) => s.id === cmd.side))
    return {
      step: fail(
        invalid('side', `There is no side "${cmd.side}". Sides: ${c.sides.map((s) => s.id).join(', ')}.`),
      ),
    };
  c.evidence.push({ id: cmd.evidence, title: cmd.title, side: cmd.side, entries: [] });
  shaped(a.ch, {
    type: 'program.shaped',
    what: 'evidence',
    item: cmd.evidence,
    change: 'added',
    title: cmd.title,
  });
  return { ch: a.ch, step: done(`Evidence ${cmd.evidence} added for ${cmd.side}.`) };
}

function evidenceRemove({ c, begin }: StepContext, cmd: Of<'evidence.remove'>): StepResult {
  const f = find(c.evidence, cmd.evidence, 'evidence', 'evidence');
  if (f.error) return { step: fail(f.error) };
  const a = begin('program.shape');
  if (a.error) return { step: fail(a.error) };
  const users = namedBy(c, cmd.evidence);
  if (users.length)
    return {
      step: fail(
        refused(
          `Evidence ${cmd.evidence} is a condition of ${users.join(', ')}: derived items keep their conditions, so it stays.`,
        ),
      ),
    };
  c.evidence = c.evidence.filter((e) => e.id !== cmd.evidence);
  c.rollbackEvidence = c.rollbackEvidence.filter((e) => e !== cmd.evidence);
  shaped(a.ch, {
    type: 'program.shaped',
    what: 'evidence',
    item: cmd.evidence,
    change: 'removed',
    was: f.item.title,
  });
  return { ch: a.ch, step: done(`Evidence ${cmd.evidence} removed.`) };
}

/** Renames a gate, evidence item or manual blocker, or retitles a role. */
function retitle(
  { begin }: StepContext,
  what: 'gate' | 'evidence' | 'blocker' | 'role',
  list: { id: string; title: string; derived?: unknown }[],
  id: string,
  title: string,
): StepResult {
  const f = find(list, id, what, what);
  if (f.error) return { step: fail(f.error) };
  const a = begin('program.shape');
  if (a.error) return { step: fail(a.error) };
  if (f.item.title === title)
    return { step: fail(unchanged(`The ${what} ${id} is already titled "${title}".`)) };
  const before = f.item.title;
  f.item.title = title;
  const change = what === 'role' ? 'changed' : 'renamed';
  shaped(a.ch, { type: 'program.shaped', what, item: id, change, title, was: before });
  return { ch: a.ch, step: done(`The ${what} ${id} is now titled "${title}".`) };
}

function remindersSet({ c, begin }: StepContext, cmd: Of<'reminders.set'>): StepResult {
  const a = begin('program.shape');
  if (a.error) return { step: fail(a.error) };
  const { quietHours, ...rest } = cmd.reminders;
  const next = { ...c.reminders, ...rest };
  if (quietHours === null) delete next.quietHours;
  else if (quietHours) next.quietHours = quietHours;
  if (JSON.stringify(next) === JSON.stringify(c.reminders))
    return { step: fail(unchanged('The reminders already stand so.')) };
  const before: Record<string, unknown> = c.reminders;
  const after: Record<string, unknown> = next;
  const fields = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter(
    (k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]),
  );
  c.reminders = next;
  shaped(a.ch, { type: 'program.shaped', what: 'reminders', change: 'changed', fields });
  return { ch: a.ch, step: done('The reminders are changed.') };
}

export const shapeHandlers: Handlers<
  | 'gate.add'
  | 'gate.rename'
  | 'gate.remove'
  | 'evidence.add'
  | 'evidence.rename'
  | 'evidence.remove'
  | 'blocker.rename'
  | 'blocker.remove'
  | 'role.retitle'
  | 'reminders.set'
> = {
  'gate.add': gateAdd,
  'gate.rename': (ctx, cmd) => retitle(ctx, 'gate', ctx.c.gates, cmd.gate, cmd.title),
  'gate.remove': (ctx, cmd) => removeManual(ctx, 'gate', cmd.gate),
  'evidence.add': evidenceAdd,
  'evidence.rename': (ctx, cmd) => retitle(ctx, 'evidence', ctx.c.evidence, cmd.evidence, cmd.title),
  'evidence.remove': evidenceRemove,
  'blocker.rename': (ctx, cmd) => {
    const b = ctx.c.blockers.find((x) => x.id === cmd.blocker);
    if (b?.derived)
      return {
        step: fail(refused(`Blocker ${cmd.blocker} is derived: its title is part of the program's rules.`)),
      };
    return retitle(ctx, 'blocker', ctx.c.blockers, cmd.blocker, cmd.title);
  },
  'blocker.remove': (ctx, cmd) => removeManual(ctx, 'blocker', cmd.blocker),
  'role.retitle': (ctx, cmd) => retitle(ctx, 'role', ctx.c.roles, cmd.role, cmd.title),
  'reminders.set': remindersSet,
};
