/**
 * Issue 9: every approval and result binds to exactly what its giver saw. Gate results are per commit, forms
 * carry the target they showed, approval names its target, and a restatement is no change. Each `it` is named
 * as the rule reads; refusals go through `refuse`, which checks that nothing was written.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BOT, execute } from '../../src/core/commands.js';
import {
  approvedTarget,
  countingResult,
  currentEvidence,
  currentTarget,
  gateState,
  signoffFor,
} from '../../src/core/readiness.js';
import { type Actor, type CommandInput, Cutover, migrateLegacyGates } from '../../src/core/schema.js';
import {
  A,
  approveTarget,
  at,
  byId,
  EVIDENCE_URL,
  GO_RUNTIME,
  greenGates,
  LABEL1,
  LABEL2,
  logAllEvidence,
  mayDecideGo,
  programJson,
  refuse,
  run,
  runAll,
  SHA1,
  SHA2,
  seeded,
  sha,
  signBothGo,
  T0,
  TAG1,
  TAG2,
} from './fixtures.js';

const short = (s: string) => s.slice(0, 12);
const MANUAL_GATES = ['producer-suite', 'consumer-suite', 'alignment'] as const;
const status = (c: Cutover, gate: string) => gateState(c, byId(c.gates, gate)).status;

/** The road: gates green on the old commit, then a new target approved, evidence and GO on it. */
function movedAfterGates(): Cutover {
  const old = greenGates(approveTarget(seeded()));
  const moved = runAll(old, [
    [{ type: 'target.publish', tag: TAG2, sha: SHA2 }, A.pro],
    [{ type: 'target.approve', target: TAG2 }, A.cro],
  ]);
  return signBothGo(logAllEvidence(moved));
}

