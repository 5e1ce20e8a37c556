/** Manual blockers: added, cleared, reopened. Derived ones clear themselves and refuse a hand. */
import { refused, unchanged, unknown } from '../errors.js';
import { blockerState, nextPhase } from '../readiness.js';
import type { Command } from '../schema.js';
import {
  done,
  fail,
  find,
  type Handlers,
  type StepContext,
  type StepResult,
  slug,
  uniqueId,
} from './change.js';

function blockerAdd({ c, begin }: StepContext, cmd: Extract<Command, { type: 'blocker.add' }>): StepResult {
  if (!c.roles.some((r) => r.id === cmd.owner))
    return {
      step: fail(
        unknown(
          'owner',
          'role',
          cmd.owner,
          c.roles.map((r) => r.id),
        ),
      ),
    };
  const a = begin('blocker.add');
  if (a.error) return { step: fail(a.error) };
  const phase = nextPhase(c);
  if (!phase) return { step: fail(refused('The program has no phase to block.')) };
  const id = uniqueId(slug(cmd.title), new Set(c.blockers.map((b) => b.id)));
  c.blockers.push({
    id,
    title: cmd.title,
    owner: cmd.owner,
    phase: phase.id,
    items: [],
    status: 'open',
    updated: a.ch.stamp(),
  });
  a.ch.emit({ type: 'blocker.added', blocker: id, title: cmd.title, owner: cmd.owner, phase: phase.id });
  return { ch: a.ch, step: done(`Blocker ${id} added before phase ${phase.id}, owned by ${cmd.owner}.`) };
}

function clearOrReopen(
  { c, begin }: StepContext,
  cmd: Extract<Command, { type: 'blocker.clear' | 'blocker.reopen' }>,
): StepResult {
  const f = find(c.blockers, cmd.blocker, 'blocker', 'blocker');
  if (f.error) return { step: fail(f.error) };
  const b = f.item;
  const clearing = cmd.type === 'blocker.clear';
  if (b.derived) {
    const s = blockerState(c, b);
    return {
      step: fail(
        clearing
          ? refused(
              s.status === 'cleared'
                ? `Blocker ${b.id} is derived and already clear; it reopens by itself if its facts change.`
                : `Blocker ${b.id} is derived: it clears itself when its facts hold, not by hand. Still unmet:`,
              s.status === 'cleared' ? undefined : s.unmet,
            )
          : s.status === 'open'
            ? refused(
                `Blocker ${b.id} is derived and already open: it clears itself when its facts hold, not by hand. Still unmet:`,
                s.unmet,
              )
            : refused(`Blocker ${b.id} is derived: it reopens by itself when its facts change, not by hand.`),
      ),
    };
  }
  const a = begin(clearing ? 'blocker.clear' : 'blocker.reopen', { owner: b.owner });
  if (a.error) return { step: fail(a.error) };
  if (clearing && b.status === 'cleared')
    return { step: fail(unchanged(`Blocker ${b.id} is already cleared.`)) };
  if (!clearing && b.status === 'open') return { step: fail(unchanged(`Blocker ${b.id} is already open.`)) };
  b.status = clearing ? 'cleared' : 'open';
  b.updated = a.ch.stamp();
  if (cmd.type === 'blocker.clear') {
    if (cmd.evidenceUrl) b.evidenceUrl = cmd.evidenceUrl;
    delete b.reopenReason;
    a.ch.emit({
      type: 'blocker.cleared',
      blocker: b.id,
      derived: false,
      title: b.title,
      ...(cmd.evidenceUrl ? { evidenceUrl: cmd.evidenceUrl } : {}),
    });
    return { ch: a.ch, step: done(`Blocker ${b.id} cleared.`) };
  }
  b.reopenReason = cmd.reason;
  a.ch.emit({ type: 'blocker.reopened', blocker: b.id, derived: false, reason: cmd.reason, title: b.title });
  return { ch: a.ch, step: done(`Blocker ${b.id} reopened.`) };
}

export const blockersHandlers: Handlers<'blocker.add' | 'blocker.clear' | 'blocker.reopen'> = {
  'blocker.add': blockerAdd,
  'blocker.clear': clearOrReopen,
  'blocker.reopen': clearOrReopen,
};
