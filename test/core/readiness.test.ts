/**
 * Derived answers: the seeds' state as the shipped program gives it, evidence that goes stale (rule 3),
 * derived blockers and gates that clear and reopen themselves (rule 4), and a second program with other
 * sides, roles and blockers that works through the same functions.
 */
import { describe, expect, it } from 'vitest';
import { execute } from '../../src/core/commands.js';
import {
  approvedTarget,
  currentEvidence,
  currentTarget,
  gateState,
  nextPhase,
  openBlockers,
  rolesFor,
  signoffFor,
  staleEvidence,
} from '../../src/core/readiness.js';
import { type Actor, Cutover, type DomainEvent, type ProgramInput } from '../../src/core/schema.js';
import {
  A,
  approveTarget,
  at,
  blockerState,
  byId,
  EVIDENCE_URL,
  GO_RUNTIME,
  greenGates,
  logAllEvidence,
  mayDecideGo,
  mayStartPhase,
  readyForGo,
  recordedGo,
  refuse,
  reportRecords,
  run,
  runAll,
  SHA1,
  SHA2,
  seeded,
  shipped,
  T0,
  TAG1,
  TAG2,
  U,
  unmetLine,
  user,
} from './fixtures.js';

const status = (c: Cutover) => ({
  blockers: Object.fromEntries(c.blockers.map((b) => [b.id, blockerState(c, b).status])),
  gates: Object.fromEntries(c.gates.map((g) => [g.id, gateState(c, g).status])),
});

const derivedEvents = (events: DomainEvent[]) =>
  events.filter((e) => (e.type === 'blocker.cleared' || e.type === 'blocker.reopened') && e.derived);

// ---------------------------------------------------------------- the seeds

describe("the seeds' state (2026-02-08)", () => {
  it('rehearsal continuation is GO and runtime cutover is NO-GO', () => {
    const c = seeded();
    expect(byId(c.decisions, 'rehearsal')).toMatchObject({ title: 'Rehearsal continuation', status: 'go' });
    expect(byId(c.decisions, 'runtime-cutover')).toMatchObject({
      title: 'Runtime cutover execution',
      status: 'no-go',
    });
  });

  it('phase 7 is closed and phase 8 is not started', () => {
    const c = seeded();
    expect(c.phases.map((p) => [p.id, p.status])).toEqual([
      ['7', 'closed'],
      ['8', 'not-started'],
    ]);
    expect(nextPhase(c)?.id).toBe('8');
  });

  it('the five roles carry the titles the seeds give them, each held by a different person', () => {
    const c = seeded();
    expect(c.roles.map((r) => [r.id, r.title])).toEqual([
      ['producer-incident-commander', 'MemoryKernel Producer On-Call Lead'],
      ['consumer-incident-commander', 'Support Platform On-Call Lead'],
      ['producer-rollback-owner', 'MemoryKernel Release Owner'],
      ['consumer-rollback-owner', 'AssistSupport Runtime Integrations Owner'],
      ['decision-log-owner', 'Integration Program Owner'],
    ]);
    expect(new Set(c.roles.map((r) => r.assignee)).size).toBe(5);
    expect(shipped().roles.every((r) => r.assignee === null)).toBe(true);
  });

  it('the four blockers before phase 8 are open', () => {
    const c = seeded();
    expect(openBlockers(c, '8').map((b) => b.id)).toEqual([
      'release-target',
      'joint-go-record',
      'evidence-bundle',
      'rollback-evidence',
    ]);
    expect(byId(c.blockers, 'evidence-bundle').items).toEqual([
      'producer release handoff packet for runtime switch',
      'consumer repin evidence against that runtime target',
    ]);
  });

  it('the five gates are pending: three manual, two derived', () => {
    const c = seeded();
    expect(status(c).gates).toEqual({
      'producer-suite': 'pending',
      'consumer-suite': 'pending',
      alignment: 'pending',
      'bilateral-signoff': 'pending',
      'release-evidence': 'pending',
    });
    expect(c.gates.filter((g) => !g.derived).map((g) => g.id)).toEqual([
      'producer-suite',
      'consumer-suite',
      'alignment',
    ]);
    expect(c.gates.filter((g) => g.derived).map((g) => g.id)).toEqual([
      'bilateral-signoff',
      'release-evidence',
    ]);
  });

  it('there is no release target, no window and no sign-off yet', () => {
    const c = seeded();
    expect(currentTarget(c)).toBeUndefined();
    expect(c.window).toBeUndefined();
    expect(c.signoffs).toEqual([]);
  });

  it('runtime-cutover may not be GO, and the answer lists every unmet requirement', () => {
    const v = mayDecideGo(seeded(), 'runtime-cutover');
    expect(v.ok).toBe(false);
    expect(v.unmet).toEqual([
      'blocker release-target is open: no release target is published — /cutover target <tag> <sha> (producer-rollback-owner)',
      // Not joint-go-record: it waits for the record of this GO in both repos, which comes after the GO.
      expect.stringMatching(/^blocker evidence-bundle is open: .*producer-handoff.*consumer-repin/),
      expect.stringMatching(/^blocker rollback-evidence is open: .*producer-rollback.*consumer-rollback/),
      'gate producer-suite is pending (owner producer-incident-commander)',
      'gate consumer-suite is pending (owner consumer-incident-commander)',
      'gate alignment is pending (owner decision-log-owner)',
      'gate bilateral-signoff is pending (owner decision-log-owner)',
      'gate release-evidence is pending (owner producer-rollback-owner)',
      'no release target is published — /cutover target <tag> <sha> (producer-rollback-owner)',
    ]);
  });

  it('phase 8 may not start, and the answer lists the open blockers and the NO-GO', () => {
    const v = mayStartPhase(seeded(), '8');
    expect(v.ok).toBe(false);
    expect(v.unmet).toHaveLength(5);
    expect(v.unmet.slice(0, 4).map((u) => u.split(' is open')[0])).toEqual([
      'blocker release-target',
      'blocker joint-go-record',
      'blocker evidence-bundle',
      'blocker rollback-evidence',
    ]);
    expect(v.unmet[4]).toBe('decision runtime-cutover (Runtime cutover execution) is NO-GO');
  });

  it('rehearsal has no GO requirements; an unknown phase cannot start', () => {
    const c = seeded();
    expect(mayDecideGo(c, 'rehearsal')).toEqual({ ok: true, unmet: [] });
    expect(mayStartPhase(c, '9')).toEqual({ ok: false, unmet: ['there is no phase 9'] });
  });

  it('the permission table is read from the program file', () => {
    const c = seeded();
    expect(rolesFor(c, 'target.publish')).toEqual(['producer-rollback-owner']);
    expect(rolesFor(c, 'target.approve')).toEqual(['consumer-rollback-owner']);
    expect(rolesFor(c, 'evidence.log', { side: 'consumer' })).toEqual([
      'consumer-incident-commander',
      'consumer-rollback-owner',
    ]);
    expect(rolesFor(c, 'gate.set', { owner: 'alignment-owner' })).toEqual(['alignment-owner']);
    expect(rolesFor(c, 'blocker.clear', { owner: 'consumer-rollback-owner' })).toEqual([
      'consumer-rollback-owner',
      'producer-incident-commander',
      'consumer-incident-commander',
      'decision-log-owner',
    ]);
    expect(rolesFor(c, 'role.assign')).toEqual([]);
  });
});

