/** The document the store keeps: the live cutover, its history, and what the bot must still tell Slack. */
import { z } from 'zod';
import { Obligation } from '../core/obligations.js';
import {
  Actor,
  CiToken,
  Cutover,
  CutoverInParts,
  DomainEvent,
  HistoryEntry,
  Id,
  Instant,
  TargetRef,
} from '../core/schema.js';
import { inParts } from '../store/changed-parts.js';

export const STORE_VERSION = 1;

// A change to the program is checked for what it changed, then for its cross-references (store/changed-parts.ts).
inParts.set(Cutover, CutoverInParts);

/**
 * What every outbox item carries for its delivery, whatever it tells: the de-duplication key, where it goes, and
 * the state of its attempts.
 */
const Delivery = {
  /** Unique; the de-duplication key of the delivery. */
  id: z.string(),
  channel: z.string(),
  createdAt: Instant,
  attempts: z.number().int().nonnegative().default(0),
  /** Not before this instant (backoff, Retry-After). */
  notBefore: Instant.optional(),
  lastError: z.string().optional(),
  /** A failed attempt may still have reached Slack (connection lost, 5xx): look for it before posting again. */
  maybePosted: z.boolean().optional(),
  /** The Slack user whose change this tells (absent for CI, reminders, digests): told if it cannot be posted. */
  actor: z.string().optional(),
  /**
   * Slack refused the payload (alerts/refused.ts): the text goes out without blocks, the buttons' actions named as
   * commands; `short` is that text cut, without metadata. Each is tried once; after `short` the item leaves the
   * outbox with its reason in `refused`.
   */
  degraded: z.enum(['text', 'short']).optional(),
};

/**
 * The alert of one committed change, stored in the same write as the change: the core's typed events, who made
 * it and when (`createdAt`). Its text, who its "Next:" asks and its buttons are worked out at delivery
 * (alerts/render.ts), from the program as it stands then.
 */
export const AlertItem = z.object({
  ...Delivery,
  kind: z.literal('alert'),
  program: Id,
  events: z.array(DomainEvent).min(1),
  by: Actor,
  /** The change was made under admin rights. */
  asAdmin: z.boolean().optional(),
});
export type AlertItem = z.infer<typeof AlertItem>;

/** What a reminder nudges or tells, typed: rendered at delivery. */
export const Reminder = z.discriminatedUnion('type', [
  /** The window starts soon (`createdAt` is when the lead was due): everyone who holds a role is told. */
  z.object({ type: z.literal('window'), start: Instant, end: Instant }),
  /** A side owes a sign-off on the approved target since `anchor`. */
  z.object({
    type: z.literal('signoff'),
    side: Id,
    target: TargetRef,
    approvedAt: Instant,
    anchor: Instant,
    /** The side's sign-off that stands (not GO), if any. */
    standing: z.enum(['go', 'no-go']).optional(),
    owed: Obligation,
  }),
  /** A manual blocker has not moved since `since`. */
  z.object({ type: z.literal('blocker'), blocker: Id, since: Instant, owed: Obligation }),
]);
export type Reminder = z.infer<typeof Reminder>;

export const ReminderItem = z.object({
  ...Delivery,
  kind: z.literal('reminder'),
  program: Id,
  reminder: Reminder,
});
export type ReminderItem = z.infer<typeof ReminderItem>;

/**
 * Changes counted, not told one by one: once a channel has `ALERTS_TOLD_WAITING` alerts waiting (more than its next
 * messages can tell at Slack's pace), a routine change (alerts/messages.ts) is counted in the channel's last item
 * if that is a tally not yet tried, or starts one. Bounded, however fast the changes come.
 */
export const TallyItem = z.object({
  ...Delivery,
  kind: z.literal('tally'),
  program: Id,
  /** How many changes, by the type of their first event. */
  counts: z.record(z.string(), z.number().int().positive()),
  /** The history sequence numbers of the first and the last change counted. */
  seqs: z.object({ from: z.number().int().nonnegative(), to: z.number().int().nonnegative() }),
  /** When the last change counted was made (`createdAt`: the first). */
  lastAt: Instant,
});
export type TallyItem = z.infer<typeof TallyItem>;

/** The daily digest of `day` (the program's local day): where the decision stands when it is delivered. */
export const DigestItem = z.object({ ...Delivery, kind: z.literal('digest'), program: Id, day: z.string() });
export type DigestItem = z.infer<typeof DigestItem>;

