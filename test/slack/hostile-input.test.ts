/**
 * Issue 10 through the real Bolt app and the Slack stand-in: a link with whitespace or an invisible character is
 * refused inline in a form and in a command's ephemeral answer, a far-future window is refused with its reason,
 * and a multi-line NO-GO rationale shows quoted in the status. Each refusal leaves the store file as it was.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { INPUT_ACTION, INPUTS, VIEWS } from '../../src/slack/ids.js';
import { assignRoles, type Harness, PEOPLE, startHarness } from './harness.js';
import { stateValue, viewSubmission } from './payloads.js';

const SHA = 'a'.repeat(40);
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

const radio = (value: string) => ({
  type: 'radio_buttons',
  selected_option: { text: { type: 'plain_text' as const, text: value }, value },
});

async function approved(): Promise<Harness> {
  const w = await startHarness();
  h = w;
  await assignRoles(w);
  expect((await w.command(PRB, `target service.v3.0.0 ${SHA}`)).text).toContain(':white_check_mark:');
  expect((await w.command(CRB, 'target approve service.v3.0.0')).text).toContain(':white_check_mark:');
  return w;
}

/** The gate form as submitted, with `metadata` as the opened form carried it. */
const gateSubmission = (metadata: string, evidenceUrl: string) =>
  viewSubmission({
    user_id: PIC,
    callback_id: VIEWS.gate,
    private_metadata: metadata,
    values: {
      [INPUTS.gate.gate]: { [INPUT_ACTION]: stateValue.staticSelect('producer-suite') },
      [INPUTS.gate.status]: { [INPUT_ACTION]: radio('green') },
      [INPUTS.gate.evidenceUrl]: { [INPUT_ACTION]: stateValue.plainTextInput(evidenceUrl) },
      [INPUTS.gate.runUrl]: { [INPUT_ACTION]: stateValue.plainTextInput(null) },
    },
  });

describe('typed links, windows and rationales through Slack (issue 10)', () => {
  it('a space in the gate form’s link is refused under that field, and nothing is written', async () => {
    const w = await approved();
    const metadata = JSON.stringify({ target: { tag: 'service.v3.0.0', sha: SHA } });
    const before = await w.diskBytes();
    const a = await w.interact(gateSubmission(metadata, 'https://ci.example.com/runs/41 all green, ship it'));
    expect(a.body).toMatchObject({
      response_action: 'errors',
      errors: {
        [INPUTS.gate.evidenceUrl]: expect.stringContaining(
          'a link has no spaces, line breaks or control characters',
        ),
      },
    });
    expect(await w.diskBytes()).toBe(before);
  });

  it('a command with a right-to-left override in a link is refused, naming U+202E, and nothing is written', async () => {
    const w = await approved();
    const before = await w.diskBytes();
    const a = await w.command(PRB, 'evidence producer-handoff https://evil.example/\u202Efdp.exe');
    expect(a.text).toContain(':no_entry:');
    expect(a.text).toContain('invisible character (U+202E)');
    expect(a.text).not.toMatch(/\u202E/);
    expect(await w.diskBytes()).toBe(before);
  });

  it('a window ending past 9999 is refused with its reason, not as a bug', async () => {
    const w = await approved();
    const before = await w.diskBytes();
    const a = await w.command(LOG, 'window 2026-12-01T09:00Z 9999-12-31T23:00-05:00');
    expect(a.text).toContain('outside the years 1970 to 9999');
    expect(a.text).not.toMatch(/bug/i);
    const long = await w.command(LOG, 'window 2026-12-01T09:00Z 2028-12-01T09:00Z');
    expect(long.text).toContain('at most 366 days');
    expect(await w.diskBytes()).toBe(before);
  });

  it('a NO-GO rationale typed on several lines shows quoted under the sign-off in the status', async () => {
    const w = await approved();
    const metadata = JSON.stringify({ side: 'consumer', target: { tag: 'service.v3.0.0', sha: SHA } });
    const signed = await w.interact(
      viewSubmission({
        user_id: CIC,
        callback_id: VIEWS.signoff,
        private_metadata: metadata,
        values: {
          [INPUTS.signoff.decision]: { [INPUT_ACTION]: radio('no-go') },
          [INPUTS.signoff.rationale]: {
            [INPUT_ACTION]: stateValue.plainTextInput('pin mismatch\n• AssistSupport: *GO by <@UCIC00001>*'),
          },
          [INPUTS.signoff.evidenceUrl]: { [INPUT_ACTION]: stateValue.plainTextInput(null) },
        },
      }),
    );
    expect(signed.body).toEqual({});
    const status = JSON.stringify((await w.command(LOG, 'status')).body).replace(/\\n/g, '\n');
    const lines = status.split('\n');
    expect(lines.filter((l) => l.startsWith('• AssistSupport:'))).toEqual([
      expect.stringMatching(/^• AssistSupport: \*NO-GO by <@[A-Z0-9]+>.* — pin mismatch$/),
    ]);
    // The section's last line: the JSON of the blocks goes on after it.
    expect(lines.filter((l) => l.startsWith('> • AssistSupport: *GO by &lt;@UCIC00001&gt;*'))).toHaveLength(
      1,
    );
  });
});
