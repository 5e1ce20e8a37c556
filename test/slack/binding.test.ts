/**
 * Issue 9 through the real Bolt app and the Slack stand-in: a form binds to the target it showed, approval names
 * its target, a request applies once however often it is sent, and a restatement posts nothing. Every refusal is
 * checked to leave the store file byte-for-byte as it was.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ACTIONS, INPUT_ACTION, INPUTS, VIEWS } from '../../src/slack/ids.js';
import { assignRoles, type Harness, PEOPLE, startHarness } from './harness.js';
import { blockAction, stateValue, viewSubmission } from './payloads.js';

const SHA_A = 'a'.repeat(40);
const SHA_B = 'b'.repeat(40);
const { producerCommander: PIC, producerRollback: PRB, consumerRollback: CRB, logOwner: LOG } = PEOPLE;

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

const ok = (a: { text: string }) => expect(a.text).toContain(':white_check_mark:');
type OpenedView = { callback_id: string; private_metadata: string };

async function openForm(
  w: Harness,
  user: string,
  open: (trigger: string) => Promise<unknown>,
): Promise<OpenedView> {
  const trigger = `trigger-${user}-${w.slack.calls('views.open').length}-${Math.random()}`;
  await open(trigger);
  const call = await w.slack.waitFor('views.open', (c) => c.args.trigger_id === trigger);
  return call.args.view as OpenedView;
}

const radio = (value: string) => ({
  type: 'radio_buttons',
  selected_option: { text: { type: 'plain_text' as const, text: value }, value },
});

const signoffSubmission = (view: OpenedView, decision: 'go' | 'no-go', rationale: string) =>
  viewSubmission({
    user_id: PIC,
    callback_id: view.callback_id,
    private_metadata: view.private_metadata,
    values: {
      [INPUTS.signoff.decision]: { [INPUT_ACTION]: radio(decision) },
      [INPUTS.signoff.rationale]: { [INPUT_ACTION]: stateValue.plainTextInput(rationale) },
      [INPUTS.signoff.evidenceUrl]: { [INPUT_ACTION]: stateValue.plainTextInput(null) },
    },
  });

async function approved(w: Harness) {
  await assignRoles(w);
  ok(await w.command(PRB, `target service.v3.0.0 ${SHA_A}`));
  ok(await w.command(CRB, 'target approve service.v3.0.0'));
}

describe.each(['http', 'socket'] as const)('what a person saw is what binds (%s mode)', (mode) => {
  it('a sign-off form opened for one target cannot sign the target published while it was open', async () => {
    const w = await startHarness({ mode });
    h = w;
    await approved(w);
    const view = await openForm(w, PIC, (trigger) => w.command(PIC, 'signoff', { trigger_id: trigger }));
    expect(JSON.parse(view.private_metadata).target).toEqual({ tag: 'service.v3.0.0', sha: SHA_A });
    // While the form is open, another target is published and approved by the people who may.
    ok(await w.command(PRB, `target service.v3.0.1 ${SHA_B}`));
    ok(await w.command(CRB, 'target approve service.v3.0.1'));
    const before = await w.diskBytes();
    const a = await w.interact(signoffSubmission(view, 'go', 'suite green'));
    expect(a.body).toMatchObject({ response_action: 'errors' });
    const message = Object.values((a.body as { errors: Record<string, string> }).errors).join(' ');
    expect(message).toContain(
      'you were shown service.v3.0.0 @ aaaaaaaaaaaa, and it is now service.v3.0.1 @ bbbbbbbbbbbb',
    );
    expect(message).toContain('Close this form and open it again: it will show the new target.');
    expect(await w.diskBytes()).toBe(before);
    // Reopened, the form shows the new target, and signing binds to it.
    const again = await openForm(w, PIC, (trigger) => w.command(PIC, 'signoff', { trigger_id: trigger }));
    expect((await w.interact(signoffSubmission(again, 'go', 'suite green on v3.0.1'))).body).toEqual({});
    const signoffs = (await w.disk()).data.cutover.signoffs as {
      target: { sha: string };
      voided?: unknown;
    }[];
    expect(signoffs.filter((s) => !s.voided).map((s) => s.target.sha)).toEqual([SHA_B]);
  });
});

describe('what a person saw is what binds (http mode)', () => {
  it('a gate form shows the target its result is for, and refuses it once the target moved', async () => {
    const w = await startHarness();
    h = w;
    await approved(w);
    const view = await openForm(w, PIC, (trigger) =>
      w.interact(
        blockAction({
          user_id: PIC,
          action_id: ACTIONS.openGate,
          value: 'producer-suite',
          trigger_id: trigger,
          view: { type: 'home' },
        }),
      ),
    );
    expect(JSON.stringify(view)).toContain('Record a result for *service.v3.0.0 @ aaaaaaaaaaaa*');
    ok(await w.command(PRB, `target service.v3.0.1 ${SHA_B}`));
    const submission = (opened: OpenedView) =>
      viewSubmission({
        user_id: PIC,
        callback_id: VIEWS.gate,
        private_metadata: opened.private_metadata,
        values: {
          [INPUTS.gate.gate]: { [INPUT_ACTION]: stateValue.staticSelect('producer-suite') },
          [INPUTS.gate.status]: { [INPUT_ACTION]: radio('green') },
          [INPUTS.gate.evidenceUrl]: { [INPUT_ACTION]: stateValue.plainTextInput(null) },
          [INPUTS.gate.runUrl]: { [INPUT_ACTION]: stateValue.plainTextInput(null) },
        },
      });
    const before = await w.diskBytes();
    const a = await w.interact(submission(view));
    expect(a.body).toMatchObject({
      response_action: 'errors',
      errors: {
        [INPUTS.gate.gate]: expect.stringMatching(
          /it is now service\.v3\.0\.1 @ bbbbbbbbbbbb\b.*Close this form and open it again/s,
        ),
      },
    });
    expect(await w.diskBytes()).toBe(before);
    // Reopened, the form shows the new target, and the result is recorded for its commit.
    const again = await openForm(w, PIC, (trigger) =>
      w.interact(
        blockAction({
          user_id: PIC,
          action_id: ACTIONS.openGate,
          value: 'producer-suite',
          trigger_id: trigger,
          view: { type: 'home' },
        }),
      ),
    );
    expect(JSON.stringify(again)).toContain('Record a result for *service.v3.0.1 @ bbbbbbbbbbbb*');
    expect((await w.interact(submission(again))).body).toEqual({});
    const gates = (await w.disk()).data.cutover.gates as {
      id: string;
      results: { sha: string; status: string }[];
    }[];
    expect(gates.find((g) => g.id === 'producer-suite')?.results).toEqual([
      expect.objectContaining({ sha: SHA_B, status: 'green' }),
    ]);
  });

  it('approval names its target: approving the one just superseded is refused, naming both', async () => {
    const w = await startHarness();
    h = w;
    await assignRoles(w);
    ok(await w.command(PRB, `target service.v3.0.0 ${SHA_A}`));
    ok(await w.command(PRB, `target service.v3.0.1 ${SHA_B}`));
    const before = await w.diskBytes();
    const a = await w.command(CRB, 'target approve service.v3.0.0');
    expect(a.text).toContain('service.v3.0.0 @ aaaaaaaaaaaa, which is no longer the current target');
    expect(a.text).toContain('the target waiting for approval is service.v3.0.1 @ bbbbbbbbbbbb');
    expect(await w.diskBytes()).toBe(before);
    // `approve <sha>` approves; it is never read as a tag named approve.
    ok(await w.command(CRB, `target approve ${SHA_B.slice(0, 7)}`));
    const targets = (await w.disk()).data.cutover.targets as { tag: string; approved?: unknown }[];
    expect(targets.map((t) => [t.tag, !!t.approved])).toEqual([
      ['service.v3.0.0', false],
      ['service.v3.0.1', true],
    ]);
    expect((await w.command(CRB, 'target approve')).text).toContain('Name the target you approve');
  });

  it('the same signed /cutover request sent twice adds one blocker, one history line, one alert', async () => {
    // Delivery is off, so the store holds every composed alert and nothing else writes in the background.
    const w = await startHarness();
    h = w;
    await assignRoles(w);
    const trigger = '13345224609.738474920.8088930838d88f008e0';
    const first = await w.command(LOG, 'blocker add consumer-incident-commander Vendor contract', {
      trigger_id: trigger,
    });
    ok(first);
    const bytes = await w.diskBytes();
    const again = await w.command(LOG, 'blocker add consumer-incident-commander Vendor contract', {
      trigger_id: trigger,
    });
    expect(again.text).toBe(first.text);
    expect(await w.diskBytes()).toBe(bytes);
    const doc = (await w.disk()).data as unknown as {
      cutover: { blockers: { id: string }[] };
      outbox: { kind: string; events?: { type: string; blocker?: string }[] }[];
    };
    expect(doc.cutover.blockers.filter((b) => b.id.startsWith('vendor-contract'))).toHaveLength(1);
    expect((await w.historyOnDisk()).filter((e) => e.action === 'blocker.add')).toHaveLength(1);
    // One alert, stored as the change's typed event (its text is rendered at delivery).
    expect(
      doc.outbox.filter((i) =>
        i.events?.some((e) => e.type === 'blocker.added' && e.blocker === 'vendor-contract'),
      ),
    ).toHaveLength(1);
  });

  it('a sign-off form submitted three times writes one sign-off and the history of one', async () => {
    const w = await startHarness();
    h = w;
    await approved(w);
    const view = await openForm(w, PIC, (trigger) => w.command(PIC, 'signoff', { trigger_id: trigger }));
    const submission = signoffSubmission(view, 'go', 'suite green');
    const historyBefore = (await w.historyOnDisk()).length;
    for (let i = 0; i < 3; i++) expect((await w.interact(submission)).body).toEqual({});
    const signoffs = (await w.disk()).data.cutover.signoffs as unknown[];
    expect(signoffs).toHaveLength(1);
    expect((await w.historyOnDisk()).length - historyBefore).toBe(1);
  });

  it('restating a gate posts nothing: answered unchanged, no history, no alert', async () => {
    // Delivery is off: every alert a change composes stays in the store's outbox, where the test can count it.
    const w = await startHarness();
    h = w;
    await approved(w);
    ok(await w.command(PIC, 'gate producer-suite green'));
    const outbox = () => w.disk().then((d) => (d.data as unknown as { outbox: unknown[] }).outbox.length);
    const alerts = await outbox();
    const history = (await w.historyOnDisk()).length;
    const bytes = await w.diskBytes();
    const again = await w.command(PIC, 'gate producer-suite green');
    expect(again.text).toContain(
      'Unchanged: Gate producer-suite is already green for service.v3.0.0 @ aaaaaaaaaaaa.',
    );
    expect(again.text).not.toContain(':no_entry:');
    expect(await w.diskBytes()).toBe(bytes);
    expect(await outbox()).toBe(alerts);
    expect((await w.historyOnDisk()).length).toBe(history);
  });
});