describe('gate results are per commit', () => {
  it('a green gate on the old commit does not count for the new target', () => {
    const c = movedAfterGates();
    for (const g of MANUAL_GATES) expect(status(c, g)).toBe('pending');
    const e = refuse(c, GO_RUNTIME, A.dlo);
    expect(e.code).toBe('refused');
    for (const g of MANUAL_GATES)
      expect(e.unmet).toContainEqual(
        expect.stringMatching(new RegExp(`^gate ${g} has no result for ${LABEL2}`)),
      );
  });

  it('the earlier result stays visible as stale, never counted', () => {
    const c = movedAfterGates();
    const view = gateState(c, byId(c.gates, 'producer-suite'));
    expect(view).toMatchObject({
      status: 'pending',
      stale: true,
      latest: { sha: SHA1, tag: TAG1, status: 'green' },
    });
    expect(view.result).toBeUndefined();
  });

  it('a result set on the new target counts, and GO may then follow', () => {
    const c = greenGates(movedAfterGates());
    for (const g of MANUAL_GATES) expect(status(c, g)).toBe('green');
    expect(run(c, GO_RUNTIME, A.dlo).cutover.decisions.find((d) => d.id === 'runtime-cutover')?.status).toBe(
      'go',
    );
  });

  it('a new target turns every per-commit gate pending for it, told as a gate change with the target', () => {
    const c = greenGates(approveTarget(seeded()));
    const out = run(c, { type: 'target.publish', tag: TAG2, sha: SHA2 }, A.pro);
    expect(out.events).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          type: 'gate.changed',
          gate: 'alignment',
          before: 'green',
          after: 'pending',
          derived: false,
          target: { tag: TAG2, sha: SHA2 },
        }),
      ]),
    );
    // Said by the bot: the gate has no result for the new target yet.
    expect(out.history).toContainEqual(
      expect.objectContaining({
        by: BOT,
        event: expect.objectContaining({
          type: 'gate.changed',
          gate: 'alignment',
          target: { tag: TAG2, sha: SHA2 },
        }),
      }),
    );
  });

  it('a result reported for a commit that is not the current target is stored but does not count', () => {
    const c = approveTarget(seeded());
    const out = run(c, { type: 'gate.set', gate: 'producer-suite', status: 'green', sha: SHA2 }, A.ci);
    expect(out.message).toBe(
      `Gate producer-suite: green recorded for commit ${short(SHA2)}, but the current target is ${LABEL1}, so it does not count.`,
    );
    expect(out.events).toMatchObject([]);
    expect(status(out.cutover, 'producer-suite')).toBe('pending');
    expect(byId(out.cutover.gates, 'producer-suite').results).toEqual([
      { sha: SHA2, status: 'green', by: 'CI: GitHub Actions', at: T0.toISOString() },
    ]);
  });

  it('a result reported for a commit before it is published counts once that commit is the target', () => {
    const c = approveTarget(seeded());
    const early = run(
      c,
      { type: 'gate.set', gate: 'producer-suite', status: 'green', sha: SHA2 },
      A.ci,
    ).cutover;
    const moved = run(early, { type: 'target.publish', tag: TAG2, sha: SHA2 }, A.pro).cutover;
    expect(status(moved, 'producer-suite')).toBe('green');
  });

  it('a red result on another commit never voids the sign-offs on the target', () => {
    const c = signBothGo(approveTarget(seeded()));
    const out = run(c, { type: 'gate.set', gate: 'producer-suite', status: 'red', sha: SHA2 }, A.ci);
    expect(out.cutover.signoffs.every((s) => !s.voided)).toBe(true);
  });

  it('a gate not tied to the commit keeps its result across targets', () => {
    const program = programJson();
    program.gates = program.gates.map((g) => (g.id === 'alignment' ? { ...g, perTarget: false } : g));
    let c = Cutover.parse(program);
    c = runAll(c, [
      [{ type: 'role.assign', role: 'decision-log-owner', user: 'UDLO00001' }, A.admin],
      [{ type: 'role.assign', role: 'producer-rollback-owner', user: 'UPRO00001' }, A.admin],
      [{ type: 'gate.set', gate: 'alignment', status: 'green' }, A.dlo],
      [{ type: 'target.publish', tag: TAG1, sha: SHA1 }, A.pro],
      [{ type: 'target.publish', tag: TAG2, sha: SHA2 }, A.pro],
    ]);
    expect(gateState(c, byId(c.gates, 'alignment'))).toMatchObject({ status: 'green', stale: false });
    expect(byId(c.gates, 'alignment').results).toHaveLength(1);
  });

  it('a per-commit gate cannot be set by hand before any target is published', () => {
    const e = refuse(seeded(), { type: 'gate.set', gate: 'alignment', status: 'green' }, A.dlo);
    expect(e.message).toMatch(/^Gate alignment verifies a commit, and no release target is published yet/);
  });

  it('a gate keeps the latest result per commit, for the newest commits only', () => {
    let c = approveTarget(seeded());
    for (let i = 0; i < 25; i++)
      c = run(c, { type: 'gate.set', gate: 'alignment', status: 'green', sha: sha(`c${i}`) }, A.ci).cutover;
    c = run(c, { type: 'gate.set', gate: 'alignment', status: 'red', sha: sha('c24') }, A.ci).cutover;
    const results = byId(c.gates, 'alignment').results;
    expect(results).toHaveLength(20);
    expect(results.at(-1)).toMatchObject({ sha: sha('c24'), status: 'red' });
    expect(results.filter((r) => r.sha === sha('c24'))).toHaveLength(1);
  });
});

describe('a form binds to what it showed', () => {
  const published2 = () =>
    runAll(approveTarget(seeded()), [
      [{ type: 'target.publish', tag: TAG2, sha: SHA2 }, A.pro],
      [{ type: 'target.approve', target: TAG2 }, A.cro],
    ]);

  it('a form shown for one target cannot sign another', () => {
    const e = refuse(
      published2(),
      { type: 'signoff', side: 'producer', decision: 'go', seen: { tag: TAG1, sha: SHA1 } },
      A.pic,
    );
    expect(e.code).toBe('stale');
    expect(e.field).toBe('target');
    expect(e.message).toContain(`you were shown ${LABEL1}, and it is now ${LABEL2}`);
  });

  it('a form that showed the target in force signs it', () => {
    const c = published2();
    const out = run(
      c,
      { type: 'signoff', side: 'producer', decision: 'go', seen: { tag: TAG2, sha: SHA2 } },
      A.pic,
    );
    expect(signoffFor(out.cutover, 'producer')?.target).toEqual({ tag: TAG2, sha: SHA2 });
  });

  it('a sign-off form that showed no target cannot sign once one exists', () => {
    const c = approveTarget(seeded());
    const e = refuse(
      c,
      { type: 'signoff', side: 'consumer', decision: 'no-go', rationale: 'not yet', seen: null },
      A.cic,
    );
    expect(e.code).toBe('stale');
    expect(e.message).toContain(`you were shown no release target, and it is now ${LABEL1}`);
  });

  it('a gate form shown for one target cannot record a result for another', () => {
    const e = refuse(
      published2(),
      { type: 'gate.set', gate: 'alignment', status: 'green', seen: { tag: TAG1, sha: SHA1 } },
      A.dlo,
    );
    expect(e).toMatchObject({ code: 'stale', field: 'target' });
  });

  it('evidence for another commit than the current target is refused as stale', () => {
    const e = refuse(
      approveTarget(seeded()),
      { type: 'evidence.log', evidence: 'producer-handoff', url: EVIDENCE_URL('ph'), sha: SHA2 },
      A.ci,
    );
    expect(e).toMatchObject({ code: 'stale', field: 'sha' });
  });
});

