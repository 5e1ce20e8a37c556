/**
 * Issue 20, outcome 3: App Home renders leave the writer and fold per person. A burst of changes, sent at once
 * through the real bot and the Slack stand-in, republishes each concerned person's Home once per publishing pass
 * (slack/home-publisher.ts: a pass publishes each person once; changes committed while it runs fold into the next),
 * never once per change, and the last publish shows what the burst left. Measured: 30 changes, 3 passes.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ADMIN, assignRoles, type Harness, PEOPLE, startHarness } from './harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

const BURST = 30;

describe('App Home after a burst of changes', () => {
  it('is published once per person per pass, far fewer times than the changes, the last with what the burst left', async () => {
    const w = await startHarness({});
    h = w;
    await assignRoles(w);
    await w.bot.alerts?.idle();
    const publishes = () => w.slack.calls('views.publish');
    const before = publishes().length;

    const answers = await Promise.all(
      Array.from({ length: BURST }, (_, i) =>
        w.command(PEOPLE.logOwner, `blocker add consumer-incident-commander Burst item ${i}`),
      ),
    );
    for (const a of answers) expect(a.text).toContain(':white_check_mark:');
    // Wait until the last blocker shows on its owner's Home.
    for (const who of [PEOPLE.consumerCommander])
      await w.slack.waitFor(
        'views.publish',
        (c) => c.args.user_id === who && JSON.stringify(c.args.view).includes(`burst-item-${BURST - 1}`),
      );
    await w.bot.alerts?.idle();

    const burst = publishes().slice(before);
    const last = burst.filter((c) => c.args.user_id === PEOPLE.consumerCommander).at(-1);
    expect(JSON.stringify(last?.args.view)).toContain(`burst-item-${BURST - 1}`);
    const per = new Map<string, number>();
    for (const c of burst) per.set(String(c.args.user_id), (per.get(String(c.args.user_id)) ?? 0) + 1);
    console.info(
      `App Home: ${BURST} changes, ${burst.length} publishes, per person ${JSON.stringify([...per])}`,
    );
    // The owner is published; everyone concerned (role holders, the admin) far fewer times than the changes.
    expect(per.get(PEOPLE.consumerCommander) ?? 0).toBeGreaterThanOrEqual(1);
    for (const who of [...Object.values(PEOPLE), ADMIN])
      expect(per.get(who) ?? 0).toBeLessThanOrEqual(BURST / 5);
  });
});
