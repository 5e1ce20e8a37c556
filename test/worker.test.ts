/**
 * The one worker lifecycle under alert delivery, the status board, reminders and App Home (src/runtime/worker.ts), on the
 * manual clock: passes never overlap, wakes during a pass fold into one more, what wakes it is subscribed from
 * `start` to `stop`, and the wait a pass asks for runs on the injected clock. (test/alerts/long-wait.test.ts: waits
 * beyond Node's timer limit.)
 */
import { describe, expect, it } from 'vitest';
import { createWorker } from '../src/runtime/worker.js';
import { manualClock } from './alerts/clock.js';

const fail = (e: unknown) => {
  throw e;
};

describe('a worker', () => {
  it('runs one pass at a time; wakes during a pass fold into one more pass', async () => {
    const clock = manualClock('2026-02-10T08:00:00Z');
    let running = 0;
    let most = 0;
    let passes = 0;
    let release: (() => void) | undefined;
    const w = createWorker({
      clock,
      pass: async () => {
        passes += 1;
        running += 1;
        most = Math.max(most, running);
        if (passes === 1) await new Promise<void>((resolve) => (release = resolve));
        running -= 1;
        return undefined;
      },
      onError: fail,
    });
    w.wake();
    // The pass starts on the next turn, not inside wake(): whoever woke it is not held up.
    expect(passes).toBe(0);
    await new Promise((resolve) => setImmediate(resolve));
    expect(passes).toBe(1);
    w.wake();
    w.wake();
    w.wake();
    expect(w.busy()).toBe(true);
    release?.();
    await w.idle();
    expect(passes).toBe(2);
    expect(most).toBe(1);
    expect(w.busy()).toBe(false);
    await w.stop();
  });

  it('hears what wakes it from start to stop, and runs the next pass when the clock says', async () => {
    const clock = manualClock('2026-02-10T08:00:00Z');
    const listeners = new Set<() => void>();
    const commit = () => {
      for (const l of listeners) l();
    };
    const at: string[] = [];
    const w = createWorker({
      clock,
      pass: async () => {
        at.push(clock.now().toISOString());
        return at.length === 1 ? 5000 : undefined;
      },
      onError: fail,
      wakeOn: (wake) => {
        listeners.add(wake);
        return () => listeners.delete(wake);
      },
    });
    commit();
    await w.idle();
    expect(at).toEqual([]);
    w.start();
    await w.idle();
    expect(at).toEqual(['2026-02-10T08:00:00.000Z']);
    clock.advance(4999);
    await w.idle();
    expect(at).toHaveLength(1);
    clock.advance(1);
    await new Promise((resolve) => setImmediate(resolve));
    await w.idle();
    expect(at).toEqual(['2026-02-10T08:00:00.000Z', '2026-02-10T08:00:05.000Z']);
    commit();
    await new Promise((resolve) => setImmediate(resolve));
    await w.idle();
    expect(at).toHaveLength(3);
    await w.stop();
    expect(listeners.size).toBe(0);
    commit();
    w.wake();
    await w.idle();
    expect(at).toHaveLength(3);
    expect(clock.pending()).toBe(0);
  });

  it('a pass that throws is reported, and the worker goes on when woken', async () => {
    const clock = manualClock('2026-02-10T08:00:00Z');
    const errors: unknown[] = [];
    let passes = 0;
    const w = createWorker({
      clock,
      pass: async () => {
        passes += 1;
        if (passes === 1) throw new Error('Slack is down');
        return undefined;
      },
      onError: (e) => errors.push(e),
    });
    w.start();
    await w.idle();
    expect(errors.map((e) => (e as Error).message)).toEqual(['Slack is down']);
    w.wake();
    await w.idle();
    expect(passes).toBe(2);
    await w.stop();
  });
});
