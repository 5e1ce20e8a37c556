/** The document the store keeps: the live cutover, its history, and what the bot must still tell Slack. */
import { z } from 'zod';
import { CiToken, Cutover, DomainEvent, HistoryEntry, Id, Instant } from '../core/schema.js';

export const STORE_VERSION = 1;

/** A message waiting to be posted: stored in the same write as the change it tells of. */
export const OutboxItem = z.object({
  /** Unique; the de-duplication key of the delivery. */
  id: z.string(),
  channel: z.string(),
  kind: z.enum(['alert', 'reminder', 'digest']),
  /** mrkdwn, already escaped. */
  text: z.string(),
  /** User ids the text mentions, for folding and App Home refresh. */
  mentions: z.array(z.string()).default([]),
  /** Buttons for the next actions the text asks for (each names its program and item). */
  buttons: z.array(z.object({ text: z.string(), actionId: z.string(), value: z.string() })).optional(),
  createdAt: Instant,
  attempts: z.number().int().nonnegative().default(0),
  /** Not before this instant (backoff, Retry-After). */
  notBefore: Instant.optional(),
  lastError: z.string().optional(),
  /** A failed attempt may still have reached Slack (connection lost, 5xx): look for it before posting again. */
  maybePosted: z.boolean().optional(),
  /** The Slack user whose change this tells (absent for CI, reminders, digests): told if it cannot be posted. */
  actor: z.string().optional(),
});
export type OutboxItem = z.infer<typeof OutboxItem>;

/** The answer a request got the first time, kept so that a repeat gets the same one. */
const AppliedRequest = z.object({
  at: Instant,
  /** A fingerprint of the request body: the same key with another body is refused. */
  hash: z.string().optional(),
  message: z.string(),
  events: z.array(DomainEvent).default([]),
});

/** How long a request key is remembered. */
export const REQUEST_KEY_TTL_MS = 24 * 60 * 60 * 1000;

export const StoreDocument = z.object({
  cutover: Cutover,
  /** The most recent history (the store keeps the whole of it in an append-only file beside the document). */
  history: z.array(HistoryEntry),
  outbox: z.array(OutboxItem).default([]),
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
   * Requests already applied, by key (Slack trigger_id or view id+hash, Events API event_id, CI Idempotency-Key),
   * with what they answered: a repeat answers the same and writes nothing. Kept for 24 hours.
   */
  requests: z.record(z.string(), AppliedRequest).default({}),
  /**
   * The bot cannot post in this channel (`not_in_channel`, `channel_not_found`) since `since`: admins see it on App
   * Home, and each person in `told` has had a direct message about it. Cleared when a post there succeeds again.
   */
  channelProblem: z
    .object({ channel: z.string(), error: z.string(), since: Instant, told: z.array(z.string()).default([]) })
    .optional(),
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
        answer: z.object({ state: z.enum(['approved', 'rejected']), comment: z.string() }).optional(),
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