// ---------------------------------------------------------------- rule 3

describe('rule 3: evidence counts only for the target it was logged against', () => {
  it('evidence logged against the current target counts', () => {
    const c = run(
      approveTarget(seeded()),
      { type: 'evidence.log', evidence: 'producer-handoff', url: EVIDENCE_URL('producer-handoff') },
      A.pro,
    ).cutover;
    const e = byId(c.evidence, 'producer-handoff');
    expect(currentEvidence(c, e)).toEqual({
      url: EVIDENCE_URL('producer-handoff'),
      target: { tag: TAG1, sha: SHA1 },
      by: U.pro,
      at: T0.toISOString(),
    });
    expect(staleEvidence(c, e)).toEqual([]);
  });

  it('after a new target, evidence logged for the old one is stale and listed as such', () => {
    const done = logAllEvidence(approveTarget(seeded()));
    const c = run(done, { type: 'target.publish', tag: TAG2, sha: SHA2 }, A.pro).cutover;
    for (const e of c.evidence) {
      expect(currentEvidence(c, e)).toBeUndefined();
      expect(staleEvidence(c, e)).toEqual([
        expect.objectContaining({ url: EVIDENCE_URL(e.id), target: { tag: TAG1, sha: SHA1 } }),
      ]);
    }
    const s = blockerState(c, byId(c.blockers, 'evidence-bundle'));
    expect(s.status).toBe('open');
    expect(s.unmet).toEqual([
      expect.stringContaining(
        `(producer-handoff) is not logged for ${TAG2} @ ${SHA2.slice(0, 12)} (what was logged is for an earlier target)`,
      ),
      expect.stringContaining(
        `(consumer-repin) is not logged for ${TAG2} @ ${SHA2.slice(0, 12)} (what was logged is for an earlier target)`,
      ),
    ]);
  });

  it('a new target reopens the evidence-bundle blocker, said as a derived reopening', () => {
    const done = logAllEvidence(approveTarget(seeded()));
    expect(status(done).blockers['evidence-bundle']).toBe('cleared');
    const out = run(done, { type: 'target.publish', tag: TAG2, sha: SHA2 }, A.pro);
    expect(status(out.cutover).blockers['evidence-bundle']).toBe('open');
    expect(out.events).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          type: 'blocker.reopened',
          blocker: 'evidence-bundle',
          derived: true,
          reason: expect.stringContaining('producer-handoff'),
        }),
      ]),
    );
  });

  it('re-logging the evidence against the new target makes it count again', () => {
    const moved = approveTarget(logAllEvidence(approveTarget(seeded())), TAG2, SHA2);
    const c = runAll(moved, [
      [
        { type: 'evidence.log', evidence: 'producer-handoff', url: EVIDENCE_URL('producer-handoff', 2) },
        A.pro,
      ],
      [{ type: 'evidence.log', evidence: 'consumer-repin', url: EVIDENCE_URL('consumer-repin', 2) }, A.cic],
    ]);
    expect(status(c).blockers['evidence-bundle']).toBe('cleared');
    expect(currentEvidence(c, byId(c.evidence, 'producer-handoff'))?.target).toEqual({
      tag: TAG2,
      sha: SHA2,
    });
    expect(staleEvidence(c, byId(c.evidence, 'producer-handoff'))).toHaveLength(1);
  });

  it('evidence cannot be logged before any target is published', () => {
    const e = refuse(
      seeded(),
      { type: 'evidence.log', evidence: 'producer-handoff', url: EVIDENCE_URL('x') },
      A.pro,
    );
    expect(e.code).toBe('refused');
    expect(e.message).toBe(
      'Evidence is logged against the release target, and none is published yet. Publish it first: /cutover target <tag> <sha>.',
    );
  });

  it('the same link for the same target is not logged twice', () => {
    const c = logAllEvidence(approveTarget(seeded()));
    const e = refuse(
      c,
      { type: 'evidence.log', evidence: 'producer-handoff', url: EVIDENCE_URL('producer-handoff') },
      A.pro,
    );
    expect(e).toEqual({
      code: 'unchanged',
      message: `That link is already logged as producer-handoff for ${TAG1} @ ${SHA1.slice(0, 12)}.`,
    });
  });
});

