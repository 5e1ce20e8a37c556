/**
 * The grammar through the real app: what a person who types it sees in Slack. One bot, HTTP mode; the bot's time is
 * fixed so that the windows typed lie ahead.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assignRoles, type Harness, PEOPLE, startHarness } from '../harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ mode: 'http', now: () => new Date('2026-11-20T09:00:00Z') });
  await assignRoles(h);
}, 30_000);
afterAll(async () => {
  await h.stop();
});

describe('/cutover, as typed', () => {
  it('a mistyped subcommand is answered with the one it nearly is, and nothing is written', async () => {
    const before = await h.diskBytes();
    const a = await h.command(PEOPLE.logOwner, 'stauts');
    expect(a.text).toContain('There is no `/cutover stauts` subcommand. Did you mean `/cutover status`?');
    expect(await h.diskBytes()).toBe(before);
  });

  it('a mistyped gate id is refused with the gate it nearly is', async () => {
    const a = await h.command(PEOPLE.producerCommander, 'gate prodcuer-suite green');
    expect(a.text.split('\n')[0]).toMatch(
      /^:no_entry: There is no gate "prodcuer-suite"\. Known gate ids: .*\. Did you mean `producer-suite`\?$/,
    );
    expect(a.text).toContain('_Nothing was changed._');
  });

  it('a window typed in Berlin time is confirmed in Berlin time, then UTC; window clear clears it', async () => {
    const set = await h.command(PEOPLE.logOwner, 'window 2026-12-01 09:00 Europe/Berlin 11:00');
    expect(set.text).toBe(
      ':white_check_mark: Cutover window set: 2026-12-01 09:00 – 11:00 Europe/Berlin (2026-12-01 08:00 – 10:00 UTC).',
    );
    expect((await h.disk()).data.cutover.window).toMatchObject({
      start: '2026-12-01T08:00:00.000Z',
      end: '2026-12-01T10:00:00.000Z',
    });
    const cleared = await h.command(PEOPLE.logOwner, 'window clear');
    expect(cleared.text).toBe(
      ':white_check_mark: Cutover window cleared; it was 2026-12-01T08:00:00.000Z – 2026-12-01T10:00:00.000Z (UTC).',
    );
    expect((await h.disk()).data.cutover.window).toBeUndefined();
    const history = await h.command(PEOPLE.logOwner, 'history 2');
    expect(history.text).toMatch(/<@ULOG> · Cutover window cleared \(it was <!date\^/);
    expect(history.text).toMatch(/<@ULOG> · Cutover window set to <!date\^/);
  });

  it('help arrives with <…> escaped, so Slack shows `<role-id>` as typed', async () => {
    const a = await h.command(PEOPLE.logOwner, 'help');
    expect(a.text).toContain('/cutover role &lt;role-id&gt; @person|@group|none');
    expect(a.text).not.toContain('<role-id>');
  });

  it('a full page of history says how to see the older entries', async () => {
    await h.command(PEOPLE.logOwner, 'blocker add decision-log-owner Vendor contract signed');
    await h.command(PEOPLE.logOwner, 'blocker rename vendor-contract-signed Vendor contract countersigned');
    const a = await h.command(PEOPLE.logOwner, 'history 1');
    expect(a.text).toContain('· Blocker `vendor-contract-signed` renamed "Vendor contract countersigned"');
    expect(a.text.split('\n').at(-1)).toBe('_Older changes: `/cutover history 1 page 2`_');
    const older = await h.command(PEOPLE.logOwner, 'history 1 page 2');
    expect(older.text).toContain('*Change 2 back from the newest*');
    expect(older.text).toContain(
      '· Blocker "Vendor contract signed" (`vendor-contract-signed`) added before phase `8`',
    );
  });
});
