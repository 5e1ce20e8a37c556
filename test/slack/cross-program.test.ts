/**
 * No peeking across programs, through the real Bolt app: every button and form names its program, and a forged one
 * naming a program the person holds no role in (and is not an admin of) opens nothing, does nothing and names
 * nothing of that program, wherever it is clicked; its own role holders still open it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ACTIONS, INPUT_ACTION, INPUTS, SHAPE_VIEWS, VIEWS } from '../../src/slack/ids.js';
import { ADMIN, assignRoles, CHANNEL, type Harness, PEOPLE, startHarness } from './harness.js';
import { blockAction, stateValue, viewSubmission } from './payloads.js';

const OTHER = 'C0OTHER01';
/** Holds a role in service-v4 only. */
const OUTSIDER = 'UVFOUR001';

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

async function start() {
  const w = await startHarness();
  h = w;
  await assignRoles(w);
  await w.command(PEOPLE.logOwner, 'blocker add producer-incident-commander secret vendor outage');
  const before = w.slack.responses.length;
  await w.command(ADMIN, 'new service-v4 from service-v3', { channel_id: OTHER });
  await w.slack.waitForResponse((r) => w.slack.responses.indexOf(r) >= before);
  const r = await w.command(ADMIN, `role decision-log-owner <@${OUTSIDER}|outsider>`, { channel_id: OTHER });
  expect(r.text).toContain(':white_check_mark:');
  return w;
}

/** What of service-v3 a refusal must not name. */
function secretsOf(w: Harness): string[] {
  const c = w.program().cutover();
  return [
    c.title,
    ...c.blockers.map((b) => b.title),
    ...c.gates.map((g) => g.id),
    ...c.roles.map((r) => r.title),
    ...c.sides.map((s) => s.name),
    ...Object.values(PEOPLE),
  ];
}

const state = async (w: Harness) =>
  JSON.stringify([(await w.disk()).data.cutover, (await w.historyOnDisk()).length]);

const BUTTONS = [
  ACTIONS.openSignoff,
  ACTIONS.openBlocker,
  ACTIONS.openGate,
  ACTIONS.openEvidence,
  ACTIONS.openDecide,
  ACTIONS.openTarget,
  ACTIONS.openWindow,
  ACTIONS.openRole,
  ACTIONS.openShape,
  ACTIONS.openTokens,
  ACTIONS.approveTarget,
  ACTIONS.startPhase,
  ACTIONS.closePhase,
  ACTIONS.archive,
  ACTIONS.postRecord,
];

