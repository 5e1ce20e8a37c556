/** Gate results, each for the commit it verified. */

import { refused, unchanged } from '../errors.js';
import { resultCounts } from '../gate-results.js';
import { currentTarget, gateState, targetLabel } from '../readiness.js';
import type { Command, GateResult } from '../schema.js';
import {
  commitLabel,
  done,
  fail,
  find,
  GATE_RESULTS_KEPT,
  type Handlers,
  type StepContext,
  type StepResult,
  staleSeen,
} from './change.js';

function gateSet({ c, begin }: StepContext, cmd: Extract<Command, { type: 'gate.set' }>): StepResult {
  const f = find(c.gates, cmd.gate, 'gate', 'gate');
  if (f.error) return { step: fail(f.error) };
  const g = f.item;
  if (g.derived) {
    const s = gateState(c, g);
    return {
      step: fail(
        refused(
          `Gate ${g.id} is derived: it turns green by itself when its facts hold${s.unmet.length ? '. Still unmet:' : ', and it is green now.'}`,
          s.unmet.length ? s.unmet : undefined,
        ),
      ),
    };
  }
  const a = begin('gate.set', { owner: g.owner });
  if (a.error) return { step: fail(a.error) };
  const cur = currentTarget(c);
  const moved = staleSeen(cmd.seen, cur);
  if (moved) return { step: fail(moved) };
  const sha = g.perTarget ? (cmd.sha ?? cur?.sha ?? null) : null;
  if (g.perTarget && !sha)
    return {
      step: fail(
        refused(
          `Gate ${g.id} verifies a commit, and no release target is published yet: publish the target first, or report the result with the commit it verified.`,
        ),
      ),
    };
  const counts = resultCounts(g, cur, sha ?? undefined);
  const label = sha ? commitLabel(c, sha) : undefined;
  const prev = g.perTarget ? g.results.findLast((r) => r.sha === sha) : g.results.at(-1);
  const sameStatus = (prev?.status ?? 'pending') === cmd.status;
  const evidenceUrl = cmd.evidenceUrl ?? (sameStatus ? prev?.evidenceUrl : undefined);
  const runUrl = cmd.runUrl ?? (sameStatus ? prev?.runUrl : undefined);
  if (sameStatus && evidenceUrl === prev?.evidenceUrl && runUrl === prev?.runUrl)
    return {
      step: fail(unchanged(`Gate ${g.id} is already ${cmd.status}${label ? ` for ${label}` : ''}.`)),
    };
  const before = gateState(c, g).status;
  const tag = sha ? c.targets.findLast((t) => t.sha === sha)?.tag : undefined;
  const result: GateResult = {
    sha,
    ...(tag ? { tag } : {}),
    status: cmd.status,
    ...(evidenceUrl ? { evidenceUrl } : {}),
    ...(runUrl ? { runUrl } : {}),
    ...a.ch.stamp(),
  };
  // The latest result per commit (a gate not tied to a commit keeps one), the newest commits only.
  const kept = g.perTarget ? g.results.filter((r) => r.sha !== sha) : [];
  g.results = [...kept.slice(-(GATE_RESULTS_KEPT - 1)), result];
  const links = {
    ...(cmd.evidenceUrl ? { evidenceUrl: cmd.evidenceUrl } : {}),
    ...(cmd.runUrl ? { runUrl: cmd.runUrl } : {}),
  };
  // A result that moves nothing (another commit's, or the same status with new links) is history's alone.
  if (!counts || before === cmd.status)
    a.ch.note({
      type: 'gate.changed',
      gate: g.id,
      before: prev?.status ?? 'pending',
      after: cmd.status,
      derived: false,
      title: g.title,
      ...(sha ? { commit: { sha, ...(tag ? { tag } : {}) } } : {}),
      counts,
      ...links,
    });
  if (!counts) {
    const now = cur ? `the current target is ${targetLabel(cur)}` : 'no target is published';
    return {
      ch: a.ch,
      step: done(`Gate ${g.id}: ${cmd.status} recorded for ${label}, but ${now}, so it does not count.`),
    };
  }
  if (before === cmd.status)
    return {
      ch: a.ch,
      step: done(`Gate ${g.id} stays ${cmd.status}${label ? ` for ${label}` : ''}; its links are updated.`),
    };
  a.ch.emit({
    type: 'gate.changed',
    gate: g.id,
    before,
    after: cmd.status,
    derived: false,
    ...(cur && g.perTarget ? { target: { tag: cur.tag, sha: cur.sha } } : {}),
    title: g.title,
    ...links,
  });
  if (cmd.status === 'red' && before !== 'red') a.ch.voidSignoffs({ kind: 'gate-red', gate: g.id });
  return {
    ch: a.ch,
    step: done(`Gate ${g.id}: ${before} → ${cmd.status}${label ? ` for ${label}` : ''}.`),
  };
}

export const gatesHandlers: Handlers<'gate.set'> = {
  'gate.set': gateSet,
};
