/**
 * The time the alert machinery runs on, injected: production uses the system clock and real timers; tests use a
 * manual clock they move by hand, so nothing waits in real time.
 */
export interface Clock {
  now(): Date;
  /** Calls `fn` once, `ms` from now on this clock. */
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemClock: Clock = {
  now: () => new Date(),
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, Math.max(0, ms));
    // The HTTP server or the socket keeps the process alive, not a pending retry.
    t.unref();
    return t;
  },
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};
