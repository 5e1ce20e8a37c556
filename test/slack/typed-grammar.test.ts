/**
 * The grammar meets people where they type, through the real bot: a zone abbreviation read as a zone and said
 * back, `tomorrow` in the person's own Slack zone (users.info `tz`, asked after the ack, then kept), `09:00-11:00`,
 * a subcommand typed as two words, a template's name offered once.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ADMIN, assignRoles, type Harness, PEOPLE, startHarness } from './harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});
const LOG = PEOPLE.logOwner;

describe('/cutover as people type it', () => {
  it('reads CET as a zone, tomorrow in the person’s zone and 09:00-11:00 as a range, saying how', async () => {
    const w = await startHarness({
      now: () => new Date('2026-12-07T23:30:00Z'),
      slack: { users: { [LOG]: { name: 'robin', tz: 'Asia/Tokyo' } } },
    });
    h = w;
    await assignRoles(w);

    const cet = await w.command(LOG, 'window 2026-12-10 09:00 CET 11:00');
    expect(cet.text).toBe(
      ':white_check_mark: Cutover window set: 2026-12-10 09:00 – 11:00 Europe/Paris (2026-12-10 08:00 – 10:00 UTC).\n_Read CET as Europe/Paris._',
    );

    // Tomorrow is the person's: 23:30 UTC is already 8 December in Tokyo, so tomorrow is the 9th.
    const first = await w.command(LOG, 'window tomorrow 09:00-11:00 Europe/Berlin');
    expect(first.text).toBe(':hourglass_flowing_sand: Reading the day in your time zone…');
    const told = await w.slack.waitForResponse((r) => JSON.stringify(r.body).includes('Cutover window set'));
    expect((told.body as { text: string }).text).toBe(
      ':white_check_mark: Cutover window set: 2026-12-09 09:00 – 11:00 Europe/Berlin (2026-12-09 08:00 – 10:00 UTC).\n_Read tomorrow as 2026-12-09 (in your time zone, Asia/Tokyo)._',
    );
    expect(w.slack.calls('users.info').filter((c) => c.args.user === LOG)).toHaveLength(1);
    // Known now: answered at once, Slack not asked again.
    const again = await w.command(LOG, 'window tomorrow 10:00 Europe/Berlin 12:00');
    expect(again.text).toContain('Cutover window set: 2026-12-09 10:00 – 12:00 Europe/Berlin (');
    expect(w.slack.calls('users.info').filter((c) => c.args.user === LOG)).toHaveLength(1);
  });

  it('answers a two-word subcommand and a mistyped template with one distinct suggestion each', async () => {
    const w = await startHarness();
    h = w;
    const two = await w.command(ADMIN, 'sign off');
    expect(two.text).toBe(
      ':no_entry: There is no `/cutover sign off` subcommand. Did you mean `/cutover signoff`?\nUsage: `/cutover signoff`\n_Nothing was changed._',
    );
    const typo = await w.command(ADMIN, 'new service-v9 from servce-v3', { channel_id: 'C0ELSEWHERE' });
    expect(typo.text).toContain('There is no template or program "servce-v3". Did you mean `service-v3`?');
    expect(typo.text.match(/`service-v3`/g)).toHaveLength(2);
  });
});
