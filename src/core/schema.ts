/**
 * The single source of every type in the bot. A program file (programs/*.json) is a `ProgramInput`;
 * the live state the store keeps is a `Cutover` (the program plus what people did to it).
 * Nothing here names a particular side, role, blocker or gate: those are data.
 */
import { z } from 'zod';
import { isZone, parseInstant } from './time.js';

// ---------------------------------------------------------------- primitives

/**
 * Zero-width and bidirectional control characters: invisible, or reordering what follows, so that
 * `https://evil.example/\u202Efdp.exe` reads as "…exe.pdf". U+200B–U+200F (zero-width spaces, joiners, LRM/RLM),
 * U+202A–U+202E (embeddings and overrides), U+2066–U+2069 (isolates), U+FEFF (zero-width no-break space), and their
 * kin U+061C (Arabic letter mark) and U+2060–U+2064 (word joiner, invisible operators). Refused in ids, tags and
 * links; shown visibly (`showInvisible`) everywhere typed text is rendered.
 */
export const INVISIBLE = /[\u061C\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]/;
const INVISIBLE_ALL = new RegExp(INVISIBLE.source, 'g');

/** `U+202E`: a character's code point as people write it. */
const codePoint = (ch: string) => `U+${ch.codePointAt(0)?.toString(16).toUpperCase().padStart(4, '0')}`;

/** `U+202E` for each invisible character in `s`, for messages. */
const invisibleNames = (s: string) => [...new Set(s.match(INVISIBLE_ALL) ?? [])].map(codePoint);

/**
 * `s` with each invisible character shown as `[U+202E]`, so it can neither hide nor reorder text. Brackets, not
 * `<…>`: the mark must read the same in Slack mrkdwn (where `<` starts a link) and in Markdown.
 */
export const showInvisible = (s: string) => s.replace(INVISIBLE_ALL, (ch) => `[${codePoint(ch)}]`);

/** A refinement naming the invisible characters a typed value holds. */
const noInvisible = (what: string) =>
  [
    (s: string) => !INVISIBLE.test(s),
    {
      error: (iss: { input?: unknown }) =>
        `${what} holds an invisible character (${invisibleNames(String(iss.input ?? '')).join(', ')}): retype it without one`,
    },
  ] as const;

/** Ids people type in commands: lower-case letters, digits, dots, dashes. */
export const Id = z
  .string()
  .refine(...noInvisible('the id'))
  .regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, 'use lower-case letters, digits, "-", "." or "_" (at most 64)');
export type Id = z.infer<typeof Id>;

export const SlackUserId = z.string().regex(/^[UW][A-Z0-9]{2,}$/, 'a Slack user id looks like U012ABCDEF');
export type SlackUserId = z.infer<typeof SlackUserId>;

/**
 * Who holds a role: a person (U…/W…), or a Slack user group (S…, an on-call rotation): any member acts for it, and
 * rules about people (two different people sign) still count people.
 */
export const RoleHolder = z
  .string()
  .regex(/^([UW][A-Z0-9]{2,}|S[A-Z0-9]{2,})$/, 'a Slack user id (U012ABCDEF) or user-group id (S012ABCDEF)');
export type RoleHolder = z.infer<typeof RoleHolder>;

/** Whether a role holder is a user group. */
export const isGroup = (holder: string | null | undefined): holder is string =>
  !!holder && holder.startsWith('S');

/** A full 40-hex commit SHA, stored lower-case. */
export const CommitSha = z
  .string()
  .trim()
  .regex(/^[0-9a-fA-F]{40}$/, 'give the full 40-character hex commit SHA')
  .transform((s) => s.toLowerCase());

/** A release tag as git allows it, without spaces. */
export const ReleaseTag = z
  .string()
  .trim()
  .min(1, 'give the release tag')
  .max(128, 'a tag has at most 128 characters')
  .refine(...noInvisible('the tag'))
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._/+-]*$/,
    'a tag has letters, digits, ".", "_", "/", "+" or "-" and no spaces',
  );

/**
 * A link a person or CI gives. `new URL()` silently drops tabs and newlines inside a link, so a link with any
 * whitespace or control character inside it is refused (it could carry a forged line), as is one with an invisible
 * character; what is stored is the URL as `new URL()` normalises it.
 */
