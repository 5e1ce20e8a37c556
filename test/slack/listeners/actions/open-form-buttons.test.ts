/** The form buttons answer the person wherever they were clicked: in a message by response_url, in App Home by DM. */
import { afterEach, describe, expect, it } from 'vitest';
import { ACTIONS, VIEWS } from '../../../../src/slack/ids.js';
import { assignRoles, type Harness, PEOPLE, startHarness } from '../../harness.js';
import { blockAction } from '../../payloads.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

describe('the Sign off button', () => {
  it('from App Home, refuses a person with no commander role by direct message, and writes nothing', async () => {
    const w = await startHarness();
    h = w;
    await assignRoles(w);
    const before = await w.diskBytes();
    const click = await w.interact(
      blockAction({
        user_id: PEOPLE.producerRollback,
        action_id: ACTIONS.openSignoff,
        view: { type: 'home' },
      }),
    );
    expect(click.status).toBe(200);
    const dm = await w.slack.waitFor('chat.postMessage', (c) => c.args.channel === PEOPLE.producerRollback);
    expect(String(dm.args.text)).toContain('Only a side');
    expect(w.slack.calls('views.open')).toEqual([]);
    expect(await w.diskBytes()).toBe(before);
  });

  it('from App Home, opens the sign-off form for a commander with the trigger of the click', async () => {
    const w = await startHarness();
    h = w;
    await assignRoles(w);
    await w.interact(
      blockAction({
        user_id: PEOPLE.consumerCommander,
        action_id: ACTIONS.openSignoff,
        view: { type: 'home' },
        trigger_id: 'home-trigger',
      }),
    );
    const open = await w.slack.waitFor('views.open', (c) => c.args.trigger_id === 'home-trigger');
    expect((open.args.view as { callback_id: string }).callback_id).toBe(VIEWS.signoff);
  });

  it('tells the person by DM when Slack does not open the form', async () => {
    const w = await startHarness();
    h = w;
    await assignRoles(w);
    w.slack.failNext('views.open', { error: 'expired_trigger_id' });
    await w.interact(
      blockAction({
        user_id: PEOPLE.producerCommander,
        action_id: ACTIONS.openSignoff,
        view: { type: 'home' },
      }),
    );
    const dm = await w.slack.waitFor('chat.postMessage', (c) => c.args.channel === PEOPLE.producerCommander);
    expect(String(dm.args.text)).toContain('Slack did not open the form');
  });
});
