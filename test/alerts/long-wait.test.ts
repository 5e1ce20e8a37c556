/**
 * Issue 10, item 10: a huge `Retry-After` must not spin. Node cannot hold a timer beyond 2^31-1 ms (about 24.8
 * days) and fires a longer one after 1 ms; the delivery loop then asked again, and again (5,000+
 * `TimeoutOverflowWarning`s in 6 s). Every wait of the alert machinery is armed at most an hour at a time until it
 * is due. The manual clock behaves as Node does with a longer timer (fires it after 1 ms, and counts it).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { systemClock } from '../../src/runtime/clock.js';
import { createWorker } from '../../src/runtime/worker.js';
import { HOME_QUIET_MS } from '../../src/slack/home-publisher.js';
import { assignRoles, CHANNEL, PEOPLE } from '../slack/harness.js';
import { manualClock, NODE_MAX_TIMER_MS } from './clock.js';
import { type AlertHarness, alertMessages, captureLogger, startAlertHarness } from './helpers.js';

const RETRY_AFTER_S = 2_200_000;
/** The longest single timer the machinery arms (MAX_TIMER_MS in src/runtime/clock.ts). */
const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;

let a: AlertHarness | undefined;
afterEach(async () => {
  vi.restoreAllMocks();
  await a?.h.stop();
  a = undefined;
});

describe('a Retry-After of 2,200,000 s (25.5 days) through the bot', () => {
  it('waits without spinning, logs it once, and delivers the item after the wait', async () => {
    const log = captureLogger();
    const w = await startAlertHarness({ logger: log });
    a = w;
    const { h, clock } = w;
    await assignRoles(h);
    await w.drain();
    const t0 = clock.now().getTime();

    h.slack.failNext('chat.postMessage', { status: 429, retryAfter: RETRY_AFTER_S });
    const answer = await h.command(PEOPLE.logOwner, 'blocker add decision-log-owner Vendor contract');
    expect(answer.text).toContain(':white_check_mark:');
    await w.settle();
    const [item] = w.doc().outbox;
    const due = new Date(t0 + RETRY_AFTER_S * 1000).toISOString();
    expect(item).toMatchObject({ attempts: 1, notBefore: due });

    // One line says why the item waits so long; no timer beyond Node's limit, none longer than an hour.
    const waits = () => log.lines.filter((l) => l.includes('waits until'));
    expect(waits()).toEqual([`alerts: item ${item?.id} waits until ${due} (Retry-After ${RETRY_AFTER_S} s)`]);
    expect(clock.overflows()).toBe(0);
    expect(Math.max(...clock.pendingDelays())).toBeLessThanOrEqual(HOUR);

    // The change's App Home quiet wait runs out first (its publishes are not what this test counts).
    clock.advance(HOME_QUIET_MS);
    await w.settle();

    // Minutes go by: nothing fires, nothing is asked of Slack.
    const posts = () => h.slack.allCalls('chat.postMessage').filter((c) => c.args.channel === CHANNEL).length;
    const postsBefore = posts();
    const firedBefore = clock.fired();
    for (let i = 0; i < 30; i++) {
      clock.advance(60_000);
      await w.settle();
    }
    expect(clock.fired() - firedBefore).toBe(0);

    // Days go by, five at a time: about one timer an hour, no post, no new log line, until the item is due.
    let elapsed = 30 * 60_000;
    while (elapsed + 5 * DAY < RETRY_AFTER_S * 1000) {
      const fired = clock.fired();
      clock.advance(5 * DAY);
      elapsed += 5 * DAY;
      await w.settle();
      expect(clock.fired() - fired).toBeLessThanOrEqual(5 * 24 + 1);
      expect(posts()).toBe(postsBefore);
    }
    expect(clock.overflows()).toBe(0);
    expect(w.doc().outbox.map((i) => i.id)).toEqual([item?.id]);

    // Due: posted once, and the wait was logged once in all.
    clock.advanceTo(due);
    await w.drain();
    expect(alertMessages(h).filter((m) => m.text.includes('`vendor-contract` Vendor contract'))).toHaveLength(
      1,
    );
    expect(posts()).toBe(postsBefore + 1);
    expect(waits()).toHaveLength(1);
  });
});

describe('the worker under delivery, the board, reminders and App Home', () => {
  it('waits a long time an hour at a time on the manual clock, and runs the pass only when due', async () => {
    const clock = manualClock('2026-02-10T08:00:00Z');
    const wait = RETRY_AFTER_S * 1000;
    let passes = 0;
    const loop = createWorker({
      clock,
      pass: async () => {
        passes += 1;
        return passes === 1 ? wait : undefined;
      },
      onError: (e) => {
        throw e;
      },
    });
    loop.wake();
    await loop.idle();
    expect(passes).toBe(1);
    expect(clock.overflows()).toBe(0);
    expect(clock.pendingDelays()).toEqual([HOUR]);
    clock.advance(wait - 1);
    await loop.idle();
    expect(passes).toBe(1);
    expect(clock.fired()).toBe(Math.floor((wait - 1) / HOUR));
    clock.advance(1);
    await new Promise((resolve) => setImmediate(resolve));
    await loop.idle();
    expect(passes).toBe(2);
    expect(clock.pending()).toBe(0);
    await loop.stop();
  });

  it('never hands Node a timer beyond its limit on the system clock', async () => {
    const spy = vi.spyOn(globalThis, 'setTimeout');
    const direct = systemClock.setTimeout(() => undefined, RETRY_AFTER_S * 1000);
    systemClock.clearTimeout(direct);
    let passes = 0;
    const loop = createWorker({
      clock: systemClock,
      pass: async () => {
        passes += 1;
        return RETRY_AFTER_S * 1000;
      },
      onError: (e) => {
        throw e;
      },
    });
    loop.wake();
    await loop.idle();
    expect(passes).toBe(1);
    const delays = spy.mock.calls.map((c) => Number(c[1] ?? 0));
    expect(delays.length).toBeGreaterThanOrEqual(2);
    expect(Math.max(...delays)).toBeLessThanOrEqual(HOUR);
    expect(Math.max(...delays)).toBeLessThan(NODE_MAX_TIMER_MS);
    await loop.stop();
  });
});
