/**
 * Shaping the program by form, through the real Bolt app and the Slack stand-in: App Home's "Shape the program"
 * opens the picker, choosing in it replaces it with the form, and a submission is applied once or refused inline
 * under the field at fault, the store file then byte for byte as it was.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ACTIONS, INPUT_ACTION, INPUTS, SHAPE_VIEWS, type ShapeForm, VIEWS } from '../../src/slack/ids.js';
import { assignRoles, type Harness, PEOPLE, startHarness } from './harness.js';
import { blockAction, stateValue, type ViewStateValues, viewSubmission } from './payloads.js';
import type { RecordedCall } from './stand-in.js';

const { producerCommander: PIC, logOwner: LOG } = PEOPLE;
const S = INPUTS.shape;

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

type View = {
  callback_id: string;
  private_metadata: string;
  blocks: {
    type: string;
    block_id?: string;
    element?: { options?: { value: string }[] };
    elements?: { action_id: string; option_groups?: { options: { value: string }[] }[] }[];
  }[];
};
const viewOf = (c: RecordedCall) => c.args.view as View;

/** Clicks App Home's "Shape the program" as `user`; the picker it opened. */
async function openPicker(w: Harness, user: string): Promise<View> {
  const trigger = `trigger-shape-${user}-${Math.random()}`;
  await w.interact(
    blockAction({ user_id: user, action_id: ACTIONS.openShape, trigger_id: trigger, view: { type: 'home' } }),
  );
  return viewOf(await w.slack.waitFor('views.open', (c) => c.args.trigger_id === trigger));
}

/** Chooses `form` in the open picker, as Slack sends a static select's choice in a modal; the form it became. */
async function pick(w: Harness, user: string, picker: View, form: ShapeForm): Promise<View> {
  const viewId = `VPICK${Math.floor(Math.random() * 1e6)}`;
  const click = blockAction({
    user_id: user,
    action_id: ACTIONS.pickShape,
    view: { id: viewId, callback_id: picker.callback_id, private_metadata: picker.private_metadata },
  });
  const action = click.actions[0];
  await w.interact({
    ...click,
    actions: [
      {
        type: 'static_select',
        action_id: ACTIONS.pickShape,
        block_id: action?.block_id,
        action_ts: action?.action_ts,
        selected_option: { text: { type: 'plain_text', text: form }, value: form },
      },
    ],
  });
  const update = await w.slack.waitFor('views.update', (c) => c.args.view_id === viewId);
  expect(update.args.hash).toBe(click.view?.hash);
  return viewOf(update);
}

const text = (value: string | null) => ({ [INPUT_ACTION]: stateValue.plainTextInput(value) });
const choice = (value: string | null) => ({ [INPUT_ACTION]: stateValue.staticSelect(value) });

const submit = (w: Harness, user: string, form: ShapeForm, values: ViewStateValues, metadata = '{}') =>
  w.interact(
    viewSubmission({ user_id: user, callback_id: SHAPE_VIEWS[form], private_metadata: metadata, values }),
  );

const gateAdd = (id: string, title = 'Performance suite green') => ({
  [S.id]: text(id),
  [S.title]: text(title),
  [S.owner]: choice('producer-incident-commander'),
  [S.perTarget]: {
    [INPUT_ACTION]: {
      type: 'radio_buttons',
      selected_option: { text: { type: 'plain_text' as const, text: 'yes' }, value: 'yes' },
    },
  },
});

