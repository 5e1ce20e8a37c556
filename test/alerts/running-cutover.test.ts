/**
 * The running cutover is protected, through the real bot (README "Rules", rule 11): runtime-cutover GO, phase 8
 * started, then a new target. Typed without a confirmation, it is refused naming the consequence, nothing written,
 * nothing posted; typed with `confirm: <reason>`, it goes ahead: the reason is in history on disk, and the channel
 * is told first that the running cutover lost its GO, and who must act, the rollback owners first. The other
 * organisation, with forms only, gets the same confirmation as a form pushed over the one it submitted.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { INPUT_ACTION, INPUTS, VIEWS } from '../../src/slack/ids.js';
import { reportRecordsOverApi } from '../fixtures/record-reports.js';
import { ADMIN, PEOPLE, ROLE_OF } from '../slack/harness.js';
import { stateValue, viewSubmission } from '../slack/payloads.js';
import { type AlertHarness, alertMessages, signOff, startAlertHarness } from './helpers.js';

const SHA1 = '1f0e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c';
const SHA2 = '2a0e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3d';
const {
  producerCommander: PIC,
  consumerCommander: CIC,
  producerRollback: PRB,
  consumerRollback: CRB,
  logOwner: LOG,
} = PEOPLE;
const API_TOKEN = 'running-cutover-ci-token-0123';
const CONSEQUENCE =
  'This voids both GO sign-offs and sets Runtime cutover execution (runtime-cutover) to NO-GO while phase 8 (Runtime cutover) is running.';

let a: AlertHarness | undefined;
afterEach(async () => {
  await a?.h.stop();
  a = undefined;
});

/** The shipped program walked to runtime-cutover GO, its record in both repos and phase 8 started, every alert delivered. */
async function runningCutover(): Promise<AlertHarness> {
  const w = await startAlertHarness({ start: '2026-02-10T08:00:00Z', env: { CUTOVER_API_TOKEN: API_TOKEN } });
  a = w;
  const step = async (user: string, text: string) => {
    const answer = await w.h.command(user, text);
    expect(answer.text, text).toContain(':white_check_mark:');
  };
  for (const [who, role] of Object.entries(ROLE_OF))
    await step(ADMIN, `role ${role} <@${PEOPLE[who as keyof typeof PEOPLE]}|${who}>`);
  await step(PRB, `target service.v3.0 ${SHA1}`);
  await step(CRB, 'target approve service.v3.0');
  await step(PIC, 'gate producer-suite green https://ci.example.com/producer/1');
  await step(CIC, 'gate consumer-suite green https://ci.example.com/consumer/1');
  await step(LOG, 'gate alignment green');
  await step(PRB, 'evidence producer-handoff https://x.example/handoff');
  await step(CIC, 'evidence consumer-repin https://x.example/repin');
  await step(PRB, 'evidence producer-rollback https://x.example/prb');
  await step(CRB, 'evidence consumer-rollback https://x.example/crb');
  await signOff(w.h, PIC, 'go', 'producer ready');
  await signOff(w.h, CIC, 'go', 'consumer ready');
  await step(LOG, 'decide runtime-cutover go both sides signed on service.v3.0');
  await reportRecordsOverApi({ port: w.h.bot.apiPort, token: API_TOKEN });
  await step(LOG, 'phase 8 start');
  await w.drain();
  return w;
}

const runtime = (w: AlertHarness) =>
  w.doc().cutover.decisions.find((d) => d.id === 'runtime-cutover')?.status;

