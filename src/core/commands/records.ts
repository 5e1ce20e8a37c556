/** A side's report that a commit of its repository holds the decision record of the current bilateral GO. */
import { stale, unchanged } from '../errors.js';
import { goFingerprint, shortSha } from '../readiness.js';
import type { Command } from '../schema.js';
import { done, fail, find, type Handlers, type StepContext, type StepResult } from './change.js';

function recordReport(
  { c, begin }: StepContext,
  cmd: Extract<Command, { type: 'record.report' }>,
): StepResult {
  const f = find(c.sides, cmd.side, 'side', 'side');
  if (f.error) return { step: fail(f.error) };
  const side = f.item;
  // Reporting a record is evidence of the side: whoever may log its evidence (its CI, its roles) may report it.
  const a = begin('evidence.log', { side: side.id });
  if (a.error) return { step: fail(a.error) };
  const go = goFingerprint(c);
  if (cmd.go !== go)
    return {
      step: fail(
        stale(
          'go',
          go
            ? 'That record holds an earlier GO (the sign-offs, the target or the decision changed since): fetch the record again, commit it, and report that commit.'
            : 'That record holds no GO in force: both sides sign GO on the approved target and the decision is recorded GO first, then commit the record fetched after that.',
        ),
      ),
    };
  const same = (r: (typeof c.records)[number]) =>
    r.side === side.id && r.repo === cmd.repo && r.commit === cmd.commit && r.go === go;
  if (c.records.some(same))
    return { step: fail(unchanged(`${side.name} already reported ${cmd.repo} @ ${shortSha(cmd.commit)}.`)) };
  c.records.push({
    side: side.id,
    repo: cmd.repo,
    commit: cmd.commit,
    contentHash: cmd.contentHash,
    go,
    ...a.ch.stamp(),
  });
  a.ch.note({
    type: 'record.reported',
    side: side.id,
    repo: cmd.repo,
    commit: cmd.commit,
    contentHash: cmd.contentHash,
  });
  return {
    ch: a.ch,
    step: done(
      `${side.name}: the decision record of the current GO is in ${cmd.repo} @ ${shortSha(cmd.commit)}.`,
    ),
  };
}

export const recordsHandlers: Handlers<'record.report'> = {
  'record.report': recordReport,
};
