/**
 * A clock tests move by hand: timers fire when the test advances past them, never in real time. Like Node, it
 * cannot hold a timer longer than 2^31-1 ms: such a timer fires after 1 ms (and is counted in `overflows`).
 */
import type { Clock } from '../../src/runtime/clock.js';

/** Node's longest timer; a longer one fires after 1 ms, with a `TimeoutOverflowWarning`. */
export const NODE_MAX_TIMER_MS = 2 ** 31 - 1;

export interface ManualClock extends Clock {
  /** Moves the time forward, firing every timer that falls due, in order. */
  advance(ms: number): void;
  /** Moves the time forward to `at` (never back). */
  advanceTo(at: Date | string): void;
  /** Timers not yet fired. */
  pending(): number;
  /** How far ahead (ms) each pending timer is due. */
  pendingDelays(): number[];
  /** Timers fired so far. */
  fired(): number;
  /** Timers asked for beyond Node's limit (each fired after 1 ms, as Node does). */
  overflows(): number;
}

export function manualClock(start: Date | string): ManualClock {
  let now = new Date(start).getTime();
  let seq = 0;
  let fired = 0;
  let overflows = 0;
  const timers = new Map<number, { at: number; fn: () => void }>();
  /** Fires, in order, every timer due by `until`, each at its own time (a timer it sets counts from then). */
  const fireDue = (until: number) => {
    for (;;) {
      const due = [...timers]
        .filter(([, t]) => t.at <= until)
        .sort((a, b) => a[1].at - b[1].at || a[0] - b[0]);
      const first = due[0];
      if (!first) break;
      timers.delete(first[0]);
      now = Math.max(now, first[1].at);
      fired += 1;
      first[1].fn();
    }
    now = Math.max(now, until);
  };
  const clock: ManualClock = {
    now: () => new Date(now),
    setTimeout(fn, ms) {
      seq += 1;
      if (ms > NODE_MAX_TIMER_MS) overflows += 1;
      timers.set(seq, { at: now + (ms > NODE_MAX_TIMER_MS ? 1 : Math.max(0, ms)), fn });
      return seq;
    },
    clearTimeout(handle) {
      timers.delete(handle as number);
    },
    advance(ms) {
      fireDue(now + ms);
    },
    advanceTo(at) {
      fireDue(Math.max(now, new Date(at).getTime()));
    },
    pending: () => timers.size,
    pendingDelays: () => [...timers.values()].map((t) => t.at - now),
    fired: () => fired,
    overflows: () => overflows,
  };
  return clock;
}
