/**
 * Which replica delivers a program's alerts and keeps its board: the one holding the program's lease, a short
 * claim (`lease` in the program's document) taken and renewed inside a store transaction, so two replicas on one
 * database never both post. A replica that stops renewing (killed, cut off) loses it when it runs out, and the next
 * replica with work takes it over — then looks for what the last holder may have posted and not recorded.
 * With one process (the JSON file) the lease is always this process's.
 */
import type { Clock } from '../clock.js';
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
}

export function createLease(service: CutoverService, replica: string, clock: Clock): Lease {
  /** Until when this replica knows it holds the lease without asking the store. */
  let mine = 0;
  return {
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
