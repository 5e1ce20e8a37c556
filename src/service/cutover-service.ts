/**
 * The one way a change happens: inside the store's write queue, the core decides, and the new state and its
 * history lines are on disk before the caller hears the outcome. A refusal writes nothing.
 */
import { execute, type Outcome } from '../core/commands.js';
import type { Actor, Cutover, HistoryEntry } from '../core/schema.js';
import type { Store } from '../store/store.js';
import type { StoreDocument } from './document.js';

export interface CutoverService {
  cutover(): Cutover;
  /** The newest `limit` history entries, newest first. */
  history(limit: number): HistoryEntry[];
  run(input: unknown, actor: Actor, now: Date): Promise<Outcome>;
}

export function createCutoverService(store: Store<StoreDocument>): CutoverService {
  return {
    cutover: () => store.current().cutover,
    history: (limit) => store.current().history.slice(-limit).reverse(),
    run: (input, actor, now) =>
      store.update<Outcome>((doc) => {
        const outcome = execute(doc.cutover, input, actor, now);
        if (!outcome.ok) return { result: outcome };
        let seq = doc.history.at(-1)?.seq ?? 0;
        const added = outcome.history.map((h) => ({ ...h, seq: ++seq }));
        return {
          next: { ...doc, cutover: outcome.cutover, history: [...doc.history, ...added] },
          result: outcome,
        };
      }),
  };
}