// ---------------------------------------------------------------- rule 4

describe('rule 4: derived blockers and gates clear themselves and reopen when their facts change', () => {
  it('release-target clears when a target is published and approved, not on publication alone', () => {
    const published = run(seeded(), { type: 'target.publish', tag: TAG1, sha: SHA1 }, A.pro);
    expect(status(published.cutover).blockers['release-target']).toBe('open');
    expect(blockerState(published.cutover, byId(published.cutover.blockers, 'release-target')).unmet).toEqual(
      [
        `release target ${TAG1} @ ${SHA1.slice(0, 12)} is not approved — /cutover target approve ${TAG1} (consumer-rollback-owner)`,
      ],
    );
    const approved = run(published.cutover, { type: 'target.approve', target: TAG1 }, A.cro);
    expect(status(approved.cutover).blockers['release-target']).toBe('cleared');
    expect(derivedEvents(approved.events)).toMatchObject([
      { type: 'blocker.cleared', blocker: 'release-target', derived: true },
    ]);
    expect(approved.history).toContainEqual(
      expect.objectContaining({
        by: 'cutover-bot',
        event: expect.objectContaining({ type: 'blocker.cleared', blocker: 'release-target', derived: true }),
      }),
    );
  });

  it('the bilateral-signoff gate turns green when both sides signed GO on the current target; joint-go-record then waits for the GO and its record in both repos', () => {
    const before = logAllEvidence(greenGates(approveTarget(seeded())));
    const one = run(before, { type: 'signoff', side: 'producer', decision: 'go' }, A.pic);
    expect(status(one.cutover).blockers['joint-go-record']).toBe('open');
    expect(blockerState(one.cutover, byId(one.cutover.blockers, 'joint-go-record')).unmet).toEqual([
      'AssistSupport has not signed GO on the current approved target — /cutover signoff (consumer-incident-commander)',
      "MemoryKernel's repository cannot hold the record of a GO yet: both sides sign GO and the decision is recorded GO first",
      "AssistSupport's repository cannot hold the record of a GO yet: both sides sign GO and the decision is recorded GO first",
    ]);
    const both = run(one.cutover, { type: 'signoff', side: 'consumer', decision: 'go' }, A.cic);
    expect(status(both.cutover).blockers['joint-go-record']).toBe('open');
    expect(blockerState(both.cutover, byId(both.cutover.blockers, 'joint-go-record')).unmet).toEqual([
      "MemoryKernel's repository cannot hold the record of a GO yet: both sides sign GO and the decision is recorded GO first",
      "AssistSupport's repository cannot hold the record of a GO yet: both sides sign GO and the decision is recorded GO first",
    ]);
    expect(status(both.cutover).gates['bilateral-signoff']).toBe('green');
    expect(derivedEvents(both.events)).toEqual([]);
    const recorded = reportRecords(run(both.cutover, GO_RUNTIME, A.dlo, at(1)).cutover, at(2));
    expect(status(recorded).blockers['joint-go-record']).toBe('cleared');
    expect(both.events).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          type: 'gate.changed',
          gate: 'bilateral-signoff',
          before: 'pending',
          after: 'green',
          derived: true,
        }),
      ]),
    );
  });

  it('a NO-GO sign-off does not clear joint-go-record', () => {
    const c = runAll(approveTarget(seeded()), [
      [{ type: 'signoff', side: 'producer', decision: 'go' }, A.pic],
      [{ type: 'signoff', side: 'consumer', decision: 'no-go', rationale: 'repin not verified' }, A.cic],
    ]);
    expect(status(c).blockers['joint-go-record']).toBe('open');
    expect(status(c).gates['bilateral-signoff']).toBe('pending');
  });

  it('evidence-bundle clears when producer-handoff and consumer-repin are logged on the current target', () => {
    const t = approveTarget(seeded());
    const one = run(t, { type: 'evidence.log', evidence: 'producer-handoff', url: EVIDENCE_URL('h') }, A.pro);
    expect(status(one.cutover).blockers['evidence-bundle']).toBe('open');
    const two = run(
      one.cutover,
      { type: 'evidence.log', evidence: 'consumer-repin', url: EVIDENCE_URL('r') },
      A.cro,
    );
    expect(status(two.cutover).blockers['evidence-bundle']).toBe('cleared');
    expect(derivedEvents(two.events)).toMatchObject([
      { type: 'blocker.cleared', blocker: 'evidence-bundle', derived: true },
    ]);
  });

  it('rollback-evidence clears when both rollback evidences are logged on the current target', () => {
    const t = approveTarget(seeded());
    const one = run(
      t,
      { type: 'evidence.log', evidence: 'consumer-rollback', url: EVIDENCE_URL('cr') },
      A.cro,
    );
    expect(status(one.cutover).blockers['rollback-evidence']).toBe('open');
    const two = run(
      one.cutover,
      { type: 'evidence.log', evidence: 'producer-rollback', url: EVIDENCE_URL('pr') },
      A.pro,
    );
    expect(status(two.cutover).blockers['rollback-evidence']).toBe('cleared');
    expect(derivedEvents(two.events)).toMatchObject([
      { type: 'blocker.cleared', blocker: 'rollback-evidence', derived: true },
    ]);
  });

  it('the release-evidence gate turns green with an approved target and the producer handoff on it', () => {
    const published = run(seeded(), { type: 'target.publish', tag: TAG1, sha: SHA1 }, A.pro).cutover;
    const logged = run(
      published,
      { type: 'evidence.log', evidence: 'producer-handoff', url: EVIDENCE_URL('h') },
      A.pro,
    );
    expect(status(logged.cutover).gates['release-evidence']).toBe('pending');
    expect(
      gateState(logged.cutover, byId(logged.cutover.gates, 'release-evidence')).unmet.map(unmetLine),
    ).toEqual([
      expect.stringMatching(/is not approved — \/cutover target approve \S+ \(consumer-rollback-owner\)$/),
    ]);
    const approved = run(logged.cutover, { type: 'target.approve', target: TAG1 }, A.cro);
    expect(status(approved.cutover).gates['release-evidence']).toBe('green');
    expect(approved.events).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          type: 'gate.changed',
          gate: 'release-evidence',
          before: 'pending',
          after: 'green',
          derived: true,
        }),
      ]),
    );
  });

  it('a new target after everything is done reopens every derived blocker and turns every gate pending for it', () => {
    const done = recordedGo();
    expect(status(done)).toEqual({
      blockers: {
        'release-target': 'cleared',
        'joint-go-record': 'cleared',
        'evidence-bundle': 'cleared',
        'rollback-evidence': 'cleared',
      },
      gates: {
        'producer-suite': 'green',
        'consumer-suite': 'green',
        alignment: 'green',
        'bilateral-signoff': 'green',
        'release-evidence': 'green',
      },
    });
    const out = run(done, { type: 'target.publish', tag: TAG2, sha: SHA2 }, A.pro);
    expect(status(out.cutover)).toEqual({
      blockers: {
        'release-target': 'open',
        'joint-go-record': 'open',
        'evidence-bundle': 'open',
        'rollback-evidence': 'open',
      },
      gates: {
        'producer-suite': 'pending',
        'consumer-suite': 'pending',
        alignment: 'pending',
        'bilateral-signoff': 'pending',
        'release-evidence': 'pending',
      },
    });
    expect(
      derivedEvents(out.events).map((e) => e.type === 'blocker.reopened' && [e.blocker, e.derived]),
    ).toMatchObject([
      ['release-target', true],
      ['joint-go-record', true],
      ['evidence-bundle', true],
      ['rollback-evidence', true],
    ]);
    const onNew = { tag: TAG2, sha: SHA2 };
    expect(out.events.filter((e) => e.type === 'gate.changed')).toMatchObject([
      {
        type: 'gate.changed',
        gate: 'producer-suite',
        before: 'green',
        after: 'pending',
        derived: false,
        target: onNew,
      },
      {
        type: 'gate.changed',
        gate: 'consumer-suite',
        before: 'green',
        after: 'pending',
        derived: false,
        target: onNew,
      },
      {
        type: 'gate.changed',
        gate: 'alignment',
        before: 'green',
        after: 'pending',
        derived: false,
        target: onNew,
      },
      { type: 'gate.changed', gate: 'bilateral-signoff', before: 'green', after: 'pending', derived: true },
      { type: 'gate.changed', gate: 'release-evidence', before: 'green', after: 'pending', derived: true },
    ]);
    expect(
      out.history.flatMap((h) =>
        h.event.type === 'blocker.reopened' && h.event.derived ? [[h.event.blocker, h.by]] : [],
      ),
    ).toEqual([
      ['release-target', 'cutover-bot'],
      ['joint-go-record', 'cutover-bot'],
      ['evidence-bundle', 'cutover-bot'],
      ['rollback-evidence', 'cutover-bot'],
    ]);
  });

  it('a derived blocker cannot be cleared by hand, and the refusal lists what would clear it', () => {
    const c = approveTarget(seeded());
    const e = refuse(c, { type: 'blocker.clear', blocker: 'rollback-evidence' }, A.dlo);
    expect(e.code).toBe('refused');
    expect(e.message).toBe(
      'Blocker rollback-evidence is derived: it clears itself when its facts hold, not by hand. Still unmet:',
    );
    expect(e.unmet).toEqual([
      expect.stringMatching(
        /\(producer-rollback\) is not logged for .* — \/cutover evidence producer-rollback <url>/,
      ),
      expect.stringMatching(
        /\(consumer-rollback\) is not logged for .* — \/cutover evidence consumer-rollback <url>/,
      ),
    ]);
  });

  it('an admin cannot clear a derived blocker by hand either', () => {
    const e = refuse(seeded(), { type: 'blocker.clear', blocker: 'release-target' }, A.admin);
    expect(e.code).toBe('refused');
    expect(e.unmet).toEqual([
      'no release target is published — /cutover target <tag> <sha> (producer-rollback-owner)',
    ]);
  });

  it('a derived blocker cannot be reopened by hand: an open one says what would clear it', () => {
    const e = refuse(
      seeded(),
      { type: 'blocker.reopen', blocker: 'joint-go-record', reason: 'not sure' },
      A.dlo,
    );
    expect(e.code).toBe('refused');
    expect(e.message).toMatch(/^Blocker joint-go-record is derived and already open: it clears itself when/);
    expect(e.unmet).toEqual([
      expect.stringContaining('MemoryKernel has not signed GO'),
      expect.stringContaining('AssistSupport has not signed GO'),
      expect.stringContaining("MemoryKernel's repository cannot hold the record of a GO yet"),
      expect.stringContaining("AssistSupport's repository cannot hold the record of a GO yet"),
    ]);
  });

  it('a cleared derived blocker cannot be reopened by hand: it reopens when its facts change', () => {
    const c = approveTarget(seeded());
    const e = refuse(c, { type: 'blocker.reopen', blocker: 'release-target', reason: 'wrong tag' }, A.admin);
    expect(e.message).toBe(
      'Blocker release-target is derived: it reopens by itself when its facts change, not by hand.',
    );
    const again = refuse(c, { type: 'blocker.clear', blocker: 'release-target' }, A.pro);
    expect(again.message).toBe(
      'Blocker release-target is derived and already clear; it reopens by itself if its facts change.',
    );
  });

  it('a derived gate cannot be set by hand; the refusal lists what would turn it green', () => {
    const e = refuse(seeded(), { type: 'gate.set', gate: 'bilateral-signoff', status: 'green' }, A.dlo);
    expect(e.code).toBe('refused');
    expect(e.message).toBe(
      'Gate bilateral-signoff is derived: it turns green by itself when its facts hold. Still unmet:',
    );
    expect(e.unmet).toHaveLength(2);
  });

  it('a manual blocker is cleared and reopened by a person, with events that say so', () => {
    const added = run(
      seeded(),
      { type: 'blocker.add', owner: 'consumer-rollback-owner', title: 'Load balancer drain rehearsed' },
      A.dlo,
    );
    expect(added.events).toMatchObject([{ type: 'blocker.added', blocker: 'load-balancer-drain-rehearsed' }]);
    expect(byId(added.cutover.blockers, 'load-balancer-drain-rehearsed')).toMatchObject({
      owner: 'consumer-rollback-owner',
      phase: '8',
      status: 'open',
    });
    const cleared = run(
      added.cutover,
      {
        type: 'blocker.clear',
        blocker: 'load-balancer-drain-rehearsed',
        evidenceUrl: 'https://wiki.example.com/drain',
      },
      A.cro,
      T0,
    );
    expect(cleared.message).toBe('Blocker load-balancer-drain-rehearsed cleared.');
    expect(cleared.events).toMatchObject([
      { type: 'blocker.cleared', blocker: 'load-balancer-drain-rehearsed', derived: false },
    ]);
    expect(byId(cleared.cutover.blockers, 'load-balancer-drain-rehearsed')).toMatchObject({
      status: 'cleared',
      evidenceUrl: 'https://wiki.example.com/drain',
      updated: { by: U.cro, at: T0.toISOString() },
    });
    const reopened = run(
      cleared.cutover,
      {
        type: 'blocker.reopen',
        blocker: 'load-balancer-drain-rehearsed',
        reason: 'drain timed out in staging',
      },
      A.pic,
    );
    expect(reopened.events).toMatchObject([
      {
        type: 'blocker.reopened',
        blocker: 'load-balancer-drain-rehearsed',
        derived: false,
        reason: 'drain timed out in staging',
      },
    ]);
    expect(byId(reopened.cutover.blockers, 'load-balancer-drain-rehearsed')).toMatchObject({
      status: 'open',
      reopenReason: 'drain timed out in staging',
    });
  });

  it('a manual blocker already cleared or already open says so', () => {
    const c = run(
      seeded(),
      { type: 'blocker.add', owner: 'decision-log-owner', title: 'CAB approval' },
      A.dlo,
    ).cutover;
    expect(refuse(c, { type: 'blocker.reopen', blocker: 'cab-approval', reason: 'x' }, A.dlo)).toEqual({
      code: 'unchanged',
      message: 'Blocker cab-approval is already open.',
    });
    const cleared = run(c, { type: 'blocker.clear', blocker: 'cab-approval' }, A.dlo).cutover;
    expect(refuse(cleared, { type: 'blocker.clear', blocker: 'cab-approval' }, A.dlo)).toEqual({
      code: 'unchanged',
      message: 'Blocker cab-approval is already cleared.',
    });
  });

  it('a manual blocker added before phase 8 holds back runtime-cutover GO until it is cleared', () => {
    const c = run(
      readyForGo(),
      { type: 'blocker.add', owner: 'decision-log-owner', title: 'CAB approval' },
      A.dlo,
    ).cutover;
    expect(mayDecideGo(c, 'runtime-cutover')).toEqual({
      ok: false,
      unmet: ['blocker cab-approval is open — CAB approval (owner decision-log-owner)'],
    });
    const cleared = run(c, { type: 'blocker.clear', blocker: 'cab-approval' }, A.cic).cutover;
    expect(mayDecideGo(cleared, 'runtime-cutover')).toEqual({ ok: true, unmet: [] });
  });

  it('blocker ids made from titles never collide', () => {
    const c = runAll(seeded(), [
      [{ type: 'blocker.add', owner: 'decision-log-owner', title: 'CAB approval' }, A.dlo],
      [{ type: 'blocker.add', owner: 'decision-log-owner', title: 'CAB approval!' }, A.dlo],
      [{ type: 'blocker.add', owner: 'decision-log-owner', title: '!!!' }, A.dlo],
    ]);
    expect(c.blockers.slice(4).map((b) => b.id)).toEqual(['cab-approval', 'cab-approval-2', 'blocker']);
  });
});

