/**
 * Issue 4, "Done when", delivery: through the real bot and the Slack stand-in, with Slack failing (500s, then a
 * 429 with Retry-After), restarted with alerts pending, and hit by a burst — every change acknowledged at once,
 * every alert delivered exactly once, at no more than about one message a second; and the live status board.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Harness } from '../slack/harness.js';
import { assignRoles, CHANNEL, PEOPLE } from '../slack/harness.js';
import type { RecordedCall } from '../slack/stand-in.js';
import {
  type AlertHarness,
  alertMessages,
  idsOf,
  publishTarget,
  startAlertHarness,
  TARGET_LABEL,
} from './helpers.js';

const { producerCommander: PIC, consumerCommander: CIC, logOwner: LOG } = PEOPLE;

let a: AlertHarness | undefined;
afterEach(async () => {
  await a?.h.stop();
  a = undefined;
});

const isAlertCall = (c: RecordedCall) =>
  (c.args.metadata as { event_type?: string } | undefined)?.event_type === 'cutover_alert';
const failedAlertCalls = (h: Harness) =>
  h.slack.allCalls('chat.postMessage').filter((c) => c.failed && isAlertCall(c));
/** How many delivered channel messages contain `needle`. */
const told = (h: Harness, needle: string) => alertMessages(h).filter((m) => m.text.includes(needle)).length;

describe('with Slack failing', () => {
  it('acknowledges every change at once; after 500s and a 429 with Retry-After each alert is delivered exactly once', async () => {
    const w = await startAlertHarness();
    a = w;
    await assignRoles(w.h);
    await publishTarget(w.h);
    await w.drain();

    const t0 = w.clock.now().getTime();
    const iso = (ms: number) => new Date(t0 + ms).toISOString();
    w.h.slack.failWhile('chat.postMessage', { status: 500 });
    const first = await w.h.command(PIC, 'gate producer-suite green');
    expect(first.status).toBe(200);
    expect(first.text).toContain(
      `:white_check_mark: Gate producer-suite: pending → green for ${TARGET_LABEL}.`,
    );
    // The alert is in the store, written with the change as its typed event, before anything reached Slack.
    const disk = await w.h.disk();
    expect(JSON.stringify(disk.data)).toContain(
      '"events":[{"type":"gate.changed","gate":"producer-suite","before":"pending","after":"green"',
    );
    await w.settle();
    expect(failedAlertCalls(w.h).map((c) => c.error)).toEqual(['http_500']);

    // While chat.postMessage keeps failing, the next change is still acknowledged at once.
    const second = await w.h.command(CIC, 'gate consumer-suite green');
    expect(second.text).toContain(
      `:white_check_mark: Gate consumer-suite: pending → green for ${TARGET_LABEL}.`,
    );
    const pending = w.doc().outbox;
    expect(pending.map((i) => i.attempts)).toEqual([1, 0]);
    expect(pending[0]).toMatchObject({ lastError: 'HTTP 500', notBefore: iso(2000) });

    // Backoff (2 s): another 500; then (4 s) a 429 with Retry-After: 1; then Slack is back.
    w.clock.advance(2000);
    await w.settle();
    expect(failedAlertCalls(w.h).map((c) => c.error)).toEqual(['http_500', 'http_500']);
    w.h.slack.recover('chat.postMessage');
    w.h.slack.failNext('chat.postMessage', { status: 429, retryAfter: 1 });
    w.clock.advance(4000);
    await w.settle();
    expect(failedAlertCalls(w.h).map((c) => c.error)).toEqual(['http_500', 'http_500', 'ratelimited']);
    const limited = w.doc().outbox;
    expect(limited.map((i) => i.notBefore)).toEqual([iso(7000), iso(7000)]);
    w.clock.advance(999);
    await w.settle();
    expect(told(w.h, '`producer-suite` Producer verification suite green')).toBe(0);
    w.clock.advance(1);
    await w.settle();

    // Both alerts, once each, in the order of the changes, folded into one message.
    expect(told(w.h, '`producer-suite` Producer verification suite green')).toBe(1);
    expect(told(w.h, '`consumer-suite` Consumer verification suite green')).toBe(1);
    const last = alertMessages(w.h).at(-1)?.text ?? '';
    expect(last.indexOf('producer-suite')).toBeLessThan(last.indexOf('consumer-suite'));
    expect(w.doc().outbox).toEqual([]);
    const ids = w.doc().delivered.map((d) => d.id);
    expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
    // Nothing more is posted later.
    w.clock.advance(60_000);
    await w.settle();
    expect(told(w.h, '`producer-suite` Producer verification suite green')).toBe(1);
  });

  it('delivers alerts left pending by a restart, exactly once', async () => {
    const w = await startAlertHarness();
    a = w;
    await assignRoles(w.h);
    await publishTarget(w.h);
    await w.drain();
    w.h.slack.failWhile('chat.postMessage', { status: 503 });
    expect(
      (await w.h.command(LOG, 'blocker add consumer-incident-commander Vendor contract')).text,
    ).toContain(':white_check_mark:');
    expect((await w.h.command(LOG, 'gate alignment green')).text).toContain(':white_check_mark:');
    await w.settle();
    expect(failedAlertCalls(w.h).length).toBeGreaterThan(0);

    // The bot stops with both alerts pending while Slack is down; they are in the store file.
    await w.h.bot.stop();
    const disk = (await w.h.disk()).data as unknown as { outbox: { id: string; text: string }[] };
    expect(disk.outbox).toHaveLength(2);
    w.h.slack.recover();
    await w.h.restart();
    await w.drain();
    expect(told(w.h, 'Blocker opened:* `vendor-contract` Vendor contract')).toBe(1);
    expect(told(w.h, '*Gate* `alignment`')).toBe(1);
    // Restarting again delivers nothing twice.
    await w.h.restart();
    await w.drain();
    expect(told(w.h, 'Blocker opened:* `vendor-contract`')).toBe(1);
    expect(told(w.h, '*Gate* `alignment`')).toBe(1);
  });
});

