/**
 * "Log evidence" and "Decide" by button and form alone, through the real Bolt app, as a member of the other
 * organisation in a shared channel would (no slash commands, their own team_id): the evidence binds to the target
 * the form showed, a decision's refusal is shown under the form, and nothing is written by a refusal.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ACTIONS, INPUT_ACTION, INPUTS, VIEWS } from '../../src/slack/ids.js';
import { ADMIN, assignRoles, type Harness, PEOPLE, startHarness } from './harness.js';
import { blockAction, stateValue, viewSubmission } from './payloads.js';

const SHA1 = '1f0e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c';
const SHA2 = '2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a';
const OTHER_TEAM = 'T0CONSUMER';

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

/** Clicks a Home button as `user` of the other team; the form it opened. */
async function open(w: Harness, user: string, actionId: string, value: string) {
  const payload = blockAction({ user_id: user, action_id: actionId, value, view: { type: 'home' } });
  await w.interact({ ...payload, user: { ...payload.user, team_id: OTHER_TEAM } });
  const call = await w.slack.waitFor('views.open', (c) => c.args.trigger_id === payload.trigger_id);
  return call.args.view as { callback_id: string; private_metadata: string };
}

const submit = (
  w: Harness,
  user: string,
  view: { callback_id: string; private_metadata: string },
  values: object,
) => {
  const payload = viewSubmission({
    user_id: user,
    callback_id: view.callback_id,
    private_metadata: view.private_metadata,
    values: values as never,
  });
  return w.interact({ ...payload, user: { ...payload.user, team_id: OTHER_TEAM } });
};

describe('evidence and decisions by form', () => {
  it('logs evidence for the target the form showed, and refuses it under the form once the target moved', async () => {
    const w = await startHarness();
    h = w;
    await assignRoles(w);
    await w.command(PEOPLE.producerRollback, `target service.v3.0 ${SHA1}`);
    const program = w.program().cutover().id;
    const values = (url: string) => ({
      [INPUTS.evidence.evidence]: { [INPUT_ACTION]: stateValue.staticSelect('consumer-repin') },
      [INPUTS.evidence.url]: { [INPUT_ACTION]: stateValue.plainTextInput(url) },
    });
    const form = await open(w, PEOPLE.consumerRollback, ACTIONS.openEvidence, `${program}:consumer-repin`);
    expect(form.callback_id).toBe(VIEWS.evidence);
    const bad = await submit(w, PEOPLE.consumerRollback, form, values('not a link'));
    expect(bad.body).toMatchObject({
      response_action: 'errors',
      errors: { [INPUTS.evidence.url]: expect.stringContaining('http') },
    });
    const ok = await submit(w, PEOPLE.consumerRollback, form, values('https://ci.example.com/repin/1'));
    expect(ok.body).toEqual({});
    const e = w
      .program()
      .cutover()
      .evidence.find((x) => x.id === 'consumer-repin');
    expect(e?.entries.at(-1)).toMatchObject({ url: 'https://ci.example.com/repin/1', target: { sha: SHA1 } });

    // A form opened before a new target is refused inline, naming it; nothing is written.
    const stale = await open(w, PEOPLE.consumerRollback, ACTIONS.openEvidence, `${program}:consumer-repin`);
    await w.command(PEOPLE.producerRollback, `target service.v3.1 ${SHA2}`);
    const before = await w.diskBytes();
    const refused = await submit(w, PEOPLE.consumerRollback, stale, values('https://ci.example.com/repin/2'));
    expect(JSON.stringify(refused.body)).toContain('response_action');
    expect(JSON.stringify(refused.body)).toContain('service.v3.1');
    expect(await w.diskBytes()).toBe(before);
  });

  it('records a decision by form, and shows what is unmet under it when GO cannot be given yet', async () => {
    const w = await startHarness();
    h = w;
    await assignRoles(w);
    const program = w.program().cutover().id;
    const values = (status: string, rationale: string) => ({
      [INPUTS.decide.decision]: { [INPUT_ACTION]: stateValue.staticSelect('runtime-cutover') },
      [INPUTS.decide.status]: {
        [INPUT_ACTION]: {
          type: 'radio_buttons',
          selected_option: { text: { type: 'plain_text', text: status }, value: status },
        },
      },
      [INPUTS.decide.rationale]: { [INPUT_ACTION]: stateValue.plainTextInput(rationale) },
    });
    const form = await open(w, PEOPLE.logOwner, ACTIONS.openDecide, `${program}:runtime-cutover`);
    expect(form.callback_id).toBe(VIEWS.decide);
    const before = await w.diskBytes();
    const go = await submit(w, PEOPLE.logOwner, form, values('go', 'ship it'));
    expect(JSON.stringify(go.body)).toContain('response_action');
    expect(JSON.stringify(go.body)).toContain('release-target');
    expect(await w.diskBytes()).toBe(before);
    const noGo = await submit(w, PEOPLE.logOwner, form, values('no-go', 'waiting for the vendor'));
    expect(noGo.body).toEqual({});
    expect(
      w
        .program()
        .cutover()
        .decisions.find((d) => d.id === 'runtime-cutover')?.rationale,
    ).toBe('waiting for the vendor');

    // Someone who may not decide is not given the form.
    const payload = blockAction({
      user_id: PEOPLE.producerCommander,
      action_id: ACTIONS.openDecide,
      value: `${program}:runtime-cutover`,
      view: { type: 'home' },
    });
    await w.interact(payload);
    const dm = await w.slack.waitFor('chat.postMessage', (c) => c.args.channel === PEOPLE.producerCommander);
    expect(String(dm.args.text)).toContain('decision-log-owner');
  });
});