export const HttpUrl = z
  .string()
  .trim()
  .max(2000, 'a link has at most 2000 characters')
  .refine((s) => /^https?:\/\//i.test(s), 'give a full http(s) link, such as https://ci.example.com/run/42')
  .refine(
    (s) => !/[\s\p{Cc}]/u.test(s),
    'a link has no spaces, line breaks or control characters: give one link',
  )
  .refine(...noInvisible('the link'))
  .refine((s) => {
    try {
      const u = new URL(s);
      return (u.protocol === 'https:' || u.protocol === 'http:') && u.hostname.length > 0;
    } catch {
      return false;
    }
  }, 'give a full http(s) link, such as https://ci.example.com/run/42')
  .transform((s) => new URL(s).href);

/** An instant, stored as an ISO 8601 UTC string. */
export const Instant = z.iso.datetime({ offset: true });

export const Text = (max: number, field: string) =>
  z.string().trim().min(1, `give the ${field}`).max(max, `the ${field} has at most ${max} characters`);

export const GoNoGo = z.enum(['go', 'no-go']);
export type GoNoGo = z.infer<typeof GoNoGo>;
export const GateStatus = z.enum(['green', 'red', 'pending']);
export type GateStatus = z.infer<typeof GateStatus>;
export const PhaseStatus = z.enum(['not-started', 'started', 'closed']);
export type PhaseStatus = z.infer<typeof PhaseStatus>;
export const BlockerStatus = z.enum(['open', 'cleared']);
export type BlockerStatus = z.infer<typeof BlockerStatus>;

// ---------------------------------------------------------------- actors

export const Actor = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('user'),
    userId: SlackUserId,
    isAdmin: z.boolean().default(false),
    /** The user groups (S…) this person belongs to, among those holding roles: asked of Slack at the edge. */
    groups: z.array(z.string()).optional(),
  }),
  z.object({ kind: z.literal('ci'), name: z.string().default('CI') }),
  z.object({ kind: z.literal('system') }),
]);
export type Actor = z.infer<typeof Actor>;

// ---------------------------------------------------------------- derived conditions

/**
 * A fact a derived blocker or gate (or a GO decision) waits for. Each clause is checked against the
 * current state; a derived item is cleared/green when every clause holds.
 */
export const Condition = z.discriminatedUnion('kind', [
  /** A release target is published and approved. */
  z.object({ kind: z.literal('target-approved') }),
  /** Every side has a valid GO sign-off on the current approved target. */
  z.object({ kind: z.literal('signed-go') }),
  /** Each named evidence has an entry logged against the current target. */
  z.object({ kind: z.literal('evidence'), evidence: z.array(Id).min(1) }),
]);
export type Condition = z.infer<typeof Condition>;

// ---------------------------------------------------------------- program parts

export const Side = z.object({
  id: Id,
  name: z.string().min(1),
  /** IANA zone the side works in, e.g. Europe/Berlin; shown in the record's window. */
  zone: z.string().optional(),
  /** The role that signs off for this side. */
  commanderRole: Id,
});
export type Side = z.infer<typeof Side>;

export const Role = z.object({
  id: Id,
  title: z.string().min(1),
  /** The side this role belongs to; absent for joint roles. */
  side: Id.optional(),
  assignee: RoleHolder.nullable().default(null),
});
export type Role = z.infer<typeof Role>;

export const Decision = z.object({
  id: Id,
  title: z.string().min(1),
  status: GoNoGo,
  rationale: z.string().optional(),
  by: z.string().optional(),
  at: Instant.optional(),
  /** What must hold before this decision may be GO. NO-GO is always allowed. */
  goRequires: z
    .object({
      /** Every blocker of these phases cleared. */
      blockersCleared: z.array(Id).default([]),
      /** Every gate green. */
      allGatesGreen: z.boolean().default(false),
      /** Every side signed GO on the current approved target. */
      signedGo: z.boolean().default(false),
    })
    .optional(),
});
export type Decision = z.infer<typeof Decision>;

