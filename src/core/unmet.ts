/**
 * What a rule still waits for, as data. The core says *what* is unmet and *which roles may act on it*; each surface
 * says it in its own language: Slack as mrkdwn with mentions and the command to type, the CI API as JSON, the
 * decision record as Markdown in plain words. `unmetWords` is the plain-words reading (no Slack syntax, no
 * commands), shared by the surfaces that have no richer one.
 */
import { z } from 'zod';
import { GateStatus, Id, TargetRef } from './schema.js';

/** Roles that may act on the item (empty: only an admin). */
const MayAct = z.array(Id);

/** A fact a derived blocker, a derived gate or a GO decision waits for. */
export const ConditionUnmet = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('target-missing'), mayAct: MayAct }),
  z.object({ kind: z.literal('target-unapproved'), target: TargetRef, mayAct: MayAct }),
  /** The side has no GO sign-off on the current approved target. */
  z.object({ kind: z.literal('signoff-missing'), side: Id, sideName: z.string(), mayAct: MayAct }),
  /** Two sides were signed by the same person. */
  z.object({ kind: z.literal('signoff-same-person'), side: Id, sideName: z.string() }),
  z.object({
    kind: z.literal('evidence-missing'),
    evidence: Id,
    title: z.string(),
    /** The target it must be logged for; absent while none is published (then `mayAct` publishes one). */
    target: TargetRef.optional(),
    /** Something was logged, but for an earlier target. */
    stale: z.boolean(),
    mayAct: MayAct,
  }),
  z.object({ kind: z.literal('evidence-undefined'), evidence: Id }),
  /**
   * The side has not reported a commit holding the record of the current GO (`go: false`: there is no GO yet for a
   * record to hold: both sides' GO sign-offs on the approved target and the decision that needs them recorded GO).
   */
  z.object({
    kind: z.literal('record-missing'),
    side: Id,
    sideName: z.string(),
    go: z.boolean(),
    mayAct: MayAct,
  }),
]);
export type ConditionUnmet = z.infer<typeof ConditionUnmet>;

export const Unmet = z.discriminatedUnion('kind', [
  ...ConditionUnmet.options,
  z.object({
    kind: z.literal('blocker-open'),
    blocker: Id,
    title: z.string(),
    owner: Id,
    derived: z.boolean(),
    /** A derived blocker's own unmet facts. */
    because: z.array(ConditionUnmet),
  }),
  z.object({
    kind: z.literal('gate-not-green'),
    gate: Id,
    status: GateStatus,
    owner: Id,
    /** The target a per-commit gate needs a result for. */
    target: TargetRef.optional(),
    /** It has a result, but for another commit. */
    stale: z.boolean(),
  }),
  z.object({ kind: z.literal('decision-not-go'), decision: Id, title: z.string() }),
  z.object({ kind: z.literal('phase-unknown'), phase: Id }),
]);
export type Unmet = z.infer<typeof Unmet>;

const label = (t: { tag: string; sha: string }) => `${t.tag} @ ${t.sha.slice(0, 12)}`;

/** Who may act, in words: "consumer-rollback-owner or decision-log-owner", or "an admin". */
export const rolesWords = (roles: string[], role: (id: string) => string = (id) => id) =>
  roles.length ? roles.map(role).join(' or ') : 'an admin';

/** One unmet item in plain words: no Slack syntax, no commands to type; roles by id. */
export const unmetWords = (u: Unmet): string => unmetWordsWith(u, (id) => id);

/** One unmet item in plain words, each role named by `role` (the record: its title and its holder). */
export function unmetWordsWith(u: Unmet, role: (id: string) => string): string {
  const rolesWords_ = (roles: string[]) => rolesWords(roles, role);
  switch (u.kind) {
    case 'target-missing':
      return `no release target is published (${rolesWords_(u.mayAct)} publishes one)`;
    case 'target-unapproved':
      return `release target ${label(u.target)} is not approved (${rolesWords_(u.mayAct)} approves it)`;
    case 'signoff-missing':
      return `${u.sideName} has not signed GO on the current approved target (${rolesWords_(u.mayAct)} signs)`;
    case 'signoff-same-person':
      return `${u.sideName} was signed by the same person as another side: two people must sign`;
    case 'evidence-missing':
      return u.target
        ? `${u.title} (${u.evidence}) is not logged for ${label(u.target)}${u.stale ? ' (what was logged is for an earlier target)' : ''} (${rolesWords_(u.mayAct)} logs it)`
        : `${u.title} (${u.evidence}) needs a published release target first (${rolesWords_(u.mayAct)} publishes one)`;
    case 'evidence-undefined':
      return `evidence ${u.evidence} is not defined in the program`;
    case 'record-missing':
      return u.go
        ? `${u.sideName} has not reported a commit holding the decision record of the current GO (its CI reports it: POST …/records)`
        : `${u.sideName}'s repository cannot hold the record of a GO yet: both sides sign GO and the decision is recorded GO first`;
    case 'blocker-open':
      return u.derived
        ? `blocker ${u.blocker} is open: ${u.because.map((b) => unmetWordsWith(b, role)).join('; ')}`
        : `blocker ${u.blocker} is open — ${u.title} (owner ${role(u.owner)})`;
    case 'gate-not-green':
      if (u.stale && u.target)
        return `gate ${u.gate} has no result for ${label(u.target)} (what was set is for another commit) (owner ${role(u.owner)})`;
      return `gate ${u.gate} is ${u.status}${u.target ? ` for ${label(u.target)}` : ''} (owner ${role(u.owner)})`;
    case 'decision-not-go':
      return `decision ${u.decision} (${u.title}) is NO-GO`;
    case 'phase-unknown':
      return `there is no phase ${u.phase}`;
  }
}