describe('approval names its target', () => {
  const twoPublished = () =>
    runAll(seeded(), [
      [{ type: 'target.publish', tag: TAG1, sha: SHA1 }, A.pro],
      [{ type: 'target.publish', tag: TAG2, sha: SHA2 }, A.pro],
    ]);

  it('approving a target that was superseded is refused, naming both', () => {
    const e = refuse(twoPublished(), { type: 'target.approve', target: TAG1 }, A.cro);
    expect(e.message).toBe(
      `You named ${LABEL1}, which is no longer the current target; the target waiting for approval is ${LABEL2}. Review it, then approve it by name: /cutover target approve ${TAG2}.`,
    );
  });

  it('approving a name that is no target is refused, naming the one waiting', () => {
    const e = refuse(twoPublished(), { type: 'target.approve', target: 'service.v9' }, A.cro);
    expect(e.message).toContain(
      `"service.v9", which is no target; the target waiting for approval is ${LABEL2}`,
    );
  });

  it('the full SHA or a unique prefix of 7 or more hex characters names the target too', () => {
    for (const name of [SHA2, SHA2.slice(0, 7), SHA2.slice(0, 7).toUpperCase()])
      expect(
        approvedTarget(run(twoPublished(), { type: 'target.approve', target: name }, A.cro).cutover)?.sha,
      ).toBe(SHA2);
  });

  it('a prefix shorter than 7 characters names no target', () => {
    expect(refuse(twoPublished(), { type: 'target.approve', target: SHA2.slice(0, 6) }, A.cro).code).toBe(
      'refused',
    );
  });

  it('approve is a reserved word, never a tag', () => {
    const e = refuse(seeded(), { type: 'target.publish', tag: 'approve', sha: SHA1 }, A.pro);
    expect(e).toMatchObject({ code: 'invalid', field: 'tag' });
    expect(currentTarget(seeded())).toBeUndefined();
  });
});

describe('no-op changes are not changes', () => {
  it('restating a gate as it stands for the same commit is unchanged', () => {
    const c = greenGates(approveTarget(seeded()));
    const e = refuse(c, { type: 'gate.set', gate: 'alignment', status: 'green' }, A.dlo);
    expect(e).toEqual({ code: 'unchanged', message: `Gate alignment is already green for ${LABEL1}.` });
  });

  it('the same result with a new run link updates the link quietly: history, no event', () => {
    const c = greenGates(approveTarget(seeded()));
    const out = run(
      c,
      { type: 'gate.set', gate: 'alignment', status: 'green', runUrl: 'https://ci.example.com/r/2' },
      A.dlo,
    );
    expect(out.events).toMatchObject([]);
    expect(out.history).toHaveLength(1);
    expect(gateState(out.cutover, byId(out.cutover.gates, 'alignment')).result?.runUrl).toBe(
      'https://ci.example.com/r/2',
    );
  });

  it('restating NO-GO with the same rationale is unchanged', () => {
    const c = run(
      seeded(),
      { type: 'decide', decision: 'runtime-cutover', status: 'no-go', rationale: 'waiting' },
      A.dlo,
    ).cutover;
    const e = refuse(
      c,
      { type: 'decide', decision: 'runtime-cutover', status: 'no-go', rationale: 'waiting' },
      A.dlo,
    );
    expect(e.code).toBe('unchanged');
  });

  it('NO-GO restated with a new rationale updates the rationale in history, with no decision change told', () => {
    const out = run(
      seeded(),
      { type: 'decide', decision: 'runtime-cutover', status: 'no-go', rationale: 'vendor still missing' },
      A.dlo,
    );
    expect(out.events).toMatchObject([]);
    expect(out.history).toEqual([
      expect.objectContaining({
        event: expect.objectContaining({
          before: 'no-go',
          after: 'no-go',
          rationale: 'vendor still missing',
        }),
      }),
    ]);
  });

  it('restating the window as it stands is unchanged', () => {
    const w = { type: 'window', start: '2026-03-01T09:00:00Z', end: '2026-03-01T11:00:00Z' } as const;
    const c = run(seeded(), w, A.dlo).cutover;
    expect(refuse(c, w, A.dlo).code).toBe('unchanged');
  });
});

