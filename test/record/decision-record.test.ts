import { describe, expect, it } from 'vitest';
import { execute } from '../../src/core/commands.js';
import type { Actor, CommandInput, HistoryEntry } from '../../src/core/schema.js';
import { decisionRecord, referencedUsers } from '../../src/record/decision-record.js';
import { newDocument, type StoreDocument } from '../../src/service/document.js';
import {
  A,
  approveTarget,
  at,
  GO_RUNTIME,
  programJson,
  readyForGo,
  run,
  SHA1,
  SHA2,
  seeded,
  shipped,
  T0,
  TAG1,
  TAG2,
  U,
} from '../core/fixtures.js';

const NOW = new Date('2026-02-08T18:00:00Z');

/** The text of one `## title` section, up to the next one. */
function section(md: string, title: string): string {
  const start = md.indexOf(`\n## ${title}\n`);
  if (start < 0) throw new Error(`no section "${title}" in:\n${md}`);
  const rest = md.slice(start + title.length + 5);
  const end = rest.indexOf('\n## ');
  return end < 0 ? rest : rest.slice(0, end);
}

const numbered = (text: string) => text.split('\n').filter((l) => /^\d+\. /.test(l));

/** Runs commands as the service would: the state, plus history with sequence numbers. */
function walk(doc: StoreDocument, steps: [CommandInput, Actor][], now = T0): StoreDocument {
  let d = doc;
  for (const [cmd, actor] of steps) {
    const out = execute(d.cutover, cmd, actor, now);
    if (!out.ok) throw new Error(`${cmd.type} refused: ${out.error.message}`);
    let seq = d.history.at(-1)?.seq ?? 0;
    const added: HistoryEntry[] = out.history.map((h) => ({ ...h, seq: ++seq }));
    d = { ...d, cutover: out.cutover, history: [...d.history, ...added] };
  }
  return d;
}

const NAMES: Record<string, string> = {
  [U.pic]: 'Pat Producer',
  [U.cic]: 'Casey Consumer',
  [U.pro]: 'Robin Release',
  [U.cro]: 'Riley Repin',
  [U.dlo]: 'Logan Log',
};
const withNames = (doc: StoreDocument): StoreDocument => ({
  ...doc,
  users: Object.fromEntries(
    Object.entries(NAMES).map(([id, name]) => [id, { name, fetchedAt: T0.toISOString() }]),
  ),
});

