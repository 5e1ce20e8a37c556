/**
 * Issue 3's road, walked in Slack by the five roles: from the seeds' NO-GO to an authorized GO and phase 8
 * started, through the real Bolt app and the stand-in, with every shortcut refused for a stated reason and
 * nothing written by a refusal.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ACTIONS, INPUT_ACTION, INPUTS, VIEWS } from '../../src/slack/ids.js';
import { reportRecordsOverApi } from '../fixtures/record-reports.js';
import { ADMIN, assignRoles, type Harness, PEOPLE, startHarness } from './harness.js';

import { blockAction, stateValue, viewSubmission } from './payloads.js';

const API_TOKEN = 'walk-ci-token-0123456789';
const SHA1 = '1f0e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c';
const SHA2 = '2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a';
const {
  producerCommander: PIC,
  consumerCommander: CIC,
  producerRollback: PRB,
  consumerRollback: CRB,
  logOwner: LOG,
} = PEOPLE;

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

const ok = (a: { text: string }) => expect(a.text).toContain(':white_check_mark:');

/** Asserts a refusal: the reason is told, and the store file is byte-for-byte unchanged. */
async function refused(
  h: Harness,
  run: () => Promise<{ text: string; body: Record<string, unknown> }>,
  ...reasons: (string | RegExp)[]
) {
  const before = await h.diskBytes();
  const a = await run();
  const told = JSON.stringify(a.body);
  for (const r of reasons) expect(told).toMatch(r);
  expect(await h.diskBytes()).toBe(before);
  return a;
}

/** Opens the sign-off modal with /cutover signoff and returns the view Slack was asked to open. */
async function openSignoff(h: Harness, user: string) {
  const trigger = `trigger-${user}-${Date.now()}`;
  const a = await h.command(user, 'signoff', { trigger_id: trigger });
  expect(a.status).toBe(200);
  const call = await h.slack.waitFor('views.open', (c) => c.args.trigger_id === trigger);
  return call.args.view as { callback_id: string; private_metadata: string; blocks: { block_id?: string }[] };
}

/** A radio_buttons element's state, as Slack reports it. */
const radio = (value: string | null) => ({
  type: 'radio_buttons',
  selected_option: value === null ? null : { text: { type: 'plain_text' as const, text: value }, value },
});

function signoffValues(decision: 'go' | 'no-go', rationale?: string, evidence?: string) {
  return {
    [INPUTS.signoff.decision]: { [INPUT_ACTION]: radio(decision) },
    [INPUTS.signoff.rationale]: { [INPUT_ACTION]: stateValue.plainTextInput(rationale ?? null) },
    [INPUTS.signoff.evidenceUrl]: { [INPUT_ACTION]: stateValue.plainTextInput(evidence ?? null) },
  };
}

async function submitSignoff(h: Harness, user: string, values: ReturnType<typeof signoffValues>) {
  const view = await openSignoff(h, user);
  expect(view.callback_id).toBe(VIEWS.signoff);
  return h.interact(
    viewSubmission({
      user_id: user,
      callback_id: view.callback_id,
      private_metadata: view.private_metadata,
      values,
    }),
  );
}

