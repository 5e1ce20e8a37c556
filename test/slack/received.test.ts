/** When Bolt received a request (slack/received.ts): the instant a change's deadline is counted from. */
import type { HTTPReceiver } from '@slack/bolt';
import { describe, expect, it } from 'vitest';
import { RECEIVED_AT, stampHttpReceipts } from '../../src/slack/received.js';
import { manualClock } from '../alerts/clock.js';

const T = new Date('2026-12-07T10:00:00.500Z');
const seconds = (ms: number) => String(Math.floor(ms / 1000));

/** A receiver with a request listener, stamped; the request arrives at `arrive` and is extracted at `extract`. */
function received(headers: Record<string, string>, arrive: number, extract: number): number {
  const clock = manualClock(new Date(arrive));
  const receipts = stampHttpReceipts(clock);
  const receiver = { requestListener: () => undefined } as unknown as HTTPReceiver;
  receipts.install(receiver);
  const req = { headers };
  receiver.requestListener(req as never, {} as never);
  clock.advanceTo(new Date(extract));
  return receipts.extractor(req)[RECEIVED_AT] as number;
}

describe('a request is received', () => {
  it('when the server handed it over, not when Bolt had read its body', () => {
    expect(received({}, T.getTime(), T.getTime() + 700)).toBe(T.getTime());
  });

  it('by the second Slack signed it in, when it waited longer than that before the server saw it', () => {
    const sent = T.getTime() - 2500;
    expect(received({ 'x-slack-request-timestamp': seconds(sent) }, T.getTime(), T.getTime())).toBe(
      Math.floor(sent / 1000) * 1000 + 999,
    );
  });

  it('at its arrival when Slack signed it within the same second, or its clock is far from the bot’s', () => {
    expect(received({ 'x-slack-request-timestamp': seconds(T.getTime()) }, T.getTime(), T.getTime())).toBe(
      T.getTime(),
    );
    const skewed = T.getTime() - 60_000;
    expect(received({ 'x-slack-request-timestamp': seconds(skewed) }, T.getTime(), T.getTime())).toBe(
      T.getTime(),
    );
    expect(received({ 'x-slack-request-timestamp': 'soon' }, T.getTime(), T.getTime())).toBe(T.getTime());
  });
});
