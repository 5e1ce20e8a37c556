/**
 * Derived answers. Nothing here is stored: a derived blocker's status, a derived gate's status, whether
 * evidence is current, whether a decision may be GO or a phase may start — each is computed from the facts,
 * with the list of what is still unmet.
 */

import {
  approvedTarget,
  currentEvidence,
  currentTarget,
  goFingerprint,
  recordsTheGo,
  rolesFor,
  signedGoUnmet,
  staleEvidence,
} from './facts.js';
import type {
  Blocker,
  BlockerStatus,
  Condition,
  Cutover,
  Gate,
  GateResult,
  GateStatus,
  Phase,
  TargetRef,
} from './schema.js';
import type { ConditionUnmet, Unmet } from './unmet.js';
import { type WindowReadiness, windowReadiness } from './window-readiness.js';

interface Verdict {
  ok: boolean;
  unmet: Unmet[];
}

const verdict = (unmet: Unmet[]): Verdict => ({ ok: unmet.length === 0, unmet });
const ref = (t: TargetRef): TargetRef => ({ tag: t.tag, sha: t.sha });

/** The facts readiness reads (facts.ts), re-exported: every surface imports the rules' answers from here. */
export {
  approvedTarget,
  bilateralDecisions,
  currentEvidence,
  currentTarget,
  goFingerprint,
  recordsTheGo,
  rolesFor,
  sameTarget,
  shortSha,
  sideName,
  signoffFor,
  staleEvidence,
  targetLabel,
} from './facts.js';

/** What a condition still waits for, as data. */
export function conditionUnmetItems(c: Cutover, cond: Condition): ConditionUnmet[] {
  switch (cond.kind) {
    case 'target-approved': {
      const t = currentTarget(c);
      if (!t) return [{ kind: 'target-missing', mayAct: rolesFor(c, 'target.publish') }];
      if (!t.approved)
        return [{ kind: 'target-unapproved', target: ref(t), mayAct: rolesFor(c, 'target.approve') }];
      return [];
    }
    case 'signed-go':
      return signedGoUnmet(c);
    case 'record-in-repos': {
      const go = goFingerprint(c);
      return c.sides.flatMap((side): ConditionUnmet[] =>
        go && c.records.some((r) => r.side === side.id && r.go === go)
          ? []
          : [
              {
                kind: 'record-missing',
                side: side.id,
                sideName: side.name,
                go: !!go,
                mayAct: rolesFor(c, 'evidence.log', { side: side.id }),
              },
            ],
      );
    }
    case 'evidence': {
      const unmet: ConditionUnmet[] = [];
      const t = currentTarget(c);
      for (const id of cond.evidence) {
        const e = c.evidence.find((x) => x.id === id);
        if (!e) unmet.push({ kind: 'evidence-undefined', evidence: id });
        else if (!currentEvidence(c, e))
          unmet.push({
            kind: 'evidence-missing',
            evidence: e.id,
            title: e.title,
            ...(t ? { target: ref(t) } : {}),
            stale: staleEvidence(c, e).length > 0,
            mayAct: t ? rolesFor(c, 'evidence.log', { side: e.side }) : rolesFor(c, 'target.publish'),
          });
      }
      return unmet;
    }
  }
}

const conditionsUnmet = (c: Cutover, list: Condition[]) =>
  list.flatMap((cond) => conditionUnmetItems(c, cond));

/** A blocker's status; a derived one's with the facts it still waits for. */
export function blockerState(c: Cutover, b: Blocker): { status: BlockerStatus; unmet: ConditionUnmet[] } {
  if (!b.derived) return { status: b.status, unmet: [] };
  const unmet = conditionsUnmet(c, b.derived);
  return { status: unmet.length ? 'open' : 'cleared', unmet };
}

