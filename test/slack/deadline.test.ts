/**
 * A change's deadline runs from when Bolt received the request, not from when its listener got to run: a change
 * whose listener starts late (the event loop was busy) is refused unwritten in time, so nobody is told "too late"
 * by Slack of a change that was then made. Driven on the bot's injected clock: a global Bolt middleware moves it
 * between the receipt and the listener, as a busy process would.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ACK_BUDGET_MS } from '../../src/slack/listeners/deps.js';
import { manualClock } from '../alerts/clock.js';
import { T0 } from '../core/fixtures.js';
import { assignRoles, type Harness, PEOPLE, startHarness } from './harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

describe.each(['http', 'socket'] as const)('a /cutover change over %s', (mode) => {
  it('whose listener runs past its deadline from the receipt is refused unwritten; one in time is made', async () => {
    const clock = manualClock(T0);
    const w = await startHarness({ mode, clock });
    h = w;
    await assignRoles(w);
    let lag = 0;
    w.bot.slack.app.use(async ({ next }) => {
      clock.advance(lag); // the time between Bolt's receipt of the request and its listener
      await next();
    });
    const blockers = () =>
      w
        .program()
        .cutover()
        .blockers.map((b) => b.title);

    lag = ACK_BUDGET_MS + 1;
    const late = await w.command(PEOPLE.logOwner, 'blocker add consumer-incident-commander Late one');
    expect(late.status).toBe(200);
    expect(late.text).toContain('too busy');
    expect(late.text).toContain('nothing was changed');
    expect(blockers()).not.toContain('Late one');

    lag = ACK_BUDGET_MS - 100;
    const inTime = await w.command(PEOPLE.logOwner, 'blocker add consumer-incident-commander In time');
    expect(inTime.text).toContain(':white_check_mark:');
    expect(blockers()).toContain('In time');
  });
});
