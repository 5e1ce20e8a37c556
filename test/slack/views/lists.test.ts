/**
 * `/cutover history` (issue 10): a history entry's note is typed text — a rationale, a reason — and cannot start a
 * line that reads as another entry or as the bot's; invisible characters in it, or in a CI name, are shown.
 */
import { describe, expect, it } from 'vitest';
import type { Actor, CommandInput, HistoryEntry } from '../../../src/core/schema.js';
import { USAGES } from '../../../src/slack/parse-command.js';
import { helpText, historyLine, historyText, MESSAGE_TEXT_MAX } from '../../../src/slack/views/lists.js';
import {
  A,
  approveTarget,
  GO_RUNTIME,
  greenGates,
  LABEL1,
  logAllEvidence,
  recordReportSteps,
  run,
  SHA2,
  seeded,
  TAG2,
  U,
} from '../../core/fixtures.js';
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

describe('/cutover help', () => {
  it('shows every usage as typed: <role-id> and & escaped so Slack reads no link, one line per subcommand', () => {
    const text = helpText();
    expect(text).toContain(
      '`/cutover role &lt;role-id&gt; @person|@group|none | role title &lt;role-id&gt; &lt;title…&gt;`',
    );
    expect(text).not.toMatch(/<[^!@#]/);
    // Every subcommand, and the confirmation a change may end with.
    expect(text.split('\n')).toHaveLength(USAGES.length + 2);
    expect(text).toContain('`/cutover &lt;change…&gt; confirm: &lt;reason…&gt;`');
    expect(text).not.toContain('…and');
    for (const u of USAGES)
      expect(text).toContain(`\`${u.usage.replace(/</g, '&lt;').replace(/>/g, '&gt;')}\``);
  });

  it('lists the new lines: shaping, reminders, window in words and clear, history pages, archive, list, new, shape', () => {
    const text = helpText();
    for (const part of [
      'gate add &lt;gate-id&gt; &lt;owner-role&gt; &lt;title…&gt;',
      'evidence add &lt;evidence-id&gt; &lt;side&gt; &lt;title…&gt;',
      'rename &lt;id&gt; &lt;title…&gt; | remove &lt;id&gt;',
      '/cutover reminders [signoff &lt;hours&gt;h]',
      'window clear',
      '/cutover history [n] [page &lt;p&gt;]',
      '/cutover archive [reason…]',
      '/cutover list',
      '/cutover new [&lt;program-id&gt; from &lt;template-or-program-id&gt;]',
      '/cutover shape',
    ])
      expect(text).toContain(part);
  });
});

describe('/cutover history in words', () => {
  const line = (over: Partial<HistoryEntry>) => historyLine(entry(over)).replace(/^<!date[^>]*> /, '');

  it('a phase started reads "phase 8 started", not its stored states', () => {
    expect(line({ action: 'phase', subject: 'phase 8', before: 'not-started', after: 'started' })).toBe(
      '<@UDLO00001> · phase 8 started',
    );
  });

  it('a gate result, a derived item and a target read as what happened', () => {
    expect(
      line({ action: 'gate.set', subject: 'gate producer-suite', before: 'pending', after: 'green' }),
    ).toBe('<@UDLO00001> · gate producer-suite turned green (was pending)');
    expect(
      line({
        by: 'cutover-bot',
        action: 'blocker.derived',
        subject: 'blocker joint-go-record',
        before: 'open',
        after: 'cleared',
        note: 'after signoff sign-off consumer',
      }),
    ).toBe('cutover-bot · blocker joint-go-record cleared itself — after a change to sign-off consumer');
    expect(
      line({
        action: 'target.publish',
        subject: 'release target',
        before: 'none',
        after: 'v3 @ abc (published)',
      }),
    ).toBe('<@UDLO00001> · release target v3 @ abc published');
    expect(
      line({
        action: 'target.approve',
        subject: 'release target',
        before: 'v3 (published)',
        after: 'v3 (approved)',
      }),
    ).toBe('<@UDLO00001> · release target v3 approved');
  });

  it("a person's note is shown as typed, even one that starts like the bot's own", () => {
    expect(line({ action: 'decide', subject: 'decision rehearsal', note: 'after review we hold' })).toBe(
      '<@UDLO00001> · decision rehearsal stays NO-GO — after review we hold',
    );
  });

  it('a role given, a sign-off voided, a decision and the window read with people and dates as Slack shows them', () => {
    expect(
      line({
        action: 'role.assign',
        subject: 'role decision-log-owner',
        before: 'unassigned',
        after: 'U0PIC',
      }),
    ).toBe('<@UDLO00001> · role decision-log-owner given to <@U0PIC>');
    expect(
      line({
        by: 'cutover-bot',
        action: 'signoff.voided',
        subject: 'sign-off producer',
        before: 'GO by U0PIC',
        after: 'voided',
        note: 'gate producer-suite turned red',
      }),
    ).toBe("cutover-bot · producer's GO sign-off by <@U0PIC> voided — gate producer-suite turned red");
    expect(
      line({ action: 'decide', subject: 'decision runtime-cutover', before: 'NO-GO', after: 'GO' }),
    ).toBe('<@UDLO00001> · decision runtime-cutover is now GO (was NO-GO)');
    expect(
      line({
        action: 'window',
        subject: 'cutover window',
        before: 'none',
        after: '2026-12-01T08:00:00.000Z – 2026-12-01T10:00:00.000Z',
      }),
    ).toMatch(
      /^<@UDLO00001> · cutover window set to <!date\^1796112000\^[^>]*> – <!date\^1796119200\^[^>]*>$/,
    );
    expect(
      line({
        action: 'window.clear',
        subject: 'cutover window',
        before: '2026-12-01T08:00:00.000Z – 2026-12-01T10:00:00.000Z',
        after: 'none',
      }),
    ).toMatch(/^<@UDLO00001> · cutover window cleared \(was <!date/);
  });

  it('shaping reads as added, removed, renamed or retitled, and the reminders by the words that set them', () => {
    expect(
      line({ action: 'program.shape', subject: 'gate perf', before: '—', after: 'added', note: 'Perf' }),
    ).toBe('<@UDLO00001> · gate perf added — Perf');
    expect(line({ action: 'program.shape', subject: 'role x', before: 'Old', after: 'New' })).toBe(
      '<@UDLO00001> · role x retitled "New" (was "Old")',
    );
    expect(
      line({
        action: 'program.shape',
        subject: 'reminders',
        before: '{"signoffAfterHours":24,"digestHour":9}',
        after: '{"signoffAfterHours":12,"digestHour":8}',
      }),
    ).toBe('<@UDLO00001> · reminders changed: signoff, digest');
  });

  it('every line the core writes on the road to GO and back reads in words: none is left as its stored action', () => {
    let c = logAllEvidence(greenGates(approveTarget(seeded())));
    const lines: string[] = [];
    // Both repos report the record of the GO as soon as it is decided (a step that needs the GO in force).
    const bothRepos = 'both repos report the record';
    const steps: ([CommandInput, Actor] | typeof bothRepos)[] = [
      [{ type: 'signoff', side: 'producer', decision: 'go' }, A.pic],
      [{ type: 'signoff', side: 'consumer', decision: 'go' }, A.cic],
      [GO_RUNTIME, A.dlo],
      bothRepos,
      [{ type: 'window', start: '2026-03-01T09:00Z', end: '2026-03-01T11:00Z' }, A.dlo],
      [{ type: 'phase', phase: '8', action: 'start' }, A.dlo],
      [{ type: 'target.publish', tag: TAG2, sha: SHA2, confirm: { reason: 'hotfix' } }, A.pro],
      [{ type: 'window.clear' }, A.dlo],
      [{ type: 'role.assign', role: 'decision-log-owner', user: U.pic }, A.admin],
      [{ type: 'gate.add', gate: 'perf', owner: 'decision-log-owner', title: 'Perf' }, A.admin],
      [{ type: 'reminders.set', reminders: { digestHour: 8 } }, A.admin],
      [{ type: 'blocker.add', owner: 'decision-log-owner', title: 'Vendor contract' }, A.admin],
      [{ type: 'blocker.clear', blocker: 'vendor-contract' }, A.admin],
    ];
    for (const s of steps)
      for (const [cmd, actor] of s === bothRepos ? recordReportSteps(c) : [s]) {
        const out = run(c, cmd, actor);
        c = out.cutover;
        lines.push(...out.history.map((h) => historyLine({ ...h, seq: 1 })));
      }
    const text = lines.join('\n');
    expect(text).toContain(`producer signed GO — on ${LABEL1}`);
    expect(text).toContain(`<@${U.dlo}> · phase 8 started`);
    expect(text).toMatch(
      /CI: GitHub Actions · decision record of consumer is in assistsupport\/app @ [0-9a-f]{12}/,
    );
    expect(text).toContain('cutover-bot · blocker joint-go-record cleared itself');
    expect(text).toContain(`cutover-bot · producer's GO sign-off by <@${U.pic}> voided`);
    expect(text).toContain('cutover-bot · decision runtime-cutover is now NO-GO (was GO)');
    expect(text).toContain('· blocker vendor-contract cleared');
    expect(text).toContain(
      `<@${U.pro}> · decision runtime-cutover: taking its GO from the running cutover confirmed — confirmed while phase 8 was running: hotfix`,
    );
    for (const l of lines) expect(l).not.toMatch(/ · [a-z]+\.[a-z]+ /);
  });
});

describe('/cutover history pages', () => {
  const many = (n: number, over: Partial<HistoryEntry> = {}) =>
    Array.from({ length: n }, (_, i) =>
      entry({ seq: n - i, subject: `phase p${n - i}`, action: 'phase', after: 'started', ...over }),
    );

  it('a full page tells how to see the older entries', () => {
    const text = historyText(many(11), { limit: 10, page: 1 });
    expect(text.split('\n')[0]).toBe('*The last 10 changes, newest first*');
    expect(text.split('\n').at(-1)).toBe('_Older changes: `/cutover history 10 page 2`_');
    expect(text).toContain('phase p11 started');
    expect(text).not.toContain('phase p1 started');
  });

  it('page 2 shows the entries before page 1, numbered back from the newest, and the last page says no more', () => {
    const text = historyText(many(15), { limit: 10, page: 2 });
    expect(text.split('\n')[0]).toBe('*Changes 11–15 back from the newest, newest first*');
    expect(text).toContain('phase p5 started');
    expect(text).toContain('phase p1 started');
    expect(text).not.toContain('phase p6 started');
    expect(text).not.toContain('Older changes');
  });

  it('past the newest entries the bot holds, it points to the record for the rest, counting them all', () => {
    // The newest 100 of 250 changes are held in memory: seq 250 down to 151.
    const held = Array.from({ length: 100 }, (_, i) =>
      entry({ seq: 250 - i, subject: `phase p${250 - i}`, action: 'phase', after: 'started' }),
    );
    const last = historyText(held, { limit: 50, page: 2 });
    expect(last.split('\n').at(-1)).toBe(
      '_Older changes: the whole history is in the decision record: `npm run record -- --program &lt;program-id&gt; --history all`._',
    );
    expect(historyText(held, { limit: 50, page: 3 })).toBe(
      'There are 250 changes; Slack is shown the newest 100, and the whole history is in the decision record: `npm run record -- --program &lt;program-id&gt; --history all`.',
    );
  });

  it('a page past the oldest says how many there are and the page that shows the oldest', () => {
    expect(historyText(many(15), { limit: 10, page: 3 })).toBe(
      'There are 15 changes, and page 3 of 10 a page is past the oldest: `/cutover history 10 page 2` shows the oldest.',
    );
    expect(historyText([], { limit: 10, page: 1 })).toBe('No changes yet.');
  });

  it('100 long entries fit one message (Slack cuts text at 40,000): each is shortened, none dropped, and the pointer stays', () => {
    const long = many(101, {
      note: '&<>'.repeat(400),
      subject: `blocker ${'&'.repeat(200)}`,
      action: 'blocker.add',
    });
    const text = historyText(long, { limit: 100, page: 1 });
    expect(text.length).toBeLessThanOrEqual(MESSAGE_TEXT_MAX);
    expect(text.split('\n')).toHaveLength(102);
    expect(text).not.toContain('…and');
    expect(text.split('\n').at(-1)).toBe('_Older changes: `/cutover history 100 page 2`_');
    expectNoForgedMarkup(text);
  });

  it('100 entries of evidence with the longest links fit one message too', () => {
    const url = `https://ci.example.com/${'a'.repeat(1970)}`;
    const text = historyText(many(100, { action: 'evidence.log', subject: 'evidence e', after: url }), {
      limit: 100,
      page: 1,
    });
    expect(text.length).toBeLessThanOrEqual(MESSAGE_TEXT_MAX);
    expect(text.split('\n')).toHaveLength(101);
    expect(text).not.toContain('…and');
  });

  it('entries that fit are shown whole: a page of ordinary entries is not cut to 3,000 characters', () => {
    const text = historyText(many(101, { note: 'x'.repeat(250) }), { limit: 100, page: 1 });
    expect(text.length).toBeGreaterThan(3_000);
    expect(text).toContain(`— ${'x'.repeat(250)}`);
  });
});
