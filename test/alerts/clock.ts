/** A clock tests move by hand: timers fire when the test advances past them, never in real time. */
import type { Clock } from '../../src/alerts/clock.js';

export interface ManualClock extends Clock {
  /** Moves the time forward, firing every timer that falls due, in order. */
  advance(ms: number): void;
  /** Moves the time forward to `at` (never back). */
  advanceTo(at: Date | string): void;
  /** Timers not yet fired. */
  pending(): number;
}

export function manualClock(start: Date | string): ManualClock {
  let now = new Date(start).getTime();
  let seq = 0;
  const timers = new Map<number, { at: number; fn: () => void }>();
  const fireDue = () => {
    for (;;) {
      const due = [...timers].filter(([, t]) => t.at <= now).sort((a, b) => a[1].at - b[1].at || a[0] - b[0]);
      const first = due[0];
      if (!first) return;
      timers.delete(first[0]);
      first[1].fn();
    }
  };
  const clock: ManualClock = {
    now: () => new Date(now),
    setTimeout(fn, ms) {
      seq += 1;
      timers.set(seq, { at: now + Math.max(0, ms), fn });
      return seq;
    },
    clearTimeout(handle) {
      timers.delete(handle as number);
    },
    advance(ms) {
      now += ms;
      fireDue();
    },
    advanceTo(at) {
      now = Math.max(now, new Date(at).getTime());
      fireDue();
    },
    pending: () => timers.size,
  };
  return clock;
}
