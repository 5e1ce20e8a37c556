/**
 * Derived answers. Nothing here is stored: a derived blocker's status, a derived gate's status, whether
 * evidence is current, whether a decision may be GO or a phase may start — each is computed from the facts,
 * with the list of what is still unmet.
 */
import type {
  Blocker,
  BlockerStatus,
  Condition,
  Cutover,
  Evidence,
  EvidenceEntry,
  Gate,
  GateResult,
  GateStatus,
  PermissionAction,
  Signoff,
  Target,
  TargetRef,
} from './schema.js';

export interface Verdict {
  ok: boolean;
  unmet: string[];
}

const verdict = (unmet: string[]): Verdict => ({ ok: unmet.length === 0, unmet });

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
    } else out.add(entry);
  }
  return [...out];
}

/** "/cutover target approve (consumer-rollback-owner)"-style hint of who acts. */
const by = (c: Cutover, action: PermissionAction, item: { owner?: string; side?: string } = {}) => {
  const roles = rolesFor(c, action, item);
  return roles.length ? roles.join(' or ') : 'an admin';
};

export function sideName(c: Cutover, sideId: string): string {
  return c.sides.find((s) => s.id === sideId)?.name ?? sideId;
}

/** The side's sign-off in force (not voided), if any. */
export function signoffFor(c: Cutover, sideId: string): Signoff | undefined {
  return c.signoffs.findLast((s) => s.side === sideId && !s.voided);
}

/** Sides still missing a GO sign-off on the current approved target, each as an unmet line. */
function signedGoUnmet(c: Cutover): string[] {
  const target = approvedTarget(c);
  const unmet: string[] = [];
  const signers = new Set<string>();
  for (const side of c.sides) {
    const s = signoffFor(c, side.id);
    const ok = !!target && s?.decision === 'go' && sameTarget(s.target, target);
    if (ok && s) {
      if (signers.has(s.by))
        unmet.push(`${side.name} was signed by the same person as another side: two people must sign`);
      signers.add(s.by);
    } else
      unmet.push(
        `${side.name} has not signed GO on the current approved target — /cutover signoff (${side.commanderRole})`,
      );
  }
  return unmet;
}

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

export function conditionUnmet(c: Cutover, cond: Condition): string[] {
  switch (cond.kind) {
    case 'target-approved': {
      const t = currentTarget(c);
      if (!t)
        return [`no release target is published — /cutover target <tag> <sha> (${by(c, 'target.publish')})`];
      if (!t.approved)
        return [
          `release target ${targetLabel(t)} is not approved — /cutover target approve ${t.tag} (${by(c, 'target.approve')})`,
        ];
      return [];
    }
    case 'signed-go':
      return signedGoUnmet(c);
    case 'evidence': {
      const unmet: string[] = [];
      for (const id of cond.evidence) {
        const e = c.evidence.find((x) => x.id === id);
        if (!e) {
          unmet.push(`evidence ${id} is not defined in the program`);
          continue;
        }
        if (currentEvidence(c, e)) continue;
        const t = currentTarget(c);
        const stale = staleEvidence(c, e).length ? ' (what was logged is for an earlier target)' : '';
        unmet.push(
          t
            ? `${e.title} (${e.id}) is not logged for ${targetLabel(t)}${stale} — /cutover evidence ${e.id} <url> (${by(c, 'evidence.log', { side: e.side })})`
            : `${e.title} (${e.id}) needs a published release target first — /cutover target <tag> <sha> (${by(c, 'target.publish')})`,
        );
      }
      return unmet;
    }
  }
}

const conditionsUnmet = (c: Cutover, list: Condition[]) => list.flatMap((cond) => conditionUnmet(c, cond));

export function blockerState(c: Cutover, b: Blocker): { status: BlockerStatus; unmet: string[] } {
  if (!b.derived)
    return { status: b.status, unmet: b.status === 'open' ? [`${b.title} (${b.id}) is open`] : [] };
  const unmet = conditionsUnmet(c, b.derived);
  return { status: unmet.length ? 'open' : 'cleared', unmet };
}

export interface GateView {
  /** The gate's status for the current target: what every rule and surface reads. */
  status: GateStatus;
  /** A derived gate's unmet conditions. */
  unmet: string[];
  /** The manual result that counts now, if any. */
  result?: GateResult;
  /** The newest manual result on any commit. */
  latest?: GateResult;
  /** A result exists, but not for the current target: shown as stale, never counted. */
  stale: boolean;
}