// ---------------------------------------------------------------- generality

/** A program that shares no name with the shipped one: three sides, other roles, other blockers and gates. */
const mobileLaunch: ProgramInput = {
  id: 'app-store-launch',
  title: 'Mobile app 5.0 launch',
  release: 'app.5.0',
  logOwnerRole: 'launch-coordinator',
  sides: [
    { id: 'platform', name: 'Platform', commanderRole: 'platform-lead', zone: 'Europe/Berlin' },
    { id: 'mobile', name: 'Mobile', commanderRole: 'mobile-lead' },
    { id: 'web', name: 'Web', commanderRole: 'web-lead', zone: 'America/New_York' },
  ],
  roles: [
    { id: 'platform-lead', title: 'Platform lead', side: 'platform' },
    { id: 'mobile-lead', title: 'Mobile lead', side: 'mobile' },
    { id: 'web-lead', title: 'Web lead', side: 'web' },
    { id: 'release-captain', title: 'Release captain', side: 'platform' },
    { id: 'store-publisher', title: 'App store publisher', side: 'mobile' },
    { id: 'launch-coordinator', title: 'Launch coordinator' },
  ],
  decisions: [
    {
      id: 'launch',
      title: 'Public launch',
      status: 'no-go',
      goRequires: { blockersCleared: ['go-live'], allGatesGreen: true, signedGo: true },
    },
  ],
  phases: [
    { id: 'beta', title: 'Beta', status: 'started' },
    { id: 'go-live', title: 'Go live', status: 'not-started', startRequires: { decisionsGo: ['launch'] } },
  ],
  blockers: [
    {
      id: 'build-frozen',
      title: 'Build frozen and approved',
      owner: 'release-captain',
      phase: 'go-live',
      derived: [{ kind: 'target-approved' }],
    },
    {
      id: 'everyone-agrees',
      title: 'Every side signed GO',
      owner: 'launch-coordinator',
      phase: 'go-live',
      derived: [{ kind: 'signed-go' }],
    },
    {
      id: 'legal-review',
      title: 'Legal review of the store listing',
      owner: 'launch-coordinator',
      phase: 'go-live',
    },
  ],
  gates: [
    { id: 'smoke', title: 'Smoke tests green', owner: 'store-publisher' },
    {
      id: 'store-build',
      title: 'Store build uploaded for the frozen build',
      owner: 'mobile-lead',
      derived: [{ kind: 'evidence', evidence: ['store-upload'] }],
    },
  ],
  evidence: [{ id: 'store-upload', title: 'Store upload receipt', side: 'mobile' }],
  permissions: {
    'role.assign': ['launch-coordinator'],
    'blocker.add': ['launch-coordinator'],
    'blocker.clear': ['$owner'],
    'blocker.reopen': ['$owner'],
    'gate.set': ['$owner'],
    'target.publish': ['release-captain'],
    'target.approve': ['launch-coordinator'],
    'evidence.log': ['$side'],
    decide: ['launch-coordinator'],
    phase: ['launch-coordinator'],
    window: ['launch-coordinator'],
  },
};

