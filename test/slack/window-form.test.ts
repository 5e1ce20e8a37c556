/**
 * A window the rules allow but Slack's datetimepicker cannot show (the year 9999) still opens its form, through the
 * real Bolt app and the Slack stand-in: the pickers are left empty (a 12-digit `initial_date_time` would make
 * Slack refuse the view), the form says what the window is now, and a window chosen in it is set.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ACTIONS, INPUT_ACTION, INPUTS, VIEWS } from '../../src/slack/ids.js';
import { assignRoles, type Harness, PEOPLE, startHarness } from './harness.js';
import { blockAction, stateValue, viewSubmission } from './payloads.js';
import { expectModalWithinLimits } from './views/limits.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

type View = {
  callback_id: string;
  private_metadata: string;
  blocks: { element?: object; text?: { text: string } }[];
};

describe('the window form at the year 9999', () => {
  it('opens with empty pickers, says the window in words, and sets the window chosen', async () => {
    const w = await startHarness();
    h = w;
    await assignRoles(w);
    const LOG = PEOPLE.logOwner;
    expect((await w.command(LOG, 'window 9999-12-31T20:00Z 9999-12-31T23:00Z')).text).toContain(
      ':white_check_mark:',
    );

    const click = blockAction({
      user_id: LOG,
      action_id: ACTIONS.openWindow,
      value: 'service-v3:',
      view: { type: 'home' },
    });
    await w.interact(click);
    const opened = await w.slack.waitFor('views.open', (c) => c.args.trigger_id === click.trigger_id);
    expect(opened.failed).toBe(false);
    const view = opened.args.view as View;
    expect(view.callback_id).toBe(VIEWS.window);
    expectModalWithinLimits(view);
    expect(JSON.stringify(view)).not.toContain('initial_date_time');
    expect(view.blocks[0]?.text?.text).toContain('The window now starts 9999-12-31 20:00 UTC');

    const start = Math.floor(Date.parse('2027-03-01T09:00Z') / 1000);
    const set = await w.interact(
      viewSubmission({
        user_id: LOG,
        callback_id: view.callback_id,
        private_metadata: view.private_metadata,
        values: {
          [INPUTS.window.start]: { [INPUT_ACTION]: stateValue.datetimepicker(start) },
          [INPUTS.window.end]: { [INPUT_ACTION]: stateValue.datetimepicker(start + 3600) },
        },
      }),
    );
    expect(set.body).toEqual({});
    expect(w.program().cutover().window).toMatchObject({
      start: '2027-03-01T09:00:00.000Z',
      end: '2027-03-01T10:00:00.000Z',
    });
  });
});
