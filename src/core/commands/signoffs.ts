/** Sign-offs: each side's commander, against the target the form showed. */

import { denied, holds, unconfirmedFor } from '../authorize.js';
import { own } from '../copy.js';
import { forbidden, invalid, refused } from '../errors.js';
import { membershipFor } from '../membership.js';
import { approvedTarget, currentTarget, gateState, signoffFor, targetLabel } from '../readiness.js';
import type { Command, GateStatus } from '../schema.js';
import {
  BOT,
  Change,
  done,
  fail,
  find,
  type Handlers,
  type StepContext,
  type StepResult,
  staleSeen,
  upper,
  voidReason,
} from './change.js';

function signoff({ c, actor, at }: StepContext, cmd: Extract<Command, { type: 'signoff' }>): StepResult {
  const f = find(c.sides, cmd.side, 'side', 'side');
  if (f.error) return { step: fail(f.error) };
  const side = f.item;
  if (actor.kind !== 'user') return { step: fail(forbidden('Only a person signs off.')) };
  const commander = c.roles.find((r) => r.id === side.commanderRole);
  const held = commander !== undefined && holds(commander, actor);
  const unsure = held || actor.isAdmin ? undefined : unconfirmedFor(c, actor, [side.commanderRole]);
  if (unsure) return { step: fail(unsure) };
  if (!held && !actor.isAdmin)
    return {
      step: fail(
        denied(
          `Only {who} signs off for ${side.name}. ${
            c.sides.some((s) => {
              const r = c.roles.find((x) => x.id === s.commanderRole);
              return r !== undefined && holds(r, actor);
            })
              ? 'Each commander signs only for their own side.'
              : 'You hold no commander role.'
          }`,
          [side.commanderRole],
          c.roles.filter((r) => holds(r, actor)).map((r) => r.id),
        ),
      ),
    };
  const other = c.signoffs.find((s) => !s.voided && s.side !== side.id && s.by === actor.userId);
  if (other)
    return {
      step: fail(
        refused(
          `You already signed for ${other.side}; two different people must sign. ${side.name}'s sign-off needs another person.`,
        ),
      ),
    };
  if (cmd.decision === 'no-go' && !cmd.rationale)
    return {
      step: fail(invalid('rationale', 'A NO-GO sign-off needs a rationale: say what must change.')),
    };
  const target = cmd.decision === 'go' ? approvedTarget(c) : currentTarget(c);
  const moved = staleSeen(cmd.seen, target ?? currentTarget(c));
  if (moved) return { step: fail(moved) };
  if (cmd.decision === 'go' && !target) {
    const cur = currentTarget(c);
    return {
      step: fail(
        refused(
          cur
            ? `A GO sign-off binds to an approved target, and ${targetLabel(cur)} is not approved yet.`
            : 'A GO sign-off binds to an approved release target, and none is published yet.',
        ),
      ),
    };
  }
  const ch = new Change(c, actor, at, !held);
  const standing = signoffFor(c, side.id);
  const prev = standing && own(c.signoffs, standing);
  if (prev) {
    const cause = { kind: 'replaced' as const };
    const reason = voidReason(cause);
    prev.voided = { at, reason, cause };
    // Said by the new sign-off's line in the channel; history keeps it.
    ch.note(
      { type: 'signoff.voided', side: side.id, reason, cause, decision: prev.decision, signer: prev.by },
      BOT,
    );
  }
  // Own properties whatever the id (Object.fromEntries never sets a prototype).
  const gates: Record<string, GateStatus> = Object.fromEntries(
    c.gates.map((g) => [g.id, gateState(c, g).status]),
  );
  // Signed as a member of the group holding the role: which group, and when Slack confirmed the membership.
  const membership = held && commander ? membershipFor(actor, commander) : undefined;
  c.signoffs.push({
    side: side.id,
    decision: cmd.decision,
    by: actor.userId,
    at,
    ...(target ? { target: { tag: target.tag, sha: target.sha } } : {}),
    gates,
    ...(cmd.rationale ? { rationale: cmd.rationale } : {}),
    ...(cmd.evidenceUrl ? { evidenceUrl: cmd.evidenceUrl } : {}),
    asAdmin: !held,
    ...(membership ? { membership } : {}),
  });
  ch.emit({
    type: 'signoff.given',
    side: side.id,
    decision: cmd.decision,
    ...(target ? { target: { tag: target.tag, sha: target.sha } } : {}),
    ...(cmd.rationale ? { rationale: cmd.rationale } : {}),
    ...(cmd.evidenceUrl ? { evidenceUrl: cmd.evidenceUrl } : {}),
    ...(prev ? { replaced: prev.decision } : {}),
    ...(membership ? { membership } : {}),
  });
  return {
    ch,
    step: done(`${side.name} signed ${upper(cmd.decision)}${target ? ` on ${targetLabel(target)}` : ''}.`),
  };
}

export const signoffsHandlers: Handlers<'signoff'> = {
  signoff: signoff,
};