describe.each(['http', 'socket'] as const)('shaping the program by form (%s mode)', (mode) => {
  it('the log owner adds a gate by form: it shows in /cutover status, history and an alert', async () => {
    const w = await startHarness({ mode });
    h = w;
    await assignRoles(w);
    const picker = await openPicker(w, LOG);
    expect(picker.callback_id).toBe(VIEWS.shapePicker);
    const offered = picker.blocks
      .flatMap((b) => b.elements ?? [])
      .flatMap((e) => e.option_groups ?? [])
      .flatMap((g) => g.options.map((o) => o.value));
    expect(offered).toContain('gate.add');
    expect(offered).not.toContain('blocker.remove');

    const form = await pick(w, LOG, picker, 'gate.add');
    expect(form.callback_id).toBe(SHAPE_VIEWS['gate.add']);
    expect(form.blocks.map((b) => b.block_id).filter(Boolean)).toEqual([S.id, S.title, S.owner, S.perTarget]);

    // The same view submitted again (a double click: same view id and hash) is applied once.
    const submission = viewSubmission({
      user_id: LOG,
      callback_id: form.callback_id,
      private_metadata: form.private_metadata,
      values: gateAdd('perf-suite'),
    });
    for (let i = 0; i < 2; i++) expect((await w.interact(submission)).body).toEqual({});

    const status = await w.command(LOG, 'status');
    expect(JSON.stringify(status.body)).toContain('perf-suite');
    const history = await w.command(LOG, 'history 5');
    expect(history.text).toContain('gate perf-suite');
    const added = (await w.historyOnDisk()).filter((e) => e.subject === 'gate perf-suite');
    expect(added).toEqual([expect.objectContaining({ by: LOG, action: 'program.shape', after: 'added' })]);
    // One alert, stored as the change's typed event (its text is rendered at delivery).
    type Shaped = { type: string; what?: string; item?: string; change?: string };
    const outbox = ((await w.disk()).data as unknown as { outbox: { events?: Shaped[] }[] }).outbox;
    expect(
      outbox.filter((i) =>
        i.events?.some(
          (e) =>
            e.type === 'program.shaped' &&
            e.what === 'gate' &&
            e.item === 'perf-suite' &&
            e.change === 'added',
        ),
      ),
    ).toHaveLength(1);
  });
});

