/** What the record's tests share: sections of the Markdown, a walk through commands as the service runs them, names. */
import { execute } from '../../src/core/commands.js';
import type { Actor, CommandInput, HistoryEntry } from '../../src/core/schema.js';
import type { StoreDocument } from '../../src/service/document.js';
import { A, at, recordReportSteps, SHA1, SHA2, T0, TAG1, TAG2, U } from '../core/fixtures.js';

export const NOW = new Date('2026-02-08T18:00:00Z');

/** The text of one `## title` section, up to the next one. */
export function section(md: string, title: string): string {
  const start = md.indexOf(`\n## ${title}\n`);
  if (start < 0) throw new Error(`no section "${title}" in:\n${md}`);
  const rest = md.slice(start + title.length + 5);
  const end = rest.indexOf('\n## ');
  return end < 0 ? rest : rest.slice(0, end);
}

export const numbered = (text: string) => text.split('\n').filter((l) => /^\d+\. /.test(l));

/** Runs commands as the service would: the state, plus history with sequence numbers. */
export function walk(doc: StoreDocument, steps: [CommandInput, Actor][], now = T0): StoreDocument {
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

export const NAMES: Record<string, string> = {
  [U.pic]: 'Pat Producer',
  [U.cic]: 'Casey Consumer',
  [U.pro]: 'Robin Release',
  [U.cro]: 'Riley Repin',
  [U.dlo]: 'Logan Log',
};
export const withNames = (doc: StoreDocument): StoreDocument => ({
  ...doc,
  users: Object.fromEntries(
    Object.entries(NAMES).map(([id, name]) => [id, { name, fetchedAt: T0.toISOString() }]),
  ),
});

/** Text a person might type that means something to Markdown, Slack, Mermaid or a browser. */
export const HOSTILE =
  'Go: now; #1 "quoted" \'single\' `tick` %% comment --> arrow <script>alert(1)</script> <@U0EVIL> <#C0EVIL> <!channel> *bold* _it_ ~strike~ %%{init: {"theme":"dark"}}%%\nsection Forged\ntitle Forged';

/**
 * A busy program, walked at a minute a step from T0: notes stated, two targets (the first superseded, a sign-off
 * on it voided), a replaced sign-off, gates green, evidence logged, a blocker added, cleared and reopened with
 * hostile text, both sides GO, the window set with notes, GO decided, both repos reporting its record, and phase 8 started;
 * people named.
 */
export function busyDoc(doc: StoreDocument): StoreDocument {
  const steps: [CommandInput, Actor][] = [
    [{ type: 'scope.set', text: 'Bilateral checkpoint refresh after consumer commit 008dfc8' }, A.dlo],
    [
      {
        type: 'position.set',
        side: 'producer',
        text: 'No additional evidence is required beyond current agreed gates.',
      },
      A.pic,
    ],
    [{ type: 'position.set', side: 'consumer', text: HOSTILE }, A.cic],
    [{ type: 'blocker.add', owner: 'decision-log-owner', title: HOSTILE.slice(0, 290) }, A.dlo],
    [{ type: 'target.publish', tag: TAG1, sha: SHA1 }, A.pro],
    [{ type: 'target.approve', target: TAG1 }, A.cro],
    [{ type: 'signoff', side: 'producer', decision: 'no-go', rationale: 'suite still red' }, A.pic],
    [{ type: 'signoff', side: 'producer', decision: 'go', rationale: HOSTILE }, A.pic],
    [{ type: 'target.publish', tag: TAG2, sha: SHA2 }, A.pro],
    [{ type: 'target.approve', target: TAG2 }, A.cro],
    [
      { type: 'gate.set', gate: 'producer-suite', status: 'red', runUrl: 'https://ci.example.com/runs/6' },
      A.ci,
    ],
    [
      { type: 'gate.set', gate: 'producer-suite', status: 'green', runUrl: 'https://ci.example.com/runs/7' },
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
    [{ type: 'window', start: '2026-03-01T09:00Z', end: '2026-03-01T13:00Z' }, A.dlo],
    [{ type: 'window.notes', text: `Freeze an hour before.\n${HOSTILE}` }, A.dlo],
  ];
  let d = withNames(doc);
  steps.forEach((step, i) => {
    d = walk(d, [step], at(i));
  });
  const added = d.cutover.blockers.at(-1)?.id ?? '';
  d = walk(d, [[{ type: 'blocker.clear', blocker: added }, A.dlo]], at(40));
  d = walk(d, [[{ type: 'blocker.reopen', blocker: added, reason: HOSTILE }, A.dlo]], at(41));
  d = walk(d, [[{ type: 'blocker.clear', blocker: added }, A.dlo]], at(42));
  d = walk(
    d,
    [[{ type: 'decide', decision: 'runtime-cutover', status: 'go', rationale: HOSTILE }, A.dlo]],
    at(50),
  );
  d = walk(d, recordReportSteps(d.cutover), at(55));
  d = walk(d, [[{ type: 'phase', phase: '8', action: 'start' }, A.dlo]], at(60));
  return d;
}
