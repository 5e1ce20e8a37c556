/**
 * The one lifecycle of the bot's background work: alert delivery, the status board, reminders and App Home are each
 * a worker. A worker runs one pass at a time: `wake()` asks for a pass now, and a pass answers when it wants the
 * next one (in ms, on the bot's clock) or `undefined` (only when woken). Passes never overlap, so a pass may read
 * the store, call Slack and write back without racing itself; a pass starts on the next turn of the event loop, so
 * whoever woke it (a command's ack) is never delayed. `idle()` resolves once nothing runs and nothing is asked for
 * now (a pass waiting on a timer is idle).
 */
import { after, type Clock } from './clock.js';

export interface Worker {
  /** Subscribes to what wakes the worker (`wakeOn`) and asks for a first pass. */
  start(): void;
  /** Asks for a pass now (nothing after `stop`). */
  wake(): void;
  /** A pass runs or is asked for now. */
  busy(): boolean;
  idle(): Promise<void>;
  /** Unsubscribes; no pass starts after this; resolves when the running one (if any) has finished. */
  stop(): Promise<void>;
}

interface WorkerSpec {
  clock: Clock;
  /** One pass: answers in how many ms it wants the next, or `undefined` to wait until woken. */
  pass: () => Promise<number | undefined>;
  /** A pass that throws: the worker goes on, and waits to be woken. */
  onError: (e: unknown) => void;
  /** What wakes the worker besides its timers, from `start` to `stop`: `(wake) => service.onCommitted(wake)`. */
  wakeOn?: (wake: () => void) => () => void;
}

export function createWorker({ clock, pass, onError, wakeOn }: WorkerSpec): Worker {
  let running: Promise<void> | undefined;
  let asked = false;
  let stopped = false;
  /** Cancels the armed wait (at most an hour per timer, see `after`). */
  let cancel: (() => void) | undefined;
  let unsubscribe: (() => void) | undefined;
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

  function launch() {
    running = new Promise<void>((resolve) => setImmediate(resolve)).then(run).finally(() => {
      running = undefined;
      if (asked && !stopped) launch();
      else {
        asked = false;
        settle();
      }
    });
  }

  function wake() {
    if (stopped) return;
    asked = true;
    if (!running) launch();
  }

  return {
    start() {
      if (stopped) return;
      unsubscribe ??= wakeOn?.(wake);
      wake();
    },
    wake,
    busy: () => running !== undefined || asked,
    idle() {
      if (!running && !asked) return Promise.resolve();
      return new Promise((resolve) => waiters.push(resolve));
    },
    async stop() {
      stopped = true;
      unsubscribe?.();
      unsubscribe = undefined;
      schedule(undefined);
      await running;
      asked = false;
      settle();
    },
  };
}
