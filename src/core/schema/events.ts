/**
 * What happened: the domain events a change yields, and the history entries that keep them. A history entry holds
 * the core's typed event (who, when, as admin, what); each surface says it in its own language when it reads it.
 * Entries written before history was typed (prose: action, subject, before, after, note) open as `legacy` events,
 * kept as they were written.
 */
import { z } from 'zod';
import { TargetRef, VoidCause } from './parts.js';
import { GateStatus, GoNoGo, Id, Instant, PhaseStatus } from './primitives.js';

/** A commit a gate result is for: its SHA, and the release tag it was published as, if it was. */
const Commit = z.object({ sha: z.string(), tag: z.string().optional() });

/** What happened, for alerts, App Home and history: one per observable change. */
export const DomainEvent = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('role.assigned'),
    role: Id,
    before: z.string().nullable(),
    after: z.string().nullable(),
    /** The role's title at the time. */
    title: z.string().optional(),
  }),
  z.object({
    type: z.literal('blocker.added'),
    blocker: Id,
    /** As typed, the role that owns it and the phase it blocks. */
    title: z.string().optional(),
    owner: Id.optional(),
    phase: Id.optional(),
  }),
  z.object({
    type: z.literal('blocker.cleared'),
    blocker: Id,
    derived: z.boolean(),
    title: z.string().optional(),
    evidenceUrl: z.string().optional(),
  }),
  z.object({
    type: z.literal('blocker.reopened'),
    blocker: Id,
    derived: z.boolean(),
    reason: z.string(),
    title: z.string().optional(),
  }),
  z.object({
    type: z.literal('gate.changed'),
    gate: Id,
    before: GateStatus,
    after: GateStatus,
    derived: z.boolean(),
    /** The commit the result is for (per-commit manual gates). */
    target: TargetRef.optional(),
    title: z.string().optional(),
    /** The commit a reported result is for, when it is not the current target's (then it does not count). */
    commit: Commit.optional(),
    /** False: recorded, but for a commit that is not the current target, so the gate's state did not move. */
    counts: z.boolean().optional(),
    evidenceUrl: z.string().optional(),
    runUrl: z.string().optional(),
  }),
  z.object({
    type: z.literal('target.published'),
    tag: z.string(),
    sha: z.string(),
    /** The target it replaced. */
    replaced: TargetRef.optional(),
  }),
  z.object({ type: z.literal('target.approved'), tag: z.string(), sha: z.string() }),
  z.object({
    type: z.literal('evidence.logged'),
    evidence: Id,
    url: z.string(),
    title: z.string().optional(),
    /** The target it was logged for. */
    target: TargetRef.optional(),
  }),
  z.object({
    type: z.literal('signoff.given'),
    side: Id,
    decision: GoNoGo,
    /** The target the sign-off binds to (what the signer was shown), as typed rationale and link. */
    target: TargetRef.optional(),
    rationale: z.string().optional(),
    evidenceUrl: z.string().optional(),
    /** The side's sign-off it replaced. */
    replaced: GoNoGo.optional(),
    /** Signed as a member of the user group holding the commander role. */
    membership: z.object({ group: z.string(), confirmedAt: Instant }).optional(),
  }),
  z.object({
    type: z.literal('signoff.voided'),
    side: Id,
    /** Why, in the core's words; `cause` says it as data. */
    reason: z.string(),
    cause: VoidCause.optional(),
    /** The voided sign-off: its decision and who gave it. */
    decision: GoNoGo.optional(),
    signer: z.string().optional(),
  }),
  z.object({
    type: z.literal('decision.changed'),
    decision: Id,
    before: GoNoGo,
    after: GoNoGo,
    title: z.string().optional(),
    /** The rationale given with it. */
    rationale: z.string().optional(),
    /** Set by the bot: its requirements no longer held. */
    automatic: z.boolean().optional(),
  }),
  /**
   * A decision lost its GO while a phase it allows was running (core/commands.ts): told first and loudly, with who
   * must act. `reason`: the confirmation's, an explicit decision's rationale, or what CI reported.
   */
  z.object({
    type: z.literal('go.lost'),
    decision: Id,
    phases: z.array(Id).min(1),
    how: z.enum(['confirmed', 'decided', 'ci']),
    reason: z.string().optional(),
  }),
  z.object({
    type: z.literal('phase.changed'),
    phase: Id,
    before: PhaseStatus,
    after: PhaseStatus,
    title: z.string().optional(),
  }),
  z.object({
    type: z.literal('window.set'),
    start: Instant,
    end: Instant,
    /** The window it replaced. */
    replaced: z.object({ start: Instant, end: Instant }).optional(),
  }),
  z.object({ type: z.literal('window.cleared'), start: Instant, end: Instant }),
  /** The program's shape changed: an item added, renamed or removed, a role retitled, the reminders changed. */
  z.object({
    type: z.literal('program.shaped'),
    what: z.enum(['gate', 'evidence', 'blocker', 'role', 'reminders']),
    item: z.string().optional(),
    change: z.enum(['added', 'renamed', 'removed', 'changed']),
    title: z.string().optional(),
    /** The title it had before a rename or removal. */
    was: z.string().optional(),
    /** The reminder settings that changed, by field. */
    fields: z.array(z.string()).optional(),
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
    /** The text as the person wrote it (set), and what it replaced. */
    text: z.string().optional(),
    was: z.string().optional(),
  }),
  /** A side reported the commit of its repository that holds the decision record of the current GO. */
  z.object({
    type: z.literal('record.reported'),
    side: Id,
    repo: z.string(),
    commit: z.string(),
    contentHash: z.string(),
  }),
]);
export type DomainEvent = z.infer<typeof DomainEvent>;

/** A history line written before history was typed: kept, and shown, as it was written. */
export const LegacyEvent = z.object({
  type: z.literal('legacy'),
  action: z.string(),
  subject: z.string(),
  before: z.string(),
  after: z.string(),
  note: z.string().optional(),
});
export type LegacyEvent = z.infer<typeof LegacyEvent>;

/** What a history entry holds: one of the core's events, or a legacy line. */
export const HistoryEvent = z.discriminatedUnion('type', [...DomainEvent.options, LegacyEvent]);
export type HistoryEvent = z.infer<typeof HistoryEvent>;

const Entry = {
  seq: z.number().int().nonnegative(),
  at: Instant,
  /** "<@U…>"-free: a user id, "CI: <name>" or "cutover-bot". */
  by: z.string(),
  asAdmin: z.boolean().default(false),
};

/** An entry as the store held it before history was typed: opened as a `legacy` event. */
const ProseEntry = z
  .object({
    ...Entry,
    action: z.string(),
    subject: z.string(),
    before: z.string(),
    after: z.string(),
    note: z.string().optional(),
  })
  .transform(({ seq, at, by, asAdmin, ...prose }) => ({
    seq,
    at,
    by,
    asAdmin,
    event: { type: 'legacy' as const, ...prose },
  }));

export const TypedEntry = z.object({ ...Entry, event: HistoryEvent });

/** One history entry: the typed event of one change, or a prose line of an older store opened as legacy. */
export const HistoryEntry = z.union([TypedEntry, ProseEntry]);
export type HistoryEntry = z.infer<typeof TypedEntry>;
