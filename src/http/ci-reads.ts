/**
 * What a pipeline may read from the CI API (issue 21): the readiness report as JSON, and the go check for one commit.
 * Pure: (cutover, query, now) -> the answer's status and JSON body. The routes and the token check live in ci-api.ts.
 *
 *   GET /api/programs/<id>/readiness
 *   GET /api/programs/<id>/go?decision=<decision-id>&sha=<40-hex>
 *
 * The go check answers 200 only when it passes. Otherwise: **423 Locked** while the deployment may yet be released
 * (NO-GO, no approved target yet, the window not open, closed or not approved: ask again later), **409 Conflict**
 * when it never will as things stand (the approved target is another commit, the program is archived), 404 for a
 * decision the program does not have, 400 naming the field for a missing decision or a malformed sha.
 */
import { type GoCheck, type GoUnmet, goCheck, goRefusalWords } from '../core/go-check.js';
import { readiness } from '../core/readiness.js';
import { CommitSha, type Cutover } from '../core/schema.js';
import { type Unmet, unmetWords } from '../core/unmet.js';

type Json = Record<string, unknown>;

export interface ReadAnswer {
  status: number;
  body: Json;
}

/** An unmet item as the API gives it: in words, as data, and the roles that may act with who holds them. */
function unmetJson(c: Cutover, u: Unmet, roles: string[]): Json {
  return {
    words: unmetWords(u),
    item: u,
    may_act: roles.map((role) => ({ role, assignee: c.roles.find((r) => r.id === role)?.assignee ?? null })),
  };
}

/** The readiness report as JSON: decisions, phases, blockers, gates, what waits on whom, the target, the window. */
export function readinessJson(c: Cutover): Json {
  const r = readiness(c);
  const roles = new Map(r.next.map((n) => [JSON.stringify(n.unmet), n.roles]));
  const item = (u: Unmet) => unmetJson(c, u, roles.get(JSON.stringify(u)) ?? []);
  return {
    ok: true,
    program: { id: c.id, title: c.title, release: c.release, archived: c.archived ?? null },
    target: r.target ?? null,
    window: {
      set: r.window.set,
      approved: r.window.approved,
      start: r.window.start ?? null,
      end: r.window.end ?? null,
      awaiting: r.window.awaiting,
    },
    decisions: r.decisions.map((d) => ({
      id: d.id,
      title: d.title,
      status: d.status,
      may_be_go: d.mayBeGo,
      unmet: d.unmet.map(item),
    })),
    phases: r.phases.map((p) => ({
      id: p.id,
      title: p.title,
      status: p.status,
      may_start: p.mayStart,
      unmet: p.unmet.map(item),
    })),
    blockers: r.blockers.map((b) => ({
      id: b.id,
      phase: b.phase,
      owner: b.owner,
      derived: b.derived,
      status: b.status,
      unmet: b.unmet.map((u) => ({ words: unmetWords(u), item: u })),
    })),
    gates: r.gates.map((g) => ({
      id: g.id,
      owner: g.owner,
      derived: g.derived,
      status: g.status,
      stale: g.stale,
      ...(g.result?.sha ? { result_sha: g.result.sha } : {}),
    })),
    /** What waits on whom now, in order. */
    unmet: r.next.map((n) => unmetJson(c, n.unmet, n.roles)),
  };
}

export type GoQuery = { decision: string; sha: string } | { field: string; message: string };

/** Reads `decision` and `sha` from the query string; a missing or malformed one is named. */
export function goQuery(params: URLSearchParams): GoQuery {
  const decision = params.get('decision')?.trim();
  if (!decision)
    return { field: 'decision', message: 'required: the decision id, e.g. decision=runtime-cutover' };
  const raw = params.get('sha');
  if (raw === null)
    return {
      field: 'sha',
      message: 'required: the full 40-character hex commit SHA, as GitHub Actions gives it in github.sha',
    };
  const sha = CommitSha.safeParse(raw.trim());
  if (!sha.success)
    return {
      field: 'sha',
      message: `${JSON.stringify(raw.slice(0, 80))} is not a full commit SHA: give the 40 hex characters (as \${{ github.sha }} gives them)`,
    };
  return { decision, sha: sha.data };
}

const goUnmetJson = (c: Cutover, list: GoUnmet[]) => list.map((u) => unmetJson(c, u.unmet, u.roles));

/** The go check's answer; `check` is `goCheck`'s for the same state. */
export function goJson(c: Cutover, q: { decision: string; sha: string }, check: GoCheck): ReadAnswer {
  if (check.ok)
    return {
      status: 200,
      body: {
        ok: true,
        go: true,
        program: c.id,
        decision: check.decision,
        sha: q.sha,
        target: check.target,
        window: check.window ?? null,
        message: `GO: ${c.id} ${check.decision} releases ${check.target.tag} @ ${q.sha.slice(0, 12)}.`,
      },
    };
  const { reason } = check;
  const status = reason.kind === 'unknown-decision' ? 404 : check.final ? 409 : 423;
  const error = reason.kind === 'unknown-decision' ? 'not_found' : reason.kind.replaceAll('-', '_');
  return {
    status,
    body: {
      ok: false,
      go: false,
      error,
      /** Whether asking again later can give 200 (423) or not as things stand (409). */
      final: check.final,
      message: `Not released: ${goRefusalWords(reason)}.`,
      reason,
      program: c.id,
      decision: q.decision,
      sha: q.sha,
      target: check.target ?? null,
      window: c.window ? { start: c.window.start, end: c.window.end } : null,
      unmet: goUnmetJson(c, check.unmet),
    },
  };
}

/** The go check of `c` for the query, as the API answers it. */
export function goAnswer(c: Cutover, q: { decision: string; sha: string }, now: Date): ReadAnswer {
  return goJson(c, q, goCheck(c, q.decision, q.sha, now));
}