export const Phase = z.object({
  id: Id,
  title: z.string().min(1),
  status: PhaseStatus,
  /** What must hold before this phase may start. */
  startRequires: z
    .object({
      blockersCleared: z.boolean().default(true),
      decisionsGo: z.array(Id).default([]),
    })
    .optional(),
});
export type Phase = z.infer<typeof Phase>;

export const Stamp = z.object({ by: z.string(), at: Instant });
export type Stamp = z.infer<typeof Stamp>;

export const Blocker = z.object({
  id: Id,
  title: z.string().min(1),
  /** Role that owns clearing it. */
  owner: Id,
  /** The phase it blocks the start of. */
  phase: Id,
  /** Sub-items, shown under the title (e.g. the parts of an evidence bundle). */
  items: z.array(z.string()).default([]),
  /** A derived blocker clears itself when every condition holds; it cannot be cleared by hand. */
  derived: z.array(Condition).optional(),
  /** Manual blockers only: the stored status. Derived ones are computed by core/readiness. */
  status: BlockerStatus.default('open'),
  evidenceUrl: z.string().optional(),
  reopenReason: z.string().optional(),
  updated: Stamp.optional(),
});
export type Blocker = z.infer<typeof Blocker>;

/**
 * One measurement of a manual gate. A per-commit gate's result names the commit it verified (`sha`); only a
 * result for the current target's commit counts. `sha: null` on a per-commit gate is a result whose commit is
 * unknown (kept from a store written before results were per commit): shown as stale, never counted.
 */
export const GateResult = z.object({
  sha: z.string().nullable(),
  /** The tag that commit was published under, when it was a target. */
  tag: z.string().optional(),
  status: GateStatus,
  evidenceUrl: z.string().optional(),
  runUrl: z.string().optional(),
  by: z.string(),
  at: Instant,
});
export type GateResult = z.infer<typeof GateResult>;

/** A gate as stored before results were per commit (store schema 1): one status for whatever was current. */
const LegacyGateFields = ['status', 'evidenceUrl', 'runUrl', 'updated'] as const;

export const Gate = z.object({
  id: Id,
  title: z.string().min(1),
  owner: Id,
  derived: z.array(Condition).optional(),
  /**
   * Manual gates: whether a result verifies one commit (default) and so counts only while that commit is the
   * target. `false` for a check that is not about the code (an organisational sign-off, say).
   */
  perTarget: z.boolean().default(true),
  /** Manual gates only: the latest result per commit (per-commit gates) or the latest result (others). */
  results: z.array(GateResult).default([]),
});
export type Gate = z.infer<typeof Gate>;

export const TargetRef = z.object({ tag: z.string(), sha: z.string() });
export type TargetRef = z.infer<typeof TargetRef>;

export const EvidenceEntry = z.object({
  url: z.string(),
  target: TargetRef,
  by: z.string(),
  at: Instant,
});
export type EvidenceEntry = z.infer<typeof EvidenceEntry>;

export const Evidence = z.object({
  id: Id,
  title: z.string().min(1),
  side: Id,
  entries: z.array(EvidenceEntry).default([]),
});
export type Evidence = z.infer<typeof Evidence>;

export const Link = z.object({
  /** Where the record lists it: the decision record links, the decision inputs, or rollback readiness. */
  group: z.enum(['decision-record', 'decision-input', 'rollback-readiness']).default('decision-record'),
  title: z.string().min(1),
  /** A URL or a repository path: shown as given. */
  href: z.string().min(1),
});
export type Link = z.infer<typeof Link>;

export const Target = z.object({
  tag: z.string(),
  sha: z.string(),
  published: Stamp,
  approved: Stamp.optional(),
  superseded: Stamp.optional(),
});
export type Target = z.infer<typeof Target>;

export const Window = z.object({ start: Instant, end: Instant, set: Stamp });
export type Window = z.infer<typeof Window>;

export const Signoff = z.object({
  side: Id,
  decision: GoNoGo,
  by: z.string(),
  at: Instant,
  /** The target the sign-off binds to; absent only for a NO-GO given before any target existed. */
  target: TargetRef.optional(),
  /** Gate statuses at the moment of signing. */
  gates: z.record(z.string(), GateStatus),
  rationale: z.string().optional(),
  evidenceUrl: z.string().optional(),
  asAdmin: z.boolean().default(false),
  voided: z.object({ at: Instant, reason: z.string() }).optional(),
});
export type Signoff = z.infer<typeof Signoff>;

