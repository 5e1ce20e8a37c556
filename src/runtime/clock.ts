/**
 * The bot's one clock: what time it is and its timers. `bot.ts` makes it once (the system clock, or the one a test
 * gives) and hands it to everything that reads the time or waits: the listeners, the CI API, the alert machinery,
 * App Home and the Slack clients. Production uses the system clock and real timers; tests use a manual clock they
 * move by hand, so nothing waits in real time.
 */
export interface Clock {
  now(): Date;
  /** Calls `fn` once, `ms` from now on this clock. */
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/**
 * The longest single timer: a longer wait (a 25-day `Retry-After`) is armed an hour at a time until it is due (see
 * `after`). Node cannot hold a timer beyond 2^31-1 ms (about 24.8 days): it fires one after 1 ms instead, with a
 * `TimeoutOverflowWarning`, and a loop that asks again spins.
 */
export const MAX_TIMER_MS = 60 * 60 * 1000;

export const systemClock: Clock = {
  now: () => new Date(),
  setTimeout: (fn, ms) => {
    // Callers wait longer than this through `after`; the clamp only keeps a stray long timer from overflowing.
    const t = setTimeout(fn, Math.min(MAX_TIMER_MS, Math.max(0, ms)));
    // The HTTP server or the socket keeps the process alive, not a pending retry.
    t.unref();
    return t;
  },
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/**
 * Calls `fn` once when `ms` have passed on `clock`, with timers of at most `MAX_TIMER_MS` each (re-armed until the
 * due time). Every wait of the bot's workers (worker.ts) and Slack clients goes through here. Returns the cancel.
 */
export function after(clock: Clock, ms: number, fn: () => void): () => void {
  // Counted down by the timers themselves, not by `now()`: a clock's `now` may be the bot's own (fixed in a test)
  // while its timers are real.
  let left = Math.max(0, ms);
  let handle: unknown;
  let cancelled = false;
  const arm = () => {
    const step = Math.min(MAX_TIMER_MS, left);
    handle = clock.setTimeout(() => {
      handle = undefined;
      left -= step;
      if (cancelled) return;
      if (left > 0) arm();
      else fn();
    }, step);
  };
  arm();
  return () => {
    cancelled = true;
    if (handle !== undefined) clock.clearTimeout(handle);
    handle = undefined;
  };
}