it('after a clean restart tries the first pending alert at once, whatever lease an earlier process left (the file has one writer)', async () => {
  const w = await startAlertHarness();
  a = w;
  await assignRoles(w.h);
  await w.drain();
  w.h.slack.failWhile('chat.postMessage', { status: 503 });
  expect((await w.h.command(LOG, 'blocker add consumer-incident-commander Vendor contract')).text).toContain(
    ':white_check_mark:',
  );
  await w.settle();
  // A lease an earlier process (another replica id, as every start has) wrote, still running for 30 s.
  const until = new Date(w.clock.now().getTime() + 30_000).toISOString();
  await w.h
    .program()
    .update((doc) => ({ next: { ...doc, lease: { by: 'old-host:1', until } }, result: undefined }));
  w.h.slack.recover();
  await w.h.restart();
  const started = w.clock.now().getTime();
  for (let i = 0; i < 2 && told(w.h, 'Blocker opened:* `vendor-contract`') === 0; i++) {
    await w.settle();
    if (told(w.h, 'Blocker opened:* `vendor-contract`') === 0) w.clock.advance(1000);
  }
  await w.settle();
  expect(told(w.h, 'Blocker opened:* `vendor-contract`')).toBe(1);
  expect(w.clock.now().getTime() - started).toBeLessThanOrEqual(2000);
});

describe('a burst of 20 changes', () => {
  it('is told completely, at no more than one message a second of the bot’s clock', async () => {
    const w = await startAlertHarness();
    a = w;
    /** When, on the bot's clock, each alert message reached the channel (in posting order). */
    const sentAt: number[] = [];
    /**
     * Moves the clock `ms` and lets the alert machinery finish; the clock stands still while it posts, so a new
     * message is stamped with the time it was sent at.
     */
    const step = async (ms: number) => {
      if (ms) w.clock.advance(ms);
      await w.settle();
      while (sentAt.length < alertMessages(w.h).length) sentAt.push(w.clock.now().getTime());
    };
    const drain = async () => {
      for (let i = 0; i < 100 && w.doc().outbox.length; i++) await step(100);
      expect(w.doc().outbox).toEqual([]);
    };
    await assignRoles(w.h);
    await step(0);
    await drain();
    for (let i = 1; i <= 20; i++) {
      const answer = await w.h.command(LOG, `blocker add decision-log-owner Burst item ${i} of twenty`);
      expect(answer.text).toContain(':white_check_mark:');
      await step(0);
      // Spread over two seconds, so the pace shows across several messages.
      await step(100);
    }
    await drain();

    const text = alertMessages(w.h)
      .map((m) => m.text)
      .join('\n');
    for (let i = 1; i <= 20; i++) expect(text.split(`Burst item ${i} of twenty`).length - 1).toBe(1);
    const gaps = sentAt.slice(1).map((t, i) => t - (sentAt[i] ?? 0));
    expect(gaps.length).toBeGreaterThan(1);
    // At most one message a second of the bot's clock: every message at least 1000 ms after the one before.
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(1000);
    // Folded: a few messages for twenty changes, and every burst item's id in exactly one of them.
    const burst = alertMessages(w.h).filter((m) => m.text.includes('Burst item'));
    expect(burst.length).toBeGreaterThan(1);
    expect(burst.length).toBeLessThanOrEqual(5);
    expect(burst.flatMap(idsOf)).toHaveLength(20);
  });
});

describe('the live status board', () => {
  const boards = (h: Harness) =>
    h.slack.messages(CHANNEL).filter((m) => JSON.stringify(m.metadata ?? {}).includes('cutover_board'));

  it('is one message, updated in place on every change, reposted if gone, and kept across a restart', async () => {
    const w = await startAlertHarness({ board: true });
    a = w;
    await w.drain();
    expect(boards(w.h)).toHaveLength(1);
    const ts = w.doc().board?.ts;
    expect(boards(w.h)[0]?.ts).toBe(ts);
    expect(JSON.stringify(boards(w.h)[0]?.blocks)).toContain('Blockers before phase 8 — 4 of 4 open');

    await assignRoles(w.h);
    await publishTarget(w.h);
    expect((await w.h.command(LOG, 'gate alignment green')).text).toContain(':white_check_mark:');
    await w.drain();
    const board = boards(w.h)[0];
    expect(boards(w.h)).toHaveLength(1);
    expect(board?.updates).toBeGreaterThan(0);
    expect(JSON.stringify(board?.blocks)).toContain(':large_green_circle: `alignment`');
    expect(JSON.stringify(board?.blocks)).toContain(`<@${PIC}> (producer-incident-commander)`);
    expect(w.h.slack.calls('chat.update').every((c) => c.args.ts === ts)).toBe(true);

    // Someone deleted it: chat.update answers message_not_found, and a new board is posted and kept.
    w.h.slack.failNext('chat.update', { error: 'message_not_found' });
    expect((await w.h.command(LOG, 'gate alignment red')).text).toContain(':white_check_mark:');
    await w.drain();
    expect(boards(w.h)).toHaveLength(2);
    const next = w.doc().board?.ts;
    expect(next).not.toBe(ts);
    expect(JSON.stringify(boards(w.h).find((m) => m.ts === next)?.blocks)).toContain(
      ':red_circle: `alignment`',
    );

    // A restart updates the same board in place.
    await w.h.restart();
    await w.drain();
    expect(boards(w.h)).toHaveLength(2);
    expect(w.h.slack.calls('chat.update').at(-1)?.args.ts).toBe(next);
  });
});
