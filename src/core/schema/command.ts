/** Commands: what a person or CI asks for. */
import { z } from 'zod';
import { isZone, parseInstant } from '../time.js';
import { NOTE_LIMITS } from './parts.js';
import { CommitSha, GateStatus, GoNoGo, HttpUrl, Id, ReleaseTag, RoleHolder, Text } from './primitives.js';

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

/**
 * A person's explicit go-ahead for a change that takes the GO from under a running phase (core/commands.ts): refused
 * without it, naming what it would do; recorded with its reason.
 */
export const Confirmation = z.object({ reason: Text(1000, 'reason of the confirmation') });
export type Confirmation = z.infer<typeof Confirmation>;

/**
 * What a person may set the reminders to: whole hours, each within its range (a form's number fields and the
 * command's words read these, and say them when a value is outside).
 */
export const REMINDER_RANGES = {
  /** The sign-off and blocker nudges, and each window notice: hours. */
  hours: { min: 1, max: 24 * 30 },
  /** The digest and the quiet hours: an hour of the day. */
  hour: { min: 0, max: 23 },
  /** At most this many window notices. */
  leads: 5,
} as const;

/** A whole number within a range, the range named in the refusal. */
const Whole = ({ min, max }: { min: number; max: number }, unit: string) =>
  z
    .number()
    .int(`give a whole number of ${unit} from ${min} to ${max}`)
    .min(min, `give a whole number of ${unit} from ${min} to ${max}`)
    .max(max, `give a whole number of ${unit} from ${min} to ${max}`);
const Hours = Whole(REMINDER_RANGES.hours, 'hours');
const HourOfDay = Whole(REMINDER_RANGES.hour, 'the hour of the day');

const Commands = z.discriminatedUnion('type', [
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
        signoffAfterHours: Hours,
        blockerStaleHours: Hours,
        windowLeadHours: z
          .array(Hours)
          .max(REMINDER_RANGES.leads, `give at most ${REMINDER_RANGES.leads} window notices`),
        digestHour: HourOfDay,
        quietHours: z.object({ from: HourOfDay, to: HourOfDay }).nullable(),
        zone: z.string().min(1),
      })
      .partial(),
  }),
  z.object({ type: z.literal('archive'), reason: z.string().trim().max(1000).optional() }),
  /** A side's CI: this commit of this repository holds the decision record of the bilateral GO `go`. */
  z.object({
    type: z.literal('record.report'),
    side: Id,
    repo: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9_.-]{1,100}\/[A-Za-z0-9_.-]{1,100}$/, 'give the repository as owner/name'),
    commit: CommitSha,
    contentHash: z
      .string()
      .trim()
      .regex(/^[0-9a-f]{64}$/, 'give the sha256 hex of the record (its ETag, or `sha256sum` of the file)'),
    go: z.string().min(1),
  }),
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

/** Any command may carry a confirmation; only one that would take a running phase's GO needs it. */
export const Command = Commands.and(z.object({ confirm: Confirmation.optional() }));
export type Command = z.infer<typeof Command>;
export type CommandInput = z.input<typeof Command>;
export type CommandType = Command['type'];