describe('a store written before results were per commit', () => {
  it('a gate stored with a status is kept, bound to the target that was current when it was set', () => {
    const c = approveTarget(seeded(), TAG1, SHA1, at(0));
    const legacy = structuredClone(c) as unknown as Record<string, unknown> & {
      gates: Record<string, unknown>[];
    };
    legacy.gates = legacy.gates.map((g) => {
      const { results: _r, perTarget: _p, ...rest } = g;
      return g.id === 'alignment'
        ? {
            ...rest,
            status: 'green',
            runUrl: 'https://ci.example.com/a',
            updated: { by: 'UDLO00001', at: at(5).toISOString() },
          }
        : g.derived
          ? rest
          : { ...rest, status: 'pending' };
    });
    const migrated = Cutover.parse(legacy);
    expect(byId(migrated.gates, 'alignment').results).toEqual([
      {
        sha: SHA1,
        tag: TAG1,
        status: 'green',
        runUrl: 'https://ci.example.com/a',
        by: 'UDLO00001',
        at: at(5).toISOString(),
      },
    ]);
    expect(status(migrated, 'alignment')).toBe('green');
    expect(byId(migrated.gates, 'producer-suite').results).toEqual([]);
  });

  it('a status set when no target was current is kept as stale, never counted', () => {
    const legacy = structuredClone(seeded()) as unknown as { gates: Record<string, unknown>[] };
    legacy.gates = legacy.gates.map((g) => {
      const { results: _r, perTarget: _p, ...rest } = g;
      return g.id === 'alignment'
        ? { ...rest, status: 'green', updated: { by: 'UDLO00001', at: T0.toISOString() } }
        : rest;
    });
    const migrated = approveTarget(Cutover.parse(migrateLegacyGates(legacy)), TAG1, SHA1, at(1));
    expect(gateState(migrated, byId(migrated.gates, 'alignment'))).toMatchObject({
      status: 'pending',
      stale: true,
      latest: { sha: null, status: 'green' },
    });
  });
});

