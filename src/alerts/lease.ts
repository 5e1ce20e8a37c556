/**
 * Which replica delivers a program's alerts and keeps its board: the one holding the program's lease, a short
 * claim (`lease` in the program's document) taken and renewed inside a store transaction, so two replicas on one
 * database never both post. A replica that stops renewing (killed, cut off) loses it when it runs out, and the next
 * replica with work takes it over — then looks for what the last holder may have posted and not recorded. A replica
 * that stops cleanly gives it back (`release`, in a store transaction), so the next one with work takes it at once.
 * With one process (the JSON file: its lock makes it the only writer) the lease is always this process's: nothing
 * is written or waited for, whatever lease an earlier process left in the document.
 */
import type { Clock } from '../runtime/clock.js';
import type { CutoverService } from '../service/cutover-service.js';

/** How long a claim lasts unless renewed; it is renewed once half of it has passed. */
export const LEASE_MS = 30_000;

export type LeaseAnswer =
  /** This replica holds it; `takenOver` the first time it got it from another that held it. */
  | { held: true; takenOver: boolean }
  /** Another replica holds it, until then (epoch ms). */
  | { held: false; until: number };

export interface Lease {
  /** Claims or renews the lease now (one store write at most per half lease). */
  hold(): Promise<LeaseAnswer>;
  /** Gives the lease back if this replica holds it (a clean stop): the next replica takes it without waiting. */
  release(): Promise<void>;
}

export function createLease(service: CutoverService, replica: string, clock: Clock): Lease {
  if (service.exclusive())
    return { hold: async () => ({ held: true, takenOver: false }), release: async () => undefined };
  /** Until when this replica knows it holds the lease without asking the store. */
  let mine = 0;
  return {
    async release() {
      if (mine === 0) return;
      mine = 0;
      await service.update((doc) => {
        if (doc.lease?.by !== replica) return { result: undefined }; // taken over meanwhile: not ours to give
        const { lease: _, ...rest } = doc;
        return { next: rest, result: undefined };
      });
    },
    async hold() {
      const now = clock.now().getTime();
      if (mine - now > LEASE_MS / 2) return { held: true, takenOver: false };
      const seen = service.document().lease;
      if (seen && seen.by !== replica && Date.parse(seen.until) > now)
        return { held: false, until: Date.parse(seen.until) };
      const answer = await service.update<LeaseAnswer>((doc) => {
        const l = doc.lease;
        if (l && l.by !== replica && Date.parse(l.until) > now)
          return { result: { held: false, until: Date.parse(l.until) } };
        const until = new Date(now + LEASE_MS).toISOString();
        return {
          next: { ...doc, lease: { by: replica, until } },
          result: { held: true, takenOver: l !== undefined && l.by !== replica },
        };
      });
      if (answer.held) mine = now + LEASE_MS;
      return answer;
    },
  };
}
