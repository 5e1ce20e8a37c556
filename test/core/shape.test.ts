/**
 * Shaping a running program (issue 12): gates, evidence and manual blockers added, renamed and removed, roles
 * retitled, reminders changed, by the decision log owner or an admin; the program validated after every change;
 * archiving; a new program from a template's structure. Each `it` is named as the rule reads.
 */
import { describe, expect, it } from 'vitest';
import { newProgram, structureOf } from '../../src/core/program.js';
import { gateState, signoffFor } from '../../src/core/readiness.js';
import {
  A,
  approveTarget,
  byId,
  decidedGo,
  mayDecideGo,
  readyForGo,
  recordedGo,
  refuse,
  run,
  runAll,
  seeded,
  signBothGo,
  T0,
  U,
} from './fixtures.js';

describe('shaping the program from Slack', () => {
  it('the decision log owner adds a gate; it is pending, and GO waits for it', () => {
    const c = readyForGo();
    const out = run(
      c,
      { type: 'gate.add', gate: 'perf', title: 'Perf suite green', owner: 'producer-incident-commander' },
      A.dlo,
    );
    expect(gateState(out.cutover, byId(out.cutover.gates, 'perf')).status).toBe('pending');
    expect(out.events).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          type: 'program.shaped',
          what: 'gate',
          item: 'perf',
          change: 'added',
          title: 'Perf suite green',
        }),
      ]),
    );
    expect(mayDecideGo(out.cutover, 'runtime-cutover').unmet).toContainEqual(
      expect.stringMatching(/^gate perf is pending/),
    );
  });

  it('a sign-off bound to a gate set that changed is voided, and says why', () => {
    const c = signBothGo(approveTarget(seeded()));
    const out = run(
      c,
      { type: 'gate.add', gate: 'perf', title: 'Perf', owner: 'producer-incident-commander' },
      A.dlo,
    );
    expect(signoffFor(out.cutover, 'producer')).toBeUndefined();
    expect(
      out.cutover.signoffs.every((s) => s.voided?.reason === 'the gate set changed: gate perf added'),
    ).toBe(true);
    const removed = run(signBothGo(out.cutover), { type: 'gate.remove', gate: 'perf' }, A.dlo);
    expect(removed.events).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          type: 'signoff.voided',
          side: 'producer',
          reason: 'the gate set changed: gate perf removed',
        }),
      ]),
    );
  });

  it('a GO whose gate set grows falls back to NO-GO', () => {
    const out = run(
      decidedGo(),
      { type: 'gate.add', gate: 'perf', title: 'Perf', owner: 'producer-incident-commander' },
      A.dlo,
    );
    expect(byId(out.cutover.decisions, 'runtime-cutover').status).toBe('no-go');
  });

  it('only the decision log owner or an admin shapes the program', () => {
    const e = refuse(
      seeded(),
      { type: 'gate.add', gate: 'perf', title: 'Perf', owner: 'producer-incident-commander' },
      A.pic,
    );
    expect(e.code).toBe('forbidden');
    expect(e.message).toMatch(
      /^Only decision-log-owner \(<@UDLO00001>\) or an admin may change the shape of this program\./,
    );
    const byAdmin = run(
      seeded(),
      { type: 'role.retitle', role: 'decision-log-owner', title: 'Cutover lead' },
      A.admin,
    );
    expect(byAdmin.history[0]).toMatchObject({
      asAdmin: true,
      event: {
        type: 'program.shaped',
        what: 'role',
        title: 'Cutover lead',
        was: 'Integration Program Owner',
      },
    });
  });

  it('an id already taken, an unknown owner or side is refused, naming the field', () => {
    expect(
      refuse(
        seeded(),
        { type: 'gate.add', gate: 'alignment', title: 'x', owner: 'decision-log-owner' },
        A.dlo,
      ),
    ).toMatchObject({ code: 'invalid', field: 'gate' });
    expect(
      refuse(seeded(), { type: 'gate.add', gate: 'perf', title: 'x', owner: 'nobody' }, A.dlo),
    ).toMatchObject({ code: 'invalid', field: 'owner' });
    expect(
      refuse(seeded(), { type: 'evidence.add', evidence: 'soak', title: 'x', side: 'nowhere' }, A.dlo),
    ).toMatchObject({ code: 'invalid', field: 'side' });
  });

  it('derived items keep their conditions: they are neither removed nor renamed from Slack', () => {
    expect(refuse(seeded(), { type: 'gate.remove', gate: 'bilateral-signoff' }, A.dlo).code).toBe('refused');
    expect(refuse(seeded(), { type: 'blocker.remove', blocker: 'release-target' }, A.dlo).code).toBe(
      'refused',
    );
    expect(
      refuse(seeded(), { type: 'blocker.rename', blocker: 'release-target', title: 'x' }, A.dlo).code,
    ).toBe('refused');
  });

  it('evidence a derived condition names cannot be removed; other evidence can, with its entries', () => {
    const e = refuse(seeded(), { type: 'evidence.remove', evidence: 'producer-handoff' }, A.dlo);
    expect(e.message).toMatch(/^Evidence producer-handoff is a condition of blocker evidence-bundle/);
    let c = run(
      seeded(),
      { type: 'evidence.add', evidence: 'soak', title: 'Soak test', side: 'producer' },
      A.dlo,
    ).cutover;
    c = approveTarget(c);
    c = run(
      c,
      { type: 'evidence.log', evidence: 'soak', url: 'https://ci.example.com/soak/1' },
      A.pro,
    ).cutover;
    const out = run(c, { type: 'evidence.remove', evidence: 'soak' }, A.dlo);
    expect(out.cutover.evidence.some((x) => x.id === 'soak')).toBe(false);
  });

  it('a manual blocker is renamed and removed; removing it may let the phase start', () => {
    let c = run(
      seeded(),
      { type: 'blocker.add', owner: 'consumer-incident-commander', title: 'Vendor contract' },
      A.dlo,
    ).cutover;
    c = run(
      c,
      { type: 'blocker.rename', blocker: 'vendor-contract', title: 'Vendor contract signed' },
      A.dlo,
    ).cutover;
    expect(byId(c.blockers, 'vendor-contract').title).toBe('Vendor contract signed');
    expect(
      refuse(
        c,
        { type: 'blocker.rename', blocker: 'vendor-contract', title: 'Vendor contract signed' },
        A.dlo,
      ).code,
    ).toBe('unchanged');
    const out = run(c, { type: 'blocker.remove', blocker: 'vendor-contract' }, A.dlo);
    expect(out.cutover.blockers.some((b) => b.id === 'vendor-contract')).toBe(false);
    expect(out.history[0]).toMatchObject({
      event: { type: 'program.shaped', what: 'blocker', item: 'vendor-contract', change: 'removed' },
    });
  });

  it('the reminders change field by field; quiet hours can be cleared; the same values are unchanged', () => {
    let c = run(
      seeded(),
      { type: 'reminders.set', reminders: { digestHour: 8, quietHours: { from: 22, to: 7 } } },
      A.dlo,
    ).cutover;
    expect(c.reminders).toMatchObject({
      digestHour: 8,
      quietHours: { from: 22, to: 7 },
      signoffAfterHours: 24,
    });
    c = run(c, { type: 'reminders.set', reminders: { quietHours: null } }, A.dlo).cutover;
    expect(c.reminders.quietHours).toBeUndefined();
    expect(refuse(c, { type: 'reminders.set', reminders: { digestHour: 8 } }, A.dlo).code).toBe('unchanged');
    expect(refuse(c, { type: 'reminders.set', reminders: { digestHour: 25 } }, A.dlo).code).toBe('invalid');
  });

  it('a change that would leave the program invalid is refused, and nothing is written', () => {
    // A state that no program file could give (the record's rollback evidence names an unknown id): no change
    // may be committed on top of it, since the result must be a valid program.
    const broken = seeded();
    broken.rollbackEvidence.push('ghost');
    const e = refuse(
      broken,
      { type: 'role.retitle', role: 'decision-log-owner', title: 'Cutover lead' },
      A.dlo,
    );
    expect(e.code).toBe('invalid');
    expect(e.message).toMatch(
      /would leave the program invalid \(rollbackEvidence\.\d+: unknown evidence "ghost"\)/,
    );
  });
});

