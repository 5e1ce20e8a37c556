/**
 * The one readiness report (issue 11): every surface reads `readiness(c)` — each decision, phase, blocker and gate
 * answered once, who must act next, and whether the cutover window is approved.
 */
import { describe, expect, it } from 'vitest';
import { readiness } from '../../src/core/readiness.js';
import type { Cutover } from '../../src/core/schema.js';
import {
  A,
  at,
  byId,
  GO_RUNTIME,
  readyForGo,
  reportRecords,
  run,
  runAll,
  seeded,
  shipped,
  T0,
} from './fixtures.js';

const WINDOW = { type: 'window', start: '2026-03-01T09:00Z', end: '2026-03-01T13:00Z' } as const;
const MOVED = { type: 'window', start: '2026-03-02T09:00Z', end: '2026-03-02T13:00Z' } as const;
const NO_GO = {
  type: 'decide',
  decision: 'runtime-cutover',
  status: 'no-go',
  rationale: 'the window moved',
} as const;

const windowOf = (c: Cutover) => readiness(c).window;

describe('the readiness report answers each item once', () => {
  it('has every decision, phase, blocker and gate of the program, each once, in the program order', () => {
    const c = seeded();
    const r = readiness(c);
    expect(r.decisions.map((d) => d.id)).toEqual(c.decisions.map((d) => d.id));
    expect(r.phases.map((p) => p.id)).toEqual(c.phases.map((p) => p.id));
    expect(r.blockers.map((b) => b.id)).toEqual(c.blockers.map((b) => b.id));
    expect(r.gates.map((g) => g.id)).toEqual(c.gates.map((g) => g.id));
  });

  it('says runtime-cutover may be GO once every requirement holds, and phase 8 may start only after it is GO', () => {
    const seeds = readiness(seeded());
    expect(byId(seeds.decisions, 'runtime-cutover')).toMatchObject({ status: 'no-go', mayBeGo: false });
    expect(byId(seeds.decisions, 'runtime-cutover').unmet.length).toBeGreaterThan(0);

    const ready = readiness(readyForGo());
    expect(byId(ready.decisions, 'runtime-cutover')).toMatchObject({ mayBeGo: true, unmet: [] });
    expect(byId(ready.phases, '8')).toMatchObject({ mayStart: false });
    expect(byId(ready.phases, '8').unmet).toContainEqual(
      expect.objectContaining({ kind: 'decision-not-go', decision: 'runtime-cutover' }),
    );

    const decided = run(readyForGo(), GO_RUNTIME, A.dlo).cutover;
    const go = readiness(decided);
    expect(byId(go.phases, '8')).toMatchObject({
      mayStart: false,
      unmet: [expect.objectContaining({ kind: 'blocker-open', blocker: 'joint-go-record' })],
    });
    expect(go.next).toContainEqual({
      roles: expect.arrayContaining(['producer-incident-commander', 'consumer-incident-commander']),
      unmet: expect.objectContaining({ kind: 'blocker-open', blocker: 'joint-go-record' }),
    });
    const recorded = readiness(reportRecords(decided));
    expect(byId(recorded.phases, '8')).toMatchObject({ mayStart: true, unmet: [] });
  });

  it('names who must act next: the release owner publishes a target while none is published', () => {
    const next = readiness(seeded()).next;
    expect(next).toContainEqual({
      roles: ['producer-rollback-owner'],
      unmet: expect.objectContaining({ kind: 'target-missing' }),
    });
  });
});

describe('the cutover window is approved by a GO recorded while it stands', () => {
  it('no window set: not set, not approved, and it awaits the NO-GO decision', () => {
    expect(windowOf(seeded())).toEqual({
      set: false,
      approved: false,
      awaiting: [
        { id: 'runtime-cutover', title: 'Runtime cutover execution', status: 'no-go', before: false },
      ],
    });
  });

  it('a window set while runtime-cutover is NO-GO is only proposed', () => {
    const w = windowOf(run(seeded(), WINDOW, A.dlo).cutover);
    expect(w).toMatchObject({ set: true, approved: false, start: '2026-03-01T09:00:00.000Z' });
    expect(w.awaiting).toEqual([expect.objectContaining({ id: 'runtime-cutover', status: 'no-go' })]);
  });

  it('the GO recorded after the window was set approves it', () => {
    const c = run(run(readyForGo(), WINDOW, A.dlo, at(10)).cutover, GO_RUNTIME, A.dlo, at(20)).cutover;
    expect(windowOf(c)).toMatchObject({ set: true, approved: true, awaiting: [] });
  });

  it('a GO recorded in the same instant the window was set approves it', () => {
    const c = runAll(readyForGo(), [
      [WINDOW, A.dlo],
      [GO_RUNTIME, A.dlo],
    ]);
    expect(windowOf(c).approved).toBe(true);
  });

  it('a window set or moved after the GO is proposed, until the decision is recorded again', () => {
    const go = run(readyForGo(), GO_RUNTIME, A.dlo, T0).cutover;
    const setAfter = run(go, WINDOW, A.dlo, at(10)).cutover;
    expect(windowOf(setAfter)).toMatchObject({
      approved: false,
      awaiting: [{ id: 'runtime-cutover', status: 'go', before: true }],
    });

    const approved = runAll(
      setAfter,
      [
        [NO_GO, A.dlo],
        [GO_RUNTIME, A.dlo],
      ],
      at(20),
    );
    expect(windowOf(approved).approved).toBe(true);

    const moved = run(approved, MOVED, A.dlo, at(30)).cutover;
    expect(windowOf(moved)).toMatchObject({ set: true, approved: false, start: '2026-03-02T09:00:00.000Z' });
  });

  it('runtime-cutover turned back to NO-GO leaves the window proposed', () => {
    const approved = run(run(readyForGo(), WINDOW, A.dlo, at(10)).cutover, GO_RUNTIME, A.dlo, at(20)).cutover;
    const back = run(approved, NO_GO, A.dlo, at(30)).cutover;
    expect(windowOf(back)).toMatchObject({
      approved: false,
      awaiting: [{ id: 'runtime-cutover', status: 'no-go', before: false }],
    });
  });

  it('a GO shipped in the program file, with no record of when it was given, covers no window', () => {
    const c = run(seeded(), WINDOW, A.dlo).cutover;
    const d = byId(c.decisions, 'runtime-cutover');
    d.status = 'go';
    delete d.at;
    expect(windowOf(c)).toMatchObject({
      approved: false,
      awaiting: [{ id: 'runtime-cutover', before: true }],
    });
  });

  it('with no decision that has GO requirements, a set window is approved', () => {
    const c = shipped();
    for (const d of c.decisions) delete d.goRequires;
    expect(windowOf(c)).toEqual({ set: false, approved: false, awaiting: [] });
    const set = run(c, WINDOW, A.admin).cutover;
    expect(windowOf(set)).toMatchObject({ set: true, approved: true, awaiting: [] });
  });
});