interface GateView {
  /** The gate's status for the current target: what every rule and surface reads. */
  status: GateStatus;
  /** A derived gate's unmet conditions. */
  unmet: ConditionUnmet[];
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

function blockersUnmet(c: Cutover, phaseId: string): Unmet[] {
  return openBlockers(c, phaseId).map((b) => ({
    kind: 'blocker-open',
    blocker: b.id,
    title: b.title,
    owner: b.owner,
    derived: !!b.derived,
    because: blockerState(c, b).unmet,
  }));
}

function gatesUnmet(c: Cutover): Unmet[] {
  const t = currentTarget(c);
  return c.gates.flatMap((g): Unmet[] => {
    const s = gateState(c, g);
    if (s.status === 'green') return [];
    const perCommit = !g.derived && g.perTarget && !!t;
    return [
      {
        kind: 'gate-not-green',
        gate: g.id,
        status: s.status,
        owner: g.owner,
        ...(perCommit && t ? { target: ref(t) } : {}),
        stale: perCommit && s.stale,
      },
    ];
  });
}

/** Each unmet item once, in order. */
const once = (list: Unmet[]) => {
  // Keyed by its plain fields (cheap; a program with hundreds of open blockers lists each in every verdict), and
  // only items alike in those compared whole.
  const seen = new Map<string, Unmet[]>();
  return list.filter((u) => {
    const key = Object.values(u)
      .filter((v) => typeof v !== 'object')
      .join('\u0000');
    const alike = seen.get(key);
    if (!alike) {
      seen.set(key, [u]);
      return true;
    }
    const whole = JSON.stringify(u);
    if (alike.some((a) => JSON.stringify(a) === whole)) return false;
    alike.push(u);
    return true;
  });
};

const byBlocker = (c: Cutover, id: string) => c.blockers.find((b) => b.id === id) ?? {};
const byGate = (c: Cutover, id: string) => c.gates.find((g) => g.id === id) ?? {};

/** May this decision be GO? Every unmet requirement listed, once. */
export function mayDecideGo(c: Cutover, decisionId: string): Verdict {
  const d = c.decisions.find((x) => x.id === decisionId);
  const req = d?.goRequires;
  if (!req) return verdict([]);
  const unmet: Unmet[] = [];
  // The record of this GO cannot come before it: a blocker or gate waiting for it holds up its phase, not the GO.
  for (const phase of req.blockersCleared)
    unmet.push(
      ...blockersUnmet(c, phase).filter(
        (u) => u.kind !== 'blocker-open' || !recordsTheGo(byBlocker(c, u.blocker)),
      ),
    );
  if (req.allGatesGreen)
    unmet.push(
      ...gatesUnmet(c).filter((u) => u.kind !== 'gate-not-green' || !recordsTheGo(byGate(c, u.gate))),
    );
  if (req.signedGo) {
    if (!approvedTarget(c)) unmet.push(...conditionUnmetItems(c, { kind: 'target-approved' }));
    else unmet.push(...signedGoUnmet(c));
  }
  return verdict(once(unmet));
}

/** May this phase start? Every unmet requirement listed. */
export function mayStartPhase(c: Cutover, phaseId: string): Verdict {
  const p = c.phases.find((x) => x.id === phaseId);
  if (!p) return verdict([{ kind: 'phase-unknown', phase: phaseId }]);
  const req = p.startRequires ?? { blockersCleared: true, decisionsGo: [] };
  const unmet: Unmet[] = [];
  if (req.blockersCleared) unmet.push(...blockersUnmet(c, p.id));
  for (const id of req.decisionsGo) {
    const d = c.decisions.find((x) => x.id === id);
    if (d && d.status !== 'go') unmet.push({ kind: 'decision-not-go', decision: d.id, title: d.title });
  }
  return verdict(unmet);
}

/** The phase whose blockers matter now: the first not started, else the last one. */
export function nextPhase(c: Cutover) {
  return c.phases.find((p) => p.status === 'not-started') ?? c.phases[c.phases.length - 1];
}

/** Derived statuses, for telling what a change moved (Maps: an id is never read as an object's own member). */
export function derivedSnapshot(c: Cutover) {
  const blockers = new Map<string, BlockerStatus>(c.blockers.map((b) => [b.id, blockerState(c, b).status]));
  const gates = new Map<string, GateStatus>(c.gates.map((g) => [g.id, gateState(c, g).status]));
  return { blockers, gates };
}

// ---------------------------------------------------------------- the one readiness report

/** Roles that can resolve an unmet item (empty: only an admin, or nobody by hand). */
function rolesToAct(c: Cutover, u: Unmet): string[] {
  switch (u.kind) {
    case 'target-missing':
    case 'target-unapproved':
    case 'signoff-missing':
    case 'evidence-missing':
    case 'record-missing':
      return u.mayAct;
    case 'blocker-open':
      return u.derived
        ? [...new Set(u.because.flatMap((b) => rolesToAct(c, b)))]
        : rolesFor(c, 'blocker.clear', { owner: u.owner });
    case 'gate-not-green':
      return rolesFor(c, 'gate.set', { owner: u.owner });
    case 'decision-not-go':
      return rolesFor(c, 'decide');
    case 'signoff-same-person':
      return [];
    case 'evidence-undefined':
    case 'phase-unknown':
      return [c.logOwnerRole];
  }
}

export interface ReadinessReport {
  /** The target in force and whether it is approved. */
  target?: { tag: string; sha: string; approved: boolean };
  decisions: { id: string; title: string; status: 'go' | 'no-go'; mayBeGo: boolean; unmet: Unmet[] }[];
  /** Phases not started yet, each with whether it may start. */
  phases: { id: string; title: string; status: Phase['status']; mayStart: boolean; unmet: Unmet[] }[];
  blockers: {
    id: string;
    phase: string;
    owner: string;
    derived: boolean;
    status: BlockerStatus;
    unmet: ConditionUnmet[];
  }[];
  gates: ({ id: string; owner: string; derived: boolean } & GateView)[];
  /** What waits on whom now: each unmet item of the next NO-GO decision and the next phase, with who may act. */
  next: { roles: string[]; unmet: Unmet }[];
  /** The cutover window: whether one is set, and whether a GO decision approved it (`windowReadiness`). */
  window: WindowReadiness;
}

/**
 * The cutover's readiness, answered once: every surface (status, App Home, alerts, the CI API, the record) reads
 * this rather than re-deriving a rule.
 */
export function readiness(c: Cutover): ReadinessReport {
  const t = currentTarget(c);
  const decisions = c.decisions.map((d) => {
    const v = mayDecideGo(c, d.id);
    return { id: d.id, title: d.title, status: d.status, mayBeGo: v.ok, unmet: v.unmet };
  });
  const phases = c.phases.map((p) => {
    const v = p.status === 'not-started' ? mayStartPhase(c, p.id) : verdict([]);
    return {
      id: p.id,
      title: p.title,
      status: p.status,
      mayStart: p.status === 'not-started' && v.ok,
      unmet: v.unmet,
    };
  });
  const phase = nextPhase(c);
  const waiting = [
    ...decisions.filter((d) => d.status === 'no-go').flatMap((d) => d.unmet),
    ...(phases.find((p) => p.id === phase?.id)?.unmet ?? []),
  ];
  return {
    ...(t ? { target: { tag: t.tag, sha: t.sha, approved: !!t.approved } } : {}),
    decisions,
    phases,
    blockers: c.blockers.map((b) => ({
      id: b.id,
      phase: b.phase,
      owner: b.owner,
      derived: !!b.derived,
      ...blockerState(c, b),
    })),
    gates: c.gates.map((g) => ({ id: g.id, owner: g.owner, derived: !!g.derived, ...gateState(c, g) })),
    next: once(waiting).map((u) => ({ roles: rolesToAct(c, u), unmet: u })),
    window: windowReadiness(c),
  };
}
