/**
 * A worker that runs one pass at a time: `wake()` asks for a pass now, and a pass answers when it wants the next
 * one (in ms, on the injected clock) or `undefined` (only when woken). Passes never overlap, so a pass may read
 * the store, call Slack and write back without racing itself. `idle()` resolves once nothing runs and nothing is
 * asked for now (a pass waiting on a timer is idle).
 */
import { after, type Clock } from './clock.js';

export interface Loop {
  wake(): void;
  /** A pass runs or is asked for now. */
  busy(): boolean;
  idle(): Promise<void>;
  /** No pass starts after this; resolves when the running one (if any) has finished. */
  stop(): Promise<void>;
}

export function createLoop(
  clock: Clock,
  pass: () => Promise<number | undefined>,
  onError: (e: unknown) => void,
): Loop {
  let running: Promise<void> | undefined;
  let asked = false;
  let stopped = false;
  /** Cancels the armed wait (at most an hour per timer, see `after`). */
  let cancel: (() => void) | undefined;
  let waiters: (() => void)[] = [];

  const settle = () => {
    if (running || asked) return;
    const w = waiters;
    waiters = [];
    for (const resolve of w) resolve();
  };

  const schedule = (ms: number | undefined) => {
    cancel?.();
    cancel = undefined;
    if (ms === undefined || stopped) return;
    if (ms <= 0) {
      wake();
      return;
    }
    cancel = after(clock, ms, () => {
      cancel = undefined;
      wake();
    });
  };

  const run = async () => {
    let next: number | undefined;
    do {
      asked = false;
      try {
        next = await pass();
      } catch (e) {
        onError(e);
        next = undefined;
      }
    } while (asked && !stopped);
    schedule(next);
  };

  function start() {
    // The pass starts on the next turn of the event loop: whoever woke us (a command's ack) is never delayed.
    running = new Promise<void>((resolve) => setImmediate(resolve)).then(run).finally(() => {
      running = undefined;
      if (asked && !stopped) start();
      else {
        asked = false;
        settle();
      }
    });
  }

  function wake() {
    if (stopped) return;
    asked = true;
    if (!running) start();
  }

  return {
    wake,
    busy: () => running !== undefined || asked,
    idle() {
      if (!running && !asked) return Promise.resolve();
      return new Promise((resolve) => waiters.push(resolve));
    },
    async stop() {
      stopped = true;
      schedule(undefined);
      await running;
      asked = false;
      settle();
    },
  };
}
