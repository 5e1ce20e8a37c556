/** The parts of a program: actors, derived conditions, sides, roles, decisions, phases, blockers, gates, evidence, targets, sign-offs, permissions, reminders and notes. */
import { z } from 'zod';
import {
  BlockerStatus,
  GateStatus,
  GoNoGo,
  Id,
  Instant,
  PhaseStatus,
  RoleHolder,
  SlackUserId,
} from './primitives.js';

export const Actor = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('user'),
    userId: SlackUserId,
    isAdmin: z.boolean().default(false),
    /** The user groups (S…) this person belongs to, among those holding roles: asked of Slack at the edge. */
    groups: z.array(z.string()).optional(),
    /**
     * When Slack last confirmed each of those memberships (`usergroups.users.list`). The core judges a change by
     * it (core/membership.ts): a membership older than five minutes, or with no time, authorises nothing.
     */
    confirmed: z.record(z.string(), Instant).optional(),
    /** Groups holding roles whose members Slack could not tell: the person may be in them, unconfirmed. */
    unconfirmed: z.array(z.string()).optional(),
  }),
  z.object({
    kind: z.literal('ci'),
    name: z.string().default('CI'),
    /** The name of the token the request came with (`operator` for CUTOVER_API_TOKEN): history names it. */
    token: z.string().optional(),
  }),
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
  /**
   * Every side has reported a commit in its repository holding the decision record of the current GO (both GO
   * sign-offs on the approved target and each decision that requires them recorded GO; readiness `goFingerprint`):
   * `records`, reported by each side's CI (POST …/records). It comes after the GO, so it is never a requirement of it.
   */
  z.object({ kind: z.literal('record-in-repos') }),
]);
export type Condition = z.infer<typeof Condition>;

// ---------------------------------------------------------------- program parts

/**
 * A side's CI reported that a commit of its repository holds the decision record: which record (its content hash),
 * and which bilateral GO that record holds (`go`, see readiness `goFingerprint`).
 */
export const RecordReport = z.object({
  side: Id,
  /** The repository, `owner/name`. */
  repo: z.string().min(1),
  /** The full 40-hex commit that holds the record. */
  commit: z.string(),
  /** sha256 hex of the record's Markdown as the bot served it (its ETag). */
  contentHash: z.string(),
  /** The bilateral GO the record holds, as `goFingerprint` writes it. */
  go: z.string(),
  by: z.string(),
  at: Instant,
});
export type RecordReport = z.infer<typeof RecordReport>;

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
export const LegacyGateFields = ['status', 'evidenceUrl', 'runUrl', 'updated'] as const;

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

/** Why a sign-off stopped counting: the side signed again, the target changed, a gate turned red, the gates changed. */
export const VoidCause = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('replaced') }),
  z.object({ kind: z.literal('target'), from: TargetRef.nullable(), to: TargetRef }),
  z.object({ kind: z.literal('gate-red'), gate: Id }),
  z.object({ kind: z.literal('gates'), gate: Id, change: z.enum(['added', 'removed']) }),
]);
export type VoidCause = z.infer<typeof VoidCause>;

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
  /** Signed as a member of the user group holding the commander role: which, and when Slack confirmed it. */
  membership: z.object({ group: z.string(), confirmedAt: Instant }).optional(),
  /** `cause`: why, as data (absent in stores written before it was kept); `reason`: the same in words. */
  voided: z.object({ at: Instant, reason: z.string(), cause: VoidCause.optional() }).optional(),
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
