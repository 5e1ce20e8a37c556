/** What happened: history entries and the domain events a change yields. */
import { z } from 'zod';
import { TargetRef } from './parts.js';
import { GateStatus, GoNoGo, Id, Instant, PhaseStatus } from './primitives.js';

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
