/**
 * A new program from a template: a shipped program file, or an existing program's structure ("copy of"). The
 * structure is kept (sides, roles and their titles, decisions and their requirements, phases, blockers, gates,
 * evidence, links, permissions, reminders); the live state is not (assignees, targets, results, entries,
 * sign-offs, the window, decisions back to NO-GO, phases not started, manual blockers open).
 */
import { z } from 'zod';
import { Cutover, Id, type ProgramInput } from './schema.js';
import { isZone } from './time.js';

const NewProgramSpec = z.object({
  id: Id,
  title: z.string().trim().min(1, 'give the title').max(200, 'the title has at most 200 characters'),
  release: z.string().trim().min(1, 'give the release').max(100, 'the release has at most 100 characters'),
  /** Side names and zones, by side id; sides not named keep the template's. */
  sides: z
    .record(Id, z.object({ name: z.string().trim().min(1).max(100).optional(), zone: z.string().optional() }))
    .default({}),
  /** Role titles, by role id; roles not named keep the template's. */
  roleTitles: z.record(Id, z.string().trim().min(1).max(200)).default({}),
});
type NewProgramSpec = z.input<typeof NewProgramSpec>;

/** The template's structure without its live state, as a program file would give it. */
export function structureOf(template: Cutover): ProgramInput {
  return {
    schema: template.schema,
    id: template.id,
    title: template.title,
    release: template.release,
    logOwnerRole: template.logOwnerRole,
    sides: template.sides.map((s) => ({ ...s })),
    roles: template.roles.map(({ assignee: _, ...r }) => ({ ...r, assignee: null })),
    decisions: template.decisions.map(({ rationale: _r, by: _b, at: _a, ...d }) => ({
      ...d,
      status: 'no-go',
    })),
    phases: template.phases.map((p) => ({ ...p, status: 'not-started' })),
    blockers: template.blockers.map(({ evidenceUrl: _e, reopenReason: _r, updated: _u, ...b }) => ({
      ...b,
      status: 'open',
    })),
    gates: template.gates.map((g) => ({ ...g, results: [] })),
    evidence: template.evidence.map((e) => ({ ...e, entries: [] })),
    rollbackEvidence: [...template.rollbackEvidence],
    links: template.links.map((l) => ({ ...l })),
    permissions: structuredClone(template.permissions),
    reminders: structuredClone(template.reminders),
  };
}

/**
 * A new program from a template and what its creator typed. Returns the new cutover, or the first problem with the
 * field it concerns.
 */
export function newProgram(
  template: Cutover,
  spec: NewProgramSpec,
): { ok: true; cutover: Cutover } | { ok: false; field: string; message: string } {
  const s = NewProgramSpec.safeParse(spec);
  if (!s.success) {
    const issue = s.error.issues[0];
    return { ok: false, field: String(issue?.path[0] ?? 'id'), message: issue?.message ?? 'not valid' };
  }
  const { id, title, release, sides, roleTitles } = s.data;
  for (const [sideId, named] of Object.entries(sides)) {
    if (!template.sides.some((x) => x.id === sideId))
      return { ok: false, field: 'sides', message: `the template has no side "${sideId}"` };
    if (named.zone && !isZone(named.zone))
      return {
        ok: false,
        field: 'sides',
        message: `"${named.zone}" is not a time zone; use one such as Europe/Berlin`,
      };
  }
  for (const roleId of Object.keys(roleTitles))
    if (!template.roles.some((x) => x.id === roleId))
      return { ok: false, field: 'roleTitles', message: `the template has no role "${roleId}"` };
  const base = structureOf(template);
  const program: ProgramInput = {
    ...base,
    id,
    title,
    release,
    sides: (base.sides ?? []).map((x) => {
      const named = sides[x.id];
      return {
        ...x,
        ...(named?.name ? { name: named.name } : {}),
        ...(named?.zone ? { zone: named.zone } : {}),
      };
    }),
    roles: (base.roles ?? []).map((r) => ({
      ...r,
      ...(roleTitles[r.id] ? { title: roleTitles[r.id] } : {}),
    })),
  };
  const parsed = Cutover.safeParse(program);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return {
      ok: false,
      field: String(issue?.path[0] ?? 'template'),
      message: issue ? `${issue.path.join('.')}: ${issue.message}` : 'the program is not valid',
    };
  }
  return { ok: true, cutover: parsed.data };
}
