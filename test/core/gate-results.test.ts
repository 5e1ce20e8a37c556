/** Whether a gate result counts (core/gate-results.ts): the answer the CI API gives, the rule readiness reads. */
import { describe, expect, it } from 'vitest';
import { gateResultCounts } from '../../src/core/gate-results.js';
import { gateState } from '../../src/core/readiness.js';
import type { Cutover } from '../../src/core/schema.js';
import { A, approveTarget, byId, run, SHA1, SHA2, seeded, TAG1 } from './fixtures.js';

const setGate = (c: Cutover, sha: string, gate = 'producer-suite') =>
  run(c, { type: 'gate.set', gate, status: 'green', sha }, A.ci).cutover;

/** The shipped program with `producer-suite` an organisational check (`"perTarget": false`). */
const organisational = (c: Cutover): Cutover => ({
  ...c,
  gates: c.gates.map((g) => (g.id === 'producer-suite' ? { ...g, perTarget: false } : g)),
});

describe('whether a gate result counts', () => {
  it("a per-commit gate's result for the current target's commit counts", () => {
    const c = setGate(approveTarget(seeded()), SHA1);
    expect(gateResultCounts(c, 'producer-suite', SHA1)).toEqual({
      counts: true,
      target: { tag: TAG1, sha: SHA1 },
    });
    expect(gateState(c, byId(c.gates, 'producer-suite')).status).toBe('green');
  });

  it("a per-commit gate's result for another commit does not count, and the gate stays pending", () => {
    const c = setGate(approveTarget(seeded()), SHA2);
    expect(gateResultCounts(c, 'producer-suite', SHA2)).toEqual({
      counts: false,
      target: { tag: TAG1, sha: SHA1 },
    });
    expect(gateState(c, byId(c.gates, 'producer-suite')).status).toBe('pending');
  });

  it('a result for a commit counts once that commit becomes the target', () => {
    const before = setGate(approveTarget(seeded()), SHA2);
    const c = run(before, { type: 'target.publish', tag: 'service.v3.0.1', sha: SHA2 }, A.pro).cutover;
    expect(gateResultCounts(c, 'producer-suite', SHA2).counts).toBe(true);
  });

  it('a gate marked perTarget: false counts its latest result, whatever commit it names', () => {
    const c = setGate(organisational(approveTarget(seeded())), SHA2);
    expect(gateResultCounts(c, 'producer-suite', SHA2).counts).toBe(true);
    expect(gateState(c, byId(c.gates, 'producer-suite')).status).toBe('green');
  });

  it('with no target published, a per-commit result counts for nothing, and no target is named', () => {
    const c = seeded();
    expect(gateResultCounts(c, 'producer-suite', SHA1)).toEqual({ counts: false, target: undefined });
  });

  it('an unknown or derived gate takes no result', () => {
    const c = approveTarget(seeded());
    expect(gateResultCounts(c, 'no-such-gate', SHA1).counts).toBe(false);
    const derived = c.gates.find((g) => g.derived);
    if (derived) expect(gateResultCounts(c, derived.id, SHA1).counts).toBe(false);
  });
});
