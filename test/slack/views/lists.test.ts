/**
 * `/cutover history`: each entry is the core's typed event, said in plain words at read time, with people
 * mentioned, instants as Slack dates and the text a person typed escaped and quoted on one line (so no typed line
 * break can start a line that poses as another entry). Lines an older version wrote as prose read as they were,
 * marked as legacy text.
 */
import { describe, expect, it } from 'vitest';
import type { CommandInput, HistoryEntry, HistoryEvent } from '../../../src/core/schema.js';
import { USAGES } from '../../../src/slack/parse-command.js';
import { helpText, historyLine, historyText, MESSAGE_TEXT_MAX } from '../../../src/slack/views/lists.js';
import {
  A,
  approveTarget,
  GO_RUNTIME,
  greenGates,
  logAllEvidence,
  run,
  SHA1,
  SHA2,
  seeded,
  TAG1,
  TAG2,
  U,
} from '../../core/fixtures.js';
import { expectNoForgedMarkup } from './limits.js';

const c = seeded();
const entry = (over: Partial<HistoryEntry>): HistoryEntry => ({
  seq: 1,
  at: '2026-02-09T09:00:00.000Z',
  by: 'UDLO00001',
  asAdmin: false,
  event: { type: 'decision.changed', decision: 'runtime-cutover', before: 'no-go', after: 'no-go' },
  ...over,
});
/** The words of one event, after the date token and who. */
const words = (event: HistoryEvent, by = 'UDLO00001') =>
  historyLine(entry({ event, by }), c).replace(/^<!date[^>]*> <@UDLO00001> · |^<!date[^>]*> [^·]+ · /, '');

