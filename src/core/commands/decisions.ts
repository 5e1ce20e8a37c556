/** Decisions: GO only when their requirements hold; NO-GO always. */
import { refused, unchanged } from '../errors.js';
import { mayDecideGo } from '../readiness.js';
import type { Command } from '../schema.js';
import { done, fail, find, type Handlers, type StepContext, type StepResult, upper } from './change.js';

function decide({ c, begin }: StepContext, cmd: Extract<Command, { type: 'decide' }>): StepResult {
  const f = find(c.decisions, cmd.decision, 'decision', 'decision');
  if (f.error) return { step: fail(f.error) };
  const d = f.item;
  const a = begin('decide');
  if (a.error) return { step: fail(a.error) };
  // Restating a decision as it stands is no change. NO-GO is always allowed: restated with a new rationale,
  // the rationale is updated in history, quietly (nothing changed that the channel must hear of).
  if (d.status === cmd.status && (cmd.status === 'go' || d.rationale === cmd.rationale))
    return { step: fail(unchanged(`${d.title} (${d.id}) is already ${upper(cmd.status)}.`)) };
  if (d.status === cmd.status) {
    Object.assign(d, { rationale: cmd.rationale, ...a.ch.stamp() });
    a.ch.note({
      type: 'decision.changed',
      decision: d.id,
      before: d.status,
      after: d.status,
      title: d.title,
      ...(cmd.rationale ? { rationale: cmd.rationale } : {}),
    });
    return { ch: a.ch, step: done(`${d.title} stays ${upper(d.status)}; its rationale is updated.`) };
  }
  if (cmd.status === 'go') {
    const v = mayDecideGo(c, d.id);
    if (!v.ok) return { step: fail(refused(`${d.title} (${d.id}) cannot be GO yet. Unmet:`, v.unmet)) };
  }
  const before = d.status;
  Object.assign(d, { status: cmd.status, rationale: cmd.rationale, ...a.ch.stamp() });
  a.ch.emit({
    type: 'decision.changed',
    decision: d.id,
    before,
    after: cmd.status,
    title: d.title,
    ...(cmd.rationale ? { rationale: cmd.rationale } : {}),
  });
  return { ch: a.ch, step: done(`${d.title}: ${upper(before)} → ${upper(cmd.status)}.`) };
}

export const decisionsHandlers: Handlers<'decide'> = {
  decide: decide,
};
