/**
 * The one way a change happens: inside the store's write queue, the core decides, and the new state, its
 * history lines and whatever `compose` adds (the alerts) are on disk in one write before the caller hears the
 * outcome. A refusal writes nothing. After the write, `onCommitted` listeners hear of it (delivery, App Home).
 */
import { execute, type Outcome } from '../core/commands.js';
import type { Actor, Cutover, HistoryEntry } from '../core/schema.js';
import type { Store } from '../store/store.js';
import type { StoreDocument } from './document.js';

export type Committed = Extract<Outcome, { ok: true }>;

/** One change as it was committed: what it was, before and after, by whom, when. */
export interface Change {
  outcome: Committed;
  before: Cutover;
  actor: Actor;
  now: Date;
}

export interface ServiceHooks {
  /** Pure: adds to the document what must be stored in the same write as the change (the alerts). */
  compose?: (doc: StoreDocument, change: Change) => StoreDocument;
}

export interface CutoverService {
  cutover(): Cutover;
  /** The whole stored document (read-only). */
  document(): StoreDocument;
  /** The newest `limit` history entries, newest first. */
  history(limit: number): HistoryEntry[];
  run(input: unknown, actor: Actor, now: Date): Promise<Outcome>;
  /** A write of the bot's own bookkeeping (outbox, board, reminders, users) through the same queue. */
  update<R>(fn: (doc: StoreDocument) => { next?: StoreDocument; result: R }): Promise<R>;
  /** Called after every committed change; returns an unsubscribe function. */
  onCommitted(listener: (change: Change) => void): () => void;
}

export function createCutoverService(store: Store<StoreDocument>, hooks: ServiceHooks = {}): CutoverService {
  const listeners = new Set<(change: Change) => void>();
  return {
    cutover: () => store.current().cutover,
    document: () => store.current(),
    history: (limit) => store.current().history.slice(-limit).reverse(),
    update: (fn) => store.update(fn),
    onCommitted(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async run(input, actor, now) {
      const result = await store.update<{ outcome: Outcome; change?: Change }>((doc) => {
        const outcome = execute(doc.cutover, input, actor, now);
        if (!outcome.ok) return { result: { outcome } };
        let seq = doc.history.at(-1)?.seq ?? 0;
        const added = outcome.history.map((h) => ({ ...h, seq: ++seq }));
        const change: Change = { outcome, before: doc.cutover, actor, now };
        const next = { ...doc, cutover: outcome.cutover, history: [...doc.history, ...added] };
        return { next: hooks.compose ? hooks.compose(next, change) : next, result: { outcome, change } };
      });
      // The change is committed: a failing listener must not turn it into an error for the person.
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