/**
 * Who may do what. Entries are role ids, or "$owner" (the item's owner role), "$side" (any role of the item's side),
 * "$logOwner" (the program's decision log owner role). Admins may do anything.
 */
export const Permissions = z.object({
  'role.assign': z.array(z.string()).default([]),
  'blocker.add': z.array(z.string()).default([]),
  'blocker.clear': z.array(z.string()).default(['$owner']),
  'blocker.reopen': z.array(z.string()).default(['$owner']),
  'gate.set': z.array(z.string()).default(['$owner']),
  'target.publish': z.array(z.string()).default([]),
  'target.approve': z.array(z.string()).default([]),
  'evidence.log': z.array(z.string()).default(['$side']),
  decide: z.array(z.string()).default([]),
  phase: z.array(z.string()).default([]),
  window: z.array(z.string()).default([]),
  /** Add, rename and remove gates, evidence and manual blockers; retitle roles; change the reminders. */
  'program.shape': z.array(z.string()).default(['$logOwner']),
  /** Archive the program (when its last phase is closed; an admin may at any time, with a reason). */
  'program.archive': z.array(z.string()).default(['$logOwner']),
  /** State what the decision covers (the record's Scope line). */
  'scope.set': z.array(z.string()).default(['$logOwner']),
  /** State a side's position; the owner is that side's commander role. */
  'position.set': z.array(z.string()).default(['$owner']),
  /** Write the notes under the cutover window. */
  'window.notes': z.array(z.string()).default(['$logOwner']),
});
export type Permissions = z.infer<typeof Permissions>;
export type PermissionAction = keyof Permissions;

export const Reminders = z.object({
  /** Nudge a commander whose sign-off is still missing after this many hours. */
  signoffAfterHours: z.number().positive().default(24),
  /** Nudge a blocker's owner when it has not been touched for this many hours. */
  blockerStaleHours: z.number().positive().default(48),
  /** Hours before the window start at which all roles are told. */
  windowLeadHours: z.array(z.number().positive()).default([24, 1]),
  /** Daily digest hour (0-23) in `zone`. */
  digestHour: z.number().int().min(0).max(23).default(9),
  /** Quiet hours in `zone`, [from, to): nudges and the digest wait until they end; window notices do not. */
  quietHours: z
    .object({ from: z.number().int().min(0).max(23), to: z.number().int().min(0).max(23) })
    .optional(),
  zone: z.string().default('UTC'),
});
export type Reminders = z.infer<typeof Reminders>;

// ---------------------------------------------------------------- notes people write for the record

/** How long each kind of typed note may be. */
export const NOTE_LIMITS = { scope: 500, position: 2000, windowNotes: 1000 } as const;

/** A text a person wrote for the record, with who wrote it and when. */
export const Note = z.object({ text: z.string().min(1), set: Stamp });
export type Note = z.infer<typeof Note>;

/** A side's stated position (the seeds' "Additional Pre-Cutover Evidence (Producer Position)"). */
export const Position = Note.extend({ side: Id });
export type Position = z.infer<typeof Position>;

// ---------------------------------------------------------------- the program / live cutover

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
export const Cutover = z.preprocess(migrateLegacyGates, CutoverShape).superRefine((c, ctx) => {
  for (const issue of programIssues(c))
    ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
});
export type Cutover = z.infer<typeof Cutover>;
/** A program file as written (before defaults); a legacy gate's `status` is also read, see migrateLegacyGates. */
export type ProgramInput = z.input<typeof ProgramFile>;

// ---------------------------------------------------------------- history and events

export const HistoryEntry = z.object({
  seq: z.number().int().nonnegative(),
  at: Instant,
  /** "<@U…>"-free: a user id, "CI: <name>" or "cutover-bot". */
  by: z.string(),
  asAdmin: z.boolean().default(false),
  action: z.string(),
  subject: z.string(),
  before: z.string(),
  after: z.string(),
  note: z.string().optional(),
});
export type HistoryEntry = z.infer<typeof HistoryEntry>;

