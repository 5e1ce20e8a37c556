/**
 * The words of history (core/history-words.ts): every kind of event the core writes reads as a release engineer
 * would write it, with the text a person typed, and no field name or raw state id; the surface's speaker decides
 * only how people, typed text, ids, instants and links look. Here a plain speaker marks each part, so a test sees
 * which part is which.
 */
import { describe, expect, it } from 'vitest';
import { historyWords, type Speaker } from '../../src/core/history-words.js';
import type { DomainEvent, HistoryEvent } from '../../src/core/schema.js';
import { SHA1, SHA2, seeded, TAG1, TAG2, U } from './fixtures.js';

const c = seeded();
/** People as [name], typed text in quotes, ids in backticks, instants as {date}, links as <link>. */
const say: Speaker = {
  who: (holder) => (holder ? `[${holder}]` : '[nobody]'),
  typed: (t) => `"${t}"`,
  plain: (t) => t,
  id: (t) => `\`${t}\``,
  date: (iso) => `{${iso}}`,
  link: (url) => `<${url}>`,
};
const words = (event: HistoryEvent, by: string = U.dlo) => historyWords({ by, event }, c, say);
const T1 = { tag: TAG1, sha: SHA1 };
const T2 = { tag: TAG2, sha: SHA2 };
const L1 = `\`${TAG1} @ ${SHA1.slice(0, 12)}\``;
const L2 = `\`${TAG2} @ ${SHA2.slice(0, 12)}\``;

/** One event of every kind the core writes, with what it reads as. */
const EVERY_KIND: { [K in DomainEvent['type']]: [Extract<DomainEvent, { type: K }>, string, string?] } = {
  'role.assigned': [
    { type: 'role.assigned', role: 'decision-log-owner', before: null, after: 'S0ONCALL' },
    '"Integration Program Owner" (`decision-log-owner`) given to [S0ONCALL]',
  ],
  'blocker.added': [
    {
      type: 'blocker.added',
      blocker: 'cab',
      title: 'CAB approval',
      owner: 'decision-log-owner',
      phase: '8',
    },
    'Blocker "CAB approval" (`cab`) added before phase `8`, owned by "Integration Program Owner" (`decision-log-owner`)',
  ],
  'blocker.cleared': [
    {
      type: 'blocker.cleared',
      blocker: 'cab',
      derived: false,
      title: 'CAB approval',
      evidenceUrl: 'https://x/1',
    },
    'Blocker "CAB approval" (`cab`) cleared, evidence <https://x/1>',
  ],
  'blocker.reopened': [
    {
      type: 'blocker.reopened',
      blocker: 'cab',
      derived: false,
      reason: 'CAB said no',
      title: 'CAB approval',
    },
    'Blocker "CAB approval" (`cab`) reopened: "CAB said no"',
  ],
  'gate.changed': [
    {
      type: 'gate.changed',
      gate: 'producer-suite',
      before: 'pending',
      after: 'green',
      derived: false,
      target: T1,
      evidenceUrl: 'https://ci/1',
    },
    `Gate "Producer verification suite green" (\`producer-suite\`) turned green for ${L1} (was pending), evidence <https://ci/1>`,
  ],
  'target.published': [
    { type: 'target.published', ...T2, replaced: T1 },
    `Release target ${L2} published, replacing ${L1}; it waits for approval`,
  ],
  'target.approved': [
    { type: 'target.approved', ...T1 },
    `Release target ${L1} approved; it is now immutable`,
  ],
  'evidence.logged': [
    {
      type: 'evidence.logged',
      evidence: 'producer-handoff',
      url: 'https://x/h',
      title: 'Handoff',
      target: T1,
    },
    `Evidence "Handoff" (\`producer-handoff\`) logged for ${L1}: <https://x/h>`,
  ],
  'signoff.given': [
    { type: 'signoff.given', side: 'producer', decision: 'go', target: T1, rationale: 'suites green' },
    `MemoryKernel signed GO on ${L1}: "suites green"`,
  ],
  'signoff.voided': [
    {
      type: 'signoff.voided',
      side: 'consumer',
      reason: `release target changed from ${TAG1} to ${TAG2}`,
      cause: { kind: 'target', from: T1, to: T2 },
      decision: 'go',
      signer: U.cic,
    },
    `AssistSupport's GO sign-off by [${U.cic}] voided: the release target changed from ${L1} to ${L2}`,
    'cutover-bot',
  ],
  'decision.changed': [
    {
      type: 'decision.changed',
      decision: 'runtime-cutover',
      before: 'no-go',
      after: 'go',
      rationale: 'both GO',
    },
    'Decision "Runtime cutover execution" (`runtime-cutover`) is now GO (was NO-GO): "both GO"',
  ],
  'go.lost': [
    { type: 'go.lost', decision: 'runtime-cutover', phases: ['8'], how: 'confirmed', reason: 'hotfix' },
    'Decision "Runtime cutover execution" (`runtime-cutover`) lost its GO while phase `8` ran, confirmed: "hotfix"',
  ],
  'phase.changed': [
    { type: 'phase.changed', phase: '8', before: 'not-started', after: 'started' },
    'Phase "Runtime cutover" (`8`) started',
  ],
  'window.set': [
    { type: 'window.set', start: '2026-03-01T08:00:00.000Z', end: '2026-03-01T12:00:00.000Z' },
    'Cutover window set to {2026-03-01T08:00:00.000Z} – {2026-03-01T12:00:00.000Z}',
  ],
  'window.cleared': [
    { type: 'window.cleared', start: '2026-03-01T08:00:00.000Z', end: '2026-03-01T12:00:00.000Z' },
    'Cutover window cleared (it was {2026-03-01T08:00:00.000Z} – {2026-03-01T12:00:00.000Z})',
  ],
  'program.shaped': [
    {
      type: 'program.shaped',
      what: 'gate',
      item: 'perf',
      change: 'renamed',
      title: 'Perf green',
      was: 'Perf',
    },
    'Gate `perf` renamed "Perf green" (was "Perf")',
  ],
  'program.archived': [
    { type: 'program.archived', reason: 'rolled back for good' },
    'Program archived: "rolled back for good"',
  ],
  'program.created': [
    { type: 'program.created', from: 'programs/service-v3.json' },
    'Program started from programs/service-v3.json',
  ],
  'note.changed': [
    { type: 'note.changed', what: 'scope', change: 'set', text: 'Runtime only', was: 'Everything' },
    'Scope written: "Runtime only" (was "Everything")',
  ],
  'record.reported': [
    {
      type: 'record.reported',
      side: 'consumer',
      repo: 'assistsupport/app',
      commit: SHA1,
      contentHash: 'f'.repeat(64),
    },
    `AssistSupport reported the decision record in \`assistsupport/app\` @ \`${SHA1.slice(0, 12)}\` (sha256 \`ffffffffffff\`)`,
  ],
};