describe('archiving a program', () => {
  const finished = () => {
    let c = recordedGo();
    c = runAll(c, [
      [{ type: 'phase', phase: '8', action: 'start' }, A.dlo],
      [{ type: 'phase', phase: '8', action: 'close' }, A.dlo],
    ]);
    return c;
  };

  it('a program whose last phase is closed is archived by its decision log owner, and is read-only after', () => {
    const out = run(finished(), { type: 'archive' }, A.dlo);
    expect(out.cutover.archived).toEqual({ by: U.dlo, at: T0.toISOString() });
    expect(out.events).toMatchObject([{ type: 'program.archived' }]);
    const e = refuse(
      out.cutover,
      { type: 'blocker.add', owner: 'decision-log-owner', title: 'late' },
      A.admin,
    );
    expect(e.message).toMatch(/was archived at .*: it is read-only/);
  });

  it('an unfinished program is archived only by an admin, who gives the reason', () => {
    expect(refuse(seeded(), { type: 'archive' }, A.dlo).message).toMatch(
      /is not finished: its last phase 8 is not-started/,
    );
    expect(refuse(seeded(), { type: 'archive' }, A.admin)).toMatchObject({
      code: 'invalid',
      field: 'reason',
    });
    const out = run(seeded(), { type: 'archive', reason: 'cancelled: vendor withdrew' }, A.admin);
    expect(out.cutover.archived?.reason).toBe('cancelled: vendor withdrew');
  });
});