/** What happened, for alerts and App Home: one per observable change. */
export const DomainEvent = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('role.assigned'),
    role: Id,
    before: z.string().nullable(),
    after: z.string().nullable(),
  }),
  z.object({ type: z.literal('blocker.added'), blocker: Id }),
  z.object({ type: z.literal('blocker.cleared'), blocker: Id, derived: z.boolean() }),
  z.object({ type: z.literal('blocker.reopened'), blocker: Id, derived: z.boolean(), reason: z.string() }),
  z.object({
    type: z.literal('gate.changed'),
    gate: Id,
    before: GateStatus,
    after: GateStatus,
    derived: z.boolean(),
    /** The commit the result is for (per-commit manual gates). */
    target: TargetRef.optional(),
  }),
  z.object({ type: z.literal('target.published'), tag: z.string(), sha: z.string() }),
  z.object({ type: z.literal('target.approved'), tag: z.string(), sha: z.string() }),
  z.object({ type: z.literal('evidence.logged'), evidence: Id, url: z.string() }),
  z.object({ type: z.literal('signoff.given'), side: Id, decision: GoNoGo }),
  z.object({ type: z.literal('signoff.voided'), side: Id, reason: z.string() }),
  z.object({ type: z.literal('decision.changed'), decision: Id, before: GoNoGo, after: GoNoGo }),
  z.object({ type: z.literal('phase.changed'), phase: Id, before: PhaseStatus, after: PhaseStatus }),
  z.object({ type: z.literal('window.set'), start: Instant, end: Instant }),
  z.object({ type: z.literal('window.cleared'), start: Instant, end: Instant }),
  /** The program's shape changed: an item added, renamed or removed, a role retitled, the reminders changed. */
  z.object({
    type: z.literal('program.shaped'),
    what: z.enum(['gate', 'evidence', 'blocker', 'role', 'reminders']),
    item: z.string().optional(),
    change: z.enum(['added', 'renamed', 'removed', 'changed']),
    title: z.string().optional(),
  }),
  z.object({ type: z.literal('program.archived'), reason: z.string().optional() }),
  /** A program started from a template (a shipped program file, or another program's structure). */
  z.object({ type: z.literal('program.created'), from: z.string() }),
  /** A note for the record was written or cleared: the scope, a side's position, or the window notes. */
  z.object({
    type: z.literal('note.changed'),
    what: z.enum(['scope', 'position', 'window-notes']),
    /** The side, for a position. */
    side: Id.optional(),
    change: z.enum(['set', 'cleared']),
  }),
]);
export type DomainEvent = z.infer<typeof DomainEvent>;

// ---------------------------------------------------------------- commands (what a person or CI asks for)

/** A typed instant (offset or [zone]) normalised to UTC ISO. */
const TypedInstant = z.string().transform((s, ctx) => {
  const r = parseInstant(s);
  if (!r.ok) {
    ctx.addIssue({ code: 'custom', message: r.reason });
    return z.NEVER;
  }
  return r.iso;
});

/** An IANA zone a person typed a time in, e.g. Europe/Berlin. */
const TypedZone = z.string().refine(isZone, 'use a time zone such as Europe/Berlin');

const OptionalUrl = HttpUrl.optional();

/** What a form or button showed as the target; `null` when it showed that there was none. */
const SeenTarget = z.object({ tag: z.string(), sha: CommitSha }).nullable().optional();