/** A GitHub deployment waits on the go check, or was answered (src/github/). */
export const DeploymentItem = z.object({
  ...Delivery,
  kind: z.literal('deployment'),
  program: Id,
  deployment: z.object({ repo: z.string(), environment: z.string(), sha: z.string() }),
  what: z.enum(['waits', 'approved', 'rejected']),
  /** Why, in the go check's plain words (escaped when rendered). */
  why: z.string(),
});
export type DeploymentItem = z.infer<typeof DeploymentItem>;

/** A button of a legacy item: its label, action id and value. */
const LegacyButton = z.object({ text: z.string(), actionId: z.string(), value: z.string() });
const legacyText = {
  /** mrkdwn, already escaped. */
  text: z.string(),
  /** User ids the text mentions. */
  mentions: z.array(z.string()).default([]),
  /** Buttons for the next actions the text asks for. */
  buttons: z.array(LegacyButton).optional(),
};

/**
 * An item queued by a version that stored the text itself (mrkdwn, mentions and Slack action ids): delivered once,
 * as it was written. Read from either its old form (`kind` alert, reminder or digest, with `text`) or this one.
 */
export const LegacyItem = z.object({
  ...Delivery,
  kind: z.literal('legacy'),
  was: z.enum(['alert', 'reminder', 'digest']),
  ...legacyText,
});
export type LegacyItem = z.infer<typeof LegacyItem>;
const LegacyOnDisk = z
  .object({ ...Delivery, kind: z.enum(['alert', 'reminder', 'digest']), ...legacyText })
  .transform(({ kind, ...rest }): LegacyItem => ({ ...rest, kind: 'legacy', was: kind }));

/**
 * A message waiting to be posted: stored in the same write as the change (or the reminder mark) it tells of, as
 * typed data; its text is composed when it is delivered.
 */
export const OutboxItem = z.union([
  AlertItem,
  TallyItem,
  ReminderItem,
  DigestItem,
  DeploymentItem,
  LegacyItem,
  LegacyOnDisk,
]);
export type OutboxItem = z.infer<typeof OutboxItem>;

/**
 * Something an alert's "Next:" asked of a holder (or that fell on the actor of the change, who knows it): not asked
 * again while it stays owed. The key is the obligation's (alerts/asked.ts); dropped once it is no longer owed, so a
 * thing owed again is asked again.
 */
export const AskedEntry = z.object({ key: z.string(), at: Instant });
export type AskedEntry = z.infer<typeof AskedEntry>;

/** An alert Slack refused (invalid_blocks, msg_too_long…): what was refused, and how it was delivered after. */
export const RefusedAlert = z.object({
  id: z.string(),
  channel: z.string(),
  /** Slack's error code. */
  error: z.string(),
  at: Instant,
  /** The payload's shape (block count and kinds, sizes), never its text. */
  shape: z.string(),
  /** How it reached the channel after: as plain text, as cut text, or not at all (`undelivered`). */
  outcome: z.enum(['resending', 'text', 'short', 'undelivered']),
});
export type RefusedAlert = z.infer<typeof RefusedAlert>;

/**
 * The answer a request got the first time, kept so that a repeat gets the same one: beside the program's document
 * (the store's request keys, store.ts `RequestKeys`), not in it; the catalog keeps its few program starts inside.
 */
export const AppliedRequest = z.object({
  at: Instant,
  /** A fingerprint of the request body: the same key with another body is refused. */
  hash: z.string().optional(),
  message: z.string(),
  events: z.array(DomainEvent).default([]),
});
export type AppliedRequest = z.infer<typeof AppliedRequest>;

/** How long a request key is remembered. */
export const REQUEST_KEY_TTL_MS = 24 * 60 * 60 * 1000;

