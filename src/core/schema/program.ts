/** The program as a whole (a program file, and the live cutover the store keeps), with its cross-reference checks. */
import { z } from 'zod';
import {
  Blocker,
  type Condition,
  Decision,
  Evidence,
  Gate,
  LegacyGateFields,
  Link,
  Note,
  Permissions,
  Phase,
  Position,
  RecordReport,
  Reminders,
  Role,
  Side,
  Signoff,
  Target,
  Window,
} from './parts.js';
import { Id, Instant } from './primitives.js';

const CutoverShape = z.object({
  schema: z.literal('cutover-program/1').default('cutover-program/1'),
  id: Id,
  title: z.string().min(1),
  /** The release the cutover moves to, e.g. service.v3. */
  release: z.string().min(1),
  /** The joint decision log owner role: mentioned when a role has nobody assigned. */
  logOwnerRole: Id,
  sides: z.array(Side).min(1),
  roles: z.array(Role).min(1),
  decisions: z.array(Decision),
  phases: z.array(Phase).min(1),
  blockers: z.array(Blocker),
  gates: z.array(Gate),
  evidence: z.array(Evidence).default([]),
  /** Evidence whose latest entry the record lists as rollback readiness. */
  rollbackEvidence: z.array(Id).default([]),
  links: z.array(Link).default([]),
  permissions: Permissions.default(Permissions.parse({})),
  reminders: Reminders.default(Reminders.parse({})),
  /** Live state below: absent in a fresh program file. */
  targets: z.array(Target).default([]),
  window: Window.optional(),
  signoffs: z.array(Signoff).default([]),
  /** Each side's reports of a commit holding the decision record (the `record-in-repos` condition reads them). */
  records: z.array(RecordReport).default([]),
  updated: Instant.optional(),
  /** The Slack channel the program lives in: its commands, alerts, board and reminders. Bound when it starts. */
  channel: z
    .string()
    .regex(/^[CG][A-Z0-9]{2,}$/, 'a channel id like C012ABCDEF')
    .optional(),
  /** What the decision covers: the record's Scope line. Absent until someone states it. */
  scope: Note.optional(),
  /** Each side's stated position, at most one per side. */
  positions: z.array(Position).default([]),
  /** Free-text notes under the cutover window (kept when the window moves). */
  windowNotes: Note.optional(),
  /**
   * The GitHub deployments this program governs (src/github/): a deployment to one of `environments` of one of `repos`
   * waits, through the bot's GitHub App, until the go check of `decision` (default: the first decision with GO
   * requirements) passes for its commit.
   */
  github: z
    .object({
      repos: z
        .array(
          z.string().regex(/^[A-Za-z0-9_.-]{1,100}\/[A-Za-z0-9_.-]{1,100}$/, 'a repository as owner/name'),
        )
        .min(1),
      environments: z.array(z.string().trim().min(1).max(255)).min(1),
      decision: Id.optional(),
    })
    .optional(),
  /** Set when the program is finished: read-only from then on. */
  archived: z.object({ by: z.string(), at: Instant, reason: z.string().optional() }).optional(),
});

type Issue = { path: (string | number)[]; message: string };

/** Cross-references a program must get right; every broken one is reported, with its path. */
function programIssues(c: z.infer<typeof CutoverShape>): Issue[] {
  const issues: Issue[] = [];
  const dupes = (kind: string, ids: string[]) => {
    const seen = new Set<string>();
    ids.forEach((id, i) => {
      if (seen.has(id)) issues.push({ path: [kind, i, 'id'], message: `duplicate ${kind} id "${id}"` });
      seen.add(id);
    });
  };
  const sides = new Set(c.sides.map((s) => s.id));
  const roles = new Set(c.roles.map((r) => r.id));
  const phases = new Set(c.phases.map((p) => p.id));
  const decisions = new Set(c.decisions.map((d) => d.id));
  const evidence = new Set(c.evidence.map((e) => e.id));
  dupes(
    'sides',
    c.sides.map((s) => s.id),
  );
  dupes(
    'roles',
    c.roles.map((r) => r.id),
  );
  dupes(
    'decisions',
    c.decisions.map((d) => d.id),
  );
  dupes(
    'phases',
    c.phases.map((p) => p.id),
  );
  dupes(
    'blockers',
    c.blockers.map((b) => b.id),
  );
  dupes(
    'gates',
    c.gates.map((g) => g.id),
  );
  dupes(
    'evidence',
    c.evidence.map((e) => e.id),
  );
  const role = (id: string, path: Issue['path']) => {
    if (!roles.has(id)) issues.push({ path, message: `unknown role "${id}"` });
  };
  if (!roles.has(c.logOwnerRole))
    issues.push({ path: ['logOwnerRole'], message: `unknown role "${c.logOwnerRole}"` });
  c.sides.forEach((s, i) => {
    role(s.commanderRole, ['sides', i, 'commanderRole']);
  });
  c.roles.forEach((r, i) => {
    if (r.side && !sides.has(r.side))
      issues.push({ path: ['roles', i, 'side'], message: `unknown side "${r.side}"` });
  });
  const conditions = (list: Condition[] | undefined, path: Issue['path']) =>
    list?.forEach((cond, j) => {
      if (cond.kind === 'evidence')
        for (const e of cond.evidence)
          if (!evidence.has(e))
            issues.push({ path: [...path, j, 'evidence'], message: `unknown evidence "${e}"` });
    });
  c.blockers.forEach((b, i) => {
    role(b.owner, ['blockers', i, 'owner']);
    if (!phases.has(b.phase))
      issues.push({ path: ['blockers', i, 'phase'], message: `unknown phase "${b.phase}"` });
    conditions(b.derived, ['blockers', i, 'derived']);
  });
  c.gates.forEach((g, i) => {
    role(g.owner, ['gates', i, 'owner']);
    conditions(g.derived, ['gates', i, 'derived']);
  });
  c.evidence.forEach((e, i) => {
    if (!sides.has(e.side))
      issues.push({ path: ['evidence', i, 'side'], message: `unknown side "${e.side}"` });
  });
  const positioned = new Set<string>();
  c.positions.forEach((p, i) => {
    if (!sides.has(p.side))
      issues.push({ path: ['positions', i, 'side'], message: `unknown side "${p.side}"` });
    if (positioned.has(p.side))
      issues.push({ path: ['positions', i, 'side'], message: `a second position for side "${p.side}"` });
    positioned.add(p.side);
  });
  c.rollbackEvidence.forEach((e, i) => {
    if (!evidence.has(e)) issues.push({ path: ['rollbackEvidence', i], message: `unknown evidence "${e}"` });
  });
  c.decisions.forEach((d, i) => {
    d.goRequires?.blockersCleared.forEach((p, j) => {
      if (!phases.has(p))
        issues.push({
          path: ['decisions', i, 'goRequires', 'blockersCleared', j],
          message: `unknown phase "${p}"`,
        });
    });
  });
  if (c.github?.decision && !decisions.has(c.github.decision))
    issues.push({ path: ['github', 'decision'], message: `unknown decision "${c.github.decision}"` });
  c.phases.forEach((p, i) => {
    p.startRequires?.decisionsGo.forEach((d, j) => {
      if (!decisions.has(d))
        issues.push({
          path: ['phases', i, 'startRequires', 'decisionsGo', j],
          message: `unknown decision "${d}"`,
        });
    });
  });
  for (const [action, list] of Object.entries(c.permissions))
    list.forEach((r, j) => {
      if (!r.startsWith('$')) role(r, ['permissions', action, j]);
    });
  return issues;
}

