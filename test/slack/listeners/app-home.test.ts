/**
 * App Home through the real bot: app_home_opened publishes the person's Home, changes republish it for the
 * people concerned, and its buttons open the sign-off and gate forms; a refusal reaches the person by DM.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ACTIONS, INPUT_ACTION, INPUTS, VIEWS } from '../../../src/slack/ids.js';
import { largeProgram } from '../../fixtures/programs.js';
import { ADMIN, assignRoles, type Harness, PEOPLE, startHarness } from '../harness.js';
import { appHomeOpened, blockAction, stateValue, viewSubmission } from '../payloads.js';
import type { RecordedCall } from '../stand-in.js';

const SHA = '1f0e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c';
const {
  producerCommander: PIC,
  consumerCommander: CIC,
  producerRollback: PRB,
  consumerRollback: CRB,
} = PEOPLE;

let h: Harness | undefined;
let dir = '';
afterEach(async () => {
  await h?.stop();
  h = undefined;
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = '';
});

/** The parts of a published or opened view these tests read. */
type View = {
  type: string;
  callback_id?: string;
  private_metadata: string;
  blocks: {
    type: string;
    block_id?: string;
    text?: { text: string };
    accessory?: { action_id: string };
    element?: { initial_option?: { value: string }; options?: unknown[] };
  }[];
};
const viewOf = (c: RecordedCall) => c.args.view as View;
const homeOf = (user: string, has: string) => (c: RecordedCall) =>
  c.args.user_id === user && JSON.stringify(c.args.view).includes(has);
const ok = (a: { text: string }) => expect(a.text).toContain(':white_check_mark:');

describe.each(['http', 'socket'] as const)('App Home (%s mode)', (mode) => {
  it('publishes a commander their pending sign-off with a Sign off button, and republishes after a change', async () => {
    const w = await startHarness({ mode });
    h = w;
    await assignRoles(w);
    ok(await w.command(PRB, `target service.v3.0 ${SHA}`));
    ok(await w.command(CRB, 'target approve service.v3.0'));

    const opened = await w.event(appHomeOpened({ user_id: PIC }));
    expect(opened.status).toBe(200);
    const call = await w.slack.waitFor('views.publish', homeOf(PIC, 'Sign off for MemoryKernel'));
    const view = viewOf(call);
    expect(view.type).toBe('home');
    expect(view.blocks.length).toBeLessThanOrEqual(100);
    const waiting = view.blocks.find((b) => b.text?.text.includes('Sign off GO/NO-GO for MemoryKernel'));
    expect(waiting?.text?.text).toContain('on `service.v3.0 @');
    expect(waiting?.accessory?.action_id).toBe(ACTIONS.openSignoff);
    expect(JSON.stringify(view)).toContain('*MemoryKernel Producer On-Call Lead*');

    // A change by someone else republishes the Homes it concerns, with the new state.
    ok(await w.command(CIC, 'gate consumer-suite green'));
    await w.slack.waitFor('views.publish', homeOf(PIC, ':large_green_circle: `consumer-suite`'));
    await w.slack.waitFor('views.publish', homeOf(CIC, ':large_green_circle: `consumer-suite`'));
    await w.slack.waitFor('views.publish', homeOf(ADMIN, ':large_green_circle: `consumer-suite`'));

    // The Home's Sign off button opens the same sign-off form; signing drops the waiting item.
    const trigger = `trigger-home-${mode}`;
    const click = await w.interact(
      blockAction({
        user_id: PIC,
        action_id: ACTIONS.openSignoff,
        trigger_id: trigger,
        view: { type: 'home' },
      }),
    );
    expect(click.status).toBe(200);
    const form = viewOf(await w.slack.waitFor('views.open', (c) => c.args.trigger_id === trigger));
    expect(form.callback_id).toBe(VIEWS.signoff);
    const signed = await w.interact(
      viewSubmission({
        user_id: PIC,
        callback_id: VIEWS.signoff,
        private_metadata: form.private_metadata,
        values: {
          [INPUTS.signoff.decision]: {
            [INPUT_ACTION]: {
              type: 'radio_buttons',
              selected_option: { text: { type: 'plain_text', text: 'GO' }, value: 'go' },
            },
          },
        },
      }),
    );
    expect(signed.body).toEqual({});
    await w.slack.waitFor('views.publish', homeOf(PIC, 'MemoryKernel: *GO by <@UPIC>'));
    const last = w.slack
      .calls('views.publish')
      .filter((c) => c.args.user_id === PIC)
      .at(-1);
    expect(JSON.stringify(last?.args.view)).not.toContain('Sign off for MemoryKernel');
  });
});