describe('the target and the window by form', () => {
  it('publishes a target by form (a malformed SHA is refused under its field), and sets the window with date pickers', async () => {
    const w = await startHarness({ now: () => new Date('2026-11-30T08:00:00Z') });
    h = w;
    await assignRoles(w);
    const program = w.program().cutover().id;
    const target = await open(w, PEOPLE.producerRollback, ACTIONS.openTarget, `${program}:`);
    expect(target.callback_id).toBe(VIEWS.target);
    const publish = (sha: string) =>
      submit(w, PEOPLE.producerRollback, target, {
        [INPUTS.target.tag]: { [INPUT_ACTION]: stateValue.plainTextInput('service.v3.0') },
        [INPUTS.target.sha]: { [INPUT_ACTION]: stateValue.plainTextInput(sha) },
      });
    const bad = await publish('1f0e2d3');
    expect(bad.body).toMatchObject({
      response_action: 'errors',
      errors: { [INPUTS.target.sha]: expect.stringContaining('40-character') },
    });
    expect((await publish(SHA1)).body).toEqual({});
    expect(w.program().cutover().targets.at(-1)).toMatchObject({ tag: 'service.v3.0', sha: SHA1 });

    const windowForm = await open(w, PEOPLE.logOwner, ACTIONS.openWindow, `${program}:`);
    expect(windowForm.callback_id).toBe(VIEWS.window);
    const start = Date.parse('2026-12-01T08:00:00Z') / 1000;
    const set = await submit(w, PEOPLE.logOwner, windowForm, {
      [INPUTS.window.start]: { [INPUT_ACTION]: stateValue.datetimepicker(start) },
      [INPUTS.window.end]: { [INPUT_ACTION]: stateValue.datetimepicker(start + 2 * 3600) },
    });
    expect(set.body).toEqual({});
    expect(w.program().cutover().window).toMatchObject({
      start: '2026-12-01T08:00:00.000Z',
      end: '2026-12-01T10:00:00.000Z',
    });
    // An end before the start is refused under the end.
    const backwards = await submit(w, PEOPLE.logOwner, windowForm, {
      [INPUTS.window.start]: { [INPUT_ACTION]: stateValue.datetimepicker(start + 3600) },
      [INPUTS.window.end]: { [INPUT_ACTION]: stateValue.datetimepicker(start) },
    });
    expect(backwards.body).toMatchObject({
      response_action: 'errors',
      errors: { [INPUTS.window.end]: expect.any(String) },
    });
  });
});

describe('roles by form', () => {
  it('an admin assigns a role by form, choosing the person; someone else is not given the form', async () => {
    const w = await startHarness();
    h = w;
    const program = w.program().cutover().id;
    const form = await open(w, ADMIN, ACTIONS.openRole, `${program}:decision-log-owner`);
    expect(form.callback_id).toBe(VIEWS.role);
    const done = await submit(w, ADMIN, form, {
      [INPUTS.role.role]: { [INPUT_ACTION]: stateValue.staticSelect('decision-log-owner') },
      [INPUTS.role.user]: { [INPUT_ACTION]: stateValue.usersSelect('ULOGNEW01') },
    });
    expect(done.body).toEqual({});
    expect(
      w
        .program()
        .cutover()
        .roles.find((r) => r.id === 'decision-log-owner')?.assignee,
    ).toBe('ULOGNEW01');

    const payload = blockAction({
      user_id: 'ULOGNEW01',
      action_id: ACTIONS.openRole,
      value: `${program}:`,
      view: { type: 'home' },
    });
    await w.interact(payload);
    const dm = await w.slack.waitFor('chat.postMessage', (c) => c.args.channel === 'ULOGNEW01');
    expect(String(dm.args.text)).toContain('Only an admin may assign roles. You hold decision-log-owner.');
  });
});