describe('shaping the program by form (http mode)', () => {
  it('refuses someone without the role: no form by the button (a DM names who may), and a submission inline', async () => {
    const w = await startHarness();
    h = w;
    await assignRoles(w);
    const opened = w.slack.calls('views.open').length;
    await w.interact(blockAction({ user_id: PIC, action_id: ACTIONS.openShape, view: { type: 'home' } }));
    const dm = await w.slack.waitFor('chat.postMessage', (c) => c.args.channel === PIC);
    expect(String(dm.args.text)).toContain(
      'Only decision-log-owner (<@ULOG>) or an admin may change the shape of this program',
    );
    expect(w.slack.calls('views.open')).toHaveLength(opened);

    const before = await w.diskBytes();
    const a = await submit(w, PIC, 'gate.add', gateAdd('perf-suite'));
    expect(a.body).toEqual({
      response_action: 'errors',
      errors: { [S.id]: expect.stringContaining('Only decision-log-owner (<@ULOG>) or an admin may change') },
    });
    expect(await w.diskBytes()).toBe(before);
  });

  it('refuses a bad id inline, under the id field and naming it, and writes nothing', async () => {
    const w = await startHarness();
    h = w;
    await assignRoles(w);
    const before = await w.diskBytes();
    const history = (await w.historyOnDisk()).length;
    const bad = await submit(w, LOG, 'gate.add', gateAdd('Perf Suite!'));
    expect(bad.body).toEqual({
      response_action: 'errors',
      errors: { [S.id]: expect.stringMatching(/^gate: use lower-case letters, digits/) },
    });
    const taken = await submit(w, LOG, 'gate.add', gateAdd('producer-suite'));
    expect(taken.body).toEqual({
      response_action: 'errors',
      errors: { [S.id]: 'There is already a gate "producer-suite": give another id.' },
    });
    const missing = await submit(w, LOG, 'gate.add', { ...gateAdd('perf-suite'), [S.title]: text('  ') });
    expect(missing.body).toEqual({
      response_action: 'errors',
      errors: { [S.title]: 'Give the gate a title.' },
    });
    const unknownGate = await submit(w, LOG, 'gate.rename', {
      [S.item]: text('no-such-gate'),
      [S.title]: text('A title'),
    });
    expect(unknownGate.body).toEqual({
      response_action: 'errors',
      errors: { [S.item]: expect.stringContaining('There is no gate "no-such-gate"') },
    });
    expect(await w.diskBytes()).toBe(before);
    expect(await w.historyOnDisk()).toHaveLength(history);
  });

  it('does not offer a derived gate for removal, and refuses one inline; a manual gate is removed', async () => {
    const w = await startHarness();
    h = w;
    await assignRoles(w);
    const form = await pick(w, LOG, await openPicker(w, LOG), 'gate.remove');
    const offered = form.blocks.find((b) => b.block_id === S.item)?.element?.options?.map((o) => o.value);
    expect(offered).toEqual(['producer-suite', 'consumer-suite', 'alignment']);

    // A button that names a form opens it at once.
    const trigger = `trigger-remove-${Math.random()}`;
    await w.interact(
      blockAction({
        user_id: LOG,
        action_id: ACTIONS.openShape,
        value: 'gate.remove',
        trigger_id: trigger,
        view: { type: 'home' },
      }),
    );
    const direct = viewOf(await w.slack.waitFor('views.open', (c) => c.args.trigger_id === trigger));
    expect(direct.callback_id).toBe(SHAPE_VIEWS['gate.remove']);
    expect(direct.blocks.find((b) => b.block_id === S.item)?.element?.options?.map((o) => o.value)).toEqual(
      offered,
    );

    const before = await w.diskBytes();
    const derived = await submit(w, LOG, 'gate.remove', { [S.item]: choice('bilateral-signoff') });
    expect(derived.body).toEqual({
      response_action: 'errors',
      errors: {
        [S.item]: expect.stringContaining(
          "Gate bilateral-signoff is derived: it is one of the program's rules",
        ),
      },
    });
    expect(await w.diskBytes()).toBe(before);

    expect((await submit(w, LOG, 'gate.remove', { [S.item]: choice('alignment') })).body).toEqual({});
    const gates = (await w.disk()).data.cutover.gates as { id: string }[];
    expect(gates.map((g) => g.id)).not.toContain('alignment');
  });

  it('changes the reminders by form, each fault under its own field', async () => {
    const w = await startHarness();
    h = w;
    await assignRoles(w);
    const form = await pick(w, LOG, await openPicker(w, LOG), 'reminders.set');
    expect(form.callback_id).toBe(SHAPE_VIEWS['reminders.set']);
    const values = (over: ViewStateValues = {}): ViewStateValues => ({
      [S.signoffAfterHours]: { [INPUT_ACTION]: { type: 'number_input', value: '12' } },
      [S.blockerStaleHours]: { [INPUT_ACTION]: { type: 'number_input', value: '48' } },
      [S.windowLeadHours]: text('24, 2'),
      [S.digestHour]: choice('8'),
      [S.quietFrom]: choice('22'),
      [S.quietTo]: choice('7'),
      [S.zone]: text('Europe/Berlin'),
      ...over,
    });
    const before = await w.diskBytes();
    expect((await submit(w, LOG, 'reminders.set', values({ [S.zone]: text('Mars/Base') }))).body).toEqual({
      response_action: 'errors',
      errors: { [S.zone]: expect.stringContaining('"Mars/Base" is not a time zone') },
    });
    expect((await submit(w, LOG, 'reminders.set', values({ [S.quietTo]: choice('none') }))).body).toEqual({
      response_action: 'errors',
      errors: { [S.quietTo]: 'Give both ends of the quiet hours, or none for both.' },
    });
    const tooLong = { [S.blockerStaleHours]: { [INPUT_ACTION]: { type: 'number_input', value: '9999' } } };
    expect((await submit(w, LOG, 'reminders.set', values(tooLong))).body).toEqual({
      response_action: 'errors',
      errors: {
        [S.blockerStaleHours]: 'The blocker nudge is a whole number of hours from 1 to 720: "9999" is not.',
      },
    });
    expect(await w.diskBytes()).toBe(before);

    expect((await submit(w, LOG, 'reminders.set', values())).body).toEqual({});
    const reminders = (await w.disk()).data.cutover.reminders;
    expect(reminders).toEqual({
      signoffAfterHours: 12,
      blockerStaleHours: 48,
      windowLeadHours: [24, 2],
      digestHour: 8,
      quietHours: { from: 22, to: 7 },
      zone: 'Europe/Berlin',
    });
  });
});

describe('/cutover shape', () => {
  it('opens the picker for the log owner, bound to the channel’s program; a bystander is told who may, and the commands', async () => {
    const w = await startHarness();
    h = w;
    await assignRoles(w);
    const trigger = 'trigger-shape-command';
    const opened = await w.command(LOG, 'shape', { trigger_id: trigger });
    expect(opened.status).toBe(200);
    const picker = viewOf(await w.slack.waitFor('views.open', (c) => c.args.trigger_id === trigger));
    expect(picker.callback_id).toBe(VIEWS.shapePicker);
    expect(JSON.parse(picker.private_metadata)).toMatchObject({ program: 'service-v3' });

    const refused = await w.command(PIC, 'shape');
    expect(refused.text).toContain('decision-log-owner');
    expect(refused.text).toContain('*Shaping this program*');
    expect(refused.text).toContain('gate add');
  });
});
