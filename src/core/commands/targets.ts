/** The release target: published by one person, approved by name by another, then immutable. */
import { own } from '../copy.js';
import { invalid, refused, unchanged } from '../errors.js';
import { currentTarget, sameTarget, targetLabel } from '../readiness.js';
import type { Command } from '../schema.js';
import { done, fail, type Handlers, namedTargets, type StepContext, type StepResult } from './change.js';

function targetPublish(
  { c, begin }: StepContext,
  cmd: Extract<Command, { type: 'target.publish' }>,
): StepResult {
  const a = begin('target.publish');
  if (a.error) return { step: fail(a.error) };
  if (cmd.tag.toLowerCase() === 'approve')
    return {
      step: fail(
        invalid('tag', '"approve" is a reserved word, not a release tag: give the release tag you publish.'),
      ),
    };
  const cur = currentTarget(c);
  if (cur && sameTarget(cur, cmd))
    return { step: fail(unchanged(`${targetLabel(cur)} is already the current target.`)) };
  const moved = c.targets.find((t) => t.tag === cmd.tag && t.sha !== cmd.sha);
  if (moved)
    return {
      step: fail(
        invalid(
          'tag',
          `Tag ${cmd.tag} was published before at ${moved.sha}; a release tag is immutable. Publish a new tag for ${cmd.sha}.`,
        ),
      ),
    };
  if (cur) own(c.targets, cur).superseded = a.ch.stamp();
  c.targets.push({ tag: cmd.tag, sha: cmd.sha, published: a.ch.stamp() });
  const label = targetLabel(cmd);
  const from = cur ? { tag: cur.tag, sha: cur.sha } : null;
  a.ch.emit({ type: 'target.published', tag: cmd.tag, sha: cmd.sha, ...(from ? { replaced: from } : {}) });
  a.ch.voidSignoffs({ kind: 'target', from, to: { tag: cmd.tag, sha: cmd.sha } });
  return { ch: a.ch, step: done(`Release target ${label} published; it waits for approval.`) };
}

function targetApprove(
  { c, actor, begin }: StepContext,
  cmd: Extract<Command, { type: 'target.approve' }>,
): StepResult {
  const cur = currentTarget(c);
  if (!cur)
    return {
      step: fail(
        refused('There is no release target to approve. Publish one first.', undefined, {
          action: 'target.publish',
        }),
      ),
    };
  const a = begin('target.approve');
  if (a.error) return { step: fail(a.error) };
  const named = namedTargets(c, cmd.target);
  if (new Set(named.map((t) => t.sha)).size > 1)
    return {
      step: fail(
        invalid(
          'target',
          `${cmd.target} matches more than one target (${named.map(targetLabel).join(', ')}): give the tag or more of the SHA.`,
        ),
      ),
    };
  if (!named.some((t) => t === cur)) {
    const other = named[0];
    return {
      step: fail(
        refused(
          `You named ${other ? `${targetLabel(other)}, which is no longer the current target` : `"${cmd.target}", which is no target`}; the target waiting for approval is ${targetLabel(cur)}. Review it, then approve it by name.`,
          undefined,
          { action: 'target.approve', tag: cur.tag },
        ),
      ),
    };
  }
  if (cur.approved) return { step: fail(unchanged(`${targetLabel(cur)} is already approved.`)) };
  if (actor.kind === 'user' && cur.published.by === actor.userId)
    return {
      step: fail(refused(`You published ${targetLabel(cur)}; a different person must approve it.`)),
    };
  own(c.targets, cur).approved = a.ch.stamp();
  a.ch.emit({ type: 'target.approved', tag: cur.tag, sha: cur.sha });
  return { ch: a.ch, step: done(`Release target ${targetLabel(cur)} approved; it is now immutable.`) };
}

export const targetsHandlers: Handlers<'target.publish' | 'target.approve'> = {
  'target.publish': targetPublish,
  'target.approve': targetApprove,
};
