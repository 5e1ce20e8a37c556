/**
 * Whether a gate result counts, the one answer the CI API gives (`counts`) and readiness reads (`countingResult`):
 * a per-commit gate (the default) counts only the result for the current target's commit; a gate marked
 * `"perTarget": false` (an organisational check) counts its latest result, whatever commit it names. A result for
 * another commit is stored against it, shown as stale, and counts if that commit becomes the target. A derived
 * gate takes no result. Pure.
 */
import { currentTarget } from './readiness.js';
import type { Cutover, Gate, TargetRef } from './schema.js';

export interface ResultCount {
  /** A result reported for `sha` counts for the gate now. */
  counts: boolean;
  /** The current target, which a result for another commit does not count for. */
  target: TargetRef | undefined;
}

/** Whether a result for `sha` counts for a manual gate while `target` is current. */
export const resultCounts = (
  g: Pick<Gate, 'perTarget'>,
  target: TargetRef | undefined,
  sha: string | undefined,
) => !g.perTarget || (target !== undefined && sha === target.sha);

/** Whether the gate's result for `sha` counts now, and the current target (the CI API's `counts`). */
export function gateResultCounts(c: Cutover, gateId: string, sha: string | undefined): ResultCount {
  const t = currentTarget(c);
  const target = t ? { tag: t.tag, sha: t.sha } : undefined;
  const g = c.gates.find((x) => x.id === gateId);
  if (!g || g.derived) return { counts: false, target };
  return { counts: resultCounts(g, target, sha), target };
}