const P = {
  platform: user('UPLAT0001'),
  mobile: user('UMOB00001'),
  web: user('UWEB00001'),
  captain: user('UCAPT0001'),
  publisher: user('UPUB00001'),
  coordinator: user('UCOORD001'),
} satisfies Record<string, Actor>;

function launchState(): Cutover {
  const holders: [string, Actor][] = [
    ['launch-coordinator', P.coordinator],
    ['platform-lead', P.platform],
    ['mobile-lead', P.mobile],
    ['web-lead', P.web],
    ['release-captain', P.captain],
    ['store-publisher', P.publisher],
  ];
  let c = Cutover.parse(mobileLaunch);
  for (const [role, who] of holders) {
    if (who.kind !== 'user') throw new Error('people only');
    // The first assignment is an admin's; after that the coordinator assigns, as this program allows.
    const by = role === 'launch-coordinator' ? A.admin : P.coordinator;
    c = run(c, { type: 'role.assign', role, user: who.userId }, by).cutover;
  }
  return c;
}

describe('generality: another program with other sides, roles and blockers works the same way', () => {
  it('the program parses and starts with every blocker open and every gate pending', () => {
    const c = launchState();
    expect(status(c)).toEqual({
      blockers: { 'build-frozen': 'open', 'everyone-agrees': 'open', 'legal-review': 'open' },
      gates: { smoke: 'pending', 'store-build': 'pending' },
    });
    expect(nextPhase(c)?.id).toBe('go-live');
  });

  it('its own permission table applies: role assignment by the coordinator, publishing by the release captain', () => {
    const c = launchState();
    expect(c.roles.find((r) => r.id === 'web-lead')?.assignee).toBe('UWEB00001');
    const e = refuse(c, { type: 'target.publish', tag: 'app-5.0.0', sha: SHA1 }, P.platform);
    expect(e.message).toBe(
      'Only release-captain (<@UCAPT0001>) or an admin may publish a release target. You hold platform-lead.',
    );
    const r = refuse(c, { type: 'role.assign', role: 'web-lead', user: 'UOTHER001' }, P.web);
    expect(r.message).toMatch(/^Only launch-coordinator \(<@UCOORD001>\) or an admin may assign roles\./);
  });

  it('every one of the three sides must sign GO, each by its own commander', () => {
    const t = runAll(launchState(), [
      [{ type: 'target.publish', tag: 'app-5.0.0', sha: SHA1 }, P.captain],
      [{ type: 'target.approve', target: 'app-5.0.0' }, P.coordinator],
      [{ type: 'signoff', side: 'platform', decision: 'go' }, P.platform],
      [{ type: 'signoff', side: 'mobile', decision: 'go' }, P.mobile],
    ]);
    expect(status(t).blockers['everyone-agrees']).toBe('open');
    expect(blockerState(t, byId(t.blockers, 'everyone-agrees')).unmet).toEqual([
      'Web has not signed GO on the current approved target — /cutover signoff (web-lead)',
    ]);
    expect(refuse(t, { type: 'signoff', side: 'web', decision: 'go' }, P.mobile).message).toBe(
      'Only web-lead (<@UWEB00001>) signs off for Web. Each commander signs only for their own side.',
    );
    const all = run(t, { type: 'signoff', side: 'web', decision: 'go' }, P.web).cutover;
    expect(status(all).blockers['everyone-agrees']).toBe('cleared');
    expect(['platform', 'mobile', 'web'].map((s) => signoffFor(all, s)?.target)).toEqual([
      { tag: 'app-5.0.0', sha: SHA1 },
      { tag: 'app-5.0.0', sha: SHA1 },
      { tag: 'app-5.0.0', sha: SHA1 },
    ]);
  });

  it('a derived gate with an evidence condition turns green when that evidence is logged on the target', () => {
    const t = runAll(launchState(), [
      [{ type: 'target.publish', tag: 'app-5.0.0', sha: SHA1 }, P.captain],
      [{ type: 'target.approve', target: 'app-5.0.0' }, P.coordinator],
    ]);
    expect(gateState(t, byId(t.gates, 'store-build')).unmet.map(unmetLine)).toEqual([
      `Store upload receipt (store-upload) is not logged for app-5.0.0 @ ${SHA1.slice(0, 12)} — /cutover evidence store-upload <url> (mobile-lead or store-publisher)`,
    ]);
    expect(
      refuse(t, { type: 'evidence.log', evidence: 'store-upload', url: EVIDENCE_URL('s') }, P.web).code,
    ).toBe('forbidden');
    const out = run(
      t,
      { type: 'evidence.log', evidence: 'store-upload', url: EVIDENCE_URL('s') },
      P.publisher,
    );
    expect(out.events).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          type: 'gate.changed',
          gate: 'store-build',
          before: 'pending',
          after: 'green',
          derived: true,
        }),
      ]),
    );
  });

  it('the road to launch GO and go-live start is walked with the same execute and readiness functions', () => {
    let c = launchState();
    c = runAll(c, [
      [{ type: 'target.publish', tag: 'app-5.0.0', sha: SHA1 }, P.captain],
      [{ type: 'target.approve', target: 'app-5.0.0' }, P.coordinator],
      [{ type: 'evidence.log', evidence: 'store-upload', url: EVIDENCE_URL('s') }, P.mobile],
      [
        { type: 'gate.set', gate: 'smoke', status: 'green', runUrl: 'https://ci.example.com/smoke/9' },
        P.publisher,
      ],
      [{ type: 'signoff', side: 'platform', decision: 'go' }, P.platform],
      [{ type: 'signoff', side: 'mobile', decision: 'go' }, P.mobile],
      [{ type: 'signoff', side: 'web', decision: 'go' }, P.web],
    ]);
    expect(mayDecideGo(c, 'launch').unmet).toEqual([
      'blocker legal-review is open — Legal review of the store listing (owner launch-coordinator)',
    ]);
    expect(refuse(c, { type: 'blocker.clear', blocker: 'legal-review' }, P.platform).code).toBe('forbidden');
    expect(
      refuse(c, { type: 'decide', decision: 'launch', status: 'go', rationale: 'ready' }, P.coordinator)
        .unmet,
    ).toEqual([
      'blocker legal-review is open — Legal review of the store listing (owner launch-coordinator)',
    ]);
    c = run(c, { type: 'blocker.clear', blocker: 'legal-review' }, P.coordinator).cutover;
    expect(mayStartPhase(c, 'go-live').unmet).toEqual(['decision launch (Public launch) is NO-GO']);
    c = run(
      c,
      { type: 'decide', decision: 'launch', status: 'go', rationale: 'ready' },
      P.coordinator,
    ).cutover;
    c = run(c, { type: 'phase', phase: 'go-live', action: 'start' }, P.coordinator).cutover;
    expect(byId(c.phases, 'go-live').status).toBe('started');
    expect(approvedTarget(c)?.tag).toBe('app-5.0.0');
  });

  it('a second target supersedes the first and voids the sign-offs of all three sides', () => {
    const t = runAll(launchState(), [
      [{ type: 'target.publish', tag: 'app-5.0.0', sha: SHA1 }, P.captain],
      [{ type: 'target.approve', target: 'app-5.0.0' }, P.coordinator],
      [{ type: 'signoff', side: 'platform', decision: 'go' }, P.platform],
      [{ type: 'signoff', side: 'mobile', decision: 'go' }, P.mobile],
      [{ type: 'signoff', side: 'web', decision: 'go' }, P.web],
    ]);
    const out = execute(t, { type: 'target.publish', tag: 'app-5.0.1', sha: SHA2 }, P.captain, T0);
    if (!out.ok) throw new Error(out.error.message);
    expect(
      out.events.filter((e) => e.type === 'signoff.voided').map((e) => e.type === 'signoff.voided' && e.side),
    ).toMatchObject(['platform', 'mobile', 'web']);
    expect(['platform', 'mobile', 'web'].map((s) => signoffFor(out.cutover, s))).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
  });
});

