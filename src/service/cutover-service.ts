/**
 * The one way a change happens: inside the store's write queue, the core decides, and the new state, its
 * history lines, whatever `compose` adds (the alerts) and the request's key are on disk in one write before the
 * caller hears the outcome. A refusal writes nothing. After the write, `onCommitted` listeners hear of it
 * (delivery, App Home).
 *
 * A request is applied once: with a `requestKey`, a repeat of a request already applied answers as the first did
 * and writes nothing; the same key with another `requestHash` is refused as a conflict. Keys are kept 24 hours.
 */
import { execute, type Outcome } from '../core/commands.js';
import { conflict, type DomainError } from '../core/errors.js';
import type { Actor, Cutover, HistoryEntry } from '../core/schema.js';
import type { Store, StoreHealth } from '../store/store.js';
import { REQUEST_KEY_TTL_MS, type StoreDocument } from './document.js';

export type Committed = Extract<Outcome, { ok: true }>;

/** One change as it was committed: what it was, before and after, by whom, when. */
export interface Change {
  outcome: Committed;
  before: Cutover;
  actor: Actor;
  now: Date;
}

interface ServiceHooks {
  /** Pure: adds to the document what must be stored in the same write as the change (the alerts). */
  compose?: (doc: StoreDocument, change: Change) => StoreDocument;
}

export interface RunOptions {
  /**
   * What identifies this request, so that it applies once: `slack:<trigger_id>`, `view:<id>:<hash>`,
   * `event:<event_id>`, `ci:<Idempotency-Key>`.
   */
  requestKey?: string;
  /** A fingerprint of the request's content: the same key with another fingerprint is a conflict. */
  requestHash?: string;
  /** Epoch ms (wall clock): a change not decided by then is refused unwritten (Slack's ack window passed). */
  deadline?: number;
  /**
   * Decided inside the transaction, against the latest committed document, before the rules: a refusal here (a CI
   * token revoked meanwhile) is the outcome, and nothing is written.
   */
  guard?: (doc: StoreDocument) => DomainError | undefined;
  /** Pure: bookkeeping written in the same write as the change, if it commits (a token's last use). */
  also?: (doc: StoreDocument) => StoreDocument;
}

/**
 * `cutover()`, `document()` and `history()` answer at once from the store's snapshot (Store.snapshot): the state as
 * this process last knew it, for display. Once another process can write, they may lag its changes: a change is
 * never decided against them, but inside `run` (or `update`), against the latest committed document.
 */
export interface CutoverService {
  cutover(): Cutover;
  /** The whole stored document (read-only). */
  document(): StoreDocument;
  /** The newest `limit` history entries, newest first. */
  history(limit: number): HistoryEntry[];
  run(input: unknown, actor: Actor, now: Date, options?: RunOptions): Promise<Outcome>;
  /** A write of the bot's own bookkeeping (outbox, board, reminders, users) through the same queue. */
  update<R>(fn: (doc: StoreDocument) => { next?: StoreDocument; result: R }): Promise<R>;
  /** Whether this program's store can save changes now. */
  health(): Promise<StoreHealth>;
  /**
   * Called after this process's committed changes (as onCommitted, not its bookkeeping) and whenever another
   * process's commit is heard of (a shared database: changes and bookkeeping alike). For workers that look at the
   * document again; returns an unsubscribe function.
   */
  onChanged(listener: () => void): () => void;
  /** Called when another process's commit is heard of (a shared database); returns an unsubscribe function. */
  onRemoteChange(listener: () => void): () => void;
  /** Called after every committed change; returns an unsubscribe function. */
  onCommitted(listener: (change: Change) => void): () => void;
}

/** Request keys younger than the TTL at `now`. */
function liveRequests(doc: StoreDocument, now: Date): StoreDocument['requests'] {
  const cutoff = now.getTime() - REQUEST_KEY_TTL_MS;
  const out: StoreDocument['requests'] = {};
  for (const [key, r] of Object.entries(doc.requests)) if (Date.parse(r.at) > cutoff) out[key] = r;
  return out;
}

export function createCutoverService(store: Store<StoreDocument>, hooks: ServiceHooks = {}): CutoverService {
  const listeners = new Set<(change: Change) => void>();
  /** Hear of this process's committed changes and of other processes' commits (see onChanged). */
  const changed = new Set<() => void>();
  return {
    cutover: () => store.snapshot().cutover,
    document: () => store.snapshot(),
    history: (limit) => store.snapshot().history.slice(-limit).reverse(),
    update: (fn) => store.update(fn),
    health: () => store.health(),
    onRemoteChange: (listener) => store.onChange?.(listener) ?? (() => undefined),
    onChanged(listener) {
      changed.add(listener);
      const offRemote = store.onChange?.(listener);
      return () => {
        changed.delete(listener);
        offRemote?.();
      };
    },
    onCommitted(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async run(input, actor, now, options = {}) {
      const { requestKey: key, requestHash: hash } = options;
      const result = await store.update<{ outcome: Outcome; change?: Change }>(
        (doc) => {
          const guarded = options.guard?.(doc);
          if (guarded) return { result: { outcome: { ok: false, error: guarded } } };
          const seen = key ? doc.requests[key] : undefined;
          if (seen && Date.parse(seen.at) > now.getTime() - REQUEST_KEY_TTL_MS) {
            if (seen.hash !== undefined && hash !== undefined && seen.hash !== hash)
              return {
                result: {
                  outcome: {
                    ok: false,
                    error: conflict(
                      'This request key was already used for a different request; nothing was changed. Send a new key for a new request.',
                    ),
                  },
                },
              };
            return {
              result: {
                outcome: {
                  ok: true,
                  replayed: true,
                  cutover: doc.cutover,
                  events: seen.events,
                  history: [],
                  message: seen.message,
                },
              },
            };
          }
          const outcome = execute(doc.cutover, input, actor, now);
          if (!outcome.ok) return { result: { outcome } };
          let seq = doc.history.at(-1)?.seq ?? 0;
          const added = outcome.history.map((h) => ({ ...h, seq: ++seq }));
          const change: Change = { outcome, before: doc.cutover, actor, now };
          const requests = liveRequests(doc, now);
          if (key)
            requests[key] = {
              at: now.toISOString(),
              ...(hash === undefined ? {} : { hash }),
              message: outcome.message,
              events: outcome.events,
            };
          const changed = {
            ...doc,
            cutover: outcome.cutover,
            history: [...doc.history, ...added],
            requests,
          };
          const next = options.also ? options.also(changed) : changed;
          return { next: hooks.compose ? hooks.compose(next, change) : next, result: { outcome, change } };
        },
        options.deadline === undefined ? undefined : { deadline: options.deadline },
      );
      // The change is committed: a failing listener must not turn it into an error for the person.
      if (result.change) for (const l of changed) l();
      if (result.change)
        for (const l of listeners)
          try {
            l(result.change);
          } catch (e) {
            console.error('a change listener failed', e);
          }
      return result.outcome;
    },
  };
}