describe.each(['http', 'socket'] as const)('the road to GO, walked in Slack (%s mode)', (mode) => {
  it('goes from NO-GO to runtime-cutover GO and phase 8 started, refusing every shortcut', async () => {
    const w = await startHarness({ mode, env: { CUTOVER_API_TOKEN: API_TOKEN } });
    h = w;
    await assignRoles(w);

    // Nothing can be GO yet, and phase 8 cannot start.
    await refused(
      h,
      () => w.command(LOG, 'decide runtime-cutover go ship it'),
      'cannot be GO yet',
      'release-target',
      'gate producer-suite is pending',
    );
    await refused(
      h,
      () => w.command(LOG, 'phase 8 start'),
      'Phase 8 cannot start yet',
      'decision runtime-cutover',
    );
    // Only the producer rollback owner publishes, and only a full SHA.
    await refused(
      h,
      () => w.command(PIC, `target service.v3.0 ${SHA1}`),
      /Only producer-rollback-owner \(<@UPRB>\) or an admin may publish/,
    );
    await refused(
      h,
      () => w.command(PRB, 'target service.v3.0 1f0e2d3'),
      'commit SHA',
      '40-character',
      'Usage',
    );
    // Sign-off GO needs an approved target.
    await refused(
      h,
      () => submitSignoff(w, PIC, signoffValues('go')),
      'response_action',
      'approved release target',
    );

    ok(await w.command(PRB, `target service.v3.0 ${SHA1}`));
    await refused(w, () => w.command(PRB, 'target approve service.v3.0'), 'Only consumer-rollback-owner');
    ok(await w.command(CRB, 'target approve service.v3.0'));

    // Gates: each by its owner.
    await refused(w, () => w.command(PIC, 'gate consumer-suite green'), 'Only consumer-incident-commander');
    await refused(w, () => w.command(LOG, 'gate bilateral-signoff green'), 'derived', 'has not signed GO');
    await refused(
      h,
      () => w.command(PIC, 'gate producer-suite green ftp://ci.example.com/1'),
      'evidence link',
      'http',
    );
    ok(await w.command(PIC, 'gate producer-suite green https://ci.example.com/producer/1'));
    ok(await w.command(CIC, 'gate consumer-suite green https://ci.example.com/consumer/1'));
    ok(await w.command(LOG, 'gate alignment green'));

    // Evidence, each by its side, against the current target.
    await refused(w, () => w.command(PIC, 'evidence consumer-repin https://x.example/r'), 'Only consumer-');
    await refused(
      h,
      () => w.command(PRB, 'evidence no-such-thing https://x.example/r'),
      /There is no evidence ..no-such-thing/,
      'Known evidence ids',
    );
    ok(await w.command(PRB, 'evidence producer-handoff https://x.example/handoff'));
    ok(await w.command(CIC, 'evidence consumer-repin https://x.example/repin'));
    ok(await w.command(PRB, 'evidence producer-rollback https://x.example/prb'));
    ok(await w.command(CRB, 'evidence consumer-rollback https://x.example/crb'));

    // A manual blocker, added and then cleared through the blocker form.
    ok(await w.command(LOG, 'blocker add consumer-incident-commander Vendor contract <!channel> signed'));
    const trigger = `trigger-blocker-${mode}`;
    await w.command(CIC, 'blocker', { trigger_id: trigger });
    const blockerView = (await w.slack.waitFor('views.open', (c) => c.args.trigger_id === trigger)).args
      .view as {
      private_metadata: string;
    };
    const blockerValues = (action: string | null, evidence: string | null) => ({
      [INPUTS.blocker.blocker]: { [INPUT_ACTION]: stateValue.staticSelect('vendor-contract-channel-signed') },
      [INPUTS.blocker.action]: { [INPUT_ACTION]: radio(action) },
      [INPUTS.blocker.evidenceUrl]: { [INPUT_ACTION]: stateValue.plainTextInput(evidence) },
      [INPUTS.blocker.reason]: { [INPUT_ACTION]: stateValue.plainTextInput(null) },
    });
    const submitBlocker = (user: string, values: ReturnType<typeof blockerValues>) =>
      w.interact(
        viewSubmission({
          user_id: user,
          callback_id: VIEWS.blocker,
          private_metadata: blockerView.private_metadata,
          values,
        }),
      );
    const badUrl = await refused(
      h,
      () => submitBlocker(CIC, blockerValues('clear', 'not a link')),
      'response_action',
    );
    expect(badUrl.body).toEqual({
      response_action: 'errors',
      errors: { [INPUTS.blocker.evidenceUrl]: expect.stringContaining('http') },
    });
    await refused(
      h,
      () => submitBlocker(PRB, blockerValues('clear', null)),
      'Only consumer-incident-commander',
    );
    const cleared = await submitBlocker(CIC, blockerValues('clear', 'https://x.example/contract'));
    expect(cleared.body).toEqual({});

    // Sign-offs through the modal: inline errors, each commander for their own side.
    const noReason = await refused(h, () => submitSignoff(w, PIC, signoffValues('no-go')), 'response_action');
    expect(noReason.body).toEqual({
      response_action: 'errors',
      errors: { [INPUTS.signoff.rationale]: expect.stringContaining('rationale') },
    });
    const badLink = await refused(
      h,
      () => submitSignoff(w, PIC, signoffValues('go', undefined, 'javascript:alert(1)')),
      'response_action',
    );
    expect(badLink.body).toMatchObject({
      errors: { [INPUTS.signoff.evidenceUrl]: expect.stringContaining('http') },
    });
    await refused(w, () => w.command(PRB, 'signoff'), 'you hold no commander role');
    expect((await submitSignoff(w, PIC, signoffValues('go', 'producer ready'))).body).toEqual({});
    // The consumer's view is bound to the consumer side.
    const consumerView = await openSignoff(w, CIC);
    expect(JSON.parse(consumerView.private_metadata)).toMatchObject({ side: 'consumer' });
    const signed = await w.interact(
      viewSubmission({
        user_id: CIC,
        callback_id: VIEWS.signoff,
        private_metadata: consumerView.private_metadata,
        values: signoffValues('go', 'consumer ready', 'https://x.example/consumer-packet'),
      }),
    );
    expect(signed.body).toEqual({});
    await w.slack.waitFor(
      'chat.postEphemeral',
      (c) => c.args.user === CIC && String(c.args.text).includes('AssistSupport signed GO'),
    );

    // Now GO is allowed, and then phase 8 starts.
    await refused(w, () => w.command(PIC, 'decide runtime-cutover go ready'), 'Only decision-log-owner');
    ok(await w.command(LOG, 'decide runtime-cutover go both sides signed on service.v3.0'));
    // Phase 8 waits until both repos hold the record of this GO; their CI reports it through the API.
    await refused(
      w,
      () => w.command(LOG, 'phase 8 start'),
      'Phase 8 cannot start yet',
      'joint-go-record',
      'has not reported a commit holding the decision record of the current GO',
    );
    await reportRecordsOverApi({ port: w.bot.apiPort, token: API_TOKEN });
    ok(await w.command(LOG, 'phase 8 start'));

    const status = await w.command(ADMIN, 'status');
    const all = JSON.stringify(status.body.blocks);
    expect(all).toMatch(/Runtime cutover execution \(`runtime-cutover`\): \*GO\*/);
    expect(all).toMatch(/Phase 8 [^\\]*\*Started\*/);
    expect(all).toContain('Vendor contract @channel signed');
    expect(all).not.toContain('<!channel>');

    const disk = await w.disk();
    const cutover = disk.data.cutover as {
      phases: { id: string; status: string }[];
      decisions: { id: string; status: string }[];
      signoffs: { side: string; decision: string; by: string; target: { sha: string }; voided?: unknown }[];
    };
    expect(cutover.phases.find((p) => p.id === '8')?.status).toBe('started');
    expect(cutover.decisions.find((d) => d.id === 'runtime-cutover')?.status).toBe('go');
    expect(cutover.signoffs.filter((s) => !s.voided)).toEqual([
      expect.objectContaining({
        side: 'producer',
        decision: 'go',
        by: PIC,
        target: expect.objectContaining({ sha: SHA1 }),
      }),
      expect.objectContaining({
        side: 'consumer',
        decision: 'go',
        by: CIC,
        target: expect.objectContaining({ sha: SHA1 }),
      }),
    ]);

    const history = await w.command(ADMIN, 'history 100');
    expect(history.text).toMatch(/<@ULOG> · Phase "Runtime cutover" \(`8`\) started\n/);
    expect(history.text).toMatch(
      /cutover-bot · Blocker "[^"]+" \(`joint-go-record`\) cleared itself: its facts now hold/,
    );
  });
});