describe('a forged button or form naming another program', () => {
  it('a forged cutover.blocker.open naming service-v3 opens nothing for someone with no role in it', async () => {
    const w = await start();
    const before = w.slack.calls('views.open').length;
    const posts = w.slack.calls('chat.postMessage').length;
    // From a message in the outsider's own program's channel, and from App Home.
    await w.interact(
      blockAction({
        user_id: OUTSIDER,
        action_id: ACTIONS.openBlocker,
        value: 'service-v3:',
        channel: { id: OTHER, name: 'other' },
        response_url: w.slack.responseUrl('forged-1'),
      }),
    );
    const told = await w.slack.waitForResponse((r) => r.path.endsWith('forged-1'));
    const text = JSON.stringify(told.body);
    expect(text).toContain('You hold no role in that program');
    for (const s of secretsOf(w)) expect(text).not.toContain(s);
    await w.interact(
      blockAction({
        user_id: OUTSIDER,
        action_id: ACTIONS.openBlocker,
        value: 'service-v3:',
        view: { type: 'home' },
      }),
    );
    const dm = await w.slack.waitFor(
      'chat.postMessage',
      (c) =>
        w.slack.calls('chat.postMessage').indexOf(c) >= posts &&
        c.args.channel !== CHANNEL &&
        c.args.channel !== OTHER,
    );
    expect(String(dm.args.text)).toContain('You hold no role in that program');
    expect(w.slack.calls('views.open').length).toBe(before);
    // Its own role holder opens it.
    const trigger = 'trigger-own-blocker';
    await w.interact(
      blockAction({
        user_id: PEOPLE.logOwner,
        action_id: ACTIONS.openBlocker,
        value: 'service-v3:',
        view: { type: 'home' },
        trigger_id: trigger,
      }),
    );
    const own = await w.slack.waitFor('views.open', (c) => c.args.trigger_id === trigger);
    expect(JSON.stringify(own.args.view)).toContain('secret vendor outage');
  });

  it('every program-naming button refuses alike, opening, changing and naming nothing', async () => {
    const w = await start();
    const secrets = secretsOf(w);
    const before = await state(w);
    const opened = w.slack.calls('views.open').length;
    for (const [i, action_id] of BUTTONS.entries()) {
      const id = `forged-button-${i}`;
      await w.interact(
        blockAction({
          user_id: OUTSIDER,
          action_id,
          value: 'service-v3:8',
          channel: { id: OTHER, name: 'other' },
          response_url: w.slack.responseUrl(id),
        }),
      );
      const told = JSON.stringify((await w.slack.waitForResponse((r) => r.path.endsWith(id))).body);
      expect(told, action_id).toContain('You hold no role in that program');
      for (const s of secrets) expect(told, `${action_id} names ${s}`).not.toContain(s);
    }
    expect(w.slack.calls('views.open').length).toBe(opened);
    expect(w.slack.uploads.length).toBe(0);
    expect(await state(w)).toBe(before);
  });

  it('every form submitted with ModalMetadata naming another program is refused inline, writing nothing', async () => {
    const w = await start();
    const secrets = secretsOf(w);
    const before = await state(w);
    const forms = [
      ...Object.values(VIEWS).filter((v) => v !== VIEWS.shapePicker),
      ...Object.values(SHAPE_VIEWS),
    ];
    for (const callback_id of forms) {
      const a = await w.interact(
        viewSubmission({
          user_id: OUTSIDER,
          callback_id,
          private_metadata: JSON.stringify({ program: 'service-v3', channel: CHANNEL }),
          values: {
            [INPUTS.blocker.blocker]: { [INPUT_ACTION]: stateValue.plainTextInput('secret-vendor-outage') },
            [INPUTS.token.name]: { [INPUT_ACTION]: stateValue.plainTextInput('stolen') },
          },
        }),
      );
      expect(a.body.response_action, callback_id).toBe('errors');
      const said = JSON.stringify(a.body.errors);
      expect(said, callback_id).toContain('You hold no role in that program');
      for (const s of secrets) expect(said, `${callback_id} names ${s}`).not.toContain(s);
    }
    expect(await state(w)).toBe(before);
    expect(w.program().document().tokens).toEqual([]);
  });

  it("a forged Revoke naming another program's token revokes nothing and says nothing of it", async () => {
    const w = await start();
    expect((await w.command(PEOPLE.logOwner, 'token create pipeline')).text).toContain(
      'shown only this once',
    );
    const posts = w.slack.calls('chat.postMessage').length;
    await w.interact(
      blockAction({
        user_id: OUTSIDER,
        action_id: ACTIONS.revokeToken,
        value: 'service-v3:pipeline',
        view: { type: 'modal', callback_id: VIEWS.tokens },
      }),
    );
    const dm = await w.slack.waitFor(
      'chat.postMessage',
      (c) => w.slack.calls('chat.postMessage').indexOf(c) >= posts,
    );
    expect(String(dm.args.text)).toContain('You hold no role in that program');
    expect(String(dm.args.text)).not.toContain('pipeline');
    expect(w.program().document().tokens[0]?.revoked).toBeUndefined();
  });

  it('an admin with no role opens any program', async () => {
    const w = await start();
    const trigger = 'trigger-admin-blocker';
    await w.interact(
      blockAction({
        user_id: ADMIN,
        action_id: ACTIONS.openBlocker,
        value: 'service-v3:',
        view: { type: 'home' },
        trigger_id: trigger,
      }),
    );
    await w.slack.waitFor('views.open', (c) => c.args.trigger_id === trigger);
  });
});