/** Words a person would not write: the stored action names and states. */
const FIELD_NAMES =
  /\b(?:role\.assign|blocker\.add|gate\.set|target\.publish|signoff|decide|window\.notes|scope\.set|not-started|program\.shape)\b/;

describe('history in plain words', () => {
  for (const [kind, [event, expected, by]] of Object.entries(EVERY_KIND))
    it(`${kind} reads as a person would write it, with what was typed`, () => {
      const said = words(event, by);
      expect(said).toBe(expected);
      expect(said.replace(/`[^`]*`/g, '')).not.toMatch(FIELD_NAMES);
    });

  it('a role cleared says it is unassigned now, and who held it', () => {
    expect(words({ type: 'role.assigned', role: 'decision-log-owner', before: U.dlo, after: null })).toBe(
      `"Integration Program Owner" (\`decision-log-owner\`) is now unassigned (was [${U.dlo}])`,
    );
  });

  it('derived changes say they happened by themselves', () => {
    expect(
      words({ type: 'blocker.cleared', blocker: 'release-target', derived: true }, 'cutover-bot'),
    ).toMatch(/cleared itself: its facts now hold$/);
    expect(
      words({
        type: 'gate.changed',
        gate: 'bilateral-signoff',
        before: 'pending',
        after: 'green',
        derived: true,
      }),
    ).toMatch(/turned green by itself \(was pending\)$/);
    expect(
      words(
        {
          type: 'decision.changed',
          decision: 'runtime-cutover',
          before: 'go',
          after: 'no-go',
          automatic: true,
        },
        'cutover-bot',
      ),
    ).toBe(
      'Decision "Runtime cutover execution" (`runtime-cutover`) fell back to NO-GO by itself: its requirements no longer hold',
    );
  });

  it('a new target leaves a per-commit gate with no result for it, said by the bot', () => {
    expect(
      words(
        {
          type: 'gate.changed',
          gate: 'producer-suite',
          before: 'green',
          after: 'pending',
          derived: false,
          target: T2,
        },
        'cutover-bot',
      ),
    ).toBe(
      `Gate "Producer verification suite green" (\`producer-suite\`) is pending for the new target ${L2}: it has no result for it yet (was green)`,
    );
  });

  it('a result for a commit that is not the target says it does not count', () => {
    expect(
      words({
        type: 'gate.changed',
        gate: 'producer-suite',
        before: 'pending',
        after: 'green',
        derived: false,
        commit: { sha: SHA2 },
        counts: false,
      }),
    ).toBe(
      `Gate "Producer verification suite green" (\`producer-suite\`): green reported for \`${SHA2.slice(0, 12)}\`, which is not the current target, so it does not count`,
    );
  });

  it('a sign-off replaced by the side’s next one says so, from its typed cause', () => {
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
    ).toBe(`MemoryKernel's NO-GO sign-off by [${U.pic}] voided: replaced by a newer sign-off`);
  });

  it('the reminders say which settings changed, by the words that set them', () => {
    expect(
      words({
        type: 'program.shaped',
        what: 'reminders',
        change: 'changed',
        fields: ['signoffAfterHours', 'zone'],
      }),
    ).toBe('Reminders changed: sign-off reminder, time zone');
  });

  it('a legacy line reads as it was written, marked as legacy text', () => {
    expect(
      words({
        type: 'legacy',
        action: 'signoff',
        subject: 'sign-off producer',
        before: 'none',
        after: 'GO',
        note: 'on v1',
      }),
    ).toBe('signoff sign-off producer: none → GO — on v1 (legacy text)');
  });
});
