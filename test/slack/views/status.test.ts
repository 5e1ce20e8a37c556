import { describe, expect, it } from 'vitest';
import { execute } from '../../../src/core/commands.js';
import type { Cutover } from '../../../src/core/schema.js';
import { baseActionId } from '../../../src/slack/block-ids.js';
import { SUMMARY_MAX, statusBlocks, statusSummary, statusText } from '../../../src/slack/views/status.js';
import { A, at, GO_RUNTIME, readyForGo, reportRecords, run, seeded } from '../../core/fixtures.js';
import { largeProgram, shippedProgram } from '../../fixtures/programs.js';
import { expectMessageWithinLimits, expectNoForgedMarkup, mrkdwnTexts } from './limits.js';

const now = new Date('2026-11-21T10:00:00Z');
const admin = { kind: 'user' as const, userId: 'UADMIN', isAdmin: true };
const texts = (c: Cutover) => JSON.stringify(statusBlocks(c));

function apply(c: Cutover, ...commands: Record<string, unknown>[]): Cutover {
  let s = c;
  for (const cmd of commands) {
    const r = execute(s, cmd, admin, now);
    if (!r.ok) throw new Error(r.error.message);
    s = r.cutover;
  }
  return s;
}

describe('status view', () => {
  it("shows the seeds' state: decisions, phases, the four blockers, the five gates, no target, no window", () => {
    const c = shippedProgram();
    const blocks = statusBlocks(c);
    const all = texts(c);
    expect(all).toContain('Rehearsal continuation');
    expect(all).toMatch(/Runtime cutover execution.*NO-GO/);
    expect(all).toMatch(/Phase 7 .*Closed/);
    expect(all).toMatch(/Phase 8 .*Not started/);
    expect(all).toContain('Blockers before phase 8 — 4 of 4 open');
    for (const id of ['release-target', 'joint-go-record', 'evidence-bundle', 'rollback-evidence'])
      expect(all).toContain(`\`${id}\``);
    for (const id of [
      'producer-suite',
      'consumer-suite',
      'alignment',
      'bilateral-signoff',
      'release-evidence',
    ])
      expect(all).toContain(`\`${id}\``);
    expect(all).toContain('No release target published');
    expect(all).toContain('Not set.');
    // No target to sign against or approve, every blocker derived: assign the roles nobody holds, publish a target,
    // set the window.
    const row = blocks.find((b) => b.type === 'actions') as { elements: { action_id: string }[] } | undefined;
    expect(row?.elements.map((e) => baseActionId(e.action_id))).toEqual([
      ...c.roles.map(() => 'cutover.role.open'),
      'cutover.target.open',
      'cutover.window.open',
    ]);
    expect(statusText(c)).toContain('Runtime cutover execution NO-GO');
  });

  it('offers a button for each thing someone owes now, and nothing else: approve this target (its SHA), set its gates, sign off, log evidence, decide, start the phase that may start', () => {
    type Button = { action_id: string; value?: string; text: { text: string } };
    const buttonsOf = (c: Cutover) =>
      (statusBlocks(c).find((b) => b.type === 'actions') as { elements?: Button[] } | undefined)?.elements ??
      [];
    const sha = 'c'.repeat(40);
    const published = run(seeded(), { type: 'target.publish', tag: 'service.v3.9', sha }, A.pro).cutover;
    // Published: approve it, get each gate measured per commit a result for it, set the window. Nothing to sign yet.
    expect(buttonsOf(published).map((b) => [baseActionId(b.action_id), b.value, b.text.text])).toEqual([
      ['cutover.target.approve', `${published.id}:${sha}`, 'Approve service.v3.9'],
      ['cutover.gate.open', `${published.id}:producer-suite`, 'Set producer-suite'],
      ['cutover.gate.open', `${published.id}:consumer-suite`, 'Set consumer-suite'],
      ['cutover.gate.open', `${published.id}:alignment`, 'Set alignment'],
      ['cutover.window.open', `${published.id}:`, 'Set the window'],
    ]);
    // Approved: each side signs off and logs its evidence for it.
    const approved = run(published, { type: 'target.approve', target: sha }, A.cro).cutover;
    expect(buttonsOf(approved).map((b) => [baseActionId(b.action_id), b.value])).toEqual([
      ['cutover.signoff.open', `${approved.id}:producer`],
      ['cutover.signoff.open', `${approved.id}:consumer`],
      ['cutover.evidence.open', `${approved.id}:producer-handoff`],
      ['cutover.evidence.open', `${approved.id}:consumer-repin`],
      ['cutover.evidence.open', `${approved.id}:producer-rollback`],
      ['cutover.evidence.open', `${approved.id}:consumer-rollback`],
      ['cutover.gate.open', `${approved.id}:producer-suite`],
      ['cutover.gate.open', `${approved.id}:consumer-suite`],
      ['cutover.gate.open', `${approved.id}:alignment`],
      ['cutover.window.open', `${approved.id}:`],
    ]);
    // Every requirement met: the decision may be recorded, by a form.
    expect(buttonsOf(readyForGo()).map((b) => [baseActionId(b.action_id), b.value])).toContainEqual([
      'cutover.decide.open',
      `${readyForGo().id}:runtime-cutover`,
    ]);
    // GO decided: nobody needs to sign any more; phase 8 waits for both repos' CI to report the record (no button).
    const go = run(readyForGo(), GO_RUNTIME, A.dlo).cutover;
    expect(buttonsOf(go).map((b) => [baseActionId(b.action_id), b.value])).toEqual([
      ['cutover.window.open', `${go.id}:`],
    ]);
    // Both repos hold the record of the GO: phase 8 may start.
    const recorded = reportRecords(go);
    expect(buttonsOf(recorded).map((b) => [baseActionId(b.action_id), b.value])).toEqual([
      ['cutover.window.open', `${go.id}:`],
      ['cutover.phase.start', `${go.id}:8`],
    ]);
  });

  it('mentions the owner of each blocker from the role assignments, and says unassigned otherwise', () => {
    const c = apply(shippedProgram(), { type: 'role.assign', role: 'producer-rollback-owner', user: 'UREL' });
    const all = texts(c);
    expect(all).toMatch(
      /`release-target`[^\n]*MemoryKernel Release Owner <@UREL> \(producer-rollback-owner\)/,
    );
    expect(all).toMatch(
      /`joint-go-record`[^\n]*Integration Program Owner _unassigned_ \(decision-log-owner\)/,
    );
  });

  it('shows the target, the window as date tokens, and a voided sign-off with its reason', () => {
    const sha1 = 'a'.repeat(40);
    const sha2 = 'b'.repeat(40);
    let c = apply(
      shippedProgram(),
      { type: 'role.assign', role: 'producer-incident-commander', user: 'UPIC' },
      { type: 'target.publish', tag: 'v3.0.0', sha: sha1 },
      { type: 'window', start: '2026-12-01T09:00:00Z', end: '2026-12-01T11:00:00Z' },
    );
    const r = execute(
      c,
      { type: 'signoff', side: 'producer', decision: 'no-go', rationale: 'waiting' },
      { kind: 'user', userId: 'UPIC', isAdmin: false },
      now,
    );
    if (!r.ok) throw new Error(r.error.message);
    c = apply(r.cutover, { type: 'target.publish', tag: 'v3.0.1', sha: sha2 });
    const all = texts(c);
    expect(all).toContain(`\`v3.0.1\` @ \`${sha2}\``);
    expect(all).toContain('_not approved_');
    expect(all).toContain(`<!date^${Date.parse('2026-12-01T09:00:00Z') / 1000}^`);
    expect(all).toContain('|2026-12-01 09:00 UTC>');
    expect(all).toMatch(
      /~NO-GO by <@UPIC> on v3\.0\.0 @ aaaaaaaaaaaa[^~]*~ voided: release target changed from v3\.0\.0 @ aaaaaaaaaaaa to v3\.0\.1 @ bbbbbbbbbbbb/,
    );
  });

  it('says the window is proposed, and why, until a GO is recorded with it standing; then approved', () => {
    const window = (day: string) =>
      ({ type: 'window', start: `${day}T09:00Z`, end: `${day}T13:00Z` }) as const;
    const windowText = (c: Cutover) =>
      mrkdwnTexts(statusBlocks(c)).find((t) => t.startsWith('*Cutover window*')) ?? '';
    const proposed = run(readyForGo(), window('2026-03-01'), A.dlo, at(10)).cutover;
    expect(windowText(proposed)).toContain('· _proposed_ (`runtime-cutover` is NO-GO)');
    const approved = run(proposed, GO_RUNTIME, A.dlo, at(20)).cutover;
    expect(windowText(approved)).toContain('· *approved*');
    const moved = run(approved, window('2026-03-02'), A.dlo, at(30)).cutover;
    expect(windowText(moved)).toContain(
      '· _proposed_ (`runtime-cutover` went GO before this window was set)',
    );
  });

  it('escapes what people typed, so a title cannot ping @channel or forge a link', () => {
    const c = apply(shippedProgram(), {
      type: 'blocker.add',
      owner: 'decision-log-owner',
      title: 'Ping <!channel> & see <https://evil.example|Runbook>',
    });
    const all = texts(c);
    expectNoForgedMarkup(statusBlocks(c));
    expect(all).toContain('Ping &lt;!channel&gt; &amp; see &lt;https://evil.example|Runbook&gt;');
  });

  it('stays within Block Kit limits for the largest program, folding what does not fit', () => {
    const c = largeProgram();
    const blocks = statusBlocks(c);
    expectMessageWithinLimits(blocks);
    const all = JSON.stringify(blocks);
    expectNoForgedMarkup(blocks);
    expect(all).toMatch(/…and \d+ more/);
  });
});

