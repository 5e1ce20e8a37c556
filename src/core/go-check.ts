/**
 * The go check: may a deployment of this commit run now, on this decision? Asked at the point of action (the CI
 * API's `GET …/go`, the GitHub deployment protection rule), answered from the facts alone. Pure: `now` is passed in.
 *
 * It passes only when the program is not archived, the named decision is GO, the current target is approved and is
 * the requested commit, each side's sign-off in force is GO on that commit, every counted gate result and every
 * counted evidence entry names that commit, and — when the program has a window — the window is approved and `now`
 * is inside it. Otherwise the answer says why, as data, with the unmet items of the readiness report (and the roles
 * that may act on each).
 */
import {
  approvedTarget,
  countingResult,
  currentEvidence,
  currentTarget,
  type ReadinessReport,
  readiness,
  signoffFor,
} from './readiness.js';
import type { Cutover, TargetRef } from './schema.js';
import type { Unmet } from './unmet.js';

/** Why a deployment may not run now. */
export type GoRefusal =
  /** The program is archived: nothing it says releases a deployment any more. */
  | { kind: 'archived'; at: string }
  | { kind: 'unknown-decision'; decision: string; known: string[] }
  /** No approved release target: there is nothing a deployment could be bound to yet. */
  | { kind: 'no-target'; target?: TargetRef }
  /** The approved target is another commit: this deployment is not the one the teams said GO to. */
  | { kind: 'other-commit'; sha: string; target: TargetRef }
  | { kind: 'not-go'; decision: string }
  /** The decision is GO, yet a sign-off, gate result or evidence in force does not name this commit. */
  | { kind: 'unbound'; what: { kind: 'signoff' | 'gate' | 'evidence'; id: string }[] }
  /** The program has a window that no GO approved (it was set or moved after the GO). */
  | { kind: 'window-unapproved'; start: string; end: string }
  | { kind: 'window-not-open'; start: string; end: string }
  | { kind: 'window-closed'; start: string; end: string };

/** An unmet item with the roles that may act on it (empty: only an admin). */
export interface GoUnmet {
  roles: string[];
  unmet: Unmet;
}

export type GoCheck =
  | { ok: true; decision: string; target: TargetRef; window?: { start: string; end: string } }
  | {
      ok: false;
      reason: GoRefusal;
      /**
       * Whether waiting can release this deployment: false when it never will as it stands (another commit, an
       * archived program). A deployment protection rule rejects a final refusal and leaves the others waiting.
       */
      final: boolean;
      unmet: GoUnmet[];
      target?: TargetRef;
    };

const ref = (t: TargetRef): TargetRef => ({ tag: t.tag, sha: t.sha });

/** The report's items that hold up this decision, with who may act, as the report names them. */
function unmetFor(r: ReadinessReport, decision: string): GoUnmet[] {
  const d = r.decisions.find((x) => x.id === decision);
  const items = d?.unmet ?? [];
  const keyed = new Map(r.next.map((n) => [JSON.stringify(n.unmet), n.roles]));
  return items.map((unmet) => ({ roles: keyed.get(JSON.stringify(unmet)) ?? [], unmet }));
}

/** What of the GO does not name `sha`: each side's sign-off in force, counted gate results, counted evidence. */
function unboundItems(c: Cutover, sha: string) {
  const target = currentTarget(c);
  const what: { kind: 'signoff' | 'gate' | 'evidence'; id: string }[] = [];
  for (const side of c.sides) {
    const s = signoffFor(c, side.id);
    if (s?.decision !== 'go' || s.target?.sha !== sha) what.push({ kind: 'signoff', id: side.id });
  }
  for (const g of c.gates) {
    if (g.derived || !g.perTarget) continue;
    const r = countingResult(g, target);
    if (r && r.sha !== sha) what.push({ kind: 'gate', id: g.id });
  }
  for (const e of c.evidence) {
    const entry = currentEvidence(c, e);
    if (entry && entry.target.sha !== sha) what.push({ kind: 'evidence', id: e.id });
  }
  return what;
}

/**
 * May a deployment of `sha` run now on `decision`? `sha` is the full 40-hex commit (checked at the edge).
 */
export function goCheck(c: Cutover, decision: string, sha: string, now: Date): GoCheck {
  const r = readiness(c);
  const current = currentTarget(c);
  const no = (reason: GoRefusal, final: boolean, unmet: GoUnmet[] = []): GoCheck => ({
    ok: false,
    reason,
    final,
    unmet,
    ...(current ? { target: ref(current) } : {}),
  });
  if (c.archived) return no({ kind: 'archived', at: c.archived.at }, true);
  const d = c.decisions.find((x) => x.id === decision);
  if (!d) return no({ kind: 'unknown-decision', decision, known: c.decisions.map((x) => x.id) }, true);
  const unmet = unmetFor(r, decision);
  const target = approvedTarget(c);
  if (!target) return no({ kind: 'no-target', ...(current ? { target: ref(current) } : {}) }, false, unmet);
  if (target.sha !== sha) return no({ kind: 'other-commit', sha, target: ref(target) }, true, unmet);
  if (d.status !== 'go') return no({ kind: 'not-go', decision }, false, unmet);
  const what = unboundItems(c, sha);
  if (what.length) return no({ kind: 'unbound', what }, false, unmet);
  const w = c.window;
  if (w) {
    const span = { start: w.start, end: w.end };
    if (!r.window.approved) return no({ kind: 'window-unapproved', ...span }, false);
    const t = now.getTime();
    if (t < Date.parse(w.start)) return no({ kind: 'window-not-open', ...span }, false);
    if (t >= Date.parse(w.end)) return no({ kind: 'window-closed', ...span }, false);
    return { ok: true, decision, target: ref(target), window: span };
  }
  return { ok: true, decision, target: ref(target) };
}

const short = (sha: string) => sha.slice(0, 12);

/** The refusal in plain words (no Slack syntax): for the API's `message`, a deployment's comment, an alert. */
export function goRefusalWords(reason: GoRefusal): string {
  switch (reason.kind) {
    case 'archived':
      return `the program was archived at ${reason.at}: it releases no deployment`;
    case 'unknown-decision':
      return `there is no decision "${reason.decision}" (known: ${reason.known.join(', ') || 'none'})`;
    case 'no-target':
      return reason.target
        ? `release target ${reason.target.tag} @ ${short(reason.target.sha)} is not approved yet`
        : 'no release target is published and approved yet';
    case 'other-commit':
      return `commit ${short(reason.sha)} is not the approved target: the GO is for ${reason.target.tag} @ ${short(reason.target.sha)}`;
    case 'not-go':
      return `decision ${reason.decision} is NO-GO`;
    case 'unbound':
      return `the GO does not name this commit everywhere: ${reason.what.map((w) => `${w.kind} ${w.id}`).join(', ')}`;
    case 'window-unapproved':
      return `the cutover window ${reason.start} to ${reason.end} was set after the GO: the decision must be recorded again for it`;
    case 'window-not-open':
      return `the approved window opens at ${reason.start}`;
    case 'window-closed':
      return `the approved window closed at ${reason.end}`;
  }
}