describe('GO → phase 8 started → a new target', () => {
  it('is refused without a confirmation, naming the consequence; with `confirm:` it goes ahead, recorded and told', async () => {
    const w = await runningCutover();
    const posted = alertMessages(w.h).length;
    const bytes = await w.h.diskBytes();

    const refused = await w.h.command(PRB, `target service.v3.1 ${SHA2}`);
    expect(refused.text).toBe(
      `:no_entry: ${CONSEQUENCE} To go ahead anyway, send it again with a confirmation and the reason: \`/cutover &lt;the same command&gt; confirm: &lt;reason…&gt;\`.\n_Nothing was changed._`,
    );
    await w.drain();
    expect(await w.h.diskBytes()).toBe(bytes);
    expect(alertMessages(w.h)).toHaveLength(posted);
    expect(runtime(w)).toBe('go');

    const done = await w.h.command(PRB, `target service.v3.1 ${SHA2} confirm: hotfix for the consumer crash`);
    expect(done.text).toContain(':white_check_mark: Release target service.v3.1 @ 2a0e2d3c4b5a published');
    expect(done.text).toContain(
      '→ the running cutover lost its GO: phase 8 is running under a NO-GO; the channel is told who must act',
    );
    expect(runtime(w)).toBe('no-go');
    const history = await w.h.historyOnDisk();
    expect(history.findLast((h) => h.event.type === 'go.lost')).toMatchObject({
      by: PRB,
      event: {
        type: 'go.lost',
        decision: 'runtime-cutover',
        phases: ['8'],
        how: 'confirmed',
        reason: 'hotfix for the consumer crash',
      },
    });

    await w.drain();
    const alert = alertMessages(w.h).at(-1)?.text ?? '';
    const first = alert.split('\n')[0] ?? '';
    expect(first).toBe(
      ':rotating_light: *The running cutover lost its GO:* Runtime cutover execution (`runtime-cutover`) is *NO-GO* ' +
        'while phase 8 — Runtime cutover is running (confirmed: hotfix for the consumer crash). *Who must act:* ' +
        `rollback owners <@${PRB}> (\`producer-rollback-owner\`), <@${CRB}> (\`consumer-rollback-owner\`): roll back or hold, now; ` +
        `incident commanders <@${PIC}> (\`producer-incident-commander\`), <@${CIC}> (\`consumer-incident-commander\`): restore the GO or record the NO-GO.`,
    );
    expect(alert).toContain('Release target');
    expect(alert).toContain(`_by <@${PRB}>`);
  });

  it('through the forms (the other organisation has no slash commands): a confirmation form is pushed, and its reason recorded', async () => {
    const w = await runningCutover();
    // The consumer commander withdraws the consumer's GO with the sign-off form.
    const trigger = 'trigger-withdraw';
    await w.h.command(CIC, 'signoff', { trigger_id: trigger });
    const open = await w.h.slack.waitFor('views.open', (c) => c.args.trigger_id === trigger);
    const view = open.args.view as { private_metadata: string };
    const radio = {
      type: 'radio_buttons',
      selected_option: { text: { type: 'plain_text' as const, text: 'no-go' }, value: 'no-go' },
    };
    const pushed = await w.h.interact(
      viewSubmission({
        user_id: CIC,
        callback_id: VIEWS.signoff,
        private_metadata: view.private_metadata,
        values: {
          [INPUTS.signoff.decision]: { [INPUT_ACTION]: radio },
          [INPUTS.signoff.rationale]: { [INPUT_ACTION]: stateValue.plainTextInput('error rate up 4x') },
          [INPUTS.signoff.evidenceUrl]: { [INPUT_ACTION]: stateValue.plainTextInput(null) },
        },
      }),
    );
    expect(pushed.body).toMatchObject({ response_action: 'push', view: { callback_id: VIEWS.confirm } });
    const confirm = (pushed.body as { view: { private_metadata: string; blocks: unknown[] } }).view;
    expect(JSON.stringify(confirm.blocks)).toContain(
      'This sets Runtime cutover execution (runtime-cutover) to NO-GO while phase 8 (Runtime cutover) is running.',
    );
    expect(runtime(w)).toBe('go');

    const empty = await w.h.interact(
      viewSubmission({
        user_id: CIC,
        callback_id: VIEWS.confirm,
        private_metadata: confirm.private_metadata,
        values: { [INPUTS.confirm.reason]: { [INPUT_ACTION]: stateValue.plainTextInput(null) } },
      }),
    );
    expect(empty.body).toEqual({
      response_action: 'errors',
      errors: { [INPUTS.confirm.reason]: 'Say why to go ahead: it is recorded.' },
    });
    const went = await w.h.interact(
      viewSubmission({
        user_id: CIC,
        callback_id: VIEWS.confirm,
        private_metadata: confirm.private_metadata,
        values: { [INPUTS.confirm.reason]: { [INPUT_ACTION]: stateValue.plainTextInput('halt: errors') } },
      }),
    );
    expect(went.body).toEqual({ response_action: 'clear' });
    expect(runtime(w)).toBe('no-go');
    expect((await w.h.historyOnDisk()).findLast((h) => h.event.type === 'go.lost')).toMatchObject({
      by: CIC,
      event: { how: 'confirmed', reason: 'halt: errors' },
    });
    await w.drain();
    expect(alertMessages(w.h).at(-1)?.text).toMatch(/^:rotating_light: \*The running cutover lost its GO:\*/);
  });

  it('a red gate CI reports while phase 8 runs is recorded (a pipeline cannot confirm), and told as the GO lost', async () => {
    const w = await runningCutover();
    const res = await fetch(
      `http://127.0.0.1:${w.h.bot.apiPort}/api/programs/service-v3/gates/producer-suite`,
      {
        method: 'POST',
        headers: { authorization: `Bearer ${API_TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ status: 'red', run_url: 'https://ci.example.com/producer/2', sha: SHA1 }),
      },
    );
    expect(res.status).toBe(200);
    expect(runtime(w)).toBe('no-go');
    expect((await w.h.historyOnDisk()).findLast((h) => h.event.type === 'go.lost')).toMatchObject({
      by: 'cutover-bot',
      event: { how: 'ci', reason: expect.stringMatching(/^gate producer-suite turned red \(CI: /) },
    });
    await w.drain();
    expect(alertMessages(w.h).at(-1)?.text).toMatch(
      /^:rotating_light: \*The running cutover lost its GO:\* Runtime cutover execution \(`runtime-cutover`\) is \*NO-GO\* while phase 8 — Runtime cutover is running \(reported, not confirmed: gate producer-suite turned red \(CI: .*\)\)\. \*Who must act:\* rollback owners/,
    );
  });
});
