/**
 * `/cutover record` through the real bot: acked at once, display names fetched with users.info and cached in the
 * store file, the Markdown uploaded to the channel with the SDK's upload helper; a failed upload is told.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ADMIN, assignRoles, CHANNEL, type Harness, PEOPLE, startHarness } from '../harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
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
      'MemoryKernel Producer On-Call Lead (MemoryKernel incident commander, `producer-incident-commander`): Pat Producer',
    );
    expect(md).toContain(
      'Support Platform On-Call Lead (AssistSupport incident commander, `consumer-incident-commander`): Casey Consumer',
    );
    expect(md).toContain(
      'MemoryKernel Release Owner (MemoryKernel, `producer-rollback-owner`): Robin \\*Release\\*',
    );
    // Not known to users.info: shown by id, never as a mention.
    expect(md).toContain('(joint decision log owner, `decision-log-owner`): ULOG');
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
