/** Phases: started when their requirements hold, then closed. */
import { refused, unchanged } from '../errors.js';
import { mayStartPhase } from '../readiness.js';
import type { Command } from '../schema.js';
import { done, fail, find, type Handlers, type StepContext, type StepResult } from './change.js';

function phase({ c, begin }: StepContext, cmd: Extract<Command, { type: 'phase' }>): StepResult {
  const f = find(c.phases, cmd.phase, 'phase', 'phase');
  if (f.error) return { step: fail(f.error) };
  const p = f.item;
  const a = begin('phase');
  if (a.error) return { step: fail(a.error) };
  const before = p.status;
  if (cmd.action === 'start') {
    if (p.status !== 'not-started') return { step: fail(unchanged(`Phase ${p.id} is already ${p.status}.`)) };
    const v = mayStartPhase(c, p.id);
    if (!v.ok) return { step: fail(refused(`Phase ${p.id} cannot start yet. Unmet:`, v.unmet)) };
    p.status = 'started';
  } else {
    if (p.status === 'closed') return { step: fail(unchanged(`Phase ${p.id} is already closed.`)) };
    if (p.status === 'not-started')
      return { step: fail(refused(`Phase ${p.id} has not started; start it before closing it.`)) };
    p.status = 'closed';
  }
  a.ch.emit({ type: 'phase.changed', phase: p.id, before, after: p.status, title: p.title });
  return { ch: a.ch, step: done(`Phase ${p.id} (${p.title}): ${before} → ${p.status}.`) };
}

export const phasesHandlers: Handlers<'phase'> = {
  phase: phase,
};
