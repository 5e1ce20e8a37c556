import { describe, expect, it } from 'vitest';
import { execute } from '../../../src/core/commands.js';
import type { Cutover } from '../../../src/core/schema.js';
import { statusBlocks, statusText } from '../../../src/slack/views/status.js';
import { largeProgram, shippedProgram } from '../../fixtures/programs.js';
import { expectMessageWithinLimits, expectNoForgedMarkup } from './limits.js';

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
    expect(blocks.at(-1)).toMatchObject({ type: 'actions' });
    expect(statusText(c)).toContain('Runtime cutover execution NO-GO');
  });

  it('mentions the owner of each blocker from the role assignments, and says unassigned otherwise', () => {
    const c = apply(shippedProgram(), { type: 'role.assign', role: 'producer-rollback-owner', user: 'UREL' });
    const all = texts(c);
    expect(all).toMatch(/`release-target`[^\n]*<@UREL> \(producer-rollback-owner\)/);
    expect(all).toMatch(/`joint-go-record`[^\n]*_unassigned_ \(decision-log-owner\)/);
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