describe('the decision record', () => {
  it('of the shipped program, untouched, carries every fact the seeds state', () => {
    const md = decisionRecord(newDocument(shipped()), NOW);
    expect(md.startsWith('# Runtime Cutover Decision Record\n\nUpdated: 2026-02-08')).toBe(true);

    // Rehearsal GO, runtime cutover NO-GO.
    expect(numbered(section(md, 'Decision Status'))).toEqual([
      '1. Rehearsal continuation: **GO**',
      '2. Runtime cutover execution: **NO-GO**',
    ]);
    // Phase 7 closed, phase 8 not started.
    const phases = section(md, 'Phase Status Mapping');
    expect(phases).toMatch(/^- Phase 7: \*\*Closed\*\* /m);
    expect(phases).toMatch(/^- Phase 8: \*\*Not Started\*\* \(Runtime cutover; blocked: \d+ unmet\)/m);

    // The five roles, by the seeds' titles, none assigned yet.
    const roles = numbered(section(md, 'Runtime Command Ownership'));
    expect(roles).toHaveLength(5);
    for (const title of [
      'MemoryKernel Producer On-Call Lead',
      'Support Platform On-Call Lead',
      'MemoryKernel Release Owner',
      'AssistSupport Runtime Integrations Owner',
      'Integration Program Owner',
    ])
      expect(roles.some((l) => l.includes(`. ${title} (`) && l.endsWith('): _unassigned_'))).toBe(true);
    expect(roles[1]).toContain('AssistSupport incident commander');
    expect(roles[4]).toContain('joint decision log owner');

    // The four blockers before phase 8, open, the bundle's two sub-items under it.
    const blockers = section(md, 'Remaining Blockers Before Phase 8 Start');
    expect(blockers).toContain('4 of 4 open.');
    expect(numbered(blockers)).toEqual([
      '1. Immutable service.v3 runtime release tag + commit pair approved and published: **Open**',
      '2. Joint go/no-go record for runtime cutover complete in both repos, with a GO authorization: **Open**',
      '3. service.v3 cutover-day evidence bundle captured against the real runtime target: **Open**',
      '4. Rollback execution evidence for the runtime switch window logged complete by both sides: **Open**',
    ]);
    expect(blockers).toContain(
      '**Open**\n   - producer release handoff packet for runtime switch\n   - consumer repin evidence against that runtime target\n',
    );

    // The five gates the seeds require, pending.
    expect(numbered(section(md, 'Required Gates'))).toEqual([
      '1. Producer verification suite green: **pending**',
      '2. Consumer verification suite green: **pending**',
      '3. Manifest/pin/matrix/handoff alignment green: **pending**',
      '4. Explicit bilateral sign-off in both checkpoint packets: **pending**',
      '5. Immutable release evidence for the actual runtime target: **pending**',
    ]);

    // Every link of the seeds, as given.
    const hrefs = programJson().links?.map((l) => l.href) ?? [];
    expect(hrefs).toHaveLength(6);
    for (const href of hrefs) expect(md).toContain(`\`${href}\``);
    expect(section(md, 'Decision Record Links')).toContain(
      '1. Consumer decision record:\n   - `/Users/d/Projects/AssistSupport/docs/implementation/RUNTIME_CUTOVER_DECISION_RECORD_2026-02-08.md`',
    );
    expect(section(md, 'Latest Rollback Readiness Evidence')).toContain(
      'SERVICE_V3_ROLLBACK_READINESS_REFRESH_2026-02-08.md',
    );

    expect(section(md, 'Runtime Cutover Window')).toContain('- Status: **Not approved**');
    expect(section(md, 'Sign-offs')).toContain('1. MemoryKernel (`producer`): **Not signed**');
    expect(section(md, 'Release Target')).toContain('**No release target is published yet.**');
    expect(section(md, 'Recent History')).toContain('No changes are recorded yet.');
    expect(md).not.toMatch(/<@/);
  });

  it('after a full walk to GO: GO, phase 8 started, both sign-offs on the target, the voided ones and why', () => {
    const c = seeded();
    c.sides = c.sides.map((s) => ({
      ...s,
      zone: s.id === 'producer' ? 'Europe/Berlin' : 'America/New_York',
    }));
    let doc = withNames(newDocument(c));
    doc = walk(doc, [
      [{ type: 'target.publish', tag: TAG1, sha: SHA1 }, A.pro],
      [{ type: 'target.approve', target: TAG1 }, A.cro],
      [{ type: 'signoff', side: 'producer', decision: 'go', rationale: 'early GO' }, A.pic],
      // A new target voids that sign-off.
      [{ type: 'target.publish', tag: TAG2, sha: SHA2 }, A.pro],
      [{ type: 'target.approve', target: TAG2 }, A.cro],
      [
        {
          type: 'gate.set',
          gate: 'producer-suite',
          status: 'green',
          runUrl: 'https://ci.example.com/runs/7',
        },
        A.ci,
      ],
      [{ type: 'gate.set', gate: 'consumer-suite', status: 'green' }, A.cic],
      [{ type: 'gate.set', gate: 'alignment', status: 'green' }, A.dlo],
      [{ type: 'evidence.log', evidence: 'producer-handoff', url: 'https://x.example/handoff' }, A.pro],
      [{ type: 'evidence.log', evidence: 'consumer-repin', url: 'https://x.example/repin' }, A.cro],
      [{ type: 'evidence.log', evidence: 'producer-rollback', url: 'https://x.example/prb' }, A.pic],
      [{ type: 'evidence.log', evidence: 'consumer-rollback', url: 'https://x.example/crb' }, A.cic],
      [{ type: 'signoff', side: 'producer', decision: 'go', rationale: 'suite green' }, A.pic],
      [{ type: 'signoff', side: 'consumer', decision: 'go', rationale: 'repinned' }, A.cic],
      [{ type: 'window', start: '2026-03-01T09:00[Europe/Berlin]', end: '2026-03-01T13:00+01:00' }, A.dlo],
      [{ type: 'decide', decision: 'runtime-cutover', status: 'go', rationale: 'bilateral GO' }, A.dlo],
      [{ type: 'phase', phase: '8', action: 'start' }, A.dlo],
    ]);
    const md = decisionRecord(doc, NOW);

    expect(md).toContain('Updated: 2026-02-09');
    expect(numbered(section(md, 'Decision Status'))).toEqual([
      '1. Rehearsal continuation: **GO**',
      '2. Runtime cutover execution: **GO**',
    ]);
    expect(section(md, 'Decision Status')).toContain('   - Recorded by Logan Log, 2026-02-09 09:00 UTC');
    expect(section(md, 'Phase Status Mapping')).toMatch(/^- Phase 8: \*\*Started\*\* \(Runtime cutover\)$/m);
    expect(section(md, 'Blockers Before Phase 8 Start')).toContain(
      'Phase 8 has started; 0 of 4 blockers are open.',
    );
    expect(section(md, 'Blockers Before Phase 8 Start')).toContain(
      '   - Evidence `producer-handoff` (Producer runtime handoff packet): <https://x.example/handoff>',
    );

    const on2 = `on \`${TAG2}\` @ \`${SHA2}\``;
    const signoffs = section(md, 'Sign-offs');
    expect(signoffs).toContain(
      `1. MemoryKernel (\`producer\`): **GO** by Pat Producer ${on2}, 2026-02-09 09:00 UTC`,
    );
    expect(signoffs).toContain(
      `2. AssistSupport (\`consumer\`): **GO** by Casey Consumer ${on2}, 2026-02-09 09:00 UTC`,
    );
    expect(signoffs).toContain(
      `   - Voided: ~~**GO** by Pat Producer on \`${TAG1}\` @ \`${SHA1}\`, 2026-02-09 09:00 UTC~~; voided 2026-02-09 09:00 UTC: release target changed from ${TAG1} @ ${SHA1.slice(0, 12)} to ${TAG2} @ ${SHA2.slice(0, 12)}`,
    );

    const target = section(md, 'Release Target');
    expect(target).toContain(`- Tag: \`${TAG2}\`\n- Commit: \`${SHA2}\``);
    expect(target).toContain('- Published: by Robin Release, 2026-02-09 09:00 UTC');
    expect(target).toContain('- Approved: by Riley Repin, 2026-02-09 09:00 UTC');
    expect(target).toContain(`  - \`${TAG1}\` @ \`${SHA1}\`: published by Robin Release`);

    const gates = section(md, 'Required Gates');
    expect(numbered(gates).every((l) => l.endsWith('**green**'))).toBe(true);
    expect(gates).toContain('   - Run: <https://ci.example.com/runs/7>');
    expect(gates).toContain('   - Set by CI: GitHub Actions, 2026-02-09 09:00 UTC');

    const window = section(md, 'Runtime Cutover Window');
    expect(window).toContain('- Status: **Approved**');
    expect(window).toContain('- UTC: 2026-03-01 08:00 UTC – 2026-03-01 12:00 UTC');
    expect(window).toContain(
      '- MemoryKernel (Europe/Berlin): 2026-03-01 09:00 (+01:00) – 2026-03-01 13:00 (+01:00)',
    );
    expect(window).toContain(
      '- AssistSupport (America/New\\_York): 2026-03-01 03:00 (-05:00) – 2026-03-01 07:00 (-05:00)',
    );
    expect(window).toContain('- Set by Logan Log');

    expect(section(md, 'Latest Rollback Readiness Evidence')).toContain(
      `(\`producer-rollback\`, MemoryKernel): <https://x.example/prb>, logged by Pat Producer, 2026-02-09 09:00 UTC, for \`${TAG2}\` @ \`${SHA2}\``,
    );
    const history = section(md, 'Recent History');
    expect(history).toContain('The last 25 changes, newest first.');
    expect(numbered(history)[0]).toBe(
      '1. 2026-02-09 09:00 UTC, Logan Log: phase phase 8, not-started → started',
    );
    expect(history).toContain('CI: GitHub Actions: gate.set gate producer-suite, pending → green');

    // People by display name only: never a mention, never a raw id when the name is known.
    expect(md).not.toMatch(/<@/);
    for (const id of Object.keys(NAMES)) expect(md).not.toContain(id);
  });

  it('names a person it has no display name for by their user id, and says when a role is unassigned', () => {
    const c = approveTarget(seeded());
    const md = decisionRecord(newDocument(c), NOW);
    expect(section(md, 'Runtime Command Ownership')).toContain(
      `MemoryKernel Release Owner (MemoryKernel, \`producer-rollback-owner\`): ${U.pro}`,
    );
    expect(section(md, 'Release Target')).toContain(`- Published: by ${U.pro}, 2026-02-09 09:00 UTC`);
    const unassigned = run(
      c,
      { type: 'role.assign', role: 'decision-log-owner', user: null },
      A.admin,
    ).cutover;
    expect(section(decisionRecord(newDocument(unassigned), NOW), 'Runtime Command Ownership')).toMatch(
      /Integration Program Owner \(joint decision log owner, `decision-log-owner`\): _unassigned_$/m,
    );
  });

  it('escapes what people typed: no emphasis, link, HTML or code survives, and a typed line is quoted under its item', () => {
    let doc = newDocument(seeded());
    doc = walk(doc, [
      [
        {
          type: 'blocker.add',
          owner: 'consumer-incident-commander',
          title: 'Vendor <b>contract</b> *now* [signed](https://evil.example) `x` | a & b ~~no~~',
        },
        A.dlo,
      ],
      [
        {
          type: 'decide',
          decision: 'runtime-cutover',
          status: 'no-go',
          rationale: 'line one\n## Not a heading\n- not a list <!channel>',
        },
        A.dlo,
      ],
    ]);
    doc = { ...doc, users: { [U.dlo]: { name: 'Logan *the* <Log>', fetchedAt: T0.toISOString() } } };
    const md = decisionRecord(doc, NOW);
    expect(md).toContain(
      '5. Vendor \\<b\\>contract\\</b\\> \\*now\\* \\[signed\\](https://evil.example) \\`x\\` \\| a \\& b \\~\\~no\\~\\~: **Open**',
    );
    expect(md).toContain(
      '   - Rationale: line one\n     > \\## Not a heading  \n     > \\- not a list \\<!channel\\>\n',
    );
    expect(md).toContain('Recorded by Logan \\*the\\* \\<Log\\>');
    expect(md).not.toMatch(/^## Not a heading/m);
  });

  it('shows the window Approved only when the readiness report says a GO was recorded with it standing; Proposed otherwise, saying why', () => {
    const window = (doc: StoreDocument) =>
      section(decisionRecord(withNames(doc), NOW), 'Runtime Cutover Window');
    const WINDOW = { type: 'window', start: '2026-03-01T09:00Z', end: '2026-03-01T13:00Z' } as const;

    const proposed = walk(newDocument(readyForGo()), [[WINDOW, A.dlo]], at(10));
    expect(window(proposed)).toContain('- Status: **Proposed**');
    expect(window(proposed)).toContain('- Notes: Runtime cutover execution is NO-GO.');
    expect(window(proposed)).toContain('- UTC: 2026-03-01 09:00 UTC – 2026-03-01 13:00 UTC');

    const approved = walk(proposed, [[GO_RUNTIME, A.dlo]], at(20));
    expect(window(approved)).toContain('- Status: **Approved**');
    expect(window(approved)).not.toContain('- Notes:');

    // Moved after the GO: the GO was given for another window.
    const moved = walk(
      approved,
      [[{ ...WINDOW, start: '2026-03-02T09:00Z', end: '2026-03-02T13:00Z' }, A.dlo]],
      at(30),
    );
    expect(window(moved)).toContain('- Status: **Proposed**');
    expect(window(moved)).toContain(
      '- Notes: Runtime cutover execution went GO before this window was set, so its GO does not cover it.',
    );
    expect(window(moved)).toContain('- UTC: 2026-03-02 09:00 UTC – 2026-03-02 13:00 UTC');
  });

  it('lists every person it names, for the display-name lookup', () => {
    const c = approveTarget(seeded());
    const doc = walk(newDocument(c), [[{ type: 'gate.set', gate: 'alignment', status: 'green' }, A.ci]]);
    expect(referencedUsers(doc)).toEqual([U.cic, U.cro, U.dlo, U.pic, U.pro].sort());
    expect(referencedUsers(newDocument(shipped()))).toEqual([]);
  });
});

describe('typed text in the record cannot pose as its lines (issue 10)', () => {
  const FORGED =
    'contract lapsed\n- AssistSupport: **GO**\r\n## Decision Status\n3. Runtime cutover execution: **GO**';

  function forged(): string {
    const c = approveTarget(seeded());
    let doc = walk(newDocument(c), [
      [{ type: 'blocker.add', owner: 'decision-log-owner', title: 'Vendor contract' }, A.dlo],
      [{ type: 'decide', decision: 'runtime-cutover', status: 'no-go', rationale: FORGED }, A.dlo],
      [{ type: 'signoff', side: 'consumer', decision: 'no-go', rationale: FORGED }, A.cic],
    ]);
    const id = doc.cutover.blockers.at(-1)?.id ?? '';
    doc = walk(doc, [
      [{ type: 'blocker.clear', blocker: id }, A.dlo],
      [{ type: 'blocker.reopen', blocker: id, reason: FORGED }, A.dlo],
    ]);
    return decisionRecord(withNames(doc), NOW);
  }

  it('a multi-line rationale, reopen reason or history note keeps its lines, each quoted under its item, none starting a heading or an item', () => {
    const md = forged();
    const quoted = [
      '     > \\- AssistSupport: \\*\\*GO\\*\\*  ',
      '     > \\## Decision Status  ',
      '     > 3\\. Runtime cutover execution: \\*\\*GO\\*\\*',
    ].join('\n');
    expect(section(md, 'Decision Status')).toContain(`   - Rationale: contract lapsed\n${quoted}\n`);
    expect(section(md, 'Sign-offs')).toContain(`   - Rationale: contract lapsed\n${quoted}\n`);
    expect(md).toContain(`   - Reopened: contract lapsed\n${quoted}\n`);
    // History entries: quoted under the entry, indented to its text.
    expect(section(md, 'Recent History')).toMatch(
      /\n1\. [^\n]*blocker\.reopen [^\n]*: contract lapsed\n {3}> \\- AssistSupport: \\\*\\\*GO\\\*\\\* {2}\n {3}> \\## Decision Status {2}\n {3}> 3\\\. Runtime/,
    );
    // So no line starts a heading, a list item or a numbered entry of typed text.
    const lines = md.split('\n');
    expect(lines.filter((l) => l === '## Decision Status')).toHaveLength(1);
    expect(lines.filter((l) => /^\s*(?:[-*+]|\d+\.)\s.*AssistSupport: \*\*GO/.test(l))).toEqual([]);
    expect(lines.filter((l) => /^\s*\d+\.\s+Runtime cutover execution: \*\*GO\*\*/.test(l))).toEqual([]);
    expect(lines.filter((l) => /^\s*#/.test(l) && !/^#{1,2} /.test(l))).toEqual([]);
  });

  it('a stored link with a right-to-left override is code showing \\[U+202E\\], not a link', () => {
    const c = seeded();
    const b = c.blockers.find((x) => x.id === 'release-target');
    if (b) b.evidenceUrl = 'https://evil.example/\u202Efdp.exe';
    const md = decisionRecord(newDocument(c), NOW);
    expect(md).toContain('   - Evidence: `https://evil.example/[U+202E]fdp.exe`');
    expect(md).not.toContain('<https://evil.example/');
    expect(md).not.toMatch(/\u202E/);
  });
});
