/**
 * Issue 20, outcome 3: App Home renders leave the writer and fold per person. A change starts the person's quiet
 * wait (HOME_QUIET_MS) on the bot's clock; their Home is published when their changes have been quiet that long,
 * or HOME_MAX_WAIT_MS after the first change still unpublished (slack/home-publisher.ts). Through the real bot and
 * the Slack stand-in, on a manual clock: a burst publishes each concerned person's Home exactly once, with what the
 * burst left; a steady stream still publishes every HOME_MAX_WAIT_MS.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { HOME_MAX_WAIT_MS, HOME_QUIET_MS } from '../../src/slack/home-publisher.js';
import { type ManualClock, manualClock } from '../alerts/clock.js';
import { T0 } from '../core/fixtures.js';
import { ADMIN, assignRoles, type Harness, PEOPLE, startHarness } from './harness.js';
import { appHomeOpened } from './payloads.js';
import type { RecordedCall } from './stand-in.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

const BURST = 30;
/** Someone who holds no role: opening their Home is a barrier (it publishes after the publishes under way). */
const OUTSIDER = 'UOUTSIDER1';
const CONCERNED = [...Object.values(PEOPLE), ADMIN];

const publishes = (w: Harness) => w.slack.calls('views.publish').filter((c) => c.args.user_id !== OUTSIDER);
const shows = (c: RecordedCall | undefined, item: number) =>
  JSON.stringify(c?.args.view).includes(`burst-item-${item}"`);
/** How many items the Home says wait on its person (it lists the first MAX_WAITING, then folds the rest). */
const waitingOf = (c: RecordedCall | undefined) =>
  Number(/Waiting on you\* — (\d+) item/.exec(JSON.stringify(c?.args.view))?.[1] ?? 0);

/** Waits until every publish asked for so far is done: the outsider's opening is published after them. */
async function settled(w: Harness) {
  const mine = () => w.slack.calls('views.publish').filter((c) => c.args.user_id === OUTSIDER);
  const n = mine().length;
  await w.event(appHomeOpened({ user_id: OUTSIDER }));
  await w.slack.waitFor('views.publish', (c) => mine().indexOf(c) >= n);
}

/** The bot on a manual clock, roles assigned, their Homes published and nothing waiting. */
async function started(): Promise<{ w: Harness; clock: ManualClock }> {
  const clock = manualClock(T0);
  const w = await startHarness({ clock });
  h = w;
  await assignRoles(w);
  clock.advance(HOME_MAX_WAIT_MS);
  await settled(w);
  return { w, clock };
}

const perPerson = (calls: RecordedCall[]) => {
  const per = new Map<string, number>();
  for (const c of calls) per.set(String(c.args.user_id), (per.get(String(c.args.user_id)) ?? 0) + 1);
  return per;
};

describe('App Home after a burst of changes', () => {
  it("publishes each concerned person's Home exactly once, showing what the burst left", async () => {
    const { w, clock } = await started();
    const before = publishes(w).length;
    const homesBefore = publishes(w).filter((c) => c.args.user_id === PEOPLE.consumerCommander);

    const answers = await Promise.all(
      Array.from({ length: BURST }, (_, i) =>
        w.command(PEOPLE.logOwner, `blocker add consumer-incident-commander Burst item ${i}`),
      ),
    );
    for (const a of answers) expect(a.text).toContain(':white_check_mark:');
    // Every change is committed and answered; no Home is published while the burst may go on.
    clock.advance(HOME_QUIET_MS - 1);
    await settled(w);
    expect(publishes(w).slice(before)).toEqual([]);

    clock.advance(1);
    await settled(w);
    const burst = publishes(w).slice(before);
    const per = perPerson(burst);
    console.info(
      `App Home: ${BURST} changes, ${burst.length} publishes, per person ${JSON.stringify([...per])}`,
    );
    for (const who of CONCERNED) expect(per.get(who), who).toBe(1);
    expect(burst).toHaveLength(CONCERNED.length);
    const commander = burst.find((c) => c.args.user_id === PEOPLE.consumerCommander);
    for (let i = 0; i < BURST; i += 1) expect(shows(commander, i), `burst-item-${i}`).toBe(true);
    expect(waitingOf(commander)).toBe(waitingOf(homesBefore.at(-1)) + BURST);

    // Nothing else waits: the burst is published, and time going on publishes nothing more.
    clock.advance(HOME_MAX_WAIT_MS);
    await settled(w);
    expect(publishes(w).slice(before)).toHaveLength(CONCERNED.length);
  });

  it(`a steady stream, a change every ${HOME_QUIET_MS - 50} ms, still publishes at least every ${HOME_MAX_WAIT_MS} ms`, async () => {
    const { w, clock } = await started();
    const before = publishes(w).length;
    const commanderHomes = () =>
      publishes(w)
        .slice(before)
        .filter((c) => c.args.user_id === PEOPLE.consumerCommander);
    const base = waitingOf(
      publishes(w)
        .filter((c) => c.args.user_id === PEOPLE.consumerCommander)
        .at(-1),
    );
    const gap = HOME_QUIET_MS - 50;
    const changes = Math.ceil((2 * HOME_MAX_WAIT_MS) / gap) + 3;
    let expected = 0;
    for (let i = 0; i < changes; i += 1) {
      const a = await w.command(PEOPLE.logOwner, `blocker add consumer-incident-commander Burst item ${i}`);
      expect(a.text).toContain(':white_check_mark:');
      // The stream began at 0 (the first change); the longest wait runs out at every multiple of it.
      const at = (i + 1) * gap;
      const deadline = (expected + 1) * HOME_MAX_WAIT_MS;
      clock.advance(at <= deadline ? gap : deadline - i * gap);
      await settled(w);
      if (at >= deadline) {
        expected += 1;
        // Published at the longest wait, with every change made by then (the quiet wait never ran out).
        expect(commanderHomes(), `by ${deadline} ms`).toHaveLength(expected);
        expect(waitingOf(commanderHomes().at(-1))).toBe(base + i + 1);
        if (at > deadline) clock.advance(at - deadline);
      } else expect(commanderHomes(), `at ${at} ms`).toHaveLength(expected);
    }
    expect(expected).toBe(2);
    // The stream stops: the quiet wait publishes what it left.
    clock.advance(HOME_QUIET_MS);
    await settled(w);
    expect(commanderHomes()).toHaveLength(expected + 1);
    expect(waitingOf(commanderHomes().at(-1))).toBe(base + changes);
  });
});
