/**
 * `/cutover record` through the real bot: acked at once, display names fetched with users.info and cached in the
 * store file, the Markdown uploaded to the channel with the SDK's upload helper; a failed upload is told.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type AlertHarness, startAlertHarness } from '../../alerts/helpers.js';
import { ADMIN, assignRoles, CHANNEL, type Harness, PEOPLE, startHarness } from '../harness.js';

let h: Harness | undefined;
let a: AlertHarness | undefined;
afterEach(async () => {
  await h?.stop();
  await a?.h.stop();
  h = undefined;
  a = undefined;
});

/** users.info knows four of the five role holders; the log owner is not found. */
const USERS = {
  [PEOPLE.producerCommander]: { name: 'pat', displayName: 'Pat Producer' },
  [PEOPLE.consumerCommander]: { name: 'casey', realName: 'Casey Consumer', displayName: '' },
  [PEOPLE.producerRollback]: { name: 'robin', displayName: 'Robin *Release*' },
  [PEOPLE.consumerRollback]: { name: 'riley', displayName: 'Riley Repin' },
};

describe.each(['http', 'socket'] as const)('/cutover record (%s mode)', (mode) => {
  it('uploads the Markdown record with display names from users.info, and caches the names in the store', async () => {
    const w = await startHarness({ mode, slack: { users: USERS } });
    h = w;
    await assignRoles(w);
    expect(
      (await w.command(PEOPLE.producerRollback, `target service.v3.0 ${'1f'.repeat(20)}`)).text,
    ).toContain(':white_check_mark:');
    expect((await w.command(PEOPLE.producerCommander, 'gate producer-suite green')).text).toContain(
      ':white_check_mark:',
    );

    const ack = await w.command(ADMIN, 'record');
    expect(ack.status).toBe(200);
    expect(ack.text).toContain('Preparing the decision record');
    const upload = await w.slack.waitForUpload((u) => u.completed);
    expect(upload.channelId).toBe(CHANNEL);
    expect(upload.filename).toMatch(/^runtime-cutover-decision-record-service-v3-\d{4}-\d{2}-\d{2}\.md$/);
    expect(upload.title).toContain('Runtime Cutover Decision Record');
    expect(upload.initialComment).toContain(`<@${ADMIN}>`);

    const md = upload.content;
    expect(md).toMatch(/^# Runtime Cutover Decision Record\n/);
    expect(md).toContain('2. Runtime cutover execution: **NO-GO**');
    expect(md).toContain(
      'Incident commander (producer): MemoryKernel Producer On-Call Lead, held by Pat Producer (`producer-incident-commander`)',
    );
    expect(md).toContain(
      'Incident commander (consumer): Support Platform On-Call Lead, held by Casey Consumer (`consumer-incident-commander`)',
    );
    expect(md).toContain(
      'Rollback owner (producer): MemoryKernel Release Owner, held by Robin \\*Release\\* (`producer-rollback-owner`)',
    );
    // Not known to users.info: shown by id, never as a mention.
    expect(md).toContain('Joint decision log owner: Integration Program Owner, held by ULOG');
    expect(md).toContain('   - Set by Pat Producer, ');
    expect(md).not.toMatch(/<@/);
    expect(
      w.slack
        .allCalls('users.info')
        .map((c) => c.args.user)
        .sort(),
    ).toEqual([ADMIN, ...Object.values(PEOPLE)].sort());

    // The names are in the store file, for `npm run record`.
    const disk = (await w.disk()) as { data: { users?: Record<string, { name: string }> } };
    expect(disk.data.users).toEqual({
      UPIC: { name: 'Pat Producer', fetchedAt: expect.any(String) },
      UCIC: { name: 'Casey Consumer', fetchedAt: expect.any(String) },
      UPRB: { name: 'Robin *Release*', fetchedAt: expect.any(String) },
      UCRB: { name: 'Riley Repin', fetchedAt: expect.any(String) },
    });

    // A second record asks users.info only for those it could not name (the admin is in history too).
    const asked = w.slack.allCalls('users.info').length;
    await w.command(ADMIN, 'record');
    await w.slack.waitForUpload((u) => u.completed && u !== upload);
    expect(
      w.slack
        .allCalls('users.info')
        .slice(asked)
        .map((c) => c.args.user)
        .sort(),
    ).toEqual([ADMIN, PEOPLE.logOwner]);
  });
});

describe('/cutover record when the upload fails', () => {
  it('tells the person ephemerally, and what to check', async () => {
    const w = await startHarness();
    h = w;
    w.slack.failNext('files.getUploadURLExternal', { error: 'not_in_channel' });
    const ack = await w.command(ADMIN, 'record');
    expect(ack.text).toContain('Preparing');
    const told = await w.slack.waitForResponse((r) =>
      JSON.stringify(r.body).includes('decision record upload'),
    );
    expect(told.body).toMatchObject({
      response_type: 'ephemeral',
      text: expect.stringContaining('not_in_channel'),
    });
    expect(JSON.stringify(told.body)).toContain('npm run record');
    expect(w.slack.uploads).toEqual([]);
  });

  it('takes no arguments', async () => {
    const w = await startHarness();
    h = w;
    const before = await w.diskBytes();
    const a = await w.command(ADMIN, 'record now');
    expect(a.text).toContain('`/cutover record` takes no arguments');
    expect(await w.diskBytes()).toBe(before);
  });
});

describe('/cutover record with users.info rate-limited (issue 10, item 9)', () => {
  it('does not hold up the next form: views.open goes out while the record waits out the Retry-After', async () => {
    // The bot on a manual clock: the record's wait for Retry-After runs on it, so nothing here waits 10 s.
    const w = await startAlertHarness({ slack: { users: USERS } });
    a = w;
    const { h: bot, clock } = w;
    await assignRoles(bot);
    bot.slack.failNext('users.info', { status: 429, retryAfter: 10 });

    expect((await bot.command(ADMIN, 'record')).text).toContain('Preparing the decision record');
    // The names are asked for together; the first call to arrive got the 429 (recorded before any other answer).
    await bot.slack.waitFor('users.info');
    const limited = bot.slack.allCalls('users.info').find((c) => c.error === 'ratelimited');
    expect(limited).toBeDefined();
    const askedFor = (user: unknown) => bot.slack.allCalls('users.info').filter((c) => c.args.user === user);

    // Straight after, a commander opens the sign-off form. Its trigger lasts about 3 s: the stand-in must see
    // views.open within that (this bound is the only wall-clock one here; before the fix it came after ~10 s).
    await bot.command(PEOPLE.producerCommander, 'signoff', { trigger_id: 'trigger-after-429' });
    const open = await bot.slack.waitFor(
      'views.open',
      (c) => c.args.trigger_id === 'trigger-after-429',
      3000,
    );
    // In order: the 429, then views.open, while users.info has not been asked again and nothing is uploaded.
    const calls = bot.slack.allCalls();
    expect(calls.indexOf(open)).toBeGreaterThan(calls.indexOf(limited as (typeof calls)[number]));
    expect(askedFor(limited?.args.user)).toHaveLength(1);
    expect(bot.slack.uploads).toEqual([]);

    // The Retry-After passes on the clock: users.info is asked once more, and the record goes out with every name.
    clock.advance(9_999);
    await new Promise((resolve) => setImmediate(resolve));
    expect(askedFor(limited?.args.user)).toHaveLength(1);
    clock.advance(1);
    const upload = await bot.slack.waitForUpload((u) => u.completed);
    expect(askedFor(limited?.args.user)).toHaveLength(2);
    for (const name of ['Pat Producer', 'Casey Consumer', 'Robin \\*Release\\*', 'Riley Repin'])
      expect(upload.content).toContain(name);
    // Nothing the record did ran on Bolt's client: the 429 paused no queue, and the form went out on time.
    expect(open.failed).toBe(false);
  });
});
