/**
 * The record in both repos (issue 21): the `record-in-repos` condition is met when each side has reported a commit
 * holding the decision record of the current bilateral GO; a record of an earlier GO never counts.
 */
import { describe, expect, it } from 'vitest';
import { blockerState, goFingerprint, mayDecideGo } from '../../src/core/readiness.js';
import type { Cutover } from '../../src/core/schema.js';
import { A, at, byId, decidedGo, programJson, readyForGo, refuse, run, SHA1 } from './fixtures.js';

const HASH = 'a'.repeat(64);
const COMMIT = 'b'.repeat(40);

const report = (c: Cutover, side: string, repo: string, now = at(5)) =>
  run(
    c,
    { type: 'record.report', side, repo, commit: COMMIT, contentHash: HASH, go: goFingerprint(c) ?? '' },
    A.ci,
    now,
  );

const recordBlocker = (c: Cutover) => blockerState(c, byId(c.blockers, 'joint-go-record'));

describe('the joint record blocker is derived from the reports of both repos', () => {
  it('the shipped program derives it from both GO sign-offs and both repos holding the record', () => {
    expect(programJson().blockers?.find((b) => b.id === 'joint-go-record')?.derived).toEqual([
      { kind: 'signed-go' },
      { kind: 'record-in-repos' },
    ]);
  });

  it('before the decision is GO there is no GO a record could hold, and the blocker is no requirement of that GO', () => {
    const c = readyForGo();
    expect(goFingerprint(c)).toBeUndefined();
    expect(recordBlocker(c)).toMatchObject({
      status: 'open',
      unmet: [
        expect.objectContaining({ kind: 'record-missing', side: 'producer', go: false }),
        expect.objectContaining({ kind: 'record-missing', side: 'consumer', go: false }),
      ],
    });
    expect(mayDecideGo(c, 'runtime-cutover')).toEqual({ ok: true, unmet: [] });
  });

  it('before both sides signed GO there is no GO a record could hold: the blocker says so for each side', () => {
    const c = decidedGo();
    const voided = run(
      c,
      { type: 'signoff', side: 'consumer', decision: 'no-go', rationale: 'wait' },
      A.cic,
    ).cutover;
    expect(goFingerprint(voided)).toBeUndefined();
    expect(recordBlocker(voided).unmet).toContainEqual(
      expect.objectContaining({ kind: 'record-missing', side: 'producer', go: false }),
    );
  });

  it('is open until each side has reported a commit holding the record of the current GO, then clears itself', () => {
    const c = decidedGo();
    expect(goFingerprint(c)).toContain(SHA1);
    expect(recordBlocker(c)).toMatchObject({
      status: 'open',
      unmet: [
        expect.objectContaining({ kind: 'record-missing', side: 'producer', go: true }),
        expect.objectContaining({ kind: 'record-missing', side: 'consumer', go: true }),
      ],
    });
    const one = report(c, 'producer', 'memorykernel/service').cutover;
    expect(recordBlocker(one).unmet).toEqual([
      expect.objectContaining({ kind: 'record-missing', side: 'consumer' }),
    ]);
    const both = report(one, 'consumer', 'assistsupport/app');
    expect(recordBlocker(both.cutover)).toEqual({ status: 'cleared', unmet: [] });
    expect(both.events).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          type: 'blocker.cleared',
          blocker: 'joint-go-record',
          derived: true,
        }),
      ]),
    );
    expect(both.history[0]).toMatchObject({
      by: 'CI: GitHub Actions',
      event: { type: 'record.reported', side: 'consumer', repo: 'assistsupport/app' },
    });
  });

  it('a record of an earlier GO does not count: a new sign-off is a new GO, and the blocker opens again', () => {
    let c = decidedGo();
    c = report(
      report(c, 'producer', 'memorykernel/service').cutover,
      'consumer',
      'assistsupport/app',
    ).cutover;
    const resigned = run(
      c,
      { type: 'signoff', side: 'producer', decision: 'go', rationale: 'again' },
      A.pic,
      at(9),
    );
    expect(recordBlocker(resigned.cutover).status).toBe('open');
    expect(recordBlocker(resigned.cutover).unmet).toHaveLength(2);
  });

  it('a report naming an earlier GO, or none, is refused as stale and writes nothing', () => {
    const c = decidedGo();
    const earlier = {
      type: 'record.report',
      side: 'producer',
      repo: 'o/r',
      commit: COMMIT,
      contentHash: HASH,
    };
    expect(refuse(c, { ...earlier, go: 'x' }, A.ci)).toMatchObject({
      code: 'stale',
      field: 'go',
      message: expect.stringContaining('earlier GO'),
    });
    expect(refuse(c, { ...earlier, repo: 'not a repo', go: goFingerprint(c) }, A.ci)).toMatchObject({
      code: 'invalid',
      field: 'repo',
    });
  });

  it('only the side (its CI, its roles) or an admin may report its record', () => {
    const c = decidedGo();
    const input = {
      type: 'record.report',
      side: 'producer',
      repo: 'o/r',
      commit: COMMIT,
      contentHash: HASH,
      go: goFingerprint(c) ?? '',
    } as const;
    expect(refuse(c, input, A.cic)).toMatchObject({ code: 'forbidden' });
    expect(run(c, input, A.pro).ok).toBe(true);
  });
});