type Row = Record<string, unknown>;
const isRow = (v: unknown): v is Row => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * A cutover stored before gate results were per commit kept one `status` (with links and a stamp) per gate.
 * Each becomes one result, bound to the target that was current when it was set if that can be told from the
 * targets' stamps, else to no commit (shown as stale, never counted). A pending gate never set has no result.
 */
export function migrateLegacyGates(input: unknown): unknown {
  if (!isRow(input) || !Array.isArray(input.gates)) return input;
  if (!input.gates.some((g) => isRow(g) && LegacyGateFields.some((f) => f in g))) return input;
  const targets = (Array.isArray(input.targets) ? input.targets : []).filter(isRow);
  const stampAt = (v: unknown) => (isRow(v) && typeof v.at === 'string' ? Date.parse(v.at) : Number.NaN);
  const currentAt = (at: number) =>
    targets.findLast((t) => {
      const published = stampAt(t.published);
      const superseded = stampAt(t.superseded);
      return published <= at && !(superseded <= at);
    });
  const gates = input.gates.map((g) => {
    if (!isRow(g) || !LegacyGateFields.some((f) => f in g)) return g;
    const { status, evidenceUrl, runUrl, updated, ...rest } = g;
    if (g.derived || !isRow(updated) || typeof status !== 'string')
      return { ...rest, results: rest.results ?? [] };
    const at = stampAt(updated);
    const t = Number.isNaN(at) ? undefined : currentAt(at);
    const result: Row = {
      sha: t && typeof t.sha === 'string' ? t.sha : null,
      ...(t && typeof t.tag === 'string' ? { tag: t.tag } : {}),
      status,
      ...(typeof evidenceUrl === 'string' ? { evidenceUrl } : {}),
      ...(typeof runUrl === 'string' ? { runUrl } : {}),
      by: updated.by,
      at: updated.at,
    };
    return { ...rest, results: [result] };
  });
  return { ...input, gates };
}

/**
 * A program file as written: the cutover's shape, plus the `$schema` an editor reads
 * (`"$schema": "./program.schema.json"`). Only `programs/program.schema.json` is generated from it; a file is read
 * with `Cutover`, which drops `$schema` (an object strips keys it does not know), so the store never keeps it.
 */
export const ProgramFile = CutoverShape.extend({
  $schema: z
    .string()
    .optional()
    .describe('The JSON Schema that describes this file: "./program.schema.json".'),
});

/** The live cutover: a program plus everything done to it. Also the shape of a program file. */
/**
 * The program checked in parts (store/changed-parts.ts): its plain shape, walked for what a change changed, and its
 * cross-references over the whole. A change is never in the legacy form `Cutover` reads from old files.
 */
export const CutoverInParts = { shape: CutoverShape, issues: programIssues };
export const Cutover = z.preprocess(migrateLegacyGates, CutoverShape).superRefine((c, ctx) => {
  for (const issue of programIssues(c))
    ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
});
export type Cutover = z.infer<typeof Cutover>;
/** A program file as written (before defaults); a legacy gate's `status` is also read, see migrateLegacyGates. */
export type ProgramInput = z.input<typeof ProgramFile>;
