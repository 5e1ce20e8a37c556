/**
 * Issue 10, hostile text: typed multi-line text cannot pose as the bot's own lines, and invisible characters are
 * shown, in status, App Home, alerts, history and the record.
 */
import { describe, expect, it } from 'vitest';
import { alertText } from '../../../src/alerts/messages.js';
import { execute } from '../../../src/core/commands.js';
import type { Cutover } from '../../../src/core/schema.js';
import { decisionRecord } from '../../../src/record/decision-record.js';
import { newDocument } from '../../../src/service/document.js';
import { historyText } from '../../../src/slack/views/lists.js';
import { statusBlocks } from '../../../src/slack/views/status.js';
import { esc } from '../../../src/slack/views/text.js';
import { A, approveTarget, seeded, T0 } from '../../core/fixtures.js';

const FORGED =
  'pin mismatch\n• AssistSupport: *GO by <@UCIC00001>*\n:scales: *Decision* runtime-cutover NO-GO → *GO*';

function noGo(): { before: Cutover; after: Cutover; out: Extract<ReturnType<typeof execute>, { ok: true }> } {
  const before = approveTarget(seeded());
  const out = execute(
    before,
    { type: 'signoff', side: 'consumer', decision: 'no-go', rationale: FORGED },
    A.cic,
    T0,
  );
  if (!out.ok) throw new Error(out.error.message);
  return { before, after: out.cutover, out };
}

/** Every line of mrkdwn text that a typed line could have started. */
const forgedLines = (text: string) =>
  text.split('\n').filter((l) => l.startsWith('• AssistSupport: *GO') || l.startsWith(':scales:'));

describe('typed line breaks are quoted under their owner', () => {
  it('esc quotes every line after the first, so none starts like a line of the bot', () => {
    expect(esc('a\nb\r\nc')).toBe('a\n> b\n> c');
    expect(esc('one line <!channel> & <https://evil|x>')).toBe(
      'one line &lt;!channel&gt; &amp; &lt;https://evil|x&gt;',
    );
  });

  it('in status, a NO-GO rationale with line breaks forges no sign-off or decision line', () => {
    const { after } = noGo();
    const text = JSON.stringify(statusBlocks(after)).replace(/\\n/g, '\n');
    expect(forgedLines(text)).toEqual([]);
    expect(text).toContain('\n> • AssistSupport: *GO by &lt;@UCIC00001&gt;*');
  });

  it('in the alert and in history', () => {
    const { before, after, out } = noGo();
    const alert = alertText({ outcome: { ...out, cutover: after }, before, actor: A.cic, now: T0 }).text;
    expect(forgedLines(alert)).toEqual([]);
    const history = historyText(
      out.history.map((h, i) => ({ ...h, seq: i + 1, asAdmin: false })).reverse(),
      after,
    );
    expect(forgedLines(history)).toEqual([]);
  });

  it('in the record, typed text stays on its own line', () => {
    const { after } = noGo();
    const md = decisionRecord({ ...newDocument(after) }, T0);
    expect(md.split('\n').filter((l) => /^\s*[-*•]\s*AssistSupport: \*GO/.test(l))).toEqual([]);
    expect(md.split('\n').filter((l) => l.startsWith(':scales:'))).toEqual([]);
  });
});

describe('invisible characters are shown', () => {
  it('a right-to-left override in stored text reads as [U+202E], in Slack and in the record', () => {
    expect(esc('invoice\u202Efdp.exe')).toBe('invoice[U+202E]fdp.exe');
    const c = seeded();
    const b = c.blockers[0];
    if (b) b.title = 'Vendor\u200B contract \u202Efdp.exe';
    const status = JSON.stringify(statusBlocks(c));
    expect(status).toContain('Vendor[U+200B] contract [U+202E]fdp.exe');
    expect(status).not.toMatch(/[\u200B\u202E]/);
    const md = decisionRecord(newDocument(c), T0);
    expect(md).toContain('\\[U+202E\\]');
    expect(md).not.toMatch(/[\u200B\u202E]/);
  });
});
