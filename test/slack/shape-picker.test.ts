/**
 * Every entry of "Shape the program" opens its form: the picker is opened from App Home as each person, and each
 * entry it offers is chosen in turn, through the real Bolt app and the Slack stand-in (which checks the view
 * against Block Kit's limits): the picker becomes that entry's form, never a notice.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTIONS, SHAPE_VIEWS, type ShapeForm, VIEWS } from '../../src/slack/ids.js';
import { SHAPE_FORMS } from '../../src/slack/views/shape-modal.js';
import { ADMIN, assignRoles, type Harness, PEOPLE, startHarness } from './harness.js';
import { blockAction } from './payloads.js';
import type { RecordedCall } from './stand-in.js';
import { expectModalWithinLimits } from './views/limits.js';

type View = {
  callback_id: string;
  private_metadata: string;
  blocks: { type: string; elements?: { option_groups?: { options: { value: string }[] }[] }[] }[];
};
const viewOf = (c: RecordedCall) => c.args.view as View;

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
  await assignRoles(h);
  // Something for every entry to act on: a manual blocker and an evidence item no derived item waits for.
  await h.command(PEOPLE.logOwner, 'blocker add consumer-incident-commander Vendor contract signed');
  await h.command(PEOPLE.logOwner, 'evidence add perf-report producer Performance report');
}, 30_000);
afterAll(async () => {
  await h?.stop();
});

let n = 0;
async function openPicker(user: string): Promise<View | undefined> {
  const trigger = `trigger-walk-${++n}`;
  const dms = h.slack.calls('chat.postMessage').filter((c) => c.args.channel === user).length;
  await h.interact(
    blockAction({ user_id: user, action_id: ACTIONS.openShape, trigger_id: trigger, view: { type: 'home' } }),
  );
  const opened = h.slack.waitFor('views.open', (c) => c.args.trigger_id === trigger, 3000).then(viewOf);
  const told = h.slack
    .waitFor(
      'chat.postMessage',
      () => h.slack.calls('chat.postMessage').filter((c) => c.args.channel === user).length > dms,
      3000,
    )
    .then(() => undefined);
  return Promise.race([opened, told]).finally(() => {
    opened.catch(() => undefined);
    told.catch(() => undefined);
  });
}

async function pick(user: string, picker: View, form: string): Promise<RecordedCall> {
  const viewId = `VWALK${++n}`;
  const click = blockAction({
    user_id: user,
    action_id: ACTIONS.pickShape,
    view: { id: viewId, callback_id: picker.callback_id, private_metadata: picker.private_metadata },
  });
  await h.interact({
    ...click,
    actions: [
      {
        type: 'static_select',
        action_id: ACTIONS.pickShape,
        block_id: click.actions[0]?.block_id,
        action_ts: click.actions[0]?.action_ts,
        selected_option: { text: { type: 'plain_text', text: form }, value: form },
      },
    ],
  });
  return h.slack.waitFor('views.update', (c) => c.args.view_id === viewId);
}

const offered = (picker: View) =>
  picker.blocks
    .flatMap((b) => b.elements ?? [])
    .flatMap((e) => e.option_groups ?? [])
    .flatMap((g) => g.options.map((o) => o.value));

describe('the shape picker', () => {
  it('offers the log owner every entry here, and each opens its own form (remove an evidence item among them)', async () => {
    const picker = await openPicker(PEOPLE.logOwner);
    expect(picker?.callback_id).toBe(VIEWS.shapePicker);
    const entries = offered(picker as View);
    expect(entries).toEqual(SHAPE_FORMS);
    expect(entries).toContain('evidence.remove');
    for (const form of entries) {
      const update = await pick(PEOPLE.logOwner, picker as View, form);
      expect(update.failed, `${form}: ${update.error ?? ''}`).toBe(false);
      const view = viewOf(update);
      expect(view.callback_id).toBe(SHAPE_VIEWS[form as ShapeForm]);
      expectModalWithinLimits(view);
    }
  });

  it('for everyone who gets a picker, each entry it offers opens its form', async () => {
    for (const user of [ADMIN, ...Object.values(PEOPLE)]) {
      const picker = await openPicker(user);
      if (!picker) continue; // told by DM who may shape: no picker, no entries
      for (const form of offered(picker)) {
        const view = viewOf(await pick(user, picker, form));
        expect(view.callback_id, `${user} chose ${form}`).toBe(SHAPE_VIEWS[form as ShapeForm]);
      }
    }
  });
});