export const Command = z.discriminatedUnion('type', [
  z.object({ type: z.literal('role.assign'), role: Id, user: RoleHolder.nullable() }),
  z.object({ type: z.literal('blocker.add'), owner: Id, title: Text(300, 'title') }),
  z.object({ type: z.literal('blocker.clear'), blocker: Id, evidenceUrl: OptionalUrl }),
  z.object({ type: z.literal('blocker.reopen'), blocker: Id, reason: Text(1000, 'reason') }),
  z.object({
    type: z.literal('gate.set'),
    gate: Id,
    status: GateStatus,
    evidenceUrl: OptionalUrl,
    runUrl: OptionalUrl,
    /** The commit the result was measured on; absent: the current target's. */
    sha: CommitSha.optional(),
    /** The target the person was shown (a form): refused as stale if it is no longer the current one. */
    seen: SeenTarget,
  }),
  z.object({ type: z.literal('target.publish'), tag: ReleaseTag, sha: CommitSha }),
  z.object({
    type: z.literal('target.approve'),
    /** Which target: its tag, its full SHA, or a unique hex prefix of 7 or more characters. */
    target: z.string().trim().min(1, 'name the target you approve: its tag or SHA'),
  }),
  z.object({
    type: z.literal('evidence.log'),
    evidence: Id,
    url: HttpUrl,
    /** The commit the evidence is for; refused as stale unless it is the current target's. */
    sha: CommitSha.optional(),
  }),
  z.object({
    type: z.literal('signoff'),
    side: Id,
    decision: GoNoGo,
    rationale: z.string().trim().max(3000, 'the rationale has at most 3000 characters').optional(),
    evidenceUrl: OptionalUrl,
    /** The target the sign-off form showed (null: it showed none): refused as stale if that moved. */
    seen: SeenTarget,
  }),
  z.object({ type: z.literal('decide'), decision: Id, status: GoNoGo, rationale: Text(3000, 'rationale') }),
  z.object({ type: z.literal('phase'), phase: Id, action: z.enum(['start', 'close']) }),
  z.object({
    type: z.literal('window'),
    start: TypedInstant,
    end: TypedInstant,
    /** The zones the person typed each end in, so the confirmation echoes the times as typed; absent: UTC. */
    zones: z.object({ start: TypedZone, end: TypedZone }).optional(),
  }),
  /** Clears the cutover window: no window is set until one is given again. */
  z.object({ type: z.literal('window.clear') }),
  // Shaping the program from Slack: the result is validated as a program file is.
  z.object({
    type: z.literal('gate.add'),
    gate: Id,
    title: Text(200, 'title'),
    owner: Id,
    perTarget: z.boolean().default(true),
  }),
  z.object({ type: z.literal('gate.rename'), gate: Id, title: Text(200, 'title') }),
  z.object({ type: z.literal('gate.remove'), gate: Id }),
  z.object({ type: z.literal('evidence.add'), evidence: Id, title: Text(200, 'title'), side: Id }),
  z.object({ type: z.literal('evidence.rename'), evidence: Id, title: Text(200, 'title') }),
  z.object({ type: z.literal('evidence.remove'), evidence: Id }),
  z.object({ type: z.literal('blocker.rename'), blocker: Id, title: Text(300, 'title') }),
  z.object({ type: z.literal('blocker.remove'), blocker: Id }),
  z.object({ type: z.literal('role.retitle'), role: Id, title: Text(200, 'title') }),
  z.object({
    type: z.literal('reminders.set'),
    /** Only the fields given change. */
    reminders: z
      .object({
        signoffAfterHours: z
          .number()
          .positive()
          .max(24 * 30),
        blockerStaleHours: z
          .number()
          .positive()
          .max(24 * 30),
        windowLeadHours: z
          .array(
            z
              .number()
              .positive()
              .max(24 * 30),
          )
          .max(5),
        digestHour: z.number().int().min(0).max(23),
        quietHours: z
          .object({ from: z.number().int().min(0).max(23), to: z.number().int().min(0).max(23) })
          .nullable(),
        zone: z.string().min(1),
      })
      .partial(),
  }),
  z.object({ type: z.literal('archive'), reason: z.string().trim().max(1000).optional() }),
  // Notes for the record (commands/notes.ts): `text: null` clears one.
  z.object({ type: z.literal('scope.set'), text: Text(NOTE_LIMITS.scope, 'scope').nullable() }),
  z.object({
    type: z.literal('position.set'),
    side: Id,
    text: Text(NOTE_LIMITS.position, 'position').nullable(),
  }),
  z.object({
    type: z.literal('window.notes'),
    text: Text(NOTE_LIMITS.windowNotes, 'text of the window notes').nullable(),
  }),
]);
export type Command = z.infer<typeof Command>;
export type CommandInput = z.input<typeof Command>;
export type CommandType = Command['type'];