describe('a new target after GO (HTTP mode)', () => {
  it('voids both sign-offs, reopens the derived blockers and falls back to NO-GO, as status and history show', async () => {
    const w = await startHarness();
    h = w;
    await assignRoles(w);
    ok(await w.command(PRB, `target service.v3.0 ${SHA1}`));
    ok(await w.command(CRB, 'target approve service.v3.0'));
    expect((await submitSignoff(w, PIC, signoffValues('go'))).body).toEqual({});
    // The "Sign off" button on the status message opens the same form.
    const trigger = 'trigger-button-cic';
    const click = await w.interact(
      blockAction({ user_id: CIC, action_id: ACTIONS.openSignoff, trigger_id: trigger }),
    );
    expect(click.status).toBe(200);
    const view = (await w.slack.waitFor('views.open', (c) => c.args.trigger_id === trigger)).args.view as {
      private_metadata: string;
    };
    expect(
      (
        await w.interact(
          viewSubmission({
            user_id: CIC,
            callback_id: VIEWS.signoff,
            private_metadata: view.private_metadata,
            values: signoffValues('go'),
          }),
        )
      ).body,
    ).toEqual({});

    const moved = await w.command(PRB, `target service.v3.1 ${SHA2}`);
    ok(moved);
    expect(moved.text).toContain(
      "producer's sign-off was voided: release target changed from service.v3.0 @ 1f0e2d3c4b5a to service.v3.1 @ 2a2a2a2a2a2a",
    );
    expect(moved.text).toContain('blocker `release-target` is open again');

    const all = JSON.stringify((await w.command(ADMIN, 'status')).body.blocks);
    expect(all).toMatch(
      /~GO by <@UPIC> on service\.v3\.0 @ 1f0e2d3c4b5a[^~]*~ voided: release target changed/,
    );
    expect(all).toMatch(/AssistSupport: _not signed_/);
    // Re-publishing the old tag with another SHA is refused: tags are immutable.
    await refused(w, () => w.command(PRB, `target service.v3.0 ${SHA2}`), 'immutable');
  });
});
