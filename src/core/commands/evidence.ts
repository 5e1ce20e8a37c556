/** Evidence, logged against the current target. */
import { refused, stale, unchanged } from '../errors.js';
import { currentTarget, sameTarget, targetLabel } from '../readiness.js';
import type { Command } from '../schema.js';
import { commitLabel, done, fail, find, type Handlers, type StepContext, type StepResult } from './change.js';

function evidenceLog({ c, begin }: StepContext, cmd: Extract<Command, { type: 'evidence.log' }>): StepResult {
  const f = find(c.evidence, cmd.evidence, 'evidence', 'evidence');
  if (f.error) return { step: fail(f.error) };
  const e = f.item;
  const a = begin('evidence.log', { side: e.side });
  if (a.error) return { step: fail(a.error) };
  const cur = currentTarget(c);
  if (!cur)
    return {
      step: fail(
        refused(
          'Evidence is logged against the release target, and none is published yet. Publish it first.',
          undefined,
          { action: 'target.publish' },
        ),
      ),
    };
  if (cmd.sha && cmd.sha !== cur.sha)
    return {
      step: fail(
        stale(
          'sha',
          `That evidence is for ${commitLabel(c, cmd.sha)}, but the current target is ${targetLabel(cur)}: log evidence for the current target.`,
        ),
      ),
    };
  if (e.entries.some((x) => x.url === cmd.url && sameTarget(x.target, cur)))
    return { step: fail(unchanged(`That link is already logged as ${e.id} for ${targetLabel(cur)}.`)) };
  e.entries = [...e.entries, { url: cmd.url, target: { tag: cur.tag, sha: cur.sha }, ...a.ch.stamp() }];
  a.ch.emit({
    type: 'evidence.logged',
    evidence: e.id,
    url: cmd.url,
    title: e.title,
    target: { tag: cur.tag, sha: cur.sha },
  });
  return { ch: a.ch, step: done(`Evidence ${e.id} logged for ${targetLabel(cur)}.`) };
}

export const evidenceHandlers: Handlers<'evidence.log'> = {
  'evidence.log': evidenceLog,
};