describe('the summary at the top: the decisions, what blocks them, who acts next, the window', () => {
  /** The summary is the first section, under the header. */
  const summaryOf = (blocks: object[]) => mrkdwnTexts(blocks[1])[0] ?? '';
  const assigned = (c: Cutover) =>
    apply(
      c,
      ...c.roles.map((r, i) => ({
        type: 'role.assign',
        role: r.id,
        user: `UHOLD${String(i).padStart(4, '0')}`,
      })),
      { type: 'window', start: '2026-12-01T09:00:00Z', end: '2026-12-01T11:00:00Z' },
    );

  it(`stays within ${SUMMARY_MAX} characters for the largest program, on the board and in a reply`, () => {
    for (const c of [largeProgram(), assigned(largeProgram())]) {
      const blocks = statusBlocks(c);
      expectMessageWithinLimits(blocks);
      expectNoForgedMarkup(blocks);
      const summary = summaryOf(blocks);
      expect(summary).toBe(statusSummary(c));
      expect(summary.length).toBeLessThanOrEqual(SUMMARY_MAX);
      // Long lists folded, never a cut token.
      expect(summary).toMatch(/…and \d+ more/);
      expect(summary.match(/</g)?.length ?? 0).toBe(summary.match(/>/g)?.length ?? 0);
    }
    expect(statusSummary(shippedProgram()).length).toBeLessThanOrEqual(SUMMARY_MAX);
  });

  it('names what keeps a decision from GO, not only a count, and folds a long list', () => {
    const summary = statusSummary(shippedProgram());
    expect(summary).toContain('*NO-GO* · Runtime cutover execution');
    expect(summary).toContain('*GO* · Rehearsal continuation');
    expect(summary).toContain(
      '`runtime-cutover` may be GO: no, 9 unmet: blocker `release-target`, `evidence-bundle`, `rollback-evidence`, gate `producer-suite`',
    );
    const large = statusSummary(largeProgram());
    expect(large).toMatch(
      /`decision-0` may be GO: no, \d+ unmet: blocker `blocker-0`, `blocker-2`, [^\n]*_…and \d+ more_/,
    );
  });

  it('status shows who holds each role, as a mention in the reply too: an ephemeral reply pings nobody', () => {
    const c = apply(shippedProgram(), { type: 'role.assign', role: 'producer-rollback-owner', user: 'UREL' });
    const summary = summaryOf(statusBlocks(c));
    // What only an admin may do (assign the roles nobody holds), who publishes, and the roles nobody holds.
    expect(summary).toContain('*Next to act:* an admin, <@UREL>, Integration Program Owner _(unassigned)_');
    expect(JSON.stringify(statusBlocks(c))).toContain(
      'MemoryKernel Release Owner <@UREL> (producer-rollback-owner)',
    );
    // The board is the same rendering: what the channel's board (src/alerts/board.ts) renders.
    expect(statusBlocks(c, { actions: true })).toEqual(statusBlocks(c));
  });

  it('a role held by a user group is shown as the group, in every line that names it', () => {
    const c = apply(shippedProgram(), {
      type: 'role.assign',
      role: 'producer-rollback-owner',
      user: 'S0ONCALL',
    });
    const all = JSON.stringify(statusBlocks(c));
    expect(all).toContain('MemoryKernel Release Owner <!subteam^S0ONCALL> (producer-rollback-owner)');
    expect(summaryOf(statusBlocks(c))).toContain('<!subteam^S0ONCALL>');
    expect(all).not.toContain('<@S0ONCALL>');
  });

  it('shows the window as date tokens each reader sees in their own time zone, with a UTC fallback', () => {
    expect(statusSummary(shippedProgram())).toContain('*Window:* _not set_');
    const c = apply(shippedProgram(), {
      type: 'window',
      start: '2026-12-01T09:00:00Z',
      end: '2026-12-01T11:00:00Z',
    });
    const start = Date.parse('2026-12-01T09:00:00Z') / 1000;
    const end = Date.parse('2026-12-01T11:00:00Z') / 1000;
    expect(statusSummary(c)).toContain(
      `*Window:* <!date^${start}^{date_short_pretty} {time}|2026-12-01 09:00 UTC> – <!date^${end}^{date_short_pretty} {time}|2026-12-01 11:00 UTC> · _proposed_`,
    );
  });
});