/** The result of a manual gate that counts for this target: per-commit gates need one for its SHA. */
export function countingResult(g: Gate, target: TargetRef | undefined): GateResult | undefined {
  if (!g.perTarget) return g.results.at(-1);
  return target ? g.results.findLast((r) => r.sha === target.sha) : undefined;
}

/**
 * The one reading of a gate, as a function of the gate and the current target. Sign-off snapshots, readiness,
 * status, App Home, alerts, the record and the CI API all read a gate through this.
 */
export function gateState(c: Cutover, g: Gate): GateView {
  if (g.derived) {
    const unmet = conditionsUnmet(c, g.derived);
    return { status: unmet.length ? 'pending' : 'green', unmet, stale: false };
  }
  const result = countingResult(g, currentTarget(c));
  const latest = g.results.at(-1);
  return {
    status: result?.status ?? 'pending',
    unmet: [],
    ...(result ? { result } : {}),
    ...(latest ? { latest } : {}),
    stale: !!latest && !result,
  };
}

export const blockersOf = (c: Cutover, phaseId: string) => c.blockers.filter((b) => b.phase === phaseId);

export function openBlockers(c: Cutover, phaseId: string): Blocker[] {
  return blockersOf(c, phaseId).filter((b) => blockerState(c, b).status === 'open');
}

function blockersUnmet(c: Cutover, phaseId: string): string[] {
  return openBlockers(c, phaseId).map((b) => {
    const s = blockerState(c, b);
    return b.derived
      ? `blocker ${b.id} is open: ${s.unmet.join('; ')}`
      : `blocker ${b.id} is open — ${b.title} (owner ${b.owner})`;
  });
}

function gatesUnmet(c: Cutover): string[] {
  const t = currentTarget(c);
  return c.gates.flatMap((g) => {
    const s = gateState(c, g);
    if (s.status === 'green') return [];
    if (!g.derived && g.perTarget && s.stale && t)
      return [
        `gate ${g.id} has no result for ${targetLabel(t)} (what was set is for another commit) (owner ${g.owner})`,
      ];
    return [
      `gate ${g.id} is ${s.status}${!g.derived && g.perTarget && t ? ` for ${targetLabel(t)}` : ''} (owner ${g.owner})`,
    ];
  });
}

/** May this decision be GO? Every unmet requirement listed. */
export function mayDecideGo(c: Cutover, decisionId: string): Verdict {
  const d = c.decisions.find((x) => x.id === decisionId);
  const req = d?.goRequires;
  if (!req) return verdict([]);
  const unmet: string[] = [];
  for (const phase of req.blockersCleared) unmet.push(...blockersUnmet(c, phase));
  if (req.allGatesGreen) unmet.push(...gatesUnmet(c));
  if (req.signedGo) {
    if (!approvedTarget(c)) unmet.push(...conditionUnmet(c, { kind: 'target-approved' }));
    else unmet.push(...signedGoUnmet(c));
  }
  return verdict([...new Set(unmet)]);
}

/** May this phase start? Every unmet requirement listed. */
export function mayStartPhase(c: Cutover, phaseId: string): Verdict {
  const p = c.phases.find((x) => x.id === phaseId);
  if (!p) return verdict([`there is no phase ${phaseId}`]);
  const req = p.startRequires ?? { blockersCleared: true, decisionsGo: [] };
  const unmet: string[] = [];
  if (req.blockersCleared) unmet.push(...blockersUnmet(c, p.id));
  for (const id of req.decisionsGo) {
    const d = c.decisions.find((x) => x.id === id);
    if (d && d.status !== 'go') unmet.push(`decision ${d.id} (${d.title}) is NO-GO`);
  }
  return verdict(unmet);
}

/** The phase whose blockers matter now: the first not started, else the last one. */
export function nextPhase(c: Cutover) {
  return c.phases.find((p) => p.status === 'not-started') ?? c.phases[c.phases.length - 1];
}

/** Derived statuses, for telling what a change moved. */
export function derivedSnapshot(c: Cutover) {
  const blockers: Record<string, BlockerStatus> = {};
  const gates: Record<string, GateStatus> = {};
  for (const b of c.blockers) blockers[b.id] = blockerState(c, b).status;
  for (const g of c.gates) gates[g.id] = gateState(c, g).status;
  return { blockers, gates };
}

/** Roles a user holds. */
export const rolesOf = (c: Cutover, userId: string) => c.roles.filter((r) => r.assignee === userId);

/** The sides this person may open a sign-off for: those whose commander role they hold, or all for an admin. */
export function signableSides(c: Cutover, userId: string, isAdmin: boolean) {
  return c.sides.filter((s) => isAdmin || c.roles.find((r) => r.id === s.commanderRole)?.assignee === userId);
}
