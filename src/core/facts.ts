/**
 * The facts a program holds now, read as the rules read them: the target in force and the approved one, a side's
 * sign-off in force, which roles the permissions table names for an action, the GO as it stands (for a record to
 * hold), and the evidence current for the target. Readiness (readiness.ts) builds its answers on these. Pure.
 */

import type {
  Condition,
  Cutover,
  Evidence,
  EvidenceEntry,
  PermissionAction,
  Signoff,
  Target,
  TargetRef,
} from './schema.js';
import type { ConditionUnmet } from './unmet.js';

export const shortSha = (sha: string) => sha.slice(0, 12);
export const targetLabel = (t: TargetRef) => `${t.tag} @ ${shortSha(t.sha)}`;
export const sameTarget = (a: TargetRef | undefined, b: TargetRef | undefined) =>
  !!a && !!b && a.tag === b.tag && a.sha === b.sha;

/** The target in force: the newest one not superseded. */
export function currentTarget(c: Cutover): Target | undefined {
  return c.targets.findLast((t) => !t.superseded);
}

export function approvedTarget(c: Cutover): Target | undefined {
  const t = currentTarget(c);
  return t?.approved ? t : undefined;
}

/** Role ids that may take `action` on an item with this owner/side, as the program's permissions say. */
export function rolesFor(
  c: Cutover,
  action: PermissionAction,
  item: { owner?: string; side?: string } = {},
): string[] {
  const out = new Set<string>();
  for (const entry of c.permissions[action]) {
    if (entry === '$owner') {
      if (item.owner) out.add(item.owner);
    } else if (entry === '$side') {
      for (const r of c.roles) if (item.side && r.side === item.side) out.add(r.id);
    } else if (entry === '$logOwner') out.add(c.logOwnerRole);
    else out.add(entry);
  }
  return [...out];
}

export function sideName(c: Cutover, sideId: string): string {
  return c.sides.find((s) => s.id === sideId)?.name ?? sideId;
}

/** The side's sign-off in force (not voided), if any. */
export function signoffFor(c: Cutover, sideId: string): Signoff | undefined {
  return c.signoffs.findLast((s) => s.side === sideId && !s.voided);
}

/** Sides still missing a GO sign-off on the current approved target. */
export function signedGoUnmet(c: Cutover): ConditionUnmet[] {
  const target = approvedTarget(c);
  const unmet: ConditionUnmet[] = [];
  const signers = new Set<string>();
  for (const side of c.sides) {
    const s = signoffFor(c, side.id);
    const ok = !!target && s?.decision === 'go' && sameTarget(s.target, target);
    if (ok && s) {
      if (signers.has(s.by)) unmet.push({ kind: 'signoff-same-person', side: side.id, sideName: side.name });
      signers.add(s.by);
    } else
      unmet.push({
        kind: 'signoff-missing',
        side: side.id,
        sideName: side.name,
        mayAct: [side.commanderRole],
      });
  }
  return unmet;
}

/** The decisions whose GO is the bilateral GO: those that require both sides' GO sign-off (`goRequires.signedGo`). */
export const bilateralDecisions = (c: Cutover) => c.decisions.filter((d) => d.goRequires?.signedGo);

/**
 * The GO as it stands, for a record to hold: the approved target's commit, each side's GO sign-off on it (who, when)
 * and each decision that requires them recorded GO (when). `undefined` while some side has no GO sign-off in force
 * on the approved target, or such a decision is NO-GO: there is no GO for a record to hold yet. A new sign-off, a
 * voided one, a new target or a decision taken again is a new GO: a record of the old one no longer counts.
 */
export function goFingerprint(c: Cutover): string | undefined {
  const target = approvedTarget(c);
  if (!target || signedGoUnmet(c).length) return undefined;
  const decisions = bilateralDecisions(c);
  if (decisions.some((d) => d.status !== 'go')) return undefined;
  const parts = c.sides.map((side) => {
    const s = signoffFor(c, side.id);
    return `${side.id}=${s?.by ?? ''}@${s?.at ?? ''}`;
  });
  const decided = decisions.map((d) => `${d.id}=go@${d.at ?? ''}`);
  return [target.sha, ...parts, ...decided].join(' ');
}

/**
 * Does this derived blocker or gate wait for the record of the GO? Such an item comes after the GO (the record
 * holds the GO), so it is never a requirement of deciding GO; it holds up the phase it belongs to.
 */
export const recordsTheGo = (item: { derived?: Condition[] | undefined }) =>
  !!item.derived?.some((cond) => cond.kind === 'record-in-repos');

/** The entry of this evidence logged against the current target, if any. */
export function currentEvidence(c: Cutover, e: Evidence): EvidenceEntry | undefined {
  const target = currentTarget(c);
  return e.entries.findLast((x) => sameTarget(x.target, target));
}

/** Entries logged against an earlier target: shown as stale, never counted. */
export function staleEvidence(c: Cutover, e: Evidence): EvidenceEntry[] {
  const target = currentTarget(c);
  return e.entries.filter((x) => !sameTarget(x.target, target));
}