describe('property: a GO names the current approved SHA everywhere', () => {
  const TARGETS = [
    { tag: 'service.v3.1.0', sha: sha('p1') },
    { tag: 'service.v3.1.1', sha: sha('p2') },
    { tag: 'service.v3.1.2', sha: sha('p3') },
  ];
  const ev = ['producer-handoff', 'consumer-repin', 'producer-rollback', 'consumer-rollback'];
  const evActor: Record<string, Actor> = {
    'producer-handoff': A.pro,
    'consumer-repin': A.cro,
    'producer-rollback': A.pic,
    'consumer-rollback': A.cic,
  };
  const gateActor: Record<string, Actor> = {
    'producer-suite': A.pic,
    'consumer-suite': A.cic,
    alignment: A.dlo,
  };
  const target = fc.constantFrom(...TARGETS);
  const step: fc.Arbitrary<[CommandInput, Actor]> = fc.oneof(
    target.map((t) => [{ type: 'target.publish', tag: t.tag, sha: t.sha }, A.pro] as [CommandInput, Actor]),
    target.map((t) => [{ type: 'target.approve', target: t.tag }, A.cro] as [CommandInput, Actor]),
    fc
      .tuple(
        fc.constantFrom(...MANUAL_GATES),
        fc.option(target, { nil: undefined }),
        fc.constantFrom('green', 'red'),
      )
      .map(
        ([g, t, s]) =>
          [
            { type: 'gate.set', gate: g, status: s, ...(t ? { sha: t.sha } : {}) },
            t ? A.ci : (gateActor[g] ?? A.dlo),
          ] as [CommandInput, Actor],
      ),
    fc
      .constantFrom(...ev)
      .map(
        (e) =>
          [{ type: 'evidence.log', evidence: e, url: EVIDENCE_URL(e) }, evActor[e] ?? A.pro] as [
            CommandInput,
            Actor,
          ],
      ),
    fc
      .tuple(fc.constantFrom('producer', 'consumer'), fc.option(target, { nil: undefined }))
      .map(
        ([side, seen]) =>
          [
            { type: 'signoff', side, decision: 'go', ...(seen ? { seen } : {}) },
            side === 'producer' ? A.pic : A.cic,
          ] as [CommandInput, Actor],
      ),
    fc.constant([GO_RUNTIME, A.dlo] as [CommandInput, Actor]),
  );

  /** The clean road to GO for one target, as the steps above make it. */
  const road = (t: { tag: string; sha: string }): [CommandInput, Actor][] => [
    [{ type: 'target.publish', tag: t.tag, sha: t.sha }, A.pro],
    [{ type: 'target.approve', target: t.tag }, A.cro],
    ...MANUAL_GATES.map(
      (g) => [{ type: 'gate.set', gate: g, status: 'green' }, gateActor[g] ?? A.dlo] as [CommandInput, Actor],
    ),
    ...ev.map(
      (e) =>
        [{ type: 'evidence.log', evidence: e, url: EVIDENCE_URL(e) }, evActor[e] ?? A.pro] as [
          CommandInput,
          Actor,
        ],
    ),
    [{ type: 'signoff', side: 'producer', decision: 'go' }, A.pic],
    [{ type: 'signoff', side: 'consumer', decision: 'go' }, A.cic],
    [GO_RUNTIME, A.dlo],
  ];
  /** The road with random steps (other targets, results on other commits, stale forms) put in anywhere. */
  const interleaving = fc
    .tuple(target, fc.array(fc.tuple(fc.nat(12), step), { maxLength: 8 }), fc.array(step, { maxLength: 6 }))
    .map(([t, noise, tail]) => {
      const steps = road(t);
      for (const [at, s] of noise) steps.splice(Math.min(at, steps.length), 0, s);
      return [...steps, ...tail];
    });

  it('for any interleaving, a GO decision stands only if gates, evidence and both GO sign-offs name the approved SHA', () => {
    let reachedGo = 0;
    fc.assert(
      fc.property(interleaving, (steps) => {
        let c = seeded();
        let went = false;
        for (const [cmd, actor] of steps) {
          const out = execute(c, cmd, actor, T0);
          if (out.ok) c = out.cutover;
          const d = c.decisions.find((x) => x.id === 'runtime-cutover');
          if (d?.status !== 'go') continue;
          went = true;
          const approved = approvedTarget(c);
          expect(approved).toBeDefined();
          const shaNow = approved?.sha;
          for (const g of MANUAL_GATES) {
            const r = countingResult(byId(c.gates, g), approved);
            expect(r?.sha).toBe(shaNow);
            expect(r?.status).toBe('green');
          }
          for (const id of ev) expect(currentEvidence(c, byId(c.evidence, id))?.target.sha).toBe(shaNow);
          for (const side of ['producer', 'consumer']) {
            const s = signoffFor(c, side);
            expect(s?.decision).toBe('go');
            expect(s?.target?.sha).toBe(shaNow);
          }
          expect(mayDecideGo(c, 'runtime-cutover').ok).toBe(true);
        }
        if (went) reachedGo++;
      }),
      { numRuns: 300 },
    );
    // The property is not vacuous: many interleavings do reach GO.
    expect(reachedGo).toBeGreaterThan(20);
  });

  it('the road to GO is reachable by those steps (so the property is not vacuous)', () => {
    const t = TARGETS[0] ?? { tag: 'x', sha: SHA1 };
    let c = runAll(seeded(), [
      [{ type: 'target.publish', tag: t.tag, sha: t.sha }, A.pro],
      [{ type: 'target.approve', target: t.tag }, A.cro],
    ]);
    c = signBothGo(logAllEvidence(greenGates(c)));
    expect(run(c, GO_RUNTIME, A.dlo).ok).toBe(true);
  });
});
