/**
 * Buttons that are a change in themselves, through the real Bolt app: "Approve <tag>" approves the SHA it showed
 * (a target published since is not approved by mistake), "Start phase" starts the phase; each applies once per
 * click, and a person of the other organisation in a shared channel (their own `team_id`) acts by them as anyone.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ACTIONS } from '../../src/slack/ids.js';
import { assignRoles, type Harness, PEOPLE, startHarness } from './harness.js';
import { blockAction } from './payloads.js';

const SHA1 = '1f0e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c';
const SHA2 = '2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a';
/** The consumer's organisation, sharing the channel: not the team that installed the app. */
const OTHER_TEAM = 'T0CONSUMER';

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

/** A click from App Home by `user`, as a member of `team`; the direct message the bot answered with. */
async function click(
  w: Harness,
  user: string,
  actionId: string,
  value: string,
  trigger_id?: string,
  team = OTHER_TEAM,
) {
  const payload = blockAction({
    user_id: user,
    action_id: actionId,
    value,
    view: { type: 'home' },
    ...(trigger_id ? { trigger_id } : {}),
  });
  const before = w.slack.calls('chat.postMessage').length;
  const answer = await w.interact({ ...payload, user: { ...payload.user, team_id: team } });
  expect(answer.status).toBe(200);
  const dm = await w.slack.waitFor(
    'chat.postMessage',
    (c) => c.args.channel === user && w.slack.calls('chat.postMessage').indexOf(c) >= before,
  );
  return { text: String(dm.args.text), trigger: payload.trigger_id };
}

describe('buttons that change the cutover', () => {
  it('approve the SHA they showed, once; a button shown before a new target is refused naming both', async () => {
    const w = await startHarness();
    h = w;
    await assignRoles(w);
    expect((await w.command(PEOPLE.producerRollback, `target service.v3.0 ${SHA1}`)).text).toContain(
      ':white_check_mark:',
    );
    const program = w.program().cutover().id;

    // Shown the first target, then a second is published: the old button does not approve the new one.
    const stale = `${program}:${SHA1}`;
    expect((await w.command(PEOPLE.producerRollback, `target service.v3.1 ${SHA2}`)).text).toContain(
      ':white_check_mark:',
    );
    const refused = await click(w, PEOPLE.consumerRollback, ACTIONS.approveTarget, stale);
    expect(refused.text).toContain(':no_entry:');
    expect(refused.text).toContain('service.v3.1');
    expect(w.program().cutover().targets.at(-1)?.approved).toBeFalsy();

    const approved = await click(
      w,
      PEOPLE.consumerRollback,
      ACTIONS.approveTarget,
      `${program}:${SHA2}`,
      'T-ONCE',
    );
    expect(approved.text).toContain(':white_check_mark:');
    // The same click delivered again (a retry) answers the same and changes nothing more.
    const again = await click(
      w,
      PEOPLE.consumerRollback,
      ACTIONS.approveTarget,
      `${program}:${SHA2}`,
      'T-ONCE',
    );
    expect(again.text).toBe(approved.text);
    expect(w.program().cutover().targets.at(-1)).toMatchObject({ sha: SHA2, approved: expect.anything() });
    const lines = w
      .program()
      .history(50)
      .filter((e) => e.event.type === 'target.approved');
    expect(lines).toHaveLength(1);
  });

  it('refuses a person without the role, saying who may, and changes nothing', async () => {
    const w = await startHarness();
    h = w;
    await assignRoles(w);
    await w.command(PEOPLE.producerRollback, `target service.v3.0 ${SHA1}`);
    const before = await w.diskBytes();
    const program = w.program().cutover().id;
    const answer = await click(w, PEOPLE.producerCommander, ACTIONS.approveTarget, `${program}:${SHA1}`);
    expect(answer.text).toContain('consumer-rollback-owner');
    expect(await w.diskBytes()).toBe(before);
    const phase = await click(w, PEOPLE.logOwner, ACTIONS.startPhase, `${program}:8`);
    expect(phase.text).toContain('Phase 8 cannot start yet');
    expect(await w.diskBytes()).toBe(before);
  });
});

describe('the record and archive buttons', () => {
  it('post the decision record to the program’s channel; archive refuses an unfinished program, saying why', async () => {
    const w = await startHarness();
    h = w;
    await assignRoles(w);
    const program = w.program().cutover().id;
    const p = blockAction({
      user_id: PEOPLE.consumerRollback,
      action_id: ACTIONS.postRecord,
      value: `${program}:`,
      view: { type: 'home' },
    });
    await w.interact({ ...p, user: { ...p.user, team_id: OTHER_TEAM } });
    const upload = await w.slack.waitForUpload((u) => (u.filename ?? '').includes(program));
    expect(upload.content).toContain('Runtime Cutover Decision Record');

    const before = await w.diskBytes();
    const refused = await click(w, PEOPLE.logOwner, ACTIONS.archive, `${program}:`);
    expect(refused.text).toContain('is not finished');
    expect(await w.diskBytes()).toBe(before);
  });
});