describe('the core stands alone', () => {
  it('src/core imports no Slack, lowdb or fs, and reads no clock', async () => {
    const { readdirSync, readFileSync } = await import('node:fs');
    const dir = new URL('../../src/core/', import.meta.url);
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
      const code = readFileSync(new URL(file, dir), 'utf8');
      const imports = [...code.matchAll(/from '([^']+)'/g)].map((m) => m[1]);
      expect(
        imports.filter((i) => !i?.startsWith('./') && i !== 'zod' && i !== '@date-fns/tz'),
        file,
      ).toEqual([]);
      expect(/Date\.now\(|new Date\(\)|Math\.random/.test(code), `${file} reads a clock or randomness`).toBe(
        false,
      );
    }
  });

  it('src/core names none of the shipped program ids in its code', async () => {
    const { readdirSync, readFileSync } = await import('node:fs');
    const dir = new URL('../../src/core/', import.meta.url);
    const ids = [
      'producer-incident-commander',
      'consumer-incident-commander',
      'producer-rollback-owner',
      'consumer-rollback-owner',
      'decision-log-owner',
      'runtime-cutover',
      'rehearsal',
      'release-target',
      'joint-go-record',
      'evidence-bundle',
      'rollback-evidence',
      'producer-suite',
      'consumer-suite',
      'bilateral-signoff',
      'release-evidence',
      'producer-handoff',
      'consumer-repin',
      'producer-rollback',
      'consumer-rollback',
      'service-v3',
      'MemoryKernel',
      'AssistSupport',
    ];
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
      // Comments may give examples; code may not depend on the names.
      const code = readFileSync(new URL(file, dir), 'utf8')
        .replace(/\/\*[\s\S]*?\*\//g, '')
        .replace(/^\s*\/\/.*$/gm, '');
      for (const id of ids) expect(code.includes(id), `${file} mentions ${id}`).toBe(false);
      expect(/['"`][78]['"`]/.test(code), `${file} names phase 7 or 8`).toBe(false);
    }
  });
});