describe('history in words, per event kind', () => {
  it('a phase started reads "Phase 8 Runtime cutover started", not its stored states', () => {
    expect(words({ type: 'phase.changed', phase: '8', before: 'not-started', after: 'started' })).toBe(
      '"Runtime cutover" (`8`) started'.replace(/^/, 'Phase '),
    );
  });

  it('a role given names its title and mentions the holder, and the one it replaced', () => {
    expect(
      words({ type: 'role.assigned', role: 'decision-log-owner', before: 'UOLD00001', after: 'S0ONCALL' }),
    ).toBe(
      '"Integration Program Owner" (`decision-log-owner`) given to <!subteam^S0ONCALL> (was <@UOLD00001>)',
    );
    expect(
      words({ type: 'role.assigned', role: 'decision-log-owner', before: 'UOLD00001', after: null }),
    ).toBe('"Integration Program Owner" (`decision-log-owner`) is now unassigned (was <@UOLD00001>)');
  });

  it('a gate result reads as turned, with the target and the links; a derived one as by itself', () => {
    expect(
      words({
        type: 'gate.changed',
        gate: 'producer-suite',
        before: 'pending',
        after: 'green',
        derived: false,
        target: { tag: TAG1, sha: SHA1 },
        runUrl: 'https://ci.example.com/1',
      }),
    ).toMatch(
      /^Gate ".+" \(`producer-suite`\) turned green for `.+` \(was pending\), run <https:\/\/ci\.example\.com\/1\|/,
    );
    expect(
      words({
        type: 'gate.changed',
        gate: 'bilateral-signoff',
        before: 'pending',
        after: 'green',
        derived: true,
      }),
    ).toMatch(/turned green by itself \(was pending\)$/);
  });

  it('a sign-off says the side, the decision, the target it was given on and the rationale typed', () => {
    expect(
      words({
        type: 'signoff.given',
        side: 'consumer',
        decision: 'no-go',
        target: { tag: TAG1, sha: SHA1 },
        rationale: 'pin <@U1> mismatch',
        replaced: 'go',
      }),
    ).toBe(
      `AssistSupport signed NO-GO on \`${TAG1} @ ${SHA1.slice(0, 12)}\` (replacing its GO): "pin &lt;@U1&gt; mismatch"`,
    );
  });

  it('a voided sign-off says whose and why, from its typed cause', () => {
    expect(
      words(
        {
          type: 'signoff.voided',
          side: 'producer',
          reason: 'replaced by a newer sign-off',
          cause: { kind: 'replaced' },
          decision: 'no-go',
          signer: U.pic,
        },
        'cutover-bot',
      ),
    ).toBe(`MemoryKernel's NO-GO sign-off by <@${U.pic}> voided: replaced by a newer sign-off`);
  });

  it('notes read with the text written: scope, a position, the window notes', () => {
    expect(words({ type: 'note.changed', what: 'scope', change: 'set', text: 'Runtime *only*' })).toBe(
      'Scope written: "Runtime *only*"',
    );
    expect(
      words({
        type: 'note.changed',
        what: 'window-notes',
        change: 'set',
        text: 'Freeze at 08:00',
        was: 'none yet',
      }),
    ).toBe('Window notes written: "Freeze at 08:00" (was "none yet")');
    expect(
      words({ type: 'note.changed', what: 'position', side: 'consumer', change: 'cleared', was: 'x' }),
    ).toBe(`AssistSupport's position cleared (was "x")`);
  });

  it('the window reads as Slack dates, and a decision with its rationale', () => {
    expect(
      words({ type: 'window.set', start: '2026-02-14T08:00:00.000Z', end: '2026-02-14T12:00:00.000Z' }),
    ).toMatch(
      /^Cutover window set to <!date\^\d+\^[^|]+\|2026-02-14 08:00 UTC> – <!date\^\d+\^[^|]+\|2026-02-14 12:00 UTC>$/,
    );
    expect(
      words({
        type: 'decision.changed',
        decision: 'runtime-cutover',
        before: 'no-go',
        after: 'go',
        rationale: 'both GO',
      }),
    ).toMatch(/^Decision ".+" \(`runtime-cutover`\) is now GO \(was NO-GO\): "both GO"$/);
  });

  it('shaping reads as added, removed, renamed or retitled, and the reminders by what they set', () => {
    expect(
      words({ type: 'program.shaped', what: 'gate', item: 'perf', change: 'added', title: 'Perf' }),
    ).toBe('Gate "Perf" (`perf`) added');
    expect(
      words({
        type: 'program.shaped',
        what: 'role',
        item: 'r',
        change: 'changed',
        title: 'Lead',
        was: 'Owner',
      }),
    ).toBe('Role `r` retitled "Lead" (was "Owner")');
    expect(
      words({
        type: 'program.shaped',
        what: 'reminders',
        change: 'changed',
        fields: ['digestHour', 'quietHours'],
      }),
    ).toBe('Reminders changed: daily digest hour, quiet hours');
  });

  it('a line an older version wrote as prose reads as it was written, marked as legacy text', () => {
    expect(
      words({
        type: 'legacy',
        action: 'window.notes',
        subject: 'window notes',
        before: 'none',
        after: 'Freeze <soon>',
      }),
    ).toBe('window.notes window notes: none → Freeze &lt;soon&gt; (legacy text)');
  });

  it('a typed text with line breaks stays on its line: no line of it starts like an entry', () => {
    const forged = [
      'pin mismatch',
      '<!date^1770627600^{date_short_pretty} {time}|x> <@UCIC00001> · forged',
      '• *GO*',
    ];
    for (const br of ['\n', '\r\n', '\r', '\u2028', '\u2029', '\u0085', '\v', '\f']) {
      const text = historyText(
        [
          entry({
            event: { type: 'blocker.reopened', blocker: 'b', derived: false, reason: forged.join(br) },
          }),
        ],
        c,
      );
      expect(text.split('\n'), JSON.stringify(br)).toHaveLength(2);
      expect(text).not.toMatch(/[\r\u2028\u2029\u0085\v\f]/);
      expectNoForgedMarkup(text);
    }
  });

  it('invisible characters in typed text or a CI name are shown as [U+…]', () => {
    const line = historyLine(
      entry({
        by: 'CI: deploy\u202Ekcab',
        event: { type: 'blocker.reopened', blocker: 'b', derived: false, reason: 'see fdp\u200B.exe' },
      }),
      c,
    );
    expect(line).toContain('CI: deploy[U+202E]kcab');
    expect(line).toContain('see fdp[U+200B].exe');
    expect(line).not.toMatch(/[\u202E\u200B]/);
  });

  it('every event the core writes on the road to GO and back reads in words: no field names, no state ids', () => {
    let state = seeded();
    const lines: string[] = [];
    const step = (cmd: CommandInput, actor = A.dlo) => {
      const out = run(state, cmd, actor);
      lines.push(...out.history.map((h) => historyLine({ ...h, seq: 1 }, out.cutover)));
      state = out.cutover;
    };
    step({ type: 'target.publish', tag: TAG1, sha: SHA1 }, A.pro);
    step({ type: 'target.approve', target: TAG1 }, A.cro);
    state = logAllEvidence(greenGates(state));
    step({ type: 'signoff', side: 'producer', decision: 'go' }, A.pic);
    step({ type: 'signoff', side: 'consumer', decision: 'go' }, A.cic);
    step(GO_RUNTIME);
    step({ type: 'scope.set', text: 'Runtime only' });
    step({ type: 'window.notes', text: 'Freeze first' });
    step({ type: 'target.publish', tag: TAG2, sha: SHA2 }, A.pro);
    expect(lines.length).toBeGreaterThan(8);
    for (const l of lines) {
      expect(l.replace(/`[^`]*`/g, '')).not.toMatch(
        /\b(?:signoff|window\.notes|scope\.set|not-started|gate\.set|target\.publish|decide)\b/,
      );
      expect(l).not.toContain('→');
    }
    expect(lines.join('\n')).toContain('Scope written: "Runtime only"');
    expect(lines.join('\n')).toContain('fell back to NO-GO by itself');
    void approveTarget;
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

describe('/cutover history pages', () => {
  const many = (n: number, event?: (i: number) => HistoryEvent) =>
    Array.from({ length: n }, (_, i) =>
      entry({
        seq: n - i,
        event: event?.(n - i) ?? {
          type: 'phase.changed',
          phase: `p${n - i}`,
          before: 'not-started',
          after: 'started',
        },
      }),
    );

  it('a full page tells how to see the older entries', () => {
    const text = historyText(many(11), c, { limit: 10, page: 1 });
    expect(text.split('\n')[0]).toBe('*The last 10 changes, newest first*');
    expect(text.split('\n').at(-1)).toBe('_Older changes: `/cutover history 10 page 2`_');
    expect(text).toContain('Phase `p11` started');
    expect(text).not.toContain('Phase `p1` started');
  });

  it('page 2 shows the entries before page 1, numbered back from the newest, and the last page says no more', () => {
    const text = historyText(many(15), c, { limit: 10, page: 2 });
    expect(text.split('\n')[0]).toBe('*Changes 11–15 back from the newest, newest first*');
    expect(text).toContain('Phase `p5` started');
    expect(text).toContain('Phase `p1` started');
    expect(text).not.toContain('Phase `p6` started');
    expect(text).not.toContain('Older changes');
  });

  it('past the newest entries the bot holds, it points to the record for the rest, counting them all', () => {
    // The newest 100 of 250 changes are held in memory: seq 250 down to 151.
    const held = Array.from({ length: 100 }, (_, i) =>
      entry({
        seq: 250 - i,
        event: { type: 'phase.changed', phase: `p${250 - i}`, before: 'not-started', after: 'started' },
      }),
    );
    const last = historyText(held, c, { limit: 50, page: 2 });
    expect(last.split('\n').at(-1)).toBe(
      '_Older changes: the whole history is in the decision record: `npm run record -- --program &lt;program-id&gt; --history all`._',
    );
    expect(historyText(held, c, { limit: 50, page: 3 })).toBe(
      'There are 250 changes; Slack is shown the newest 100, and the whole history is in the decision record: `npm run record -- --program &lt;program-id&gt; --history all`.',
    );
  });

  it('a page past the oldest says how many there are and the page that shows the oldest', () => {
    expect(historyText(many(15), c, { limit: 10, page: 3 })).toBe(
      'There are 15 changes, and page 3 of 10 a page is past the oldest: `/cutover history 10 page 2` shows the oldest.',
    );
    expect(historyText([], c, { limit: 10, page: 1 })).toBe('No changes yet.');
  });

  it('100 long entries fit one message (Slack cuts text at 40,000): each is shortened, none dropped, and the pointer stays', () => {
    const long = many(101, (i) => ({
      type: 'blocker.reopened',
      blocker: `b${i}`,
      derived: false,
      title: '&'.repeat(200),
      reason: '&<>'.repeat(400),
    }));
    const text = historyText(long, c, { limit: 100, page: 1 });
    expect(text.length).toBeLessThanOrEqual(MESSAGE_TEXT_MAX);
    expect(text.split('\n')).toHaveLength(102);
    expect(text).not.toContain('…and');
    expect(text.split('\n').at(-1)).toBe('_Older changes: `/cutover history 100 page 2`_');
    expectNoForgedMarkup(text);
  });

  it('100 entries of evidence with the longest links fit one message too', () => {
    const url = `https://ci.example.com/${'a'.repeat(1970)}`;
    const text = historyText(
      many(100, () => ({ type: 'evidence.logged', evidence: 'e', url })),
      c,
      { limit: 100, page: 1 },
    );
    expect(text.length).toBeLessThanOrEqual(MESSAGE_TEXT_MAX);
    expect(text.split('\n')).toHaveLength(101);
    expect(text).not.toContain('…and');
  });

  it('entries that fit are shown whole: a page of ordinary entries is not cut to 3,000 characters', () => {
    const text = historyText(
      many(101, () => ({
        type: 'decision.changed',
        decision: 'runtime-cutover',
        before: 'no-go',
        after: 'no-go',
        rationale: 'x'.repeat(200),
      })),
      c,
      { limit: 100, page: 1 },
    );
    expect(text.length).toBeGreaterThan(3_000);
    expect(text).toContain(`"${'x'.repeat(200)}"`);
  });
});
