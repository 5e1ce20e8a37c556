/**
 * The clean road from NO-GO to GO walked with buttons and forms alone — no slash command at all — by people of the
 * organisation that did not install the app (their own `team_id`), as in a Slack Connect channel: roles assigned,
 * the target published and approved, gates, evidence, sign-offs, the window, the decision and phase 8 started. The
 * channel gets at most one message per change, and no "Next:" line mentions the person who just acted.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ACTIONS, INPUT_ACTION, INPUTS } from '../../src/slack/ids.js';
import { type AlertHarness, alertMessages, startAlertHarness } from '../alerts/helpers.js';
import { reportRecordsOverApi } from '../fixtures/record-reports.js';
import { ADMIN, CHANNEL, PEOPLE, ROLE_OF } from './harness.js';
import { blockAction, stateValue, type ViewStateValues, viewSubmission } from './payloads.js';

const API_TOKEN = 'buttons-only-ci-token-0123';

const SHA = '1f0e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c';
const OTHER_TEAM = 'T0CONSUMER';
const {
  producerCommander: PIC,
  consumerCommander: CIC,
  producerRollback: PRB,
  consumerRollback: CRB,
  logOwner: LOG,
} = PEOPLE;

let a: AlertHarness | undefined;
afterEach(async () => {
  await a?.h.stop();
  a = undefined;
});

const radio = (value: string) => ({
  type: 'radio_buttons',
  selected_option: { text: { type: 'plain_text' as const, text: value }, value },
});
const text = (v: string | null) => ({ [INPUT_ACTION]: stateValue.plainTextInput(v) });
const choice = (v: string) => ({ [INPUT_ACTION]: stateValue.staticSelect(v) });

describe('the road to GO by buttons and forms alone, by the other organisation', () => {
  it('goes from NO-GO to phase 8 started with no slash command, one message per change, the actor never asked', async () => {
    const w = await startAlertHarness({
      start: '2026-02-10T08:00:00Z',
      env: { CUTOVER_API_TOKEN: API_TOKEN },
    });
    a = w;
    const program = w.h.program().cutover().id;
    // The other organisation has no slash commands: on this road, sending one fails the test.
    Object.assign(w.h, {
      command: () => {
        throw new Error('a slash command was sent on the buttons-only road');
      },
    });
    const changes: { actor: string; messages: number }[] = [];
    const asTheirTeam = <T extends { user: { team_id: string } }>(p: T): T => ({
      ...p,
      user: { ...p.user, team_id: OTHER_TEAM },
    });

    /** Clicks a Home button as `user`; the form it opened (when it opens one). */
    const click = async (user: string, actionId: string, item = '') => {
      const p = asTheirTeam(
        blockAction({
          user_id: user,
          action_id: actionId,
          value: `${program}:${item}`,
          view: { type: 'home' },
        }),
      );
      const answer = await w.h.interact(p);
      expect(answer.status).toBe(200);
      return p.trigger_id;
    };
    const formOf = async (trigger: string) =>
      (await w.h.slack.waitFor('views.open', (c) => c.args.trigger_id === trigger)).args.view as {
        callback_id: string;
        private_metadata: string;
      };
    /** Delivers what the change composed and counts the channel's new messages. */
    const settle = async (actor: string) => {
      const before = w.h.slack.messages(CHANNEL).length;
      await w.drain();
      changes.push({ actor, messages: w.h.slack.messages(CHANNEL).length - before });
    };
    /** Opens the form of a button and submits it as `user`. */
    const viaForm = async (user: string, actionId: string, values: ViewStateValues, item = '') => {
      const view = await formOf(await click(user, actionId, item));
      const answer = await w.h.interact(
        asTheirTeam(
          viewSubmission({
            user_id: user,
            callback_id: view.callback_id,
            private_metadata: view.private_metadata,
            values,
          }),
        ),
      );
      expect(answer.body).toEqual({});
      await settle(user);
    };
    /** A button that is the change itself (approve, start a phase). */
    const viaButton = async (user: string, actionId: string, item: string) => {
      await click(user, actionId, item);
      await w.h.slack.waitFor('chat.postMessage', (c) => c.args.channel === user);
      await settle(user);
    };

    for (const [who, role] of Object.entries(ROLE_OF))
      await viaForm(ADMIN, ACTIONS.openRole, {
        [INPUTS.role.role]: choice(role),
        [INPUTS.role.user]: { [INPUT_ACTION]: stateValue.usersSelect(PEOPLE[who as keyof typeof PEOPLE]) },
      });
    await viaForm(PRB, ACTIONS.openTarget, {
      [INPUTS.target.tag]: text('service.v3.0'),
      [INPUTS.target.sha]: text(SHA),
    });
    await viaButton(CRB, ACTIONS.approveTarget, SHA);
    for (const [user, gate] of [
      [PIC, 'producer-suite'],
      [CIC, 'consumer-suite'],
      [LOG, 'alignment'],
    ] as const)
      await viaForm(
        user,
        ACTIONS.openGate,
        {
          [INPUTS.gate.gate]: choice(gate),
          [INPUTS.gate.status]: { [INPUT_ACTION]: radio('green') },
          [INPUTS.gate.evidenceUrl]: text(null),
          [INPUTS.gate.runUrl]: text(`https://ci.example.com/${gate}/1`),
        },
        gate,
      );
    for (const [user, evidence] of [
      [PRB, 'producer-handoff'],
      [CIC, 'consumer-repin'],
      [PRB, 'producer-rollback'],
      [CRB, 'consumer-rollback'],
    ] as const)
      await viaForm(
        user,
        ACTIONS.openEvidence,
        {
          [INPUTS.evidence.evidence]: choice(evidence),
          [INPUTS.evidence.url]: text(`https://x.example/${evidence}`),
        },
        evidence,
      );
    const start = Date.parse('2026-02-12T09:00:00Z') / 1000;
    await viaForm(LOG, ACTIONS.openWindow, {
      [INPUTS.window.start]: { [INPUT_ACTION]: stateValue.datetimepicker(start) },
      [INPUTS.window.end]: { [INPUT_ACTION]: stateValue.datetimepicker(start + 7200) },
    });
    for (const user of [PIC, CIC])
      await viaForm(user, ACTIONS.openSignoff, {
        [INPUTS.signoff.decision]: { [INPUT_ACTION]: radio('go') },
        [INPUTS.signoff.rationale]: text('ready on the target'),
        [INPUTS.signoff.evidenceUrl]: text(null),
      });
    await viaForm(
      LOG,
      ACTIONS.openDecide,
      {
        [INPUTS.decide.decision]: choice('runtime-cutover'),
        [INPUTS.decide.status]: { [INPUT_ACTION]: radio('go') },
        [INPUTS.decide.rationale]: text('both sides signed on service.v3.0'),
      },
      'runtime-cutover',
    );
    // Both repos' CI commit the record of the GO and report it (no person, no slash command); then phase 8 starts.
    await reportRecordsOverApi({ port: w.h.bot.apiPort, token: API_TOKEN });
    await w.drain();
    await viaButton(LOG, ACTIONS.startPhase, '8');

    const c = w.h.program().cutover();
    expect(c.decisions.find((d) => d.id === 'runtime-cutover')?.status).toBe('go');
    expect(c.phases.find((p) => p.id === '8')?.status).toBe('started');
    // At most one channel message per change (the status board is edited in place, not posted again).
    expect(changes.filter((x) => x.messages > 1)).toEqual([]);
    // No "Next:" line of an alert mentions the person whose change it tells.
    for (const m of alertMessages(w.h)) {
      const by = /_by <@([UW][A-Z0-9]+)>/.exec(m.text ?? '')?.[1];
      const next = (m.text ?? '').split('*Next:*')[1] ?? '';
      if (by) expect(next).not.toContain(`<@${by}>`);
    }
  });
});
