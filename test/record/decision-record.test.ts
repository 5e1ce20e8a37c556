import { describe, expect, it } from 'vitest';
import { decisionRecord, referencedUsers } from '../../src/record/decision-record.js';
import { newDocument, type StoreDocument } from '../../src/service/document.js';
import {
  A,
  approveTarget,
  at,
  GO_RUNTIME,
  programJson,
  readyForGo,
  recordReportSteps,
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
import { busyDoc, NAMES, NOW, numbered, section, walk, withNames } from './helpers.js';

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

    // The five roles, each with its kind and side as the seeds write them, none assigned yet.
    expect(numbered(section(md, 'Runtime Command Ownership'))).toEqual([
      '1. Incident commander (producer): MemoryKernel Producer On-Call Lead, _unassigned_ (`producer-incident-commander`)',
      '2. Incident commander (consumer): Support Platform On-Call Lead, _unassigned_ (`consumer-incident-commander`)',
      '3. Rollback owner (producer): MemoryKernel Release Owner, _unassigned_ (`producer-rollback-owner`)',
      '4. Rollback owner (consumer): AssistSupport Runtime Integrations Owner, _unassigned_ (`consumer-rollback-owner`)',
      '5. Joint decision log owner: Integration Program Owner, _unassigned_ (`decision-log-owner`)',
    ]);

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
    expect(section(md, 'History')).toContain('No changes are recorded yet.');
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
    ]);
    doc = walk(doc, recordReportSteps(doc.cutover));
    doc = walk(doc, [[{ type: 'phase', phase: '8', action: 'start' }, A.dlo]]);
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
      `   - Voided: ~~**GO** by Pat Producer on \`${TAG1}\` @ \`${SHA1}\`, 2026-02-09 09:00 UTC~~; superseded by release target \`${TAG2}\` @ \`${SHA2}\`, published by Robin Release, 2026-02-09 09:00 UTC (release target changed from ${TAG1} @ ${SHA1.slice(0, 12)} to ${TAG2} @ ${SHA2.slice(0, 12)})`,
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
    const history = section(md, 'History');
    expect(history).toContain('The last 25 changes, newest first; 3 earlier changes are left out.');
    expect(numbered(history)[0]).toBe(
      '1. 2026-02-09 09:00 UTC, Logan Log: Phase "Runtime cutover" (`8`) started',
    );
    expect(history).toContain(
      'CI: GitHub Actions: Gate "Producer verification suite green" (`producer-suite`) turned green',
    );
    // Both repos reported the record of the GO before phase 8 started; the joint record blocker cleared itself.
    expect(numbered(history).slice(1, 4).join('\n')).toMatch(
      /\(`joint-go-record`\) cleared itself: its facts now hold[\s\S]*CI: GitHub Actions: AssistSupport reported the decision record in `assistsupport\/app` @ `[0-9a-f]{12}`[\s\S]*CI: GitHub Actions: MemoryKernel reported the decision record in `memorykernel\/service` @ /,
    );

    // People by display name only: never a mention, never a raw id when the name is known.
    expect(md).not.toMatch(/<@/);
    for (const id of Object.keys(NAMES)) expect(md).not.toContain(id);
  });

  it('what a rule waits for names each role with its holder, and unassigned where nobody holds it', () => {
    const c = run(
      approveTarget(seeded()),
      { type: 'role.assign', role: 'consumer-incident-commander', user: null },
      A.admin,
    ).cutover;
    const md = decisionRecord(withNames(newDocument(c)), NOW);
    expect(md).toContain(
      'Unmet: MemoryKernel has not signed GO on the current approved target (MemoryKernel Producer On-Call Lead (Pat Producer) signs)',
    );
    expect(md).toContain(
      'Unmet: AssistSupport has not signed GO on the current approved target (Support Platform On-Call Lead (unassigned) signs)',
    );
    expect(md).not.toMatch(/Unmet: [^\n]*\((?:producer|consumer)-incident-commander signs\)/);
  });

  it('names a person it has no display name for by their user id, and says when a role is unassigned', () => {
    const c = approveTarget(seeded());
    const md = decisionRecord(newDocument(c), NOW);
    expect(section(md, 'Runtime Command Ownership')).toContain(
      `3. Rollback owner (producer): MemoryKernel Release Owner, held by ${U.pro} (\`producer-rollback-owner\`)`,
    );
    expect(section(md, 'Release Target')).toContain(`- Published: by ${U.pro}, 2026-02-09 09:00 UTC`);
    const unassigned = run(
      c,
      { type: 'role.assign', role: 'decision-log-owner', user: null },
      A.admin,
    ).cutover;
    expect(section(decisionRecord(newDocument(unassigned), NOW), 'Runtime Command Ownership')).toMatch(
      /^5\. Joint decision log owner: Integration Program Owner, _unassigned_ \(`decision-log-owner`\)$/m,
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
    expect(window(proposed)).toContain('- Waiting on: Runtime cutover execution to be decided GO.');
    expect(window(proposed)).toContain('- UTC: 2026-03-01 09:00 UTC – 2026-03-01 13:00 UTC');

    const approved = walk(proposed, [[GO_RUNTIME, A.dlo]], at(20));
    expect(window(approved)).toContain('- Status: **Approved**');
    expect(window(approved)).not.toContain('- Waiting on:');

    // Moved after the GO: the GO was given for another window.
    const moved = walk(
      approved,
      [[{ ...WINDOW, start: '2026-03-02T09:00Z', end: '2026-03-02T13:00Z' }, A.dlo]],
      at(30),
    );
    expect(window(moved)).toContain('- Status: **Proposed**');
    expect(window(moved)).toContain(
      '- Waiting on: Runtime cutover execution to be decided GO again: it went GO before this window was set, so its GO does not cover it.',
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
    expect(section(md, 'History')).toMatch(
      /\n1\. [^\n]*\(`vendor-contract`\) reopened: "contract lapsed\n {3}> \\- AssistSupport: \\\*\\\*GO\\\*\\\* {2}\n {3}> \\## Decision Status {2}\n {3}> 3\\\. Runtime/,
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

describe('the record as the teams write it', () => {
  const busy = () => busyDoc(newDocument(seeded()));

  it('a role line keeps its kind and side as the seeds write them: "Rollback owner (producer): MemoryKernel Release Owner"', () => {
    const md = decisionRecord(withNames(newDocument(seeded())), NOW);
    expect(numbered(section(md, 'Runtime Command Ownership'))).toEqual([
      '1. Incident commander (producer): MemoryKernel Producer On-Call Lead, held by Pat Producer (`producer-incident-commander`)',
      '2. Incident commander (consumer): Support Platform On-Call Lead, held by Casey Consumer (`consumer-incident-commander`)',
      '3. Rollback owner (producer): MemoryKernel Release Owner, held by Robin Release (`producer-rollback-owner`)',
      '4. Rollback owner (consumer): AssistSupport Runtime Integrations Owner, held by Riley Repin (`consumer-rollback-owner`)',
      '5. Joint decision log owner: Integration Program Owner, held by Logan Log (`decision-log-owner`)',
    ]);
  });

  it('a window that is set but that no rule approves reads Proposed, never Approved', () => {
    // Everything is ready for GO, and the window is set: still no GO was given with it standing.
    const doc = walk(
      newDocument(readyForGo()),
      [[{ type: 'window', start: '2026-03-01T09:00Z', end: '2026-03-01T13:00Z' }, A.dlo]],
      at(10),
    );
    const window = section(decisionRecord(doc, NOW), 'Runtime Cutover Window');
    expect(window).toContain('- Status: **Proposed**');
    expect(window).not.toContain('Approved');
  });

  it('with no window set, the window is Not approved and waits on a window to be set, by whom, in plain words', () => {
    const window = section(decisionRecord(withNames(newDocument(seeded())), NOW), 'Runtime Cutover Window');
    expect(window).toContain('- Status: **Not approved**');
    expect(window).toContain(
      '- Waiting on: a window to be set, by Integration Program Owner (Logan Log); Runtime cutover execution to be decided GO.',
    );
  });

  it('what the cutover waits on is said in plain words, with who may act', () => {
    const c = run(
      readyForGo(),
      { type: 'signoff', side: 'consumer', decision: 'no-go', rationale: 'not yet' },
      A.cic,
    ).cutover;
    const status = section(decisionRecord(withNames(newDocument(c)), NOW), 'Decision Status');
    expect(status).toContain('\nWaiting on:\n- ');
    expect(status).toContain(
      "\n- AssistSupport's GO sign-off on the approved release target, from Support Platform On-Call Lead (Casey Consumer)\n",
    );
    expect(status).toContain(
      '\n- Runtime cutover execution to be decided GO, from Integration Program Owner (Logan Log)',
    );
  });

  it('the record of a busy program holds no Slack syntax: no /cutover command, mention, channel link, special mention, emoji code or mrkdwn', () => {
    const md = decisionRecord(busy(), NOW, { history: 'all' });
    const unescaped = (re: RegExp) => md.split('\n').filter((l) => re.test(l));
    expect(unescaped(/\/cutover\b/)).toEqual([]);
    expect(unescaped(/(?<!\\)<[@#!]/)).toEqual([]); // <@U…>, <#C…>, <!channel>
    expect(unescaped(/(?<!\\)<[^>\s]*\|/)).toEqual([]); // <https://…|label>
    expect(unescaped(/(?<![\\\w]):[a-z0-9_+-]+:(?!\S)/)).toEqual([]); // :white_check_mark:
    // mrkdwn bold is one star (Markdown's is two), and typed ones are escaped; the only italics are the record's own.
    expect(unescaped(/(?<![\\*])\*(?!\*)/)).toEqual([]);
    expect(
      unescaped(/(?<![\\\w])_[^_\s][^_]*_(?!\w)/).filter(
        (l) => !/_(unassigned|none stated)_|^_Generated by cutover-bot/.test(l),
      ),
    ).toEqual([]);
    expect(unescaped(/(?<![\\~])~(?!~)/)).toEqual([]);
    // People by display name, never by user id.
    for (const id of Object.keys(NAMES)) expect(md).not.toContain(id);
  });

  it('a sign-off voided by a new target says which target superseded it', () => {
    const signoffs = section(decisionRecord(busy(), NOW), 'Sign-offs');
    expect(signoffs).toContain(
      `   - Voided: ~~**GO** by Pat Producer on \`${TAG1}\` @ \`${SHA1}\`, 2026-02-09 09:07 UTC~~; superseded by release target \`${TAG2}\` @ \`${SHA2}\`, published by Robin Release, 2026-02-09 09:08 UTC (release target changed from ${TAG1} @ ${SHA1.slice(0, 12)} to ${TAG2} @ ${SHA2.slice(0, 12)})`,
    );
  });

  it('a sign-off replaced by a newer one says which sign-off superseded it', () => {
    const signoffs = section(decisionRecord(busy(), NOW), 'Sign-offs');
    expect(signoffs).toContain(
      `   - Voided: ~~**NO-GO** by Pat Producer on \`${TAG1}\` @ \`${SHA1}\`, 2026-02-09 09:06 UTC~~; superseded by the **GO** of Pat Producer, 2026-02-09 09:07 UTC (replaced by a newer sign-off)`,
    );
  });

  it('a replaced release target says which target superseded it, by whom and when', () => {
    expect(section(decisionRecord(busy(), NOW), 'Release Target')).toContain(
      `  - \`${TAG1}\` @ \`${SHA1}\`: published by Robin Release, 2026-02-09 09:04 UTC; superseded by \`${TAG2}\` @ \`${SHA2}\` (Robin Release, 2026-02-09 09:08 UTC)`,
    );
  });

  it('the scope stated from Slack is the Scope line under Updated, as the seeds put it', () => {
    const md = decisionRecord(busy(), NOW);
    expect(md).toContain(
      'Updated: 2026-02-09  \nScope: Bilateral checkpoint refresh after consumer commit 008dfc8  \nProgram: ',
    );
    expect(decisionRecord(newDocument(seeded()), NOW)).not.toContain('Scope:');
  });

  it("each side's stated position is in Stated Positions, by whom and when; a side with none says so", () => {
    const positions = section(decisionRecord(busy(), NOW), 'Stated Positions');
    expect(positions).toContain(
      '1. MemoryKernel (producer) position: No additional evidence is required beyond current agreed gates.\n   - Stated by Pat Producer, 2026-02-09 09:01 UTC',
    );
    // Typed text is escaped, and its second line is quoted under the item.
    expect(positions).toContain('2. AssistSupport (consumer) position: Go: now; #1 "quoted"');
    expect(positions).toContain('\\<@U0EVIL\\>');
    expect(positions).toContain('\n   > section Forged  \n   > title Forged\n');
    expect(section(decisionRecord(newDocument(seeded()), NOW), 'Stated Positions')).toContain(
      '2. AssistSupport (consumer) position: _none stated_',
    );
  });

  it('the window notes written from Slack are the Notes of the window, by whom and when', () => {
    expect(section(decisionRecord(busy(), NOW), 'Runtime Cutover Window')).toContain(
      '- Notes (Logan Log, 2026-02-09 09:21 UTC): Freeze an hour before.\n  > Go: now; #1',
    );
  });

  it('a record of the newest 25 changes says how many it leaves out and where the rest is', () => {
    const doc = busy();
    const history = section(decisionRecord(doc, NOW), 'History');
    const total = doc.history.length;
    expect(history).toContain(
      `The last 25 changes, newest first; ${total - 25} earlier changes are left out.`,
    );
    expect(history).toContain(
      "The whole history is in the store's history log (the `.history.jsonl` file beside the store file); `npm run record -- --db <store-file> --history all` writes a record that lists every change.",
    );
    expect(numbered(history)).toHaveLength(25);
  });

  it('a record with the whole history lists every change and leaves none out', () => {
    const doc = busy();
    const history = section(decisionRecord(doc, NOW, { history: 'all' }), 'History');
    expect(history).toContain(`All ${doc.history.length} changes, newest first.`);
    expect(numbered(history)).toHaveLength(doc.history.length);
    expect(history).not.toContain('left out');
  });

  it('a document holding only the newest part of the history says how many changes it does not hold', () => {
    const doc = busy();
    const tail = { ...doc, history: doc.history.slice(-10) };
    const history = section(decisionRecord(tail, NOW, { history: 'all' }), 'History');
    expect(history).toContain(
      `The last 10 changes, newest first; ${doc.history.length - 10} earlier changes are left out.`,
    );
  });
});

describe('role kinds beyond the seeds', () => {
  it('a role that is neither a commander nor the log owner reads its kind from its id, less its side; a joint one says joint', () => {
    const c = seeded();
    c.roles.push({ id: 'release-manager', title: 'Release Manager', assignee: null });
    c.roles.push({ id: 'consumer-qa-lead', title: 'QA Lead', side: 'consumer', assignee: null });
    const roles = numbered(section(decisionRecord(newDocument(c), NOW), 'Runtime Command Ownership'));
    expect(roles.slice(5)).toEqual([
      '6. Release manager (joint): Release Manager, _unassigned_ (`release-manager`)',
      '7. Qa lead (consumer): QA Lead, _unassigned_ (`consumer-qa-lead`)',
    ]);
  });
});