describe('App Home gate button (HTTP mode)', () => {
  it('opens the gate form on that gate, shows faults inline, sets the gate; refuses by DM to someone with no gate', async () => {
    const w = await startHarness();
    h = w;
    await assignRoles(w);
    ok(await w.command(PRB, `target service.v3.0 ${SHA}`));
    const trigger = 'trigger-gate-home';
    await w.interact(
      blockAction({
        user_id: PIC,
        action_id: ACTIONS.openGate,
        value: 'producer-suite',
        trigger_id: trigger,
        view: { type: 'home' },
      }),
    );
    const form = viewOf(await w.slack.waitFor('views.open', (c) => c.args.trigger_id === trigger));
    expect(form.callback_id).toBe(VIEWS.gate);
    const select = form.blocks.find((b) => b.block_id === INPUTS.gate.gate)?.element;
    expect(select?.initial_option?.value).toBe('producer-suite');
    expect(select?.options).toHaveLength(1);

    const submit = (status: string | null, evidence: string | null) =>
      w.interact(
        viewSubmission({
          user_id: PIC,
          callback_id: VIEWS.gate,
          private_metadata: form.private_metadata,
          values: {
            [INPUTS.gate.gate]: { [INPUT_ACTION]: stateValue.staticSelect('producer-suite') },
            [INPUTS.gate.status]: {
              [INPUT_ACTION]: {
                type: 'radio_buttons',
                selected_option: status
                  ? { text: { type: 'plain_text', text: status }, value: status }
                  : null,
              },
            },
            [INPUTS.gate.evidenceUrl]: { [INPUT_ACTION]: stateValue.plainTextInput(evidence) },
            [INPUTS.gate.runUrl]: { [INPUT_ACTION]: stateValue.plainTextInput(null) },
          },
        }),
      );
    const before = await w.diskBytes();
    expect((await submit(null, null)).body).toEqual({
      response_action: 'errors',
      errors: { [INPUTS.gate.status]: 'Choose green, red or pending.' },
    });
    expect((await submit('green', 'not a link')).body).toEqual({
      response_action: 'errors',
      errors: { [INPUTS.gate.evidenceUrl]: expect.stringContaining('http(s) link') },
    });
    expect(await w.diskBytes()).toBe(before);
    expect((await submit('green', 'https://ci.example.com/p/1')).body).toEqual({});
    expect((await w.historyOnDisk()).at(-1)).toMatchObject({
      by: PIC,
      event: { type: 'gate.changed', after: 'green' },
    });

    // The consumer rollback owner owns no gate: told in a DM, since a Home action has no response_url.
    await w.interact(blockAction({ user_id: CRB, action_id: ACTIONS.openGate, view: { type: 'home' } }));
    const dm = await w.slack.waitFor('chat.postMessage', (c) => c.args.channel === CRB);
    expect(String(dm.args.text)).toContain('You may set no gate');
  });
});

describe('App Home for the largest program', () => {
  it('is published within 100 blocks (the stand-in enforces the limit)', async () => {
    dir = await mkdtemp(join(tmpdir(), 'cutover-home-'));
    const program = join(dir, 'large.json');
    await writeFile(program, JSON.stringify(largeProgram()));
    const w = await startHarness({ program });
    h = w;
    ok(await w.command(ADMIN, 'role log-owner <@ULOG|log>'));
    for (const user of ['ULOG', ADMIN, 'UNOBODY']) {
      await w.event(appHomeOpened({ user_id: user }));
      const call = await w.slack.waitFor('views.publish', (c) => c.args.user_id === user);
      expect(viewOf(call).blocks.length).toBeLessThanOrEqual(100);
    }
    expect(w.slack.allCalls('views.publish').filter((c) => c.failed)).toEqual([]);
  });
});