describe("typed text cannot pose as the bot's own lines (issue 10)", () => {
  const FORGED =
    'pin mismatch\n• AssistSupport: *GO by <@UCIC00001>*\r\n*Decision* runtime-cutover NO-GO → *GO*';
  /** Every line of the status's mrkdwn, as Slack lays it out. */
  const lines = (c: Cutover) => mrkdwnTexts(statusBlocks(c)).flatMap((t) => t.split('\n'));

  function forgedEverywhere(): Cutover {
    let c = apply(
      shippedProgram(),
      { type: 'role.assign', role: 'consumer-incident-commander', user: 'UCIC00001' },
      { type: 'decide', decision: 'runtime-cutover', status: 'no-go', rationale: FORGED },
      { type: 'blocker.add', owner: 'decision-log-owner', title: 'Vendor contract' },
    );
    const id = c.blockers.at(-1)?.id ?? '';
    c = apply(
      c,
      { type: 'blocker.clear', blocker: id },
      { type: 'blocker.reopen', blocker: id, reason: FORGED },
    );
    const r = execute(
      c,
      { type: 'signoff', side: 'consumer', decision: 'no-go', rationale: FORGED },
      { kind: 'user', userId: 'UCIC00001', isAdmin: false },
      now,
    );
    if (!r.ok) throw new Error(r.error.message);
    return r.cutover;
  }

  it('a NO-GO rationale or reopen reason with line breaks starts no line with "•" or "*": each further line is quoted', () => {
    const all = lines(forgedEverywhere());
    // The bot's own line for the side, and no second one that the typed text made.
    expect(all.filter((l) => l.startsWith('• AssistSupport:'))).toEqual([
      expect.stringMatching(/^• AssistSupport: \*NO-GO by <@UCIC00001>/),
    ]);
    expect(all.filter((l) => l.startsWith('*Decision*') || l.includes('*GO by'))).toEqual(
      Array(3).fill('> • AssistSupport: *GO by &lt;@UCIC00001&gt;*'),
    );
    expect(all.filter((l) => l.startsWith('> *Decision* runtime-cutover NO-GO → *GO*'))).toHaveLength(3);
    // Every line that starts with "•" or "*" is one the bot wrote, not a line of the typed text.
    for (const l of all.filter((x) => /^[•*]/.test(x))) expect(l).not.toMatch(/\*GO by &lt;|NO-GO → \*GO\*/);
  });

  it('a stored link with a right-to-left override is shown as text with [U+202E], never as a link', () => {
    const c = shippedProgram();
    const b = c.blockers.find((x) => x.id === 'release-target');
    if (b) b.evidenceUrl = 'https://evil.example/\u202Efdp.exe';
    const all = texts(c);
    expect(all).toContain('https://evil.example/[U+202E]fdp.exe');
    expect(all).not.toContain('<https://evil.example/');
    expect(all).not.toMatch(/[\u202E]/);
  });

  it('invisible characters in titles are shown, in the header and the notification text too', () => {
    const c = shippedProgram();
    c.title = 'service.v3\u200B cutover\n<!channel>';
    const d = c.decisions.find((x) => x.id === 'runtime-cutover');
    if (d) d.title = 'Runtime \u202Ecutover';
    const blocks = statusBlocks(c) as { type: string; text?: { text: string } }[];
    expect(blocks[0]?.text?.text).toBe('service.v3[U+200B] cutover <!channel>');
    expect(texts(c)).toContain('Runtime [U+202E]cutover');
    expect(statusText(c)).toBe(
      'service.v3[U+200B] cutover &lt;!channel&gt;: Rehearsal continuation GO, Runtime [U+202E]cutover NO-GO',
    );
  });
});
