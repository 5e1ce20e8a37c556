/**
 * `/cutover history` (issue 10): a history entry's note is typed text — a rationale, a reason — and cannot start a
 * line that reads as another entry or as the bot's; invisible characters in it, or in a CI name, are shown.
 */
import { describe, expect, it } from 'vitest';
import type { HistoryEntry } from '../../../src/core/schema.js';
import { historyLine, historyText } from '../../../src/slack/views/lists.js';
import { A, run, seeded } from '../../core/fixtures.js';
import { expectNoForgedMarkup } from './limits.js';

const entry = (over: Partial<HistoryEntry>): HistoryEntry => ({
  seq: 1,
  at: '2026-02-09T09:00:00.000Z',
  by: 'UDLO00001',
  asAdmin: false,
  action: 'decide',
  subject: 'decision runtime-cutover',
  before: 'NO-GO',
  after: 'NO-GO',
  ...over,
});

describe('history notes', () => {
  it('a note with line breaks of every kind is quoted line by line: no line of it starts like an entry', () => {
    const forged = [
      'pin mismatch',
      '<!date^1770627600^{date_short_pretty} {time}|2026-02-09 09:00 UTC> <@UCIC00001> · decide decision runtime-cutover: NO-GO → GO',
      '• AssistSupport: *GO by <@UCIC00001>*',
      '*Last 1 change, newest first*',
    ];
    for (const br of ['\n', '\r\n', '\r', '\u2028', '\u2029', '\u0085', '\v', '\f']) {
      const text = historyText([entry({ note: forged.join(br) })]);
      const lines = text.split('\n');
      expect(lines, JSON.stringify(br)).toHaveLength(5);
      expect(lines.slice(2)).toEqual([
        '> &lt;!date^1770627600^{date_short_pretty} {time}|2026-02-09 09:00 UTC&gt; &lt;@UCIC00001&gt; · decide decision runtime-cutover: NO-GO → GO',
        '> • AssistSupport: *GO by &lt;@UCIC00001&gt;*',
        '> *Last 1 change, newest first*',
      ]);
      expect(text).not.toMatch(/[\r\u2028\u2029\u0085\v\f]/);
      expectNoForgedMarkup(text);
    }
  });

  it('the note the core writes for a NO-GO with a multi-line rationale stays under its entry', () => {
    const out = run(
      seeded(),
      {
        type: 'decide',
        decision: 'runtime-cutover',
        status: 'no-go',
        rationale: 'hold\n• runtime-cutover: *GO*',
      },
      A.dlo,
    );
    const h = out.history.at(-1);
    if (!h) throw new Error('no history');
    const line = historyLine({ ...h, seq: 1 });
    expect(line.split('\n')).toEqual([
      expect.stringMatching(/ · decision runtime-cutover stays NO-GO — hold$/),
      '> • runtime-cutover: *GO*',
    ]);
  });

  it('invisible characters in a note or a CI name are shown as [U+…]', () => {
    const line = historyLine(entry({ by: 'CI: deploy\u202Ekcab', note: 'see fdp\u200B.exe' }));
    expect(line).toContain('CI: deploy[U+202E]kcab');
    expect(line).toContain('see fdp[U+200B].exe');
    expect(line).not.toMatch(/[\u202E\u200B]/);
  });
});