export const StoreDocument = z.object({
  cutover: Cutover,
  /** The most recent history (the store keeps the whole of it in an append-only file beside the document). */
  history: z.array(HistoryEntry),
  outbox: z.array(OutboxItem).default([]),
  /**
   * What alerts have asked, and of whom, while it is still owed (AskedEntry); absent until the program's first
   * alerted change seeds it (alerts/asked.ts `seedLedger`).
   */
  asked: z.array(AskedEntry).optional(),
  /** Ids of recently delivered outbox items with the message ts, newest last (bounded): a retry never posts twice. */
  delivered: z.array(z.object({ id: z.string(), ts: z.string(), at: Instant })).default([]),
  /**
   * Which replica delivers this program's alerts and keeps its board, until when (alerts/lease.ts): renewed while
   * it works, taken over by another once it runs out.
   */
  lease: z.object({ by: z.string(), until: Instant }).optional(),
  /** The live status board message in the channel. */
  board: z.object({ channel: z.string(), ts: z.string() }).optional(),
  /** Reminder keys already sent, with when: restart-safe, never doubled. */
  reminders: z.record(z.string(), Instant).default({}),
  /**
   * The bot cannot post in this channel (`not_in_channel`, `channel_not_found`) since `since`: admins see it on App
   * Home, and each person in `told` has had a direct message about it. Cleared when a post there succeeds again.
   */
  channelProblem: z
    .object({ channel: z.string(), error: z.string(), since: Instant, told: z.array(z.string()).default([]) })
    .optional(),
  /** Alerts Slack refused as sent, newest last (bounded): admins see them on App Home. */
  refused: z.array(RefusedAlert).default([]),
  /**
   * The decision record's content hashes (sha256 hex of the Markdown) as it stood after each change while a bilateral
   * GO was in force, with that GO (record/ledger.ts): a side's report of a commit holding the record is checked
   * against them. Newest last, bounded.
   */
  recordHashes: z.array(z.object({ hash: z.string(), go: z.string(), at: Instant })).default([]),
  /**
   * GitHub deployments waiting on this program's go check, and those answered (src/github/): each answered once through
   * its callback. `answering` is claimed by a replica until `claimUntil` before it calls GitHub; answered ones are
   * kept (bounded) so a redelivered webhook is known.
   */
  deployments: z
    .array(
      z.object({
        /** `<repo>#<deployment id>#<environment>`: one answer per deployment and environment. */
        key: z.string(),
        repo: z.string(),
        environment: z.string(),
        sha: z.string(),
        deploymentId: z.number(),
        callbackUrl: z.string(),
        installationId: z.number(),
        receivedAt: Instant,
        state: z.enum(['waiting', 'answering', 'approved', 'rejected']),
        /** The answer decided (set with `answering`), and when it was given. */
        answer: z
          .object({
            state: z.enum(['approved', 'rejected']),
            comment: z.string(),
            /** The plain words the channel is told (absent in answers stored before it was kept). */
            why: z.string().optional(),
          })
          .optional(),
        claim: z.object({ by: z.string(), until: Instant }).optional(),
        answeredAt: Instant.optional(),
        attempts: z.number().int().nonnegative().default(0),
        lastError: z.string().optional(),
      }),
    )
    .default([]),
  /**
   * The program's CI tokens (core/schema/tokens.ts), hashes only. Kept here, beside the cutover and never in it:
   * a program started from this one copies none, and neither the record nor the program file shows them.
   */
  tokens: z.array(CiToken).default([]),
  /** Display names from users.info, cached for the offline record. */
  users: z.record(z.string(), z.object({ name: z.string(), fetchedAt: Instant })).default({}),
});
export type StoreDocument = z.infer<typeof StoreDocument>;

export const newDocument = (cutover: Cutover): StoreDocument => StoreDocument.parse({ cutover, history: [] });

/**
 * The requests a program's store has applied (Slack trigger_id or view id+hash, Events API event_id, CI
 * Idempotency-Key), with what they answered, kept 24 hours beside the document: a repeat answers the same and
 * writes nothing. `requests` is where a document written by an earlier version kept them (moved out on open).
 */
export const REQUEST_KEYS = { entry: AppliedRequest, ttlMs: REQUEST_KEY_TTL_MS, legacyField: 'requests' };

/**
 * The store's layout version: 2 is many programs (a catalog, and one document and history log per program); 1 was
 * the one program in the store file (`StoreDocument` at `STORE_VERSION`), upgraded on first start.
 */
export const CATALOG_VERSION = 2;

/** A program the store holds, in the order they were started. Its state is its own document. */
export const ProgramEntry = z.object({
  id: Id,
  /** The channel it was started in (the program's document says where it is now, and whether it is archived). */
  channel: z.string().optional(),
  /** Absent for the program upgraded from the layout before. */
  createdAt: Instant.optional(),
  /** Who started it (a user id), and from which template. */
  createdBy: z.string().optional(),
  from: z.string().optional(),
});
export type ProgramEntry = z.infer<typeof ProgramEntry>;

/** The catalog: which programs are committed, and the requests that created them (applied once). */
export const Catalog = z.object({
  programs: z.array(ProgramEntry).default([]),
  requests: z.record(z.string(), AppliedRequest).default({}),
});
export type Catalog = z.infer<typeof Catalog>;