describe('a new program from a template', () => {
  it('keeps the structure and drops the live state', () => {
    const live = readyForGo();
    const s = structureOf(live);
    expect(s.roles?.every((r) => r.assignee === null)).toBe(true);
    expect(s.gates?.every((g) => (g.results ?? []).length === 0)).toBe(true);
    expect(s.evidence?.every((e) => (e.entries ?? []).length === 0)).toBe(true);
    expect(s).not.toHaveProperty('targets');
    expect(s).not.toHaveProperty('signoffs');
    expect(s.decisions?.every((d) => d.status === 'no-go' && !d.rationale)).toBe(true);
    expect(s.phases?.every((p) => p.status === 'not-started')).toBe(true);
  });

  it('takes the id, title, release, side names and zones and role titles it is given', () => {
    const out = newProgram(seeded(), {
      id: 'service-v4',
      title: 'service.v4 runtime cutover',
      release: 'service.v4',
      sides: { producer: { name: 'MemoryKernel', zone: 'Europe/Berlin' } },
      roleTitles: { 'decision-log-owner': 'Cutover lead' },
    });
    expect(out.ok).toBe(true);
    if (!out.ok) return;
    expect(out.cutover).toMatchObject({ id: 'service-v4', release: 'service.v4', targets: [], signoffs: [] });
    expect(byId(out.cutover.sides, 'producer').zone).toBe('Europe/Berlin');
    expect(byId(out.cutover.roles, 'decision-log-owner').title).toBe('Cutover lead');
  });

  it('a bad id, an unknown side or role, or a zone that is not one is refused, naming the field', () => {
    expect(newProgram(seeded(), { id: 'Service V4', title: 't', release: 'r' })).toMatchObject({
      ok: false,
      field: 'id',
    });
    expect(
      newProgram(seeded(), { id: 'v4', title: 't', release: 'r', sides: { nowhere: { name: 'x' } } }),
    ).toMatchObject({ ok: false, field: 'sides' });
    expect(
      newProgram(seeded(), {
        id: 'v4',
        title: 't',
        release: 'r',
        sides: { producer: { zone: 'Mars/Base' } },
      }),
    ).toMatchObject({ ok: false, field: 'sides' });
    expect(
      newProgram(seeded(), { id: 'v4', title: 't', release: 'r', roleTitles: { nobody: 'x' } }),
    ).toMatchObject({ ok: false, field: 'roleTitles' });
  });
});
